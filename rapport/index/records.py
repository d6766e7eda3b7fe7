"""Records of the index layer: a passage (what is indexed and returned) and the result columns."""
from __future__ import annotations

from dataclasses import asdict, dataclass

MAX_PASSAGE_CHARS = 600

# Result columns in contract order (../shared/docs/contract.md, "Search results").
RESULT_COLUMNS = ["rank", "score", "doc", "region", "period", "kind", "section", "page", "text", "start", "end"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Passage:
    """One to three sentences of one section (or rows of one table), cited by offsets.

    `text` is verbatim `Document.text[start:end]`; `search_text` is what the
    retrievers see: the section path (and table title) in front of the text, so
    a passage that says "minskar" under "Sjukfrånvaro" can be found by topic.
    """

    doc: str
    region: str | None
    kind: str | None
    period: str | None
    section: str | None
    page: int | None
    start: int
    end: int
    text: str
    source: str  # "text" or "table"
    search_text: str

    def __post_init__(self):
        if not 0 <= self.start < self.end:
            raise ValueError(f"{self.doc}: passage offsets {self.start}..{self.end} are not a half-open span")
        if len(self.text) > MAX_PASSAGE_CHARS:
            raise ValueError(f"{self.doc}: passage at {self.start} has {len(self.text)} > {MAX_PASSAGE_CHARS} chars")

    def to_dict(self) -> dict:
        return asdict(self)
