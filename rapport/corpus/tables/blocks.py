"""Blocks of table-ish lines, sub-tables inside a block, and logical rows (wrapped labels joined,
note references and glued footnote digits taken off the label)."""
from __future__ import annotations

from dataclasses import dataclass
import re

from rapport.corpus.atoms import Atom, atom_groupings, greedy_cells, reading_counts
from .header import _dehyphen_join
from .lexicon import _NOTE_IN_LABEL, _SENTENCE_END, _TITLE_CUE
from .lines import _LEADERS, _Line

# ====================================================================== blocks

@dataclass
class _Block:
    lines: list[_Line]  # header/text/row lines, no blanks
    title: _Line | None = None
    title_text: str | None = None


def _is_title_line(line: _Line) -> bool:
    return line.kind in ("text", "header") and len(line.text) <= 100 and bool(_TITLE_CUE.search(line.text))


def _has_num(ln: _Line) -> bool:
    return ln.kind == "row" and any(a.kind == "num" for a in ln.atoms)


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    """Maximal runs of table-ish lines: rows, headers and short label lines between rows.

    Looking back from the first row, a block takes header lines, and short
    text lines only when a header or a wrapped label ties them to the rows.
    """
    nb = [ln for ln in lines if ln.kind != "blank"]
    blocks: list[list[_Line]] = []
    i = 0
    while i < len(nb):
        if not _has_num(nb[i]):
            i += 1
            continue
        last_row = i
        k = i + 1
        while k < len(nb):
            ln = nb[k]
            if ln.kind == "row" and ln.slide != nb[last_row].slide and _width(ln) != _width(nb[last_row]):
                break  # slide-dump figures never join a table of another width beside them
            if ln.kind == "row":
                last_row = k
            elif ln.kind in ("text", "header"):
                if k - last_row > 4:
                    break
            else:  # prose
                break
            k += 1
        j = last_row
        if j + 1 < len(nb) and _wraps_below(nb[j], nb[j + 1]):
            j += 1  # the last row's label runs on below its numbers
        s = i
        texts = 0
        while s > 0 and i - s < 30:
            prev = nb[s - 1]
            if prev.kind == "header":
                s -= 1
                texts = 0
                continue
            if prev.kind == "text" and len(prev.text) <= 80 and texts < 2 and (
                    nb[s].kind == "header"
                    or (len(prev.text) <= 50 and s >= 2 and nb[s - 2].kind == "header")
                    # two group labels under a header ("TILLGÅNGAR" / "Anläggningstillgångar")
                    or (len(prev.text) <= 50 and s >= 3 and nb[s - 2].kind == "text"
                        and len(nb[s - 2].text) <= 50 and nb[s - 3].kind == "header")
                    or prev.text.endswith(("-", ",")) or (nb[s].text[:1].islower())):
                s -= 1
                texts += 1
                continue
            break
        blocks.append(nb[s: j + 1])
        i = j + 1
    out: list[list[_Line]] = []
    for b in blocks:
        if out and b[0].no <= out[-1][-1].no:
            b = [ln for ln in b if ln.no > out[-1][-1].no]
        if b:
            out.append(b)
    return out


def _width(ln: _Line) -> int:
    """The row's cell count in its usual reading."""
    return len(greedy_cells(ln.atoms))


def _split_subtables(block: list[_Line]) -> list[list[_Line]]:
    """Split a block where a new title/header follows rows (RESULTATRÄKNING → KASSAFLÖDESANALYS)."""
    parts: list[list[_Line]] = [[]]
    seen_row = False
    for idx, ln in enumerate(block):
        new = False
        if seen_row and ln.kind == "header":
            # headers after rows begin a new table, unless it is a lone "%"-ish line
            new = True
        elif seen_row and ln.kind == "text" and _is_title_line(ln) and (
                idx + 1 < len(block) and block[idx + 1].kind in ("header", "text")):
            new = True
        elif seen_row and ln.kind == "text" and idx + 1 < len(block) and block[idx + 1].kind == "header" \
                and len(ln.text) <= 80:
            new = True
        if new:
            # pull trailing title/label lines of the previous part along
            prev = parts[-1]
            carry = []
            while prev and prev[-1].kind in ("text",) and len(carry) < 2 and ln.kind == "header":
                carry.insert(0, prev.pop())
            parts.append(carry)
            seen_row = False
        parts[-1].append(ln)
        if ln.kind == "row":
            seen_row = True
    return [p for p in parts if sum(1 for ln in p if _has_num(ln)) >= 1]


# ====================================================================== logical rows

@dataclass
class _RawRow:
    label: str
    atoms: list[Atom]
    start: int
    end: int
    lines: list[_Line]
    note: str | None = None
    footnote: str | None = None
    section: str | None = None
    note_word: bool = False  # the label ended in "Not": the first number may be its note ref
    indent: int = 0  # layout characters before the value line's text (cells' columns are indent + offset)
    _counts: set | None = None
    _by_counts: dict | None = None

    @property
    def counts(self) -> set[int]:
        """The numbers of cells the row can be read as (from the DP, nothing enumerated)."""
        if self._counts is None:
            if len(self.atoms) > MAX_ATOMS:
                self._counts = {len(greedy_cells(self.atoms))}
            else:
                self._counts = reading_counts(self.atoms, drop=_cut_off)
        return self._counts

    def groupings_for(self, lo: int, hi: int) -> list:
        """The row's readings of lo..hi cells (computed once per window; a K-column split wants
        K − 2 .. K + 1, so the search only lists readings that can serve it).

        A thousands group never stands alone ("000" is no number). On a line laid out from
        PDF word positions (tabs at wide gaps), a single space between numbers is the
        space inside one: readings that split there go, unless no other reading is left.
        """
        if self._by_counts is None:
            self._by_counts = {}
        got = self._by_counts.get((lo, hi))
        if got is None:
            if len(self.atoms) > MAX_ATOMS:
                # a "row" of hundreds of numbers is no table row: one greedy reading, linear time
                g = greedy_cells(self.atoms)
                got = [g] if lo <= len(g) <= hi else []
            else:
                # at most READING_BUDGET atom steps per row and window: a long row lists fewer readings
                limit = min(4000, max(200, READING_BUDGET // max(1, len(self.atoms))))
                got = list(atom_groupings(self.atoms, limit=limit, counts=(lo, hi), drop=_cut_off))
                if any(a.gap_before >= _TAB_GAP for a in self.atoms):
                    gap = {a.start: a.gap_before for a in self.atoms}
                    laid = [g for g in got if all(gap.get(c.start, 2) >= 2 for c in g[1:])]
                    got = laid or got
            self._by_counts[(lo, hi)] = got
        return got


def _cut_off(cell) -> bool:
    return bool(_LEADING_ZERO.match(cell.text))


def _clean_label(label: str) -> tuple[str, str | None, str | None]:
    """Strip note refs and glued footnote digits: 'Lång sjukfrånvaro1' → ('Lång sjukfrånvaro', None, '1')."""
    note = None
    m = _NOTE_IN_LABEL.search(label)
    if m:
        note = "Not " + m.group(1)
        label = (label[: m.start()] + label[m.end():]).strip()
    footnote = None
    m = re.search(r"(?<=[a-zåäö]{3})(\d)$", label)
    if m and not re.search(r"\b(?:covid|r|t|q)-?\d$", label, re.I):
        footnote = m.group(1)
        label = label[: m.start()]
    label = _LEADERS.sub("", label)  # dot leaders ("Skatteintäkter ........ 4 905")
    label = re.sub(r"\s+", " ", label).strip(" :")
    # list bullets are not part of a label; a dash before a number is ("– 29 år": up to 29)
    label = re.sub(r"^(?:[•●▪◦*]\s*|[-–]\s+(?!\d)|-(?=[a-zåäö]))", "", label)
    return label, note, footnote


def _logical_rows(lines: list[_Line]) -> tuple[list[_RawRow], list[_Line]]:
    """Join wrapped labels with their values; return rows and leftover (pre-row) lines."""
    rows: list[_RawRow] = []
    pending: list[_Line] = []
    section = None
    pre: list[_Line] = []
    for ln in lines:
        if ln.kind != "row":
            if not rows and ln.kind == "header":
                pre.extend(pending)
                pending = []
                pre.append(ln)
                continue
            pending.append(ln)
            continue
        label = ln.label
        take: list[_Line] = []
        if pending and rows and _wraps_below_row(rows[-1], pending[0], label):
            _extend_below(rows[-1], pending.pop(0))
        if pending:
            if not label or _label_continues(pending[-1].text, label) or re.match(r"^\d{1,2}\)", label):
                take = [pending[-1]]
                while len(take) < 3 and len(pending) > len(take) and \
                        _label_continues(pending[-len(take) - 1].text, take[0].text):
                    take.insert(0, pending[-len(take) - 1])
            rest = pending[: len(pending) - len(take)]
            for p in rest:
                if not rows:
                    pre.append(p)
                else:
                    section = p.text.strip()
            joined = ""
            for p in take:
                joined = _dehyphen_join(joined, p.text)
            label = _dehyphen_join(joined, label) if take else label
            pending = []
        tail_note = _NOTE_TAIL.search(label)
        if tail_note and len(ln.atoms) >= 2 and ln.atoms[0].kind == "num" \
                and _NOTE_REF.fullmatch(ln.atoms[0].text):
            # "Skatteintäkter Not 2 4 354 4 264": the word "Not" ends the label; its number is
            # most likely the ref (the split search weighs that against the column count)
            label = label[: tail_note.start()]
        else:
            tail_note = None
        label, note, foot = _clean_label(label)
        start = take[0].start if take else ln.start
        rows.append(_RawRow(label, ln.atoms, start, ln.end, take + [ln], note, foot, section,
                            note_word=tail_note is not None, indent=ln.indent))
    if pending and rows and _wraps_below_row(rows[-1], pending[0], ""):
        _extend_below(rows[-1], pending[0])
    return rows, pre


def _wraps_below(row: _Line, nxt: _Line) -> bool:
    """Is `nxt` (a line without numbers) the end of `row`'s label, wrapped below its numbers?"""
    return row.kind == "row" and nxt.kind == "text" and bool(row.label) and len(nxt.text) <= 60 \
        and _label_continues(row.label, nxt.text) and not _SENTENCE_END.search(nxt.text)


def _wraps_below_row(row: "_RawRow", line: _Line, next_label: str) -> bool:
    """A text line between two rows ends the row above when it continues that row's label
    ("… för" / "vuxna och barn") and the row below does not continue it (then the line would
    be the start of the label below: "Kostnader för" / "vård och omsorg 12 13")."""
    if line.kind != "text" or not row.label or len(line.text) > 60 or _SENTENCE_END.search(line.text):
        return False
    if next_label and (_label_continues(line.text, next_label) or not next_label[:1].isupper()):
        return False
    return _label_continues(row.label, line.text)


def _extend_below(row: "_RawRow", line: _Line) -> None:
    row.label = _clean_label(_dehyphen_join(row.label, line.text))[0]
    row.end = line.end
    row.lines.append(line)

# "000", "−050": a thousands group cut off from its number, never a number of its own
_LEADING_ZERO = re.compile(r"^[-−–(]?\s?0\d")
_TAB_GAP = 8  # corpus.numbers counts a tab as 8 spaces
MAX_ATOMS = 60  # numbers on one row beyond which its readings are not enumerated
READING_BUDGET = 120_000  # atoms × readings listed per row and window (rows up to 30 atoms: all 4,000)

_NOTE_TAIL = re.compile(r"\s*\(?\b(?:not|noter)\s*$", re.I)
_NOTE_REF = re.compile(r"[1-9]\d?")

_JOINERS = ("i", "och", "för", "av", "med", "om", "inom", "kring", "via", "på", "till", "som", "samt",
            "eller", "per", "vid", "från", "efter", "mot", "under", "hos", "de", "den", "det", "ett", "en")


def _label_continues(above: str, below: str) -> bool:
    """Is `below` the continuation of the wrapped label line `above`?"""
    if above.endswith(("-", ",", "/")) or below[:1].islower() or below[:1] in ")]":
        return True
    if re.match(r"^(AB|HB|KB|AB \(publ\))(\s|$)", below):
        return True  # "Almi Företagspartner Nord" / "AB": a company name wrapped before its suffix
    if above.count("(") > above.count(")"):
        return True
    last = above.split()[-1].lower() if above.split() else ""
    return last in _JOINERS
