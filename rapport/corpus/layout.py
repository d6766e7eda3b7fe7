"""Find headings, paragraphs, list items and table blocks in cleaned text.

Works on lines because that is what PDF dumps preserve. Headings are judged
by their shape (numbering, length, no final stop) and by their neighbours
(the next line starts a sentence); tables come from corpus.tables and are
never read as prose.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .prose import glued_cells, prose_line, reads_as_prose
from .records import Block, BlockKind, Section, Sentence
from .sentences import MAX_CHARS as MAX_SENTENCE, split_sentences

_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-ZÅÄÖ].*)$")
_BULLET = re.compile(r"^\s*(?:[•●▪◦■\-–*]|\d{1,2}[).]|[a-z][).])\s+")
_CONTINUES = {"och", "att", "av", "för", "som", "i", "med", "till", "på", "om", "en", "ett", "den", "det",
              "de", "inom", "samt", "eller", "från", "vid", "under", "mot", "är", "har", "ska", "kan"}
_COLUMN_GAP = re.compile(r"\S(?: {2,}|\t)\S")
_CODE = re.compile(r"[A-ZÅÄÖ]{2,5}")
_FOOTNOTE = re.compile(r"^(\d{1,2})\.?\s+\S+(?:\s+\S+){3,}")
_TABLE_ROW = re.compile(r"^\S.*?(?:\s+[-−–+]?\(?\d[\d ,.]*\)?\s*%?){2,}\s*$")


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


def lines_of(text: str) -> list[Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def heading_shape(s: str) -> tuple[str | None, str] | None:
    """(number, heading text) when a line looks like a heading, else None."""
    s = s.strip()
    if not 2 <= len(s) <= 90 or s.endswith((",", ";", "-")):
        return None
    m = _NUMBERED.match(s)
    if m:
        number, head = m.group(1), m.group(2).strip()
        if len(re.findall(r"\d", head)) > 4 or len(head.split()) > 12 or head.endswith((":",)):
            return None
        if head.endswith(".") and len(head.split()) > 6:
            return None  # a numbered sentence, not a heading
        return number, head.rstrip(".").strip()
    words = s.split()
    if not s[0].isupper() or len(words) > 10 or _BULLET.match(s):
        return None
    if _COLUMN_GAP.search(s):
        return None  # "Styrmått  Mål 2019  Måluppfyllelse": a table's header row
    if len(words) <= 2 and _CODE.fullmatch(words[0]):
        return None  # "RS Öka", "RUN": a goal table's owner/direction cells
    if words[-1].lower() in _CONTINUES or len(re.findall(r"\d", s)) > 4:
        return None
    if s.endswith((".", "!", "?", ":")):
        return None
    return None, s


def build(text: str, table_spans: list[tuple[int, int]], page_at,
          row_spans: list[tuple[int, int]] = ()) -> tuple[list[Section], list[Block], list[Sentence]]:
    """`row_spans` are the recovered table rows: always table, however wordy their labels."""
    lines = lines_of(text)
    in_table = _mark_tables(lines, table_spans, sorted(row_spans))
    heads = _find_headings(lines, in_table)
    sections = _sections(lines, heads, len(text))
    blocks = _blocks(lines, in_table, heads, table_spans, sections, page_at)
    sentences = []
    for bi, b in enumerate(blocks):
        if b.kind == BlockKind.TABLE:
            continue
        spans = [(b.start, b.end)] if b.kind == BlockKind.HEADING else [
            (b.start + s, b.start + e) for s, e in split_sentences(text[b.start:b.end])]
        listed = b.kind == BlockKind.LIST_ITEM
        sentences += [Sentence(s, e, bi, b.section, page_at(s),
                               b.kind == BlockKind.HEADING or not glued_cells(text[s:e], False, listed))
                      for s, e in spans]
    return sections, blocks, sentences


def table_sentences(text: str, blocks: list[Block], page_at) -> list[Sentence]:
    """The sentences inside table blocks that read as prose, each flagged as the others are."""
    out = []
    for bi, b in enumerate(blocks):
        if b.kind != BlockKind.TABLE:
            continue
        for s, e in split_sentences(text[b.start:b.end]):
            sentence = text[b.start + s:b.start + e]
            if reads_as_prose(sentence):
                out.append(Sentence(b.start + s, b.start + e, bi, b.section, page_at(b.start + s),
                                    not glued_cells(sentence, True)))
    return out


def _mark_tables(lines: list[Line], spans: list[tuple[int, int]], rows: list[tuple[int, int]] = ()) -> list[bool]:
    """Lines that belong to a table. Prose lines inside a table's span stay prose:
    text dumps interleave indicator tables with the commentary on them."""
    out, prev_prose = [], False
    spans = sorted(spans)
    starts = [s for s, _ in spans]
    reach, far = [], -1  # reach[k]: the furthest end among spans[:k + 1]
    for _, e in spans:
        far = max(far, e)
        reach.append(far)
    for ln in lines:
        if not ln.stripped:
            out.append(False)
            continue
        # some span holds the line's start (s <= start < e) or its end (s < end <= e): O(log spans)
        j, k = bisect.bisect_right(starts, ln.start), bisect.bisect_left(starts, ln.end)
        inside = (j > 0 and reach[j - 1] > ln.start) or (k > 0 and reach[k - 1] >= ln.end)
        is_row = inside and _overlaps(rows, ln.start, ln.end)
        prose = not inside or (not is_row and prose_line(ln.stripped)
                               and (not ln.stripped[:1].islower() or prev_prose))
        out.append(not prose)
        prev_prose = prose
    return out


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect.bisect_right(spans, (end, end))
    return any(s < end and start < e for s, e in spans[max(0, i - 3):i])


def _find_headings(lines: list[Line], in_table: list[bool]) -> dict[int, tuple[str | None, str, int]]:
    """Line index -> (number, heading, level)."""
    heads: dict[int, tuple[str | None, str, int]] = {}
    notes = _footnotes(lines)
    depth = 0
    for i, ln in enumerate(lines):
        if in_table[i] or not ln.stripped or i in notes:
            continue
        shape = heading_shape(ln.text)
        if not shape:
            continue
        prev = _neighbour(lines, i, -1)
        nxt = _neighbour(lines, i, +1)
        number, head = shape
        starts_block = prev is None or not prev.stripped or prev.stripped.endswith((".", "!", "?", ":")) \
            or (i - 1) in heads or (i - 1) in notes or _blank_between(lines, prev, ln)
        next_ok = nxt is None or not nxt.stripped[:1].islower()
        if number is None and _TABLE_ROW.match(ln.stripped):
            continue
        if not (starts_block and next_ok):
            continue
        if number is not None:
            level = number.count(".") + 1
            depth = level
        else:
            level = depth + 1
        heads[i] = (number, head, level)
    return heads


def _footnotes(lines: list[Line], look_back: int = 80) -> set[int]:
    """Lines that are footnotes: "2 Korttidsfrånvaro 1-14 dgr, andel av ..." under a table
    whose cell says "Kort sjukfrånvaro2". A numbered line of four or more words is a
    footnote when a word a little above carries its number as a glued superscript;
    otherwise "1 Sjukfrånvaro ..." would open a numbered section swallowing the rest.
    """
    out = set()
    for i, ln in enumerate(lines):
        m = _FOOTNOTE.match(ln.stripped)
        if not m:
            continue
        # three lower-case letters before the digit: "hösten6", not "CO2" or "km2"
        marker = re.compile(rf"[a-zåäöéü]{{3}}{m.group(1)}(?!\d)")
        above = "\n".join(x.text for x in lines[max(0, i - look_back):i])
        if marker.search(above):
            out.add(i)
    return out


def _neighbour(lines: list[Line], i: int, step: int) -> Line | None:
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].stripped:
            return lines[j]
        j += step
    return None


def _blank_between(lines: list[Line], a: Line, b: Line) -> bool:
    return b.start - a.end > 1


def _sections(lines: list[Line], heads, text_len: int) -> list[Section]:
    order = sorted(heads)
    sections: list[Section] = []
    stack: list[int] = []
    for k, i in enumerate(order):
        number, head, level = heads[i]
        while stack and sections[stack[-1]].level >= level:
            stack.pop()
        parent = stack[-1] if stack else None
        end = text_len
        for j in order[k + 1:]:
            if heads[j][2] <= level:
                end = lines[j].start
                break
        sections.append(Section(len(sections), head, number, level, lines[i].start, end, parent))
        stack.append(len(sections) - 1)
    return sections


def _section_finder(sections: list[Section]):
    """offset -> index of the innermost section holding it, in O(log sections + depth).

    Sections nest (a child ends no later than its parent), so the innermost one holding an
    offset is the last section starting at or before it, or the first of its ancestors that
    still holds it."""
    starts = [s.start for s in sections]

    def find(offset: int) -> int | None:
        i = bisect.bisect_right(starts, offset) - 1
        while i is not None and i >= 0:
            if sections[i].start <= offset < sections[i].end:
                return i
            i = sections[i].parent
        return None

    return find


def _blocks(lines, in_table, heads, table_spans, sections, page_at) -> list[Block]:
    blocks: list[Block] = []
    section_at = _section_finder(sections)

    def add(kind: BlockKind, start: int, end: int) -> None:
        blocks.append(Block(kind, start, end, section_at(start), page_at(start)))

    cur: list[Line] = []
    cur_kind = BlockKind.PARAGRAPH

    def flush() -> None:
        nonlocal cur
        if cur:
            add(cur_kind, cur[0].start + len(cur[0].text) - len(cur[0].text.lstrip()),
                cur[-1].start + len(cur[-1].text.rstrip()))
        cur = []

    width = max((len(ln.text.rstrip()) for ln in lines), default=80)
    width = min(width, 120)
    table_run: list[Line] = []

    def flush_table() -> None:
        nonlocal table_run
        if table_run:
            add(BlockKind.TABLE, table_run[0].start, table_run[-1].start + len(table_run[-1].text.rstrip()))
        table_run = []

    for i, ln in enumerate(lines):
        if in_table[i]:
            flush()
            table_run.append(ln)
            continue
        if ln.stripped or not table_run or not _in_any(ln, table_spans):
            flush_table()
        if not ln.stripped:
            flush()
            continue
        if i in heads:
            flush()
            add(BlockKind.HEADING, ln.start + len(ln.text) - len(ln.text.lstrip()), ln.start + len(ln.text.rstrip()))
            continue
        if _BULLET.match(ln.text):
            flush()
            cur_kind = BlockKind.LIST_ITEM
            cur = [ln]
            continue
        if cur and _paragraph_ends(cur[-1], width):
            flush()
        if not cur:
            cur_kind = BlockKind.PARAGRAPH
        cur.append(ln)
    flush()
    flush_table()
    blocks.sort(key=lambda b: b.start)
    return blocks


def _in_any(ln: Line, spans: list[tuple[int, int]]) -> bool:
    return any(s <= ln.start < e for s, e in spans)


def _paragraph_ends(prev: Line, width: int) -> bool:
    """A short line ending a sentence closes its paragraph (dumps without blank lines)."""
    s = prev.text.rstrip()
    return s.endswith((".", "!", "?", ":")) and len(s) < 0.6 * width


LONG_LINE = 20_000  # characters on one line: a dump that lost its line breaks
RUN_ON = 5_000  # characters without a sentence end: cut at clause marks (sentences.MAX_CHARS)
NO_HEADINGS = 20_000  # a text this long with no heading is read as one section
TITLE_CHARS = 500  # headings this close to the start are the title page, not the report's structure
_SENTENCE_END = re.compile(r"[.!?…]")


def shape_warnings(name: str, text: str, sections: list[Section], blocks: list[Block]) -> list[str]:
    """One line per way the text's shape defeats layout (issue 11, bad input): the report is still
    read, but a researcher should know its sections or sentences are guesses. Linear in the text."""
    out = []
    longest, pos = 0, 0
    while pos <= len(text):
        nl = text.find("\n", pos)
        nl = len(text) if nl < 0 else nl
        longest, pos = max(longest, nl - pos), nl + 1
    if longest >= LONG_LINE:
        out.append(f"{name}: a line of {longest:,} characters (line breaks lost in the dump?); "
                   f"read as prose, sentences cut at full stops")
    prose = [b for b in blocks if b.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)]
    run = 0
    for b in prose:
        last = b.start
        for m in _SENTENCE_END.finditer(text, b.start, b.end):
            run, last = max(run, m.start() - last), m.end()
        run = max(run, b.end - last)
    if run >= RUN_ON:
        out.append(f"{name}: {run:,} characters of prose without a full stop; cut into sentences of at most "
                   f"{MAX_SENTENCE:,} characters at clause marks")
    if len(text) >= NO_HEADINGS and not any(s.start >= TITLE_CHARS for s in sections):
        out.append(f"{name}: no headings found after the title in {len(text):,} characters; "
                   f"the report is read as one section")
    if len(prose) >= 20 and all(b.kind == BlockKind.LIST_ITEM for b in prose):
        out.append(f"{name}: every one of {len(prose):,} prose blocks is a list item; no running text")
    return out
