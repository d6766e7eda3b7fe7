"""Counted summaries read from text: counts by status, total and scope ("två av de 17 målen …").

Shared by rapport_aggregates (which records them) and rapport_goals (which leaves such
sentences to it), so neither component imports the other.

A sentence is cut at commas, "och", "medan", "samt" …; each piece gives one count and
the status its words carry (the same negation and degree cues as the goal rules:
"delvis" → partially, "inte" → not_achieved, "helt" or a bare attainment verb →
achieved). The total comes from "av (de) N <scope>", "totalt N <scope>", or a
sentence just before that states it. Number words (ett/en/två … tjugo) and digits both
count.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Doc, Span

from rapport.corpus.numbers import word_to_int

from .goal_base import GoalCues, GoalWords
from .goal_status import COLOURS
from .records import Status

COUNTS = ("achieved", "partially", "not_achieved", "no_assessment")
def number_at(words: GoalWords, tok, nxt=None) -> int | None:
    """A count: digits or a Swedish number word, not a year, percentage, amount or ordinal.

    'en'/'ett' count only when no noun follows them ("… och ett inte uppfyllt", "ett av målen").
    """
    low = tok.lower_
    if low in words["ORDINALS"]:
        return None
    if low in words["ONE"]:
        return 1 if nxt is not None and nxt.lower_ in words["AFTER_ONE"] else None
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


def _count_tokens(words: GoalWords, toks: list) -> list[tuple[int, int]]:
    """(position in toks, value) of each count among the tokens."""
    out = []
    for k, t in enumerate(toks):
        v = number_at(words, t, toks[k + 1] if k + 1 < len(toks) else None)
        if v is None:
            continue
        nxt = toks[k + 1].lower_ if k + 1 < len(toks) else ""
        prev = toks[k - 1].lower_ if k else ""
        if nxt in words["NOT_COUNT_AFTER"] or prev in words["NOT_COUNT_BEFORE"]:
            continue
        out.append((k, v))
    return out


def _assessed(cues: GoalCues, span: Span) -> bool:
    """An attainment, a colour or no assessment: what makes a count a count of assessments."""
    return any(cues.has(label, span.start, span.end) for label in ("ATTAIN", "EXCEED", "NO_ASSESS", *COLOURS))


def _piece_status(doc: Doc, cues: GoalCues, toks: list) -> Status | None:
    a, b = toks[0].i, toks[-1].i + 1
    if cues.has("NO_ASSESS", a, b):
        return Status.NO_ASSESSMENT
    colour = [st for label, st in COLOURS.items() if cues.has(label, a, b)]
    if len(colour) == 1:  # "två som gula": the colour is the status
        return colour[0]
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


def _scope_after(toks: list, k: int, cues: GoalCues) -> str | None:
    """'strategiska mål' from '17 strategiska målen har …': up to three words ending in a goal noun."""
    words = []
    for t in toks[k + 1:k + 4]:
        if not t.is_alpha:
            break
        words.append(t)
        if cues.has("GOAL_NOUN", t.i, t.i + 1):
            return " ".join([w.lower_ for w in words[:-1]] + [indefinite_plural(t.lower_)])
    return None


def parse_counts(doc: Doc, cues: GoalCues, span: Span, before: Span | None = None,
                 context: tuple[Span, ...] = (),
                 listed: Callable[[], tuple[int, str] | None] | None = None) -> dict | None:
    """Counts by status, total and scope of a counted-summary sentence, or None.

    The total may stand in the sentence before ("Totalt 20 delmål …") or, when the sentence
    counts "av dem" / "av dessa", anywhere in that sentence or in the `context` spans
    (the heading above: "Nämndens sex mål"); when it counts "av målen" with no number, it
    is what `listed()` gives: (the number of goals listed above, their scope), looked up only
    for a sentence that assesses (the lookup walks the blocks above). A count of the units that
    assess ("Tre av fyra förvaltningar bedömer att …") or where a goal was reached ("vid 19 av 27
    vårdcentraler") takes the units as its scope and says `units` ("assessors" or "places"):
    such a sentence also assesses the one goal it names (rapport_goals keeps it)."""
    toks = [t for t in span if not t.is_space]
    if not _assessed(cues, span):
        return None
    listed = listed() if listed is not None else None
    whole = _whole_count(doc, cues, toks, listed)
    if whole is not None:
        return whole
    nums = _count_tokens(cues.words, toks)
    if not nums:
        return None
    total, scope, total_at, units = None, None, None, False
    for k, v in nums:
        prev = toks[k - 1].lower_ if k else ""
        prev2 = toks[k - 2].lower_ if k > 1 else ""
        if prev in cues.words["TOTAL_BEFORE"] or prev == "av" or (prev2 == "av" and (
                prev in cues.words["TOTAL_AFTER_AV"] or prev.endswith("s"))):
            sc = _scope_after(toks, k, cues)
            place = k > 2 and toks[k - 3].lower_ in cues.words["AT_UNITS"]  # "nåddes vid 19 av 27 vårdcentraler"
            if sc is None and (place or cues.has("FRAME", span.start, span.end)):
                sc = _unit_after(toks, k)
                units = ("places" if place else "assessors") if sc is not None else False
            if sc:
                total, scope, total_at = v, sc, k
                break
    used_before = False
    back = _refers_back(cues, toks) and total is None
    if total is None and before is not None:
        got = _stated_total([t for t in before if not t.is_space], cues, anywhere=back)
        if got:
            (total, scope), used_before = got, True
    if total is None and back:
        for ctx in context:
            got = _stated_total([t for t in ctx if not t.is_space], cues, anywhere=True)
            if got:
                total, scope = got
                break
    if total is None and listed is not None and _counts_listed(cues, toks):
        total, scope = listed
    counts, own_scope = _piece_counts(doc, cues, toks, nums, total_at)
    scope = scope or own_scope
    if not counts or scope is None:
        return None
    if len(counts) < 2 and total is None:
        return None
    return {"total": total, "counts": counts, "scope": scope, "used_before": used_before, "units": units,
            "whole": False}


def _whole_count(doc: Doc, cues: GoalCues, toks: list, listed: tuple[int, str] | None) -> dict | None:
    """'Samtliga tre finansiella mål uppnås', 'Inget av de fyra målen nås', 'Hälften av de tio målen …',
    'Samtliga finansiella mål nås' (the goals listed above): all, none or half of a total. Such a
    sentence also assesses the goals together (`whole`: rapport_goals keeps its record)."""
    w = cues.words
    q = next((k for k, t in enumerate(toks[:3]) if t.lower_ in w["ALL_OF"] | w["NONE_OF"] | w["HALF_OF"]), None)
    if q is None:
        return None
    j = q + 1
    while j < len(toks) and (toks[j].lower_ == "av" or toks[j].lower_ in w["TOTAL_AFTER_AV"]):
        j += 1
    total = number_at(w, toks[j], toks[j + 1] if j + 1 < len(toks) else None) if j < len(toks) else None
    scope = _scope_after(toks, j if total is not None else j - 1, cues)
    if scope is None:
        return None
    if total is None:
        if listed is None:
            return None
        total = listed[0]
    st = _piece_status(doc, cues, toks)
    word = toks[q].lower_
    if st is None or (word in w["NONE_OF"] and st != Status.ACHIEVED) or (word in w["HALF_OF"] and total % 2):
        return None
    if word in w["NONE_OF"]:
        st = Status.NOT_ACHIEVED
    n = total // 2 if word in w["HALF_OF"] else total
    return {"total": total, "counts": {st.value: n}, "scope": scope, "used_before": False, "units": False,
            "whole": True}


def more_counts(doc: Doc, cues: GoalCues, span: Span) -> dict[str, int] | None:
    """Counts by status of a sentence that goes on with a summary ("Två nås delvis och ett inte."):
    counts with statuses, and no scope or total of its own."""
    toks = [t for t in span if not t.is_space]
    nums = _count_tokens(cues.words, toks)
    if not nums or not _assessed(cues, span):
        return None
    counts, scope = _piece_counts(doc, cues, toks, nums, None)
    return counts if counts and scope is None else None


def _unit_after(toks: list, k: int) -> str | None:
    """'förvaltningar' in 'tre av fyra förvaltningar bedömer …': the units counted, one plural noun."""
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    return nxt.lower_ if nxt is not None and nxt.is_alpha and len(nxt.text) > 3 and nxt.text.islower() else None


def _counts_listed(cues: GoalCues, toks: list) -> bool:
    """'ett av målen', 'två av de finansiella målen': a count of goals named before, with no number."""
    for k, t in enumerate(toks[:-1]):
        if t.lower_ != "av" or not k or number_at(cues.words, toks[k - 1], t) is None:
            continue
        after = toks[k + 1:k + 4]
        if any(w.like_num for w in after):
            return False
        if any(cues.has("GOAL_NOUN", w.i, w.i + 1) and w.lower_.endswith(("en", "na")) for w in after):
            return True
    return False


def remainder_counts(doc: Doc, cues: GoalCues, span: Span, scope: str, left: int) -> dict[str, int] | None:
    """The rest of a count of assessing units, in the next sentence: "Övriga fyra bedömer att målet
    delvis nås", "Den fjärde bedömer …", "Ett verksamhetsområde bedömer …", or the last one by its
    name (`left` units not yet counted)."""
    toks = [t for t in span if not t.is_space]
    if left <= 0 or len(toks) < 3 or not cues.has("FRAME", span.start, span.end):
        return None
    first, second = toks[0].lower_, toks[1].lower_
    if first in cues.words["REMAINDER"]:
        n = number_at(cues.words, toks[1], toks[2]) if toks[1].is_alpha or toks[1].is_digit else None
        n = n if n is not None else left
    elif first in cues.words["DEFINITE"] and second in cues.words["ORDINALS"]:
        n = 1
    elif first in cues.words["ONE"] and scope[:5] == second[:5]:
        n = 1
    elif left == 1 and toks[0].is_alpha and toks[0].text[:1].isupper() and _named_unit(doc, cues, toks):
        n = 1  # "Närsjukvårdsområde Norr bedömer att …": the one unit left, by its name
    else:
        return None
    st = _piece_status(doc, cues, toks)
    return {st.value: n} if st is not None and n <= left else None


def _named_unit(doc: Doc, cues: GoalCues, toks: list) -> bool:
    """A subject of at most four words without a number, then the assessment ('… bedömer att')."""
    at = cues.starts("FRAME", toks[0].i, toks[-1].i + 1)
    k = next((k for k, t in enumerate(toks[:5]) if at and t.i == at[0]), None)
    return bool(k) and not any(w.like_num or number_at(cues.words, w) is not None for w in toks[:k])


def _refers_back(cues: GoalCues, toks: list) -> bool:
    """'Fyra av dem …', 'tre av dessa': a count of a total named before."""
    return any(t.lower_ == "av" and cues.has("COUNT_REF", n.i, n.i + 1) for t, n in zip(toks, toks[1:]))


def _stated_total(toks: list, cues: GoalCues, anywhere: bool) -> tuple[int, str] | None:
    """(total, scope) a sentence or heading states: at its start ("Totalt 20 delmål"), or
    anywhere ("… beslutat om sju övergripande mål") when the next sentence refers back to it."""
    for k, v in _count_tokens(cues.words, toks):
        prev = toks[k - 1].lower_ if k else ""
        if anywhere or (k <= 2 and (prev in cues.words["STATED_TOTAL"] or k == 0)):
            sc = _scope_after(toks, k, cues)
            if sc:
                return v, sc
    return None


def _piece_counts(doc: Doc, cues: GoalCues, toks: list, nums: list, skip: int | None) -> tuple[dict[str, int], str | None]:
    """Counts by status, one per piece between separators, and the scope a count names."""
    pieces, cur = [], []
    for t in toks:
        if t.lower_ in cues.words["COUNT_SEPARATORS"]:
            if cur:
                pieces.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        pieces.append(cur)
    pos = {t.i: k for k, t in enumerate(toks)}
    counts: dict[str, int] = {}
    scope = None
    for piece in pieces:
        ks = [(k, v) for k, v in nums if k != skip and pos.get(piece[0].i, -1) <= k <= pos.get(piece[-1].i, -1)]
        if not ks:
            continue
        st = _piece_status(doc, cues, piece)
        if st is None:
            continue
        k, v = ks[0]
        if scope is None:
            scope = _scope_after(toks, k, cues)
        counts.setdefault(st.value, v)
    return counts, scope
