"""Cut a structured Document into search passages.

A passage is one to three consecutive sentences of one section: it never
crosses a heading and never reaches into a table, so its verbatim text
(`doc.text[start:end]`) reads as prose and can be cited. Windows overlap
(stride 1 by default) so every sentence is seen with its neighbours; the
searcher removes overlapping hits at query time. Tables become their own
passages: groups of whole rows, with the table title and the header line put
in front of the rows in the text the retrievers see.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from rapport.corpus.records import BlockKind, Document
from rapport.index.records import MAX_PASSAGE_CHARS, Passage

_WS = re.compile(r"\s+")
_TITLE_HINT = re.compile(r"^\s*(tabell|tab\.|diagram|figur|bild)\b", re.I)


def _squash(s: str) -> str:
    return _WS.sub(" ", s).strip()


def _context(doc: Document, section: int | None, mode: str) -> str:
    if section is None or mode == "none":
        return ""
    if mode == "heading":
        return doc.sections[section].title
    return doc.section_path(section) or ""


def _chunks(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Split one over-long sentence at whitespace into spans of at most `limit` characters."""
    spans = []
    while end - start > limit:
        cut = text.rfind(" ", start, start + limit)
        cut = cut if cut > start + limit // 2 else start + limit
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))
    return spans


def _sentence_runs(doc: Document) -> list[list[tuple[int, int, int | None, int | None]]]:
    """Runs of prose sentences (start, end, section, page) not separated by a heading or a table."""
    barrier = [b.kind in (BlockKind.HEADING, BlockKind.TABLE) for b in doc.blocks]
    runs, cur, prev = [], [], None
    for s in doc.sentences:
        if s.block < len(doc.blocks) and barrier[s.block]:
            continue
        if not doc.text[s.start:s.end].strip():
            continue
        if prev is not None and (s.section != prev.section or any(barrier[prev.block + 1 : s.block])):
            runs.append(cur)
            cur = []
        for a, b in _chunks(doc.text, s.start, s.end, MAX_PASSAGE_CHARS):
            cur.append((a, b, s.section, s.page))
        prev = s
    if cur:
        runs.append(cur)
    return runs


def _windows(run: list, window: int, stride: int) -> Iterable[tuple[int, int]]:
    """(i, j) index ranges of up to `window` sentences within MAX_PASSAGE_CHARS, covering every sentence."""
    i, last_end = 0, -1
    while i < len(run):
        j = min(i + window, len(run))
        while j - i > 1 and run[j - 1][1] - run[i][0] > MAX_PASSAGE_CHARS:
            j -= 1
        if j - 1 > last_end:
            yield i, j
            last_end = j - 1
        if j == len(run):
            break
        i = min(i + stride, j)


_WORDISH = re.compile(r"[^\W\d_]{2,}")


def has_word(text: str) -> bool:
    """Two letters in a row somewhere: a page number, a rule of dashes or a lone figure has none,
    and a passage without a word is found only through the section path in front of it."""
    return _WORDISH.search(text) is not None


def prose_passages(doc: Document, *, window: int = 3, stride: int = 1, context: str = "path") -> list[Passage]:
    meta = doc.meta
    out = []
    for run in _sentence_runs(doc):
        for i, j in _windows(run, window, stride):
            start, end, section, page = run[i][0], run[j - 1][1], run[i][2], run[i][3]
            text = doc.text[start:end]
            if not has_word(text):
                continue
            ctx = _context(doc, section, context)
            out.append(Passage(doc=doc.name, region=meta.region, kind=meta.kind, period=meta.period,
                               section=doc.section_path(section), page=page, start=start, end=end, text=text,
                               source="text", search_text=_squash(f"{ctx}: {text}" if ctx else text)))
    return out


def _table_title(doc: Document, start: int, end: int, section: int | None) -> str:
    """The recovered table's title when corpus.tables found one, else the heading it sits under."""
    for t in doc.tables or []:
        ts, te = getattr(t, "start", None), getattr(t, "end", None)
        if ts is not None and te is not None and ts < end and start < te and getattr(t, "title", None):
            return str(t.title)
    return doc.sections[section].title if section is not None else ""


def _header_line(doc: Document, block_index: int) -> str:
    """A short paragraph right above the table ("Intervall 2019 aug 2018 aug") is its column header."""
    if block_index == 0:
        return ""
    prev = doc.blocks[block_index - 1]
    gap = doc.text[prev.end : doc.blocks[block_index].start]
    txt = doc.text[prev.start : prev.end]
    if prev.kind == BlockKind.PARAGRAPH and len(txt) < 160 and gap.count("\n") <= 3 and not txt.rstrip().endswith("."):
        return _squash(txt)
    return ""


_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[\"”(]?[A-ZÅÄÖ0-9•–-])")


def _is_prose(s: str) -> bool:
    """A cell of running text (a goal table's comment column), not a row of figures."""
    chars = [c for c in s if not c.isspace()]
    letters = sum(c.isalpha() for c in chars)
    return len(s.split()) >= 8 and letters >= 0.85 * max(len(chars), 1)


def _table_segments(doc: Document, a0: int, z0: int) -> list[tuple[str, int, int]]:
    """("row"|"sent", start, end) pieces of a table block, in order.

    Units are what the dump separates by blank lines. Figure rows stay whole; prose
    cells (PDF goal tables mix them in, and layout marks the whole thing a table)
    are cut into sentences so their passages read like prose passages.
    """
    out = []
    for u in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", doc.text[a0:z0]):
        a, z = a0 + u.start(), a0 + u.end()
        while z > a and doc.text[z - 1].isspace():
            z -= 1
        unit = doc.text[a:z]
        if _is_prose(unit):
            pos = a
            for m in _SENT_END.finditer(unit):
                out.extend(("sent", x, y) for x, y in _chunks(doc.text, pos, a + m.start(), MAX_PASSAGE_CHARS))
                pos = a + m.end()
            out.extend(("sent", x, y) for x, y in _chunks(doc.text, pos, z, MAX_PASSAGE_CHARS))
        elif z - a <= MAX_PASSAGE_CHARS:
            out.append(("row", a, z))
        else:
            for m in re.finditer(r"[^\n]*\S[^\n]*", unit):
                la = a + m.start() + len(m.group()) - len(m.group().lstrip())
                out.extend(("row", x, y) for x, y in _chunks(doc.text, la, a + m.end(), MAX_PASSAGE_CHARS))
    return out


def _absorb_small(text: str, spans: list[tuple[int, int]], min_words: int = 6) -> list[tuple[int, int]]:
    """Join pieces of under `min_words` words to a neighbour in the same table.

    A goal table's owner/target cell ("RS 100 %") alone is found only through the
    title and section path put in front of it, so it would outrank real rows for
    any query that matches the heading. Joined to its row it is findable and harmless.
    """
    def small(a: int, b: int) -> bool:
        return len(_WORDISH.findall(text, a, b)) < min_words

    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and (small(*out[-1]) or small(a, b)) and b - out[-1][0] <= MAX_PASSAGE_CHARS:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def table_passages(doc: Document, *, window: int = 3, stride: int = 1, context: str = "path") -> list[Passage]:
    meta = doc.meta
    out = []
    for bi, b in enumerate(doc.blocks):
        if b.kind != BlockKind.TABLE:
            continue
        title = _table_title(doc, b.start, b.end, b.section)
        header = _header_line(doc, bi)
        ctx = _context(doc, b.section, context)
        if title and ctx.endswith(title):
            title = ""  # the heading is already the last step of the section path
        lead = " | ".join(x for x in dict.fromkeys([ctx, title, header]) if x)
        segs = _table_segments(doc, b.start, b.end)
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(segs):
            j = i + 1
            while j < len(segs) and segs[j][0] == segs[i][0]:
                j += 1
            group = [(x, y) for _, x, y in segs[i:j]]
            if segs[i][0] == "sent":
                spans += [(group[p][0], group[q - 1][1]) for p, q in _windows(group, window, stride)]
            else:  # figure rows: as many whole rows as fit, no overlap
                p = 0
                while p < len(group):
                    q = p + 1
                    while q < len(group) and group[q][1] - group[p][0] <= MAX_PASSAGE_CHARS:
                        q += 1
                    spans.append((group[p][0], group[q - 1][1]))
                    p = q
            i = j
        for start, end in _absorb_small(doc.text, spans):
            text = doc.text[start:end]
            if not has_word(text):
                continue  # a stray date or page number, nothing to find it by
            out.append(Passage(doc=doc.name, region=meta.region, kind=meta.kind, period=meta.period,
                               section=doc.section_path(b.section), page=b.page if b.page is not None else doc.page_at(start),
                               start=start, end=end, text=text, source="table",
                               search_text=_squash(f"{lead}: {text}" if lead else text)))
    return out


def document_passages(doc: Document, *, window: int = 3, stride: int = 1, context: str = "path",
                      tables: bool = True) -> list[Passage]:
    """All passages of one document in text order: prose windows and table row groups."""
    ps = prose_passages(doc, window=window, stride=stride, context=context)
    if tables:
        ps += table_passages(doc, window=window, stride=stride, context=context)
    return sorted(ps, key=lambda p: (p.start, p.end))
