"""What a report is once read: cleaned text plus stand-off structure.

The cleaned text (`Document.text`) is the one coordinate system for every
`start`/`end` in the project (Sparv's stand-off idea): sections, blocks,
sentences and tables are half-open character spans into it, and
`Document.offsets` maps any of them back to the original file.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE = "table"


class ReadError(Exception):
    """A file that cannot be read; the message names the file (escaped: one line) and the reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{printable(path)}: {printable(reason)}")
        self.path = path
        self.reason = reason


def printable(s: str) -> str:
    """`s` safe to print on one line: control and format characters (a newline, an escape
    sequence, a right-to-left override) become escapes like \\n and \\x1b, and bytes a file
    name could not decode (surrogate escapes) become \\xNN; letters, "å" included, stay."""
    if s.isprintable():
        return s
    out = []
    for ch in s:
        o = ord(ch)
        if ch.isprintable():
            out.append(ch)
        elif 0xDC80 <= o <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
            out.append(f"\\x{o - 0xDC00:02x}")
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Page:
    """A stretch [start, end) of the cleaned text known to be on printed/PDF page `number`.

    Only known stretches are pages: text between them has no page (corpus.pages)."""

    number: int
    start: int
    end: int


def page_lookup(pages: list[Page]):
    """offset -> page number or None, in O(log pages); `pages` sorted and non-overlapping."""
    starts = [p.start for p in pages]

    def page_at(offset: int) -> int | None:
        i = bisect.bisect_right(starts, offset) - 1
        return pages[i].number if i >= 0 and offset < pages[i].end else None

    return page_at


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and everything up to the next heading of the same or a higher level."""

    index: int
    heading: str
    number: str | None  # "3.2" for "3.2 Ekonomi", None for unnumbered headings
    level: int
    start: int  # start of the heading line
    end: int  # end of the section's last block
    parent: int | None

    @property
    def title(self) -> str:
        if not self.number:
            return self.heading
        return f"{self.number}{'' if '.' in self.number else '.'} {self.heading}"


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    start: int
    end: int
    section: int | None
    page: int | None


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    block: int
    section: int | None
    page: int | None
    prose: bool = True  # False: table cells the dump glued into a line (corpus.prose.glued_cells)


@dataclass(frozen=True, slots=True)
class Metadata:
    region: str | None
    kind: str | None
    period: str | None
    source: str = "inferred"  # or "manifest"


@dataclass
class Document:
    """One report: its cleaned text and the structure found in it."""

    name: str  # the file name, used as `doc` in every record
    path: str
    text: str
    offsets: "OffsetMap"
    meta: Metadata
    pages: list[Page] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    # prose sentences the layout left inside table blocks (two-column pages, commentary beside a table);
    # not in `sentences`, whose every entry lies in a paragraph, list item or heading
    table_sentences: list[Sentence] = field(default_factory=list)
    tables: list = field(default_factory=list)  # list[corpus.tables.Table]
    warnings: list[str] = field(default_factory=list)
    # a piece of a longer document (pipeline/pieces.py): the sentences just before and after it, so the
    # piece's first and last sentence keep the neighbours they have in the whole text
    around: tuple[str | None, str | None] = (None, None)

    @property
    def region(self) -> str | None:
        return self.meta.region

    def span_text(self, start: int, end: int) -> str:
        return self.text[start:end]

    def page_at(self, offset: int) -> int | None:
        """The page `offset` is on, or None where the text holds no evidence of it."""
        i = bisect.bisect_right(self.pages, offset, key=lambda p: p.start) - 1
        return self.pages[i].number if i >= 0 and offset < self.pages[i].end else None

    def section_at(self, offset: int) -> Section | None:
        """The innermost section whose span holds `offset`."""
        best = None
        for s in self.sections:
            if s.start <= offset < s.end and (best is None or s.start >= best.start):
                best = s
        return best

    def section_path(self, index: int | None) -> str | None:
        """"1.1 Sammanfattning – Verksamheten": the heading with its ancestors."""
        if index is None:
            return None
        parts = []
        while index is not None:
            s = self.sections[index]
            parts.append(s.title)
            index = s.parent
        return " – ".join(reversed(parts))

    def blocks_of(self, kind: BlockKind) -> list[Block]:
        return [b for b in self.blocks if b.kind == kind]

    def sentences_in(self, start: int, end: int) -> list[Sentence]:
        return [s for s in self.sentences if s.start >= start and s.end <= end]


class OffsetMap:
    """Maps each offset of the cleaned text to an offset of the original text.

    Kept as one integer per cleaned character (plus the end), so two cleaning
    stages compose by indexing one array with the other. A 200-page report is
    ~500k characters: a few MB, never worth a cleverer structure.
    """

    __slots__ = ("raw_of",)

    def __init__(self, raw_of: np.ndarray):
        self.raw_of = np.asarray(raw_of, dtype=np.int64)

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        return cls(np.arange(length + 1, dtype=np.int64))

    def to_raw(self, offset: int) -> int:
        return int(self.raw_of[min(max(offset, 0), len(self.raw_of) - 1)])

    def then(self, later: "OffsetMap") -> "OffsetMap":
        """`later` maps a newer text onto this one's; the result maps it onto the raw text."""
        return OffsetMap(self.raw_of[later.raw_of])

    def __len__(self) -> int:
        return len(self.raw_of) - 1
