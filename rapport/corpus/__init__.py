"""Read, clean and structure Swedish region reports; recover their tables.

A leaf package: imports nothing else of rapport and never spaCy.
"""
from .load import load_corpus, load_document
from .records import Block, BlockKind, Document, Metadata, OffsetMap, Page, ReadError, Section, Sentence

__all__ = ["load_corpus", "load_document", "Block", "BlockKind", "Document", "Metadata", "OffsetMap", "Page",
           "ReadError", "Section", "Sentence"]
