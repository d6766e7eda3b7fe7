"""Every custom attribute rapport puts on spaCy objects, registered in one place.

`Doc._.document` carries the corpus Document (metadata, sections, blocks,
tables) into the components; each component writes its facts to
`doc.spans[<its name>]` with the record on `Span._.fact`.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span


def register() -> None:
    """Safe to call many times (force=True replaces identical definitions)."""
    Doc.set_extension("document", default=None, force=True)
    Doc.set_extension("warnings", getter=_warnings, force=True)
    Span.set_extension("fact", default=None, force=True)


def _warnings(doc: Doc) -> list[str]:
    store = doc.user_data.setdefault("rapport_warnings", [])
    return store


register()
