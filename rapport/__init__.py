"""rapport: Swedish NLP for the annual, interim and planning reports of Swedish regions.

The subpackages are the data flow, and imports run one way (tests/test_layers.py):
`rapport.corpus` and `rapport.models` are leaves; `rapport.pipeline` (spaCy components) and
`rapport.index` (embed, store, search) build on them; `rapport.app` (API, CLI, web) is on top.
"""
__version__ = "0.2.0"
