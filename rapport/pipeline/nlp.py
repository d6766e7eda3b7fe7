"""Build the rapport spaCy pipeline from models/config.cfg and turn Documents into Docs."""
from __future__ import annotations

import warnings
from functools import lru_cache
from importlib import resources

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from rapport.corpus import Document

from . import components  # noqa: F401  (registers the factories)
from . import extensions
from .pieces import piece_document

# Abbreviations spaCy's Swedish exceptions lack; without them "enl." splits in two.
EXTRA_ABBREVIATIONS = ["enl.", "prop.", "jmf.", "jfr.", "dnr.", "kap.", "ca.", "resp.", "fr.o.m.", "t.o.m.",
                       "kl.", "nr.", "st.", "milj.", "mnkr.", "inkl.", "exkl.", "p.g.a.", "f.d.", "m.fl.", "ang."]


def config():
    text = resources.files("rapport.models").joinpath("config.cfg").read_text(encoding="utf-8")
    return spacy.util.load_config_from_str(text)


def build_nlp(only: list[str] | None = None) -> Language:
    """A fresh pipeline; `only` keeps a subset of components (tests, partial runs)."""
    extensions.register()
    cfg = config()
    nlp = spacy.blank(cfg["nlp"]["lang"])
    for abbr in EXTRA_ABBREVIATIONS:
        for form in (abbr, abbr.capitalize()):
            nlp.tokenizer.add_special_case(form, [{"ORTH": form}])
    for name in cfg["nlp"]["pipeline"]:
        if only is not None and name not in only:
            continue
        settings = dict(cfg["components"].get(name, {}))
        factory = settings.pop("factory", name)
        if not Language.has_factory(factory):
            warnings.warn(f"models/config.cfg names {factory!r} but no such component is registered; skipped")
            continue
        nlp.add_pipe(factory, name=name, config=settings)
    return nlp


@lru_cache(maxsize=1)
def shared_nlp() -> Language:
    """The process-wide pipeline (the one allowed cache besides the embedder)."""
    return build_nlp()


def make_doc(nlp: Language, document: Document) -> Doc:
    doc = nlp.make_doc(document.text)
    doc._.document = document
    return doc


def process(nlp: Language, document: Document) -> Doc:
    return nlp(make_doc(nlp, document))


def process_piece(nlp: Language, document: Document, start: int, end: int) -> Doc:
    """The pipeline over the stretch [start, end) of `document` alone; the Doc's offsets start at 0
    (pipeline.pieces.shift_facts puts its facts back at `start`)."""
    return process(nlp, piece_document(document, start, end))
