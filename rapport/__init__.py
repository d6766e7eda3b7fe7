"""rapport: Swedish NLP for the annual, interim and planning reports of Swedish regions.

    >>> import rapport
    >>> c = rapport.open("rapporter/")         # files or folders; nothing is read until used
    >>> c.goal_assessments.head()               # typed pandas DataFrames, one per fact kind
    >>> c.search("sjukfrånvaro bland personalen", k=5, region="Norrbotten")

The subpackages are the data flow, and imports run one way (tests/test_layers.py):
`rapport.corpus` and `rapport.models` are leaves; `rapport.pipeline` (spaCy components) and
`rapport.index` (embed, store, search) build on them; `rapport.app` (API, CLI, web) is on top.
"""
__version__ = "0.2.0"


def open(paths=None, **kw):  # noqa: A001 - `rapport.open(...)` on purpose, as `io.open` / `gzip.open`
    """Open the reports under `paths` (files or folders; default the bundled sample corpus) as a
    lazily loaded `rapport.app.corpus.Corpus`. Keywords: manifest, index_dir, model, show_progress.

    >>> c = rapport.open(["rapporter/norrbotten_delarsrapport_2022-08.txt"])
    >>> c.risks.groupby("category", observed=True).size()
    >>> c.compare("ekonomi i balans", by="period", k=3)
    """
    from rapport.app.corpus import Corpus

    return Corpus(paths, **kw)


__all__ = ["open", "__version__"]
