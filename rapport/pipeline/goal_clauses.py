"""The pieces the goal rules read: clauses, the words around a token, a name as written,
and the body that makes an assessment ("Regionstyrelsen bedömer …")."""
from __future__ import annotations

import re

from spacy.tokens import Doc

from .cues import CueSpans
from .goal_base import GoalCues


def clean_name(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip(" .:;–-\u2013")
    return re.sub(r"\s*\((?:[A-ZÅÄÖ]{2,5}(?:,\s*)?)+\)$", "", s)


def tokens(doc: Doc, a: int, b: int) -> list[int]:
    return [i for i in range(a, b) if not doc[i].is_space]


def prev_words(doc: Doc, i: int, lo: int, n: int = 1) -> list:
    out, j = [], i - 1
    while j >= lo and len(out) < n:
        if not doc[j].is_space:
            out.append(doc[j])
        j -= 1
    return out


def next_word(doc: Doc, i: int, hi: int):
    j = i + 1
    while j < hi and doc[j].is_space:
        j += 1
    return doc[j] if j < hi else None


def clauses(cues: CueSpans, a: int, b: int) -> list[tuple[int, int]]:
    cuts = [s for s in cues.starts("CLAUSE_BREAK", a, b) if s > a]
    bounds = [a] + cuts + [b]
    return [(x, y) for x, y in zip(bounds, bounds[1:]) if y > x]


def assessor(doc: Doc, cues: GoalCues, a: int, b: int) -> str | None:
    """The committee or body that makes the assessment, when the sentence names one."""
    w = cues.words
    for s, e in cues.within("ASSESSOR", a, b):
        nxt = next_word(doc, e - 1, b)
        body_start = s
        prev = prev_words(doc, s, a, 2)
        if len(prev) == 2 and prev[0].lower_ == "och" and prev[1].text.endswith("-"):
            body_start = prev[1].i
        elif prev and prev[0].text[:1].isupper() and prev[0].is_alpha and prev[0].lower_ not in w["BODY_PREP"]:
            body_start = prev[0].i
        end = e
        nx = nxt
        while nx is not None and nx.text[:1].isupper() and nx.is_alpha and nx.i < b:
            end = nx.i + 1
            nx = next_word(doc, nx.i, b)
        name = clean_name(doc[body_start:end].text)
        word = doc[e - 1].lower_
        if nx is not None and nx.lower_ in w["SAY"]:
            return name
        if word.endswith("s") and nx is not None and nx.lower_ in w["ASSESSMENT_NOUNS"]:
            return name[:-1]
        before = prev_words(doc, body_start, a, 2)
        if before and before[0].lower_ == "enligt":
            return name
        if len(before) == 2 and before[0].lower_ == "av" and before[1].lower_ in w["JUDGED_PASSIVE"]:
            return name
    return None
