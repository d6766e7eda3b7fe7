"""rapport_goals: goal assessments — which goal, how far it is met, by whom, for when.

Rules over tokens and lemmas (models/patterns/{status,horizon,goals}.jsonl),
no parser. A sentence is an assessment when an attainment predicate
(uppnå, uppfylla, nå, klara, överträffa …) or an evaluated "måluppfyllelse"
stands in a clause that names a goal ("målet", "delmål 12.5", "målvärdet",
"prognosen"), and the predicate is not a purpose, a target or a question
("för att nå målen", "målet ska nås", "om målen inte nås").

Status comes from the clause's negation and degree words: "inte helt
uppfyllt" → partially, "inte uppfyllt" → not_achieved, "delvis", "i huvudsak"
→ partially. Horizon from its time words: "vid årets slut", "prognosen",
"kommer att", "kan uppnås" → year_end; "på längre sikt" → long_term; else
current. Clauses joined by "men", "medan" … are judged one by one, so one
sentence may give a current and a year-end record (one per goal and horizon).

The goal is the one the sentence names, else the title nearest above it:
numbered goal lines ("Mål 7. Vi är …", also inside paragraphs, as PDF dumps
leave them), non-generic headings, or a short title line right above an
assessment ("Ett rikt och brett kulturliv⏎Den samlade bedömningen …").
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from rapport.corpus import BlockKind

from ..heads import HeadsUser, candidate_features, goal_features, run_heads
from ..lexicon_goals import CueListComponent, Cues, candidates, claim, word_to_int
from ..records import GoalAssessment, Horizon, Level, Status
from ..spans import document, evidence
from .aggregates import label_status, parse_counts

NUMBERED = {"goal", "sub_goal", "financial_goal", "strategic_goal"}
_FUTURE_ATT = {"komma", "kommer", "möjligt", "troligt", "sannolikt", "bedöms", "beräknas", "förväntas"}
_FUTURE_INF = {"kan", "kunna", "kunde", "torde", "bedöms", "beräknas", "förväntas", "väntas", "tros", "kommer"}
_INFINITIVES = {"uppnå", "uppfylla", "nå", "klara", "infria", "förverkliga", "överträffa", "överskrida"}
_SUBJECTS = {"de", "det", "den", "dessa", "detta", "denna", "vi", "man", "regionen", "hon", "han", "vilka"}
_HAVE = {"ha", "har", "hade", "uppvisa", "uppvisar", "bedriva", "bedriver", "präglas", "uppnår", "nå"}
_GEM_FILLER = {"en", "fortsatt", "därmed", "också", "även", "alltjämt", "huvudsak", "i", "stort", "sett"}
_JUDGED = {"bedöms", "bedömdes", "anses", "betraktas", "ses", "räknas", "klassas", "värderas"}
_YEAR_PREP = {"till", "senast", "år", "före", "inom", "fram", "under", "efter", "från"}
_NOT_DEGREE = {"på", "pga", "p.g.a.", "beroende", "till", "eftersom", "som", "för", "genom"}
_PRED_END = {"vid", "för", "i", "till", "under", "och", "men", "samt", "då", "eftersom", "trots", "även", "när",
             "med", "efter", "inom", "per", "redan", "nu"}
_PARTICIPLE = re.compile(r"(erade|ade|ad|at|ats|förda|fört|förd|gått|klara|färdiga|infört|införda)$")
_GENERIC_HEADING = re.compile(
    r"(bedömning|nämnd\b|nämnden$|styrelsen$|fullmäktige$|^tabell|^diagram|^figur|framgångsfaktor|^styrmått|"
    r"^kontrollmått|^aktivitet|indikatorer$|^prognos\b|^måluppfyllelse\b|^status\b|^utfall|^mål\b(?!\s*\d)|^målet har|^ingen prognos|"
    r"^färgmarkering|status|kommentar|^sammanfattning|^inledning|^läsanvisning|^bilaga|^innehåll|^not\b|^koncernen|^regionen$)",
    re.I)
_TITLE_NEXT = re.compile(r"^\s*(den\s+)?(samlade|sammanfattande|sammanvägda|övergripande)?\s*(bedömning|måluppfyll)",
                         re.I)
_FINANCIAL_WORD = re.compile(r"^(resultat|pensionsskulds?|finansierings|skuldsättnings|soliditets|självfinansierings|"
                             r"likviditets|balanskravs|investerings)mål", re.I)
_STRATEGIC = re.compile(r"strategisk[at]?\s+mål", re.I)
_FINANCIAL = re.compile(r"finansiell[at]?\s+mål|ekonomisk[at]?\s+mål", re.I)
_STATUS_LINE = re.compile(
    r"(?im)^[ \t•\-–]*(?P<field>(?:samlad\s+|sammanfattande\s+)?(?:måluppfyllelse|bedömning|status|"
    r"(?:helårs)?prognos(?:\s+helår|\s+vid\s+årets\s+slut)?))[ \t]*[:–\-][ \t]*(?P<value>[^\n.]{2,60}?)[ \t.]*$")
_STATUS_WORD = re.compile(r"uppfyll|uppnå|\bnått|\bnås|ej bedöm|inte bedöm|ingen bedömning|ingen prognos", re.I)
_STOP_NAME = {"är", "har", "bedöms", "visar", "kommer", "kan", "inte", "ej", "uppnås", "nås", "uppfylls", "var",
              "blir", "bedömer", "beräknas", "ligger", "uppgår", "hade", ",", ".", ";", ":", "vilket", "som"}


@Language.factory(
    "rapport_goals",
    assigns=["doc.spans"],
    requires=["doc._.document"],
    default_config={"spans_key": "goal_assessments", "max_chars": 600, "max_run": 1000, "goal_window": 8000,
                    "heads": ""},
)
def make_goals(nlp: Language, name: str, spans_key: str, max_chars: int, max_run: int, goal_window: int,
               heads: str):
    return GoalAssessor(nlp, name, spans_key=spans_key, max_chars=max_chars, max_run=max_run,
                        goal_window=goal_window, heads=heads)


# ---------------------------------------------------------------- goal context


@dataclass(frozen=True, slots=True)
class Anchor:
    """A place in the document from which on the text is about one goal."""

    start: int
    label: str
    level: Level | None
    ref: str | None  # "Mål 7", "Delmål 12.5": the short name of a numbered goal


def _clean(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip(" .:;–-\u2013")
    return re.sub(r"\s*\((?:[A-ZÅÄÖ]{2,5}(?:,\s*)?)+\)$", "", s)


def _ref_key(level: str, text: str) -> tuple[str, str] | None:
    m = re.search(r"\d{1,2}(?:\.\d{1,2}){0,2}", text)
    return (level, m.group()) if m else None


_UNIT_AFTER = re.compile(r"^(procent|procents|%|dagar|år|mkr|tkr|kr|kronor|timmar|veckor|månader|st|personer)$", re.I)


def numbered(doc: Doc, level: str, s: int, e: int) -> tuple[str, str] | None:
    """(level, number) when doc[s:e] is a numbered goal ('Mål 7', 'delmål 12.5'), not 'mål 80 procent'."""
    key = _ref_key(level, doc[s:e].text)
    if key is None:
        return None
    j = e
    while j < len(doc) and doc[j].is_space:
        j += 1
    if j < len(doc) and _UNIT_AFTER.match(doc[j].text):
        return None
    return key


def _line_start(text: str, pos: int) -> bool:
    i = text.rfind("\n", 0, pos) + 1
    return not text[i:pos].strip(" \t•-–*·\u2022")


def _title_after(text: str, pos: int, limit: int = 200) -> str:
    """The rest of the line after `pos`, plus continuation lines that start in lower case."""
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    title = text[pos:end]
    for _ in range(3):
        if end >= len(text) - 1:
            break
        nxt_end = text.find("\n", end + 1)
        nxt_end = len(text) if nxt_end < 0 else nxt_end
        nxt = text[end + 1:nxt_end].strip()
        if not nxt or not nxt[0].islower() or len(title) + len(nxt) > limit:
            break
        title += " " + nxt
        end = nxt_end
    return _clean(title)[:limit]


class GoalIndex:
    """Goal anchors of one document, in text order, and the resolution of a sentence's goal."""

    def __init__(self, doc: Doc, cues: Cues, window: int = 8000):
        d = document(doc)
        self.doc, self.cues, self.window, self.text = doc, cues, window, d.text
        self.titles: dict[tuple[str, str], str] = {}
        # a report that names its goals "strategiska mål" throughout: unnumbered goal titles are those
        self.strategic_doc = len(_STRATEGIC.findall(d.text)) >= 5
        anchors: list[Anchor] = []
        for level in NUMBERED:
            for s, e in cues.by_label.get(level, []):
                span = doc[s:e]
                key = numbered(doc, level, s, e)
                if key is None:
                    continue
                ref = _clean(span.text)
                if not _line_start(d.text, span.start_char):
                    continue
                title = _title_after(d.text, span.end_char)
                label = f"{ref}. {title}" if title else ref
                if title and not _GENERIC_HEADING.search(title):
                    if len(label) > len(self.titles.get(key, "")):
                        self.titles[key] = label
                anchors.append(Anchor(span.start_char, label, Level(level), ref))
        for b in d.blocks:
            if b.kind != BlockKind.HEADING:
                continue
            head = _clean(d.text[b.start:b.end])
            if not head or _GENERIC_HEADING.search(head) or any(a.start == b.start for a in anchors):
                continue
            if re.match(r"^\d+(\.\d+)*\s", head):  # numbered chapter headings are structure, not goals
                continue
            anchors.append(Anchor(b.start, head, self._context_level(b.start, head), None))
        anchors += self._title_lines(doc)
        for b in d.blocks:
            if b.kind not in (BlockKind.LIST_ITEM, BlockKind.PARAGRAPH):
                continue
            text = d.text[b.start:b.end].strip()
            if "\n" in text and b.kind != BlockKind.LIST_ITEM:
                continue
            line = text.split("\n")[0].strip().lstrip("•-–*·\u2022 ")
            if (not line[:1].isupper() or re.search(r"[.!?:;,]$|\d", line)
                    or not 1 <= len(line.split()) <= 8 or _GENERIC_HEADING.search(line)):
                continue
            anchors.append(Anchor(b.start, _clean(line), self._context_level(b.start, line), None))
        # the same goal line repeated (numbered anchors): keep the richest title
        anchors = [a if not a.ref else Anchor(a.start, self.titles.get(_ref_key(a.level.value, a.ref), a.label),
                                                 a.level, a.ref) for a in anchors]
        anchors.sort(key=lambda a: a.start)
        self.anchors = anchors
        self._starts = [a.start for a in anchors]

    def _title_lines(self, doc: Doc) -> list[Anchor]:
        """Short title lines directly above a "Den samlade bedömningen …" sentence."""
        out = []
        for m in re.finditer(r"(?m)^[ \t]*([A-ZÅÄÖ][^\n.!?:;]{2,90})\n((?:[ \t]*[a-zåäö(][^\n.!?:;]{1,60}\n){0,2})",
                             self.text):
            after = self.text[m.end():m.end() + 80]
            if not _TITLE_NEXT.match(after) or not after.lstrip()[:1].isupper():
                continue
            before = self.text[:m.start(1)].rstrip()
            if before and before[-1] not in ".!?:\n" and "\n\n" not in self.text[len(before):m.start(1) + 1]:
                continue
            title = _clean(m.group(1) + " " + m.group(2))
            if _GENERIC_HEADING.search(title) or len(title.split()) > 14:
                continue
            out.append(Anchor(m.start(1), title, self._context_level(m.start(1), title), None))
        return out

    def _context_level(self, pos: int, head: str) -> Level:
        before = self.text[max(0, pos - 3000):pos] + " " + head
        if _FINANCIAL.search(head) or _FINANCIAL_WORD.search(head) or _FINANCIAL.search(before[-400:]):
            return Level.FINANCIAL_GOAL
        if re.search(r"ekonomisk hushållning", head, re.I):
            return Level.GOOD_ECONOMIC_MANAGEMENT
        if _STRATEGIC.search(before) or self.strategic_doc:
            return Level.STRATEGIC_GOAL
        return Level.GOAL

    def anchor_before(self, pos: int) -> Anchor | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return None
        a = self.anchors[i]
        return a if pos - a.start <= self.window else None

    def resolve(self, a: int, b: int, targets_above: bool = True) -> tuple[str | None, Level | None]:
        """The goal (name as written) and level a sentence at tokens [a, b) is about."""
        doc, cues = self.doc, self.cues
        start_char = doc[a].idx
        for level in ("sub_goal", "financial_goal", "strategic_goal", "goal"):
            for s, e in cues.within(level, a, b):
                key = numbered(doc, level, s, e)
                if key:
                    return self.titles.get(key, _clean(doc[s:e].text)), Level(level)
        anchor = self.anchor_before(start_char)
        if cues.has("good_economic_management", a, b):
            return "god ekonomisk hushållning", Level.GOOD_ECONOMIC_MANAGEMENT
        indicator = self._indicator(a, b)
        if indicator:
            return _with_ref(indicator, anchor), Level.INDICATOR
        compound = self._compound(a, b)
        if compound:
            return compound
        named = self._named(a, b)
        level = anchor.level if anchor else None
        financial = any(" " in doc[s:e].text for s, e in cues.within("financial_goal", a, b))
        if cues.has("strategic_goal", a, b):
            level = Level.STRATEGIC_GOAL
        elif any(t.lower_ in {"delmålet", "delmålen"} for t in doc[a:b]):
            level = Level.SUB_GOAL
        if cues.has("overall", a, b) and not any(t.lower_ == "målet" for t in doc[a:b]):
            return "samtliga mål", Level.OVERALL
        if financial:
            return named or "finansiellt mål", Level.FINANCIAL_GOAL
        if named:
            if level != Level.FINANCIAL_GOAL:
                level = Level.INDICATOR if re.match(r"målet för (antal|andel)", named, re.I) else Level.SUB_GOAL
            return _with_ref(named, anchor), level
        if anchor is None:
            return None, None
        if targets_above and anchor.level == Level.FINANCIAL_GOAL and not anchor.ref:
            target = self._target_above(anchor.start, start_char)
            if target:
                return target, Level.FINANCIAL_GOAL
        return anchor.label, level

    def _compound(self, a: int, b: int) -> tuple[str, Level] | None:
        """A goal named by a compound: 'resultatmålet', 'avkastningsmålet', 'pensionsskuldsmålet'."""
        for t in self.doc[a:b]:
            low = t.lower_
            if not re.match(r"^[a-zåäö]{3,}mål(et|en)?$", low) or low.startswith(("delmål", "verksamhetsmål")):
                continue
            level = Level.FINANCIAL_GOAL if self.cues.has("financial_goal", t.i, t.i + 1) else Level.SUB_GOAL
            return t.text[:1].upper() + t.text[1:], level
        return None

    def _named(self, a: int, b: int) -> str | None:
        """'målet för samordningsgrad', 'målsättning om att uppnå besparingar …' named in the sentence."""
        doc = self.doc
        toks = [t for t in doc[a:b] if not t.is_space]
        for i, t in enumerate(toks[:-2]):
            low = t.lower_
            if low in {"målet", "målsättningen", "målsättning", "ambitionen"} and toks[i + 1].lower_ in {
                    "för", "om", "att", "med", "på"}:
                words = [t.text, toks[i + 1].text]
                for u in toks[i + 2:i + 12]:
                    if u.lower_ in _STOP_NAME and len(words) > 2:
                        break
                    words.append(u.text)
                if re.fullmatch(r"(19|20)\d\d", words[2]) and len(words) == 3:
                    continue
                return _clean(" ".join(words))
        return None

    def _indicator(self, a: int, b: int) -> str | None:
        doc = self.doc
        toks = [t for t in doc[a:b] if not t.is_space]
        for i, t in enumerate(toks[:-1]):
            if t.lower_ in {"indikatorn", "styrmåttet", "nyckeltalet"}:
                words = []
                for u in toks[i + 1:i + 14]:
                    if u.lower_ in _STOP_NAME and words:
                        break
                    words.append(u.text)
                if words:
                    return _clean(" ".join(words))
        return None

    def _target_above(self, lo: int, hi: int) -> str | None:
        """In a financial-goals section the goal is the target sentence standing above the assessment."""
        chunk = self.text[lo:hi]
        best = None
        for m in re.finditer(r"[^.\n][^.]*?\b(ska|skall|får)\b[^.]*?\b(minst|högst|lägst|uppgå|öka|minska)\b[^.]*\.",
                             chunk):
            best = m
        if best is None:
            return None
        return _clean(best.group())[:200]


def _with_ref(name: str, anchor: Anchor | None) -> str:
    return f"{name} ({anchor.ref})" if anchor and anchor.ref else name


# ---------------------------------------------------------------- status and horizon


def _tokens(doc: Doc, a: int, b: int) -> list[int]:
    return [i for i in range(a, b) if not doc[i].is_space]


def _prev(doc: Doc, i: int, lo: int, n: int = 1) -> list:
    out, j = [], i - 1
    while j >= lo and len(out) < n:
        if not doc[j].is_space:
            out.append(doc[j])
        j -= 1
    return out


def _next(doc: Doc, i: int, hi: int):
    j = i + 1
    while j < hi and doc[j].is_space:
        j += 1
    return doc[j] if j < hi else None


def clauses(cues: Cues, a: int, b: int) -> list[tuple[int, int]]:
    cuts = [s for s in cues.starts("CLAUSE_BREAK", a, b) if s > a]
    bounds = [a] + cuts + [b]
    return [(x, y) for x, y in zip(bounds, bounds[1:]) if y > x]


def _predicate_ok(doc: Doc, cues: Cues, i: int, a: int, b: int) -> bool:
    """False for purposes, targets, questions, relative clauses and attributive participles."""
    tok = doc[i]
    low = tok.lower_
    before = _prev(doc, i, a, 3)
    if low in _INFINITIVES:  # an infinitive is an assessment only after a verb of prognosis
        if not before:
            return False
        if before[0].lower_ == "att":
            if not (len(before) > 1 and (before[1].lemma_ in _FUTURE_ATT or before[1].lower_ in _FUTURE_ATT)):
                return False
        elif before[0].lower_ not in _FUTURE_INF:
            return False
    if any(cues.has("MODAL_TARGET", t.i, t.i + 1) for t in before):
        return False
    for k, t in enumerate(before[:2]):  # "enheter som uppfyller", not "bedöms som uppfyllt"
        if t.lower_ == "som" and not (k + 1 < len(before) and before[k + 1].lower_ in _JUDGED):
            return False
    if before and before[0].lower_ in {"den", "det", "de", "en", "ett"} and _PARTICIPLE.search(low) \
            and low not in {"nått", "klarat"}:
        return False
    nxt = _next(doc, i, b)
    if tok.lemma_ == "nå" and nxt is not None and nxt.lower_ in {"ut", "fram"}:
        return False
    if tok.lemma_ == "klara" and nxt is not None and nxt.lower_ in {"sig", "av", "ut"}:
        return False
    for s, e in cues.within("SUBORDINATOR", a, i):
        if e - s > 1:
            return False
        nx = _next(doc, e - 1, i + 1)
        if nx is None:
            continue
        if nx.lower_ in _SUBJECTS or cues.has("GOAL_NOUN", nx.i, nx.i + 1):
            return False
    if cues.has("INQUIRY", a, i):
        return False
    return True


def _degree(doc: Doc, cues: Cues, a: int, b: int, label: str) -> bool:
    for s, e in cues.within(label, a, b):
        nxt = _next(doc, e - 1, b)
        if label == "PARTIAL" and nxt is not None and nxt.lower_ in _NOT_DEGREE and doc[s].lower_ == "delvis":
            continue
        return True
    return False


def _status_at(doc: Doc, cues: Cues, i: int, a: int, b: int) -> Status:
    window = _tokens(doc, max(a, i - 12), i)[-8:]
    neg = bool(window) and cues.has("NEG", window[0], i)
    for j in window:  # "ingen av indikatorerna har uppnått …", "inget mål nås"
        nx = _next(doc, j, i)
        if cues.has("QUANT_NONE", j, j + 1) and nx is not None and (nx.lower_ == "av" or cues.has(
                "GOAL_NOUN", nx.i, nx.i + 1)):
            neg = True
    nxt = _next(doc, i, b)
    for _ in range(2):  # "uppnås inte", "nås därmed inte"
        if nxt is None:
            break
        if cues.has("NEG", nxt.i, nxt.i + 1):
            neg = True
            break
        nxt = _next(doc, nxt.i, b)
    full = _degree(doc, cues, a, b, "FULL")
    partial = _degree(doc, cues, a, b, "PARTIAL")
    if neg:
        return Status.PARTIALLY if (full or partial) else Status.NOT_ACHIEVED
    if partial:
        return Status.PARTIALLY
    return Status.ACHIEVED


def _evaluated(doc: Doc, cues: Cues, a: int, b: int) -> Status | None:
    """'måluppfyllelsen är mycket god', 'prognosen för målsättningen är god'."""
    heads = cues.starts("ATTAIN_NOUN", a, b)
    if not heads and cues.has("GOAL_NOUN", a, b):
        heads = cues.starts("PROGNOSIS", a, b)
    if not heads:
        return None
    for i in _tokens(doc, heads[0], b):
        if doc[i].lower_ not in {"är", "var", "blir", "bli", "vara", "bedöms", "bedömdes", "förväntas"}:
            continue
        window = _tokens(doc, i + 1, b)[:4]
        for j in window:
            good, bad = cues.has("GOOD", j, j + 1), any(s <= j < e for s, e in cues.within("BAD", i + 1, b))
            if not (good or bad):
                continue
            nxt = _next(doc, j, b)
            if nxt is not None and not (nxt.is_punct or nxt.lower_ in _PRED_END):
                return None
            if bad:
                return Status.NOT_ACHIEVED
            if cues.has("NEG", i, j):
                return Status.PARTIALLY if cues.has("FULL", i, j) else Status.NOT_ACHIEVED
            return Status.PARTIALLY if cues.has("PARTIAL", i, j) else Status.ACHIEVED
    return None


def _gem(doc: Doc, cues: Cues, a: int, b: int) -> Status | None:
    """'regionen har en delvis god ekonomisk hushållning'."""
    for s, _ in cues.within("good_economic_management", a, b):
        if cues.has("SUBORDINATOR", a, s) or cues.has("MODAL_TARGET", a, s):
            continue
        before = []
        for t in _prev(doc, s, a, 5):
            before.append(t)
            if t.lemma_ in _HAVE or t.lower_ in _HAVE:
                break
            if not (t.lower_ in _GEM_FILLER or cues.has("NEG", t.i, t.i + 1) or cues.has("PARTIAL", t.i, t.i + 1)):
                before = []
                break
        if not before or not (before[-1].lemma_ in _HAVE or before[-1].lower_ in _HAVE):
            continue
        if any(cues.has("NEG", t.i, t.i + 1) for t in before):
            return Status.NOT_ACHIEVED
        if any(cues.has("PARTIAL", t.i, t.i + 1) for t in before):
            return Status.PARTIALLY
        return Status.ACHIEVED
    return None


def _quantified(doc: Doc, cues: Cues, a: int, b: int) -> Status | None:
    """'Bedömningen är att samtliga medarbetare kommer att ha genomgått utbildning vid årets slut'."""
    frames = cues.within("FRAME", a, b)
    if not frames or not (cues.has("YEAR_END", a, b) or cues.has("LONG_TERM", a, b)):
        return None
    f_end = frames[0][1]
    toks = _tokens(doc, f_end, b)
    done = any(doc[j].lower_ in {"vara", "ha", "bli"} and any(_PARTICIPLE.search(doc[k].lower_)
                                                               for k in toks[toks.index(j) + 1:toks.index(j) + 3])
               for j in toks)
    if not done:
        return None
    head = toks[:4]
    for j in head:
        if cues.has("QUANT_NONE", j, j + 1):
            return Status.NOT_ACHIEVED
        if cues.has("QUANT_ALL", j, j + 1):
            return Status.ACHIEVED
        if any(s <= j < e for s, e in cues.within("QUANT_PART", f_end, b)):
            return Status.PARTIALLY
    return None


def clause_status(doc: Doc, cues: Cues, a: int, b: int, anchored: bool) -> tuple[Status | None, bool, int | None]:
    """(status, goal named in this clause, index of the predicate) for one clause."""
    if cues.has("NO_ASSESS", a, b) and (anchored or cues.has("GOAL_NOUN", a, b) or cues.has("ATTAIN_NOUN", a, b)):
        return Status.NO_ASSESSMENT, True, None
    named = cues.has("GOAL_NOUN", a, b)
    statuses, pred_at = [], None
    for label in ("ATTAIN", "EXCEED"):
        for i in cues.starts(label, a, b):
            if not _predicate_ok(doc, cues, i, a, b):
                continue
            goalish = named or anchored or (doc[i].lemma_ in {"uppnå", "nå", "infria"}
                                            and cues.has("PROGNOSIS", a, i))
            if not goalish:
                continue
            st = _status_at(doc, cues, i, a, b)
            if label == "EXCEED":
                if st == Status.NOT_ACHIEVED:
                    continue
                st = Status.ACHIEVED
            statuses.append(st)
            pred_at = i if pred_at is None else pred_at
    if statuses:
        named = named or cues.has("PROGNOSIS", a, b)
        if len(set(statuses)) > 1:
            return Status.PARTIALLY, named, pred_at
        return statuses[0], named, pred_at
    st = _gem(doc, cues, a, b)
    if st is not None:
        return st, True, None
    st = _evaluated(doc, cues, a, b)
    if st is not None:
        return st, True, None
    return None, named, None


def _later_year(doc: Doc, a: int, b: int) -> bool:
    """'till 2025', 'under 2020' in a report about an earlier year: beyond the year end."""
    period = doc._.document.meta.period if doc._.document is not None else None
    if not period or not period[:4].isdigit():
        return False
    year = int(period[:4])
    toks = _tokens(doc, a, b)
    for k, i in enumerate(toks):
        t = doc[i]
        if k and t.is_digit and len(t.text) == 4 and year < int(t.text) < 2100 and doc[toks[k - 1]].lower_ in _YEAR_PREP:
            return True
    return False


_CLOSED_YEAR_KINDS = {"årsredovisning"}
_PRETERITE = {"uppnåddes", "nåddes", "uppfylldes", "klarades", "nådde", "uppnådde", "uppfyllde", "klarade",
              "infriades", "överträffades", "överträffade"}
_PROGNOSIS_VERBS = {"bedöms", "beräknas", "förväntas", "väntas", "prognostiseras", "tros"}


def _kind(doc: Doc) -> str | None:
    return doc._.document.meta.kind if doc._.document is not None else None


def _past(doc: Doc, pred: int, a: int) -> bool:
    """'har uppnåtts', 'nåddes', 'uppfylldes': the clause reports what happened, not a prognosis."""
    if doc[pred].lower_ in _PRETERITE:
        return True
    return any(t.lower_ in {"har", "hade"} for t in _prev(doc, pred, a, 3))


def clause_horizon(doc: Doc, cues: Cues, a: int, b: int, pred: int | None) -> Horizon | None:
    """The explicit horizon of a clause, or None when it has no time word."""
    closed = _kind(doc) in _CLOSED_YEAR_KINDS
    if cues.has("LONG_TERM", a, b):
        return Horizon.LONG_TERM
    future = cues.has("FUTURE", a, b) or cues.has("MODAL_FUTURE", a, b)
    if future and _later_year(doc, a, b):
        return Horizon.LONG_TERM
    if cues.has("YEAR_END", a, b):
        # "vid årets slut … har uppnåtts" in an annual report is the outcome, not a prognosis
        past = pred is not None and _past(doc, pred, a) and not cues.has("FUTURE", a, b)
        return Horizon.CURRENT if closed or past else Horizon.YEAR_END
    if cues.has("FUTURE", a, b) or (pred is not None and (
            any(cues.has("MODAL_FUTURE", t.i, t.i + 1) for t in _prev(doc, pred, a, 3))
            or (doc[pred].lower_.endswith("s") and any(doc[j].lower_ in _PROGNOSIS_VERBS
                                                        for j in _tokens(doc, a, pred))))):
        # an interim report looks ahead to its year end; an annual report's year is over
        return Horizon.LONG_TERM if closed else Horizon.YEAR_END
    if cues.has("CURRENT", a, b):
        return Horizon.CURRENT
    return None


def _default_horizon(doc: Doc, start_char: int) -> Horizon:
    """Under a heading such as "Måluppfyllelse – prognos helår" a bare statement is a prognosis."""
    d = doc._.document
    sec = d.section_at(start_char) if d is not None else None
    if sec is not None and re.search(r"prognos", sec.heading, re.I) and _kind(doc) not in _CLOSED_YEAR_KINDS:
        return Horizon.YEAR_END
    return Horizon.CURRENT


def assess(doc: Doc, cues: Cues, a: int, b: int, anchored: bool) -> list[tuple[Status, Horizon, tuple[int, int]]]:
    """(status, horizon, clause tokens) of a sentence at tokens [a, b), one per horizon."""
    found: dict[Horizon, list[Status]] = {}
    where: dict[Horizon, tuple[int, int]] = {}
    named, horizon = False, None
    for x, y in clauses(cues, a, b):
        st, here, pred = clause_status(doc, cues, x, y, anchored or named)
        named = named or here
        h = clause_horizon(doc, cues, x, y, pred)
        horizon = h or horizon
        if st is None:
            continue
        key = horizon or _default_horizon(doc, doc[a].idx)
        found.setdefault(key, []).append(st)
        where.setdefault(key, (x, y))
    if not found and anchored:
        st = _quantified(doc, cues, a, b)
        if st is not None:
            key = clause_horizon(doc, cues, a, b, None) or _default_horizon(doc, doc[a].idx)
            found[key], where[key] = [st], (a, b)
    return [(sts[0] if len(set(sts)) == 1 else Status.PARTIALLY, h, where[h]) for h, sts in found.items()]


def _counted(doc: Doc, cues: Cues, a: int, b: int) -> bool:
    """'två av de finansiella målen har inte nåtts': a count of goals, not one goal's assessment."""
    toks = _tokens(doc, a, b)
    for k, i in enumerate(toks[:-2]):
        t = doc[i]
        if not (t.is_digit or (t.is_alpha and t.lower_ not in {"en", "ett"} and word_to_int(t.lower_) is not None)):
            continue
        if doc[toks[k + 1]].lower_ != "av":
            continue
        if any(cues.has("GOAL_NOUN", j, j + 1) for j in toks[k + 2:k + 5]):
            return True
    return False


# ---------------------------------------------------------------- assessor


_SAY = {"bedömer", "bedömt", "bedömde", "anser", "konstaterar", "menar", "uppger", "rapporterar", "gör", "gjorde"}


def assessor(doc: Doc, cues: Cues, a: int, b: int) -> str | None:
    """The committee or body that makes the assessment, when the sentence names one."""
    for s, e in cues.within("ASSESSOR", a, b):
        nxt = _next(doc, e - 1, b)
        body_start = s
        prev = _prev(doc, s, a, 2)
        if len(prev) == 2 and prev[0].lower_ == "och" and prev[1].text.endswith("-"):
            body_start = prev[1].i
        elif prev and prev[0].text[:1].isupper() and prev[0].is_alpha and prev[0].lower_ not in {
                "i", "inom", "för", "enligt", "av", "från", "hos", "den", "det"}:
            body_start = prev[0].i
        end = e
        nx = nxt
        while nx is not None and nx.text[:1].isupper() and nx.is_alpha and nx.i < b:
            end = nx.i + 1
            nx = _next(doc, nx.i, b)
        name = _clean(doc[body_start:end].text)
        word = doc[e - 1].lower_
        if nx is not None and nx.lower_ in _SAY:
            return name
        if word.endswith("s") and nx is not None and nx.lower_ in {"samlade", "sammanvägda", "bedömning", "bedömningen"}:
            return name[:-1]
        before = _prev(doc, body_start, a, 2)
        if before and before[0].lower_ == "enligt":
            return name
        if len(before) == 2 and before[0].lower_ == "av" and before[1].lower_ in {"bedöms", "bedömts", "bedömdes"}:
            return name
    return None


# ---------------------------------------------------------------- component


class GoalAssessor(HeadsUser, CueListComponent):
    settings = ("spans_key", "max_chars", "max_run", "goal_window", "heads")

    def __call__(self, doc: Doc) -> Doc:
        d = document(doc)
        group = []
        cands = candidates(doc, self.max_chars, self.max_run, self.name)
        if not cands:
            doc._.warnings.append(f"{d.name}: {self.name} found no prose sentences to read")
        else:
            cues = self.lexicon.cues(doc, cands)
            index = GoalIndex(doc, cues, self.goal_window)
            rest = []
            for c in cands:
                found = self.assess_sentence(doc, d, cues, index, c)
                group += [span for span, _ in found]
                if not found:
                    rest.append(c)
            group += self.status_lines(doc, d, cues, index)
            group += self.head_assessments(doc, d, cues, index, rest)
            group.sort(key=lambda sp: sp.start)
        doc.spans[self.spans_key] = group
        return doc

    def head_assessments(self, doc: Doc, d, cues: Cues, index: GoalIndex, rest) -> list[Span]:
        """Assessments the rules did not read, where learned heads are loaded: the head decides
        that a sentence assesses a goal and its status and horizon; which goal, its level and
        the assessor are still read by the rules (the goal index, the assessor patterns)."""
        heads = self.loaded_heads()
        taken = {(sp.start_char, sp.end_char) for sp in doc.spans.get(self.spans_key, [])}
        if heads is None or not rest:
            return []
        pairs = [(c.span, None if c.in_table else _sentence_at(d, c.start)) for c in rest]
        feats = candidate_features(d, pairs, [goal_features(self.lexicon, c.span) for c in rest])
        out = []
        for i, _, labels in run_heads(doc, heads, "goal", [c.span.text for c in rest], feats,
                                      [False] * len(rest), [False] * len(rest), encoder=self.encoder):
            c = rest[i]
            status = Status(labels.get("goal_status", Status.NO_ASSESSMENT.value))
            horizon = Horizon(labels.get("goal_horizon", Horizon.CURRENT.value))
            goal, level = index.resolve(c.span.start, c.span.end)
            rec = GoalAssessment(**evidence(doc, c.start, c.end), goal=goal, level=level,
                                 assessor=assessor(doc, cues, c.span.start, c.span.end), status=status, horizon=horizon)
            if (c.start, c.end) in taken:
                continue
            span = claim(doc, c.span.start, c.span.end, status.value)
            span._.fact = rec
            out.append(span)
        return out

    def status_lines(self, doc: Doc, d, cues: Cues, index: GoalIndex) -> list[Span]:
        """'Måluppfyllelse: Delvis uppfyllt', 'Prognos helår: Uppnås' — status fields of goal tables and cards."""
        out = []
        for m in _STATUS_LINE.finditer(d.text):
            value = m.group("value")
            status = label_status(value)
            if status is None or not _STATUS_WORD.search(value):
                continue
            span = doc.char_span(m.start("field"), m.end("value"), alignment_mode="expand")
            if span is None:
                continue
            horizon = Horizon.YEAR_END if re.search(r"prognos|årets slut|helår", m.group("field"), re.I) else (
                Horizon.CURRENT)
            goal, level = index.resolve(span.start, span.end)
            ev = evidence(doc, span.start_char, span.end_char)
            rec = GoalAssessment(**ev, goal=goal, level=level, assessor=None, status=status,
                                 horizon=horizon)
            carrier = claim(doc, span.start, span.end, status.value)
            carrier._.fact = rec
            out.append(carrier)
        return out

    def assess_sentence(self, doc, d, cues: Cues, index: GoalIndex, c) -> list[tuple[Span, GoalAssessment]]:
        a, b = c.span.start, c.span.end
        if not (cues.has("ATTAIN", a, b) or cues.has("EXCEED", a, b) or cues.has("ATTAIN_NOUN", a, b)
                or cues.has("NO_ASSESS", a, b) or cues.has("FRAME", a, b)
                or cues.has("good_economic_management", a, b)):
            return []
        if parse_counts(doc, cues, c.span) is not None or _counted(doc, cues, a, b):
            return []  # a counted summary ("två av de 17 målen …") is rapport_aggregates' record
        anchor = index.anchor_before(c.start)
        pairs = assess(doc, cues, a, b, anchored=anchor is not None and cues.has("FRAME", a, b))
        if not pairs:
            return []
        goal, level = index.resolve(a, b)
        who = assessor(doc, cues, a, b)
        ev = evidence(doc, c.start, c.end)
        out = []
        for status, horizon, (x, y) in pairs:
            rec = GoalAssessment(**ev, goal=goal, level=level, assessor=who, status=status,
                                 horizon=horizon)
            span = claim(doc, x, y, status.value)
            span._.fact = rec
            out.append((span, rec))
        return out


def _sentence_at(d, start: int):
    """The corpus Sentence starting at `start` (for its section and block), if there is one."""
    i = bisect.bisect_left(d.sentences, start, key=lambda s: s.start)
    return d.sentences[i] if i < len(d.sentences) and d.sentences[i].start == start else None
