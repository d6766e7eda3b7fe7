"""rapport_aggregates: counted summaries of goal attainment, from prose and from small tables.

Prose: "två av de 17 strategiska målen har uppnåtts, 13 delvis medan två inte"
is cut at commas, "och", "medan", "samt" …; each piece gives one count and
the status its words carry (the same negation and degree cues as
rapport_goals: "delvis" → partially, "inte" → not_achieved, "helt" or a bare
attainment verb → achieved). The total comes from "av (de) N <scope>",
"totalt N <scope>", or a "Totalt N delmål …" sentence just before. Number
words (ett/en/två … tjugo) and digits both count.

Tables: runs of rows "<status label> <count> [<percent> %]" ("Målet har
helt uppfyllts 8 44 %", "Ingen prognos har gjorts 9 50 %"); the scope is the
table's title line, the total the sum of the rows.

When a total is stated the counts must add up to it: statuses the text does not
mention are then 0; when they do not add up the record is kept and a warning says so.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..lexicon_goals import CueListComponent, Cues, candidates, claim, word_to_int
from ..records import Aggregate, Status
from ..spans import document, evidence

COUNTS = ("achieved", "partially", "not_achieved", "no_assessment")
_SEPARATORS = {",", "och", "medan", "samt", "men", ";", "varav", ":", "respektive", "resp."}
_ORDINALS = {"första", "andra", "tredje", "fjärde", "femte", "sjätte", "sjunde", "åttonde", "nionde", "tionde",
             "elfte", "tolfte"}
_NOT_COUNT_AFTER = {"procent", "%", "mkr", "tkr", "miljoner", "miljarder", "kronor", "kr", "år", "dagar", "månader",
                    "veckor", "timmar", "procentenheter", "st"}
_AFTER_ONE = {"av", "har", "hade", "är", "var", "inte", "ej", "delvis", "helt", "bedöms", "uppnås", "nås", "uppfylls",
              "uppnåtts", "uppfyllts", "uppfyllt", "uppnått", "saknar", "i", "till", ",", "."}
_ROW = re.compile(r"^(?P<label>[^\d\n]*?[A-Za-zÅÄÖåäö][^\d\n]*?)[ \t]+(?P<n>\d{1,4})"
                  r"(?:[ \t]+(?P<pct>\d{1,3}(?:[,.]\d+)?)[ \t]*%)?[ \t]*$")
_STATUS_LABEL = [
    (Status.NO_ASSESSMENT, re.compile(r"ingen (prognos|bedömning|uppföljning)|ej (bedöm|mät|följts)|inte (bedöm|mät)|"
                                      r"saknas|saknar|ej aktuell|utgår|ej påbörjad", re.I)),
    (Status.PARTIALLY, re.compile(r"delvis|i huvudsak|till viss del|till stor del|inte helt|ej helt|gul", re.I)),
    (Status.NOT_ACHIEVED, re.compile(r"\b(inte|ej|icke)\b|röd", re.I)),
    (Status.ACHIEVED, re.compile(r"uppfyll|uppnå|nått|helt|klarat|överträff|grön", re.I)),
]
_HEADER = re.compile(r"\b(antal|andel|bedömning|%)\b", re.I)


@Language.factory(
    "rapport_aggregates",
    assigns=["doc.spans"],
    requires=["doc._.document"],
    default_config={"spans_key": "aggregates", "max_chars": 600, "max_run": 1000},
)
def make_aggregates(nlp: Language, name: str, spans_key: str, max_chars: int, max_run: int):
    return AggregateFinder(nlp, name, spans_key=spans_key, max_chars=max_chars, max_run=max_run)


def number_at(tok, nxt=None) -> int | None:
    """A count: digits or a Swedish number word, not a year, percentage, amount or ordinal.

    'en'/'ett' count only when no noun follows them ("… och ett inte uppfyllt", "ett av målen").
    """
    low = tok.lower_
    if low in _ORDINALS:
        return None
    if low in {"en", "ett"}:
        return 1 if nxt is not None and nxt.lower_ in _AFTER_ONE else None
    if tok.is_digit:
        v = int(tok.text)
        if v > 500:
            return None
    elif tok.is_alpha:
        v = word_to_int(low)
        if v is None:
            return None
    else:
        return None
    return v


def _count_tokens(toks: list) -> list[tuple[int, int]]:
    """(position in toks, value) of each count among the tokens."""
    out = []
    for k, t in enumerate(toks):
        v = number_at(t, toks[k + 1] if k + 1 < len(toks) else None)
        if v is None:
            continue
        nxt = toks[k + 1].lower_ if k + 1 < len(toks) else ""
        prev = toks[k - 1].lower_ if k else ""
        if nxt in _NOT_COUNT_AFTER or re.match(r"^(delmål|mål|målet|kapitel|avsnitt|bilaga|tabell|nr)$", prev):
            continue
        out.append((k, v))
    return out


def label_status(text: str) -> Status | None:
    for status, rx in _STATUS_LABEL:
        if rx.search(text):
            return status
    return None


def _piece_status(doc: Doc, cues: Cues, toks: list) -> Status | None:
    a, b = toks[0].i, toks[-1].i + 1
    if cues.has("NO_ASSESS", a, b):
        return Status.NO_ASSESSMENT
    neg = cues.has("NEG", a, b)
    full = cues.has("FULL", a, b)
    partial = cues.has("PARTIAL", a, b)
    if neg:
        return Status.PARTIALLY if (full or partial) else Status.NOT_ACHIEVED
    if partial:
        return Status.PARTIALLY
    if full or cues.has("ATTAIN", a, b) or cues.has("EXCEED", a, b):
        return Status.ACHIEVED
    return None


def indefinite_plural(word: str) -> str:
    """'målen' → 'mål', 'indikatorerna' → 'indikatorer', 'styrmåtten' → 'styrmått'."""
    if word.endswith(("erna", "arna", "orna")):
        return word[:-2]
    if re.search(r"(mål|mått|tal)(en|et)$", word):
        return word[:-2]
    return word


def _scope_after(toks: list, k: int, cues: Cues) -> str | None:
    """'strategiska mål' from '17 strategiska målen har …': up to three words ending in a goal noun."""
    words = []
    for t in toks[k + 1:k + 4]:
        if not t.is_alpha:
            break
        words.append(t)
        if cues.has("GOAL_NOUN", t.i, t.i + 1):
            return " ".join([w.lower_ for w in words[:-1]] + [indefinite_plural(t.lower_)])
    return None


def parse_counts(doc: Doc, cues: Cues, span: Span, before: Span | None = None) -> dict | None:
    """Counts by status, total and scope of a counted-summary sentence, or None."""
    toks = [t for t in span if not t.is_space]
    if not (cues.has("ATTAIN", span.start, span.end) or cues.has("EXCEED", span.start, span.end)
            or cues.has("NO_ASSESS", span.start, span.end)):
        return None
    nums = _count_tokens(toks)
    if not nums:
        return None
    total, scope, total_at = None, None, None
    for k, v in nums:
        prev = toks[k - 1].lower_ if k else ""
        prev2 = toks[k - 2].lower_ if k > 1 else ""
        if prev in {"totalt", "sammanlagt", "samtliga", "alla"} or prev == "av" or (prev2 == "av" and (
                prev in {"de", "totalt", "sammanlagt", "dessa", "samtliga"} or prev.endswith("s"))):
            sc = _scope_after(toks, k, cues)
            if sc:
                total, scope, total_at = v, sc, k
                break
    used_before = False
    if total is None and before is not None:
        btoks = [t for t in before if not t.is_space]
        for k, v in _count_tokens(btoks):
            prev = btoks[k - 1].lower_ if k else ""
            if k <= 2 and (prev in {"totalt", "sammanlagt", "av"} or k == 0):
                sc = _scope_after(btoks, k, cues)
                if sc:
                    total, scope, used_before = v, sc, True
                    break
    counts: dict[str, int] = {}
    pieces, cur = [], []
    for t in toks:
        if t.lower_ in _SEPARATORS:
            if cur:
                pieces.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        pieces.append(cur)
    pos = {t.i: k for k, t in enumerate(toks)}
    for piece in pieces:
        ks = [(k, v) for k, v in nums if k != total_at and pos.get(piece[0].i, -1) <= k <= pos.get(piece[-1].i, -1)]
        if not ks:
            continue
        st = _piece_status(doc, cues, piece)
        if st is None:
            continue
        k, v = ks[0]
        if scope is None:
            scope = _scope_after(toks, k, cues)
        counts.setdefault(st.value, v)
    if not counts or scope is None:
        return None
    if len(counts) < 2 and total is None:
        return None
    return {"total": total, "counts": counts, "scope": scope, "used_before": used_before}


def _settle(total: int | None, counts: dict[str, int]) -> tuple[int | None, dict[str, int | None], bool]:
    """Fill unmentioned statuses with 0 when the stated total is reached; report whether the sum holds."""
    s = sum(counts.values())
    filled: dict[str, int | None] = {k: counts.get(k) for k in COUNTS}
    if total is None:
        return s, filled, True
    if s == total:
        return total, {k: counts.get(k, 0) for k in COUNTS}, True
    return total, filled, s < total and len(counts) < 2


class AggregateFinder(CueListComponent):
    def __call__(self, doc: Doc) -> Doc:
        d = document(doc)
        group: list[Span] = []
        cands = candidates(doc, self.max_chars, self.max_run, self.name)
        if cands:
            cues = self.lexicon.cues(doc, cands)
            prev = None
            for c in cands:
                near = prev is not None and (prev.block == c.block
                                             or (prev.block == c.block - 1 and c.start - prev.end <= 3))
                before = prev.span if near else None
                prev = c
                got = parse_counts(doc, cues, c.span, before)
                if got is None:
                    continue
                start = before.start_char if got["used_before"] else c.start
                if c.end - start > self.max_chars:
                    start = c.start
                group.append(self._record(doc, d, start, c.end, got["scope"], got["total"], got["counts"]))
        group += self._tables(doc, d)
        if not cands and not group:
            doc._.warnings.append(f"{d.name}: {self.name} found no prose sentences to read")
        group.sort(key=lambda s: s.start)
        doc.spans[self.spans_key] = group
        return doc

    def _record(self, doc: Doc, d, start: int, end: int, scope, total, counts) -> Span:
        total, filled, ok = _settle(total, counts)
        if not ok:
            doc._.warnings.append(f"{d.name}: {self.name}: counts {counts} do not add up to {total} at {start}..{end}")
        rec = Aggregate(**evidence(doc, start, end), scope=scope, total=total, **filled)
        span = doc.char_span(start, end, alignment_mode="expand")
        span = claim(doc, span.start, span.end, "aggregate")
        span._.fact = rec
        return span

    def _tables(self, doc: Doc, d) -> list[Span]:
        """Status-count rows, wherever the layout put them (table, paragraph or heading blocks)."""
        lines = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\n]+", d.text)]
        kinds = []
        for s, e, text in lines:
            t = text.strip()
            m = _ROW.match(t) if len(t) <= 120 and (t[-1:].isdigit() or t.endswith("%")) else None
            st = label_status(m.group("label")) if m else None
            if st is not None:
                kinds.append((st, int(m.group("n"))))
            elif _HEADER.search(text) and not re.search(r"\d", text) and len(text.strip()) < 40:
                kinds.append("header")
            else:
                kinds.append(None)
        out, i = [], 0
        while i < len(lines):
            if not isinstance(kinds[i], tuple):
                i += 1
                continue
            j = i
            while j + 1 < len(lines) and kinds[j + 1] is not None:
                j += 1
            rows = [(lines[k], kinds[k]) for k in range(i, j + 1) if isinstance(kinds[k], tuple)]
            if len({st for _, (st, _) in rows}) >= 2:
                counts: dict[str, int] = {}
                for _, (st, n) in rows:
                    counts.setdefault(st.value, n)
                start, scope = self._table_title(d, lines, kinds, i)
                end = rows[-1][0][1]
                if end - start > self.max_chars:
                    start = rows[0][0][0]
                out.append(self._record(doc, d, start, end, scope, sum(counts.values()), counts))
            i = j + 1
        return out

    @staticmethod
    def _table_title(d, lines, kinds, i: int) -> tuple[int, str | None]:
        """The title line above the rows (skipping column-header lines), and the scope it names."""
        start, k = lines[i][0], i - 1
        while k >= 0 and kinds[k] == "header":
            start, k = lines[k][0], k - 1
        if k >= 0 and kinds[k] is None:
            t = lines[k][2].strip()
            if t and len(t) <= 120 and not t.endswith("."):
                return lines[k][0], re.sub(r"[.:]", "", re.sub(r"\s+", " ", t)).strip().lower()
        sec = d.section_at(lines[i][0])
        return start, (sec.heading.lower() if sec else None)
