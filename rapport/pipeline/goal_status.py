"""How far a goal is met and for when: status and horizon of a clause, by rules over cues.

A sentence is an assessment when an attainment predicate (uppnå, uppfylla, nå,
klara, överträffa …) or an evaluated "måluppfyllelse" stands in a clause that
names a goal ("målet", "delmål 12.5", "målvärdet", "prognosen"), and the
predicate is not a purpose, a target or a question ("för att nå målen", "målet
ska nås", "om målen inte nås").

Status comes from the clause's negation and degree words: "inte helt
uppfyllt" → partially, "inte uppfyllt" → not_achieved, "delvis", "i huvudsak"
→ partially. Horizon from its time words: "vid årets slut", "prognosen",
"kommer att", "kan uppnås" → year_end; "på längre sikt" → long_term; else
current. Clauses joined by "men", "medan" … are judged one by one, so one
sentence may give a current and a year-end record (one per goal and horizon).

Status values standing alone — a status line's tail ("… – ej uppnått", "Gul"), a
card field ("Måluppfyllelse: Delvis uppfyllt"), a count table's row label ("Målet
har helt uppfyllts 8") — have one reader, `value_status`, over the same cue rows
(models/patterns/status.jsonl, colours in structure.jsonl): a value says attainment
or a degree, negation turns it, a colour or a no-assessment phrase decides alone.
"""
from __future__ import annotations

from spacy.tokens import Doc

from rapport.corpus.numbers import word_to_int

from .goal_base import GoalCues, GoalPatterns, GoalWords
from .goal_clauses import clauses, next_word, prev_words, tokens
from .records import Horizon, Status

# the status a status value states: one reader for status lines, card fields ("Måluppfyllelse: …") and
# count-table rows ("Målet har helt uppfyllts 8"), over the same cue rows as the sentence rules
COLOURS = {"COLOUR_GREEN": Status.ACHIEVED, "COLOUR_YELLOW": Status.PARTIALLY, "COLOUR_RED": Status.NOT_ACHIEVED}


def value_status(cues: GoalCues, a: int, b: int) -> Status | None:
    """The status a status value states ("ej uppnått", "delvis uppfyllt", "Gul", "ingen bedömning")."""
    if cues.has("NO_ASSESS", a, b):
        return Status.NO_ASSESSMENT
    for label, status in COLOURS.items():
        if cues.has(label, a, b):
            return status
    neg, partial, full = cues.has("NEG", a, b), cues.has("PARTIAL", a, b), cues.has("FULL", a, b)
    attained = cues.has("ATTAIN", a, b) or cues.has("EXCEED", a, b)
    if not (attained or partial):
        return None
    if neg:
        return Status.PARTIALLY if (full or partial) else Status.NOT_ACHIEVED
    return Status.PARTIALLY if partial else Status.ACHIEVED


def value_statuses(doc: Doc, patterns: GoalPatterns, values: list[tuple[int, int]]) -> list[Status | None]:
    """`value_status` of each value at tokens [a, b), the cues matched once over all of them
    (values outside the candidate sentences: card fields, table rows)."""
    cues = GoalCues(doc, patterns, values)
    return [value_status(cues, a, b) for a, b in values]


def _predicate_ok(doc: Doc, cues: GoalCues, i: int, a: int, b: int) -> bool:
    """False for purposes, targets, questions, relative clauses and attributive participles."""
    w = cues.words
    tok = doc[i]
    low = tok.lower_
    before = prev_words(doc, i, a, 3)
    if low in w["INFINITIVES"]:  # an infinitive is an assessment only after a verb of prognosis
        if not before:
            return False
        if before[0].lower_ == "att":
            if not (len(before) > 1 and (before[1].lemma_ in w["FUTURE_ATT"] or before[1].lower_ in w["FUTURE_ATT"])):
                return False
        elif before[0].lower_ not in w["FUTURE_INF"]:
            return False
    if any(cues.has("MODAL_TARGET", t.i, t.i + 1) for t in before):
        return False
    for k, t in enumerate(before[:2]):  # "enheter som uppfyller", not "bedöms som uppfyllt"
        if t.lower_ == "som" and not (k + 1 < len(before) and before[k + 1].lower_ in w["JUDGED"]):
            return False
    if before and before[0].lower_ in w["ARTICLES"] and w.rx("PARTICIPLE").search(low) \
            and low not in w["ATTAINED_PARTICIPLES"]:
        return False
    nxt = next_word(doc, i, b)
    if tok.lemma_ == "nå" and nxt is not None and nxt.lower_ in w["NA_PARTICLES"]:
        return False
    if tok.lemma_ == "klara" and nxt is not None and nxt.lower_ in w["KLARA_PARTICLES"]:
        return False
    for s, e in cues.within("SUBORDINATOR", a, i):
        if e - s > 1:
            return False
        nx = next_word(doc, e - 1, i + 1)
        if nx is None:
            continue
        if nx.lower_ in w["SUBJECTS"] or cues.has("GOAL_NOUN", nx.i, nx.i + 1):
            return False
    if cues.has("INQUIRY", a, i):
        return False
    return True


def _degree(doc: Doc, cues: GoalCues, a: int, b: int, label: str) -> bool:
    for s, e in cues.within(label, a, b):
        nxt = next_word(doc, e - 1, b)
        if label == "PARTIAL" and nxt is not None and nxt.lower_ in cues.words["NOT_DEGREE"] and doc[s].lower_ == "delvis":
            continue
        return True
    return False


def _status_at(doc: Doc, cues: GoalCues, i: int, a: int, b: int) -> Status:
    window = tokens(doc, max(a, i - 12), i)[-8:]
    neg = bool(window) and any(not _relative_neg(doc, cues, s, e, i) for s, e in cues.within("NEG", window[0], i))
    for j in window:  # "ingen av indikatorerna har uppnått …", "inget mål nås"
        nx = next_word(doc, j, i)
        if cues.has("QUANT_NONE", j, j + 1) and nx is not None and (nx.lower_ == "av" or cues.has(
                "GOAL_NOUN", nx.i, nx.i + 1)):
            neg = True
    nxt = next_word(doc, i, b)
    for _ in range(2):  # "uppnås inte", "nås därmed inte"
        if nxt is None:
            break
        if cues.has("NEG", nxt.i, nxt.i + 1):
            neg = True
            break
        nxt = next_word(doc, nxt.i, b)
    full = _degree(doc, cues, a, b, "FULL")
    partial = _degree(doc, cues, a, b, "PARTIAL")
    if neg:
        return Status.PARTIALLY if (full or partial) else Status.NOT_ACHIEVED
    if partial:
        return Status.PARTIALLY
    return Status.ACHIEVED


def _relative_neg(doc: Doc, cues: GoalCues, s: int, e: int, pred: int) -> bool:
    """'Målet om en soliditet som inte understiger 15 procent är uppfyllt': a negation right after a
    relative pronoun, closed by a finite verb of the main clause before the status word, is part of
    the goal's name (its condition), not of the assessment."""
    if s == 0 or doc[s - 1].lower_ not in cues.words["RELATIVE"]:
        return False
    main = cues.words["COPULAS"] | cues.words["PERFECT_AUX"]
    return any(doc[k].lower_ in main for k in range(e + 1, pred))


def _evaluated(doc: Doc, cues: GoalCues, a: int, b: int) -> Status | None:
    """'måluppfyllelsen är mycket god', 'prognosen för målsättningen är god'."""
    heads = cues.starts("ATTAIN_NOUN", a, b)
    if not heads and cues.has("GOAL_NOUN", a, b):
        heads = cues.starts("PROGNOSIS", a, b)
    if not heads:
        return None
    for i in tokens(doc, heads[0], b):
        if doc[i].lower_ not in cues.words["COPULAS"]:
            continue
        window = tokens(doc, i + 1, b)[:4]
        for j in window:
            good, bad = cues.has("GOOD", j, j + 1), any(s <= j < e for s, e in cues.within("BAD", i + 1, b))
            if not (good or bad):
                continue
            nxt = next_word(doc, j, b)
            if nxt is not None and not (nxt.is_punct or nxt.lower_ in cues.words["PRED_END"]):
                return None
            if bad:
                return Status.NOT_ACHIEVED
            if cues.has("NEG", i, j):
                return Status.PARTIALLY if cues.has("FULL", i, j) else Status.NOT_ACHIEVED
            return Status.PARTIALLY if cues.has("PARTIAL", i, j) else Status.ACHIEVED
    return None


def _gem(doc: Doc, cues: GoalCues, a: int, b: int) -> Status | None:
    """'regionen har en delvis god ekonomisk hushållning'."""
    have, filler = cues.words["HAVE"], cues.words["GEM_FILLER"]
    for s, _ in cues.within("good_economic_management", a, b):
        if cues.has("SUBORDINATOR", a, s) or cues.has("MODAL_TARGET", a, s):
            continue
        before = []
        for t in prev_words(doc, s, a, 5):
            before.append(t)
            if t.lemma_ in have or t.lower_ in have:
                break
            if not (t.lower_ in filler or cues.has("NEG", t.i, t.i + 1) or cues.has("PARTIAL", t.i, t.i + 1)):
                before = []
                break
        if not before or not (before[-1].lemma_ in have or before[-1].lower_ in have):
            continue
        for t in prev_words(doc, before[-1].i, a, 4):  # "inte har haft", "inte kommer att ha"
            if not (t.lower_ in cues.words["GEM_AUX"] or cues.has("NEG", t.i, t.i + 1)):
                break
            before.append(t)
        if any(cues.has("NEG", t.i, t.i + 1) for t in before):
            return Status.NOT_ACHIEVED
        if any(cues.has("PARTIAL", t.i, t.i + 1) for t in before):
            return Status.PARTIALLY
        return Status.ACHIEVED
    return None


def _quantified(doc: Doc, cues: GoalCues, a: int, b: int) -> Status | None:
    """'Vi bedömer att alla chefer kommer att ha genomgått utbildningen före årets slut'."""
    frames = cues.within("FRAME", a, b)
    if not frames or not (cues.has("YEAR_END", a, b) or cues.has("LONG_TERM", a, b)):
        return None
    f_end = frames[0][1]
    toks = tokens(doc, f_end, b)
    aux, participle = cues.words["DONE_AUX"], cues.words.rx("PARTICIPLE")
    done = any(doc[j].lower_ in aux and any(participle.search(doc[k].lower_)
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


def clause_status(doc: Doc, cues: GoalCues, a: int, b: int, anchored: bool) -> tuple[Status | None, bool, int | None]:
    """(status, goal named in this clause, index of the predicate) for one clause."""
    if cues.has("NO_ASSESS", a, b) and (anchored or cues.has("GOAL_NOUN", a, b) or cues.has("ATTAIN_NOUN", a, b)):
        return Status.NO_ASSESSMENT, True, None
    named = cues.has("GOAL_NOUN", a, b)
    statuses, pred_at = [], None
    for label in ("ATTAIN", "EXCEED"):
        for i in cues.starts(label, a, b):
            if not _predicate_ok(doc, cues, i, a, b):
                continue
            goalish = named or anchored or (doc[i].lemma_ in cues.words["PROGNOSIS_ATTAIN"]
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


def _report_year(doc: Doc) -> int | None:
    """The year of the report's own period (corpus.meta), or None when it has none."""
    period = doc._.document.meta.period if doc._.document is not None else None
    return int(period[:4]) if period and period[:4].isdigit() else None


def _later_year(doc: Doc, words: GoalWords, a: int, b: int) -> bool:
    """'till 2025', 'under 2020' in a report about an earlier year: beyond the year end."""
    year = _report_year(doc)
    if year is None:
        return False
    toks = tokens(doc, a, b)
    for k, i in enumerate(toks):
        t = doc[i]
        if k and t.is_digit and len(t.text) == 4 and year < int(t.text) < 2100 and doc[toks[k - 1]].lower_ in words["YEAR_PREP"]:
            return True
    return False


def _kind(doc: Doc) -> str | None:
    return doc._.document.meta.kind if doc._.document is not None else None


def _past(doc: Doc, words: GoalWords, pred: int, a: int) -> bool:
    """'har uppnåtts', 'nåddes', 'uppfylldes': the clause reports what happened, not a prognosis."""
    if doc[pred].lower_ in words["PRETERITE"]:
        return True
    return any(t.lower_ in words["PERFECT_AUX"] for t in prev_words(doc, pred, a, 3))


def clause_horizon(doc: Doc, cues: GoalCues, a: int, b: int, pred: int | None) -> Horizon | None:
    """The explicit horizon of a clause, or None when it has no time word."""
    closed = _kind(doc) in cues.words["CLOSED_YEAR_KINDS"]
    if cues.has("LONG_TERM", a, b):
        return Horizon.LONG_TERM
    future = cues.has("FUTURE", a, b) or cues.has("MODAL_FUTURE", a, b)
    if future and _later_year(doc, cues.words, a, b):
        return Horizon.LONG_TERM
    if cues.has("YEAR_END", a, b):
        # "vid årets slut … har uppnåtts" in an annual report is the outcome, not a prognosis
        past = pred is not None and _past(doc, cues.words, pred, a) and not cues.has("FUTURE", a, b)
        return Horizon.CURRENT if closed or past else Horizon.YEAR_END
    if cues.has("FUTURE", a, b) or (pred is not None and (
            any(cues.has("MODAL_FUTURE", t.i, t.i + 1) for t in prev_words(doc, pred, a, 3))
            or (doc[pred].lower_.endswith("s") and any(doc[j].lower_ in cues.words["PROGNOSIS_VERBS"]
                                                        for j in tokens(doc, a, pred))))):
        # an interim report looks ahead to its year end; an annual report's year is over
        return Horizon.LONG_TERM if closed else Horizon.YEAR_END
    if cues.has("CURRENT", a, b):
        return Horizon.CURRENT
    if not closed and pred is not None and not _past(doc, cues.words, pred, a) and _own_year(doc, a, b):
        return Horizon.YEAR_END  # "… inte uppnås 2025" in an interim report of 2025: the year's outcome, ahead
    return None


def _own_year(doc: Doc, a: int, b: int) -> bool:
    """The clause names the year of the report's own period ('uppnås 2025' in a report on 2025)."""
    year = _report_year(doc)
    return year is not None and any(doc[i].text == str(year) for i in tokens(doc, a, b))


def default_horizon(doc: Doc, words: GoalWords, start_char: int) -> Horizon:
    """Under a heading such as "Måluppfyllelse – prognos helår" a bare statement is a prognosis."""
    d = doc._.document
    sec = d.section_at(start_char) if d is not None else None
    if sec is not None and words.rx("PROGNOSIS_HEADING").search(sec.heading) and _kind(doc) not in words["CLOSED_YEAR_KINDS"]:
        return Horizon.YEAR_END
    return Horizon.CURRENT


def assess(doc: Doc, cues: GoalCues, a: int, b: int, anchored: bool) -> list[tuple[Status, Horizon, tuple[int, int]]]:
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
        key = horizon or default_horizon(doc, cues.words, doc[a].idx)
        found.setdefault(key, []).append(st)
        where.setdefault(key, (x, y))
    if not found and anchored:
        st = _quantified(doc, cues, a, b)
        if st is not None:
            key = clause_horizon(doc, cues, a, b, None) or default_horizon(doc, cues.words, doc[a].idx)
            found[key], where[key] = [st], (a, b)
    return [(sts[0] if len(set(sts)) == 1 else Status.PARTIALLY, h, where[h]) for h, sts in found.items()]


def counted(doc: Doc, cues: GoalCues, a: int, b: int) -> bool:
    """'två av de finansiella målen har inte nåtts', 'ett av målen nås': a count of goals, not one
    goal's assessment."""
    toks = tokens(doc, a, b)
    for k, i in enumerate(toks[:-2]):
        t = doc[i]
        if not (t.is_digit or (t.is_alpha and word_to_int(t.lower_) is not None) or t.lower_ in cues.words["ONE"]):
            continue
        if doc[toks[k + 1]].lower_ != "av":
            continue
        if any(cues.has("GOAL_NOUN", j, j + 1) for j in toks[k + 2:k + 5]):
            return True
    return False
