"""rapport_targets: stated targets and thresholds ("resultatet ska uppgå till minst 2 procent …").

Two shapes, both over the cue lists in models/patterns/goals.jsonl:

- a target modal (ska, skall, bör, får) followed closely by a verb of
  direction ("soliditeten ska öka", "väntetiderna ska förkortas") or by a verb
  of level with a threshold and a number ("ska uppgå till minst 2 procent",
  "får högst uppgå till 45 procent", "ska vara finansierat till minst 50 procent");
- a goal noun followed by its value ("Målet på högst 25 procent", "målvärdet
  är 90 procent", "målet 70 procent").

The target is the clause from its subject to the end of the threshold phrase;
the goal is resolved as rapport_goals does (named in the sentence, else the
goal title above it).
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..goal_base import CueListComponent, GoalCues
from ..goal_candidates import candidates, claim, goal_cues
from ..goal_clauses import clauses
from ..goal_index import GoalIndex
from ..records import Target
from ..spans import document, evidence



@Language.factory(
    "rapport_targets",
    # the facts (Span._.fact lives in doc.user_data), the cue and candidate caches the three share, warnings
    assigns=["doc.spans", "doc.user_data", "doc._.warnings"],
    requires=["doc._.document", "token.lemma"],
    default_config={"spans_key": "targets", "max_chars": 600, "max_run": 1000, "goal_window": 8000,
                    "patterns": ""},
)
def make_targets(nlp: Language, name: str, spans_key: str, max_chars: int, max_run: int, goal_window: int,
                 patterns: str):
    return TargetFinder(nlp, name, spans_key=spans_key, max_chars=max_chars, max_run=max_run,
                        goal_window=goal_window, patterns=patterns)


def _toks(doc: Doc, a: int, b: int) -> list:
    return [t for t in doc[a:b] if not t.is_space]


def _number_near(toks: list, k: int, n: int = 3) -> int | None:
    """Position of a number within n tokens after position k."""
    for j in range(k + 1, min(k + 1 + n, len(toks))):
        if toks[j].like_num or toks[j].text[:1].isdigit():
            return j
    return None


def _phrase_end(toks: list, k: int, cues: GoalCues, limit: int = 14, stop_and: bool = False) -> int:
    """Index after the threshold phrase that starts at k: number, unit and an 'av …' complement."""
    end, stops, ands = k + 1, cues.words["PHRASE_STOP"], cues.words["AND_WORDS"]
    for j in range(k + 1, min(k + limit, len(toks))):
        t = toks[j]
        if t.is_punct and t.text not in {"%", "–", "-"}:
            break
        if t.lower_ in stops or (stop_and and t.lower_ in ands):
            break
        end = j + 1
    return end


def _modal_target(doc: Doc, cues: GoalCues, toks: list, pos: dict, k: int, y: int) -> tuple[int, int] | None:
    """The target phrase governed by the modal at toks[k], or None."""
    verb = None
    for j in range(k + 1, min(k + 9, len(toks))):
        t = toks[j]
        if t.text in {".", ";", ":", "?", "!"}:
            break
        if cues.has("DIRECTION", t.i, t.i + 1) or cues.has("LEVEL_VERB", t.i, t.i + 1):
            verb = j
            break
    thr = [pos[s] for s in cues.starts("THRESHOLD", toks[k].i, y) if s in pos and pos[s] - k <= 20]
    thr = [j for j in thr if _number_near(toks, j) is not None]
    balance = [pos[s] for s in cues.starts("BALANCE", toks[k].i, y) if s in pos and pos[s] - k <= 10]
    if toks[k].lower_ == "får" and not thr:
        # "Kostnaderna får inte överstiga budget": a ceiling without a number
        nxt = toks[k + 1:k + 3]
        if not (len(nxt) == 2 and cues.has("NEG", nxt[0].i, nxt[0].i + 1)
                and nxt[1].lower_ in cues.words["CEILING_VERBS"]):
            return None
        thr = [k + 2]
    before = [j for j in range(max(0, k - 8), k) if cues.has("THRESHOLD", toks[j].i, toks[j].i + 1)
              and _number_near(toks, j) is not None and _number_near(toks, j) < k]
    if before and not thr:
        # "minst 85 procent av patienterna ska få ett första besök inom 90 dagar"
        start, end = before[0], _phrase_end(toks, k, cues, limit=16)
        return toks[start].i, toks[end - 1].i + 1
    if verb is not None and cues.has("DIRECTION", toks[verb].i, toks[verb].i + 1) and not thr:
        nxt = toks[verb + 1] if verb + 1 < len(toks) else None
        if nxt is not None and not (nxt.is_punct or nxt.lower_ in cues.words["DIRECT_OBJECT_OK"]):
            return None
        # a direction is a target only for something measured: "soliditeten ska öka", not "vården ska stärkas"
        if not any(cues.has("MEASURE", t.i, t.i + 1) for t in toks[max(0, k - 12):verb]):
            return None
        anchor = verb
    elif thr:
        anchor = thr[0]
    elif balance:
        anchor = balance[0] + 1
    elif verb is not None:
        units = [pos[s] for s in cues.starts("UNIT", toks[verb].i, y) if s in pos and pos[s] - verb <= 6]
        if not any(u and (toks[u - 1].like_num or toks[u - 1].text[:1].isdigit()) for u in units):
            return None
        anchor = verb
    else:
        return None
    start = k
    for j in range(k - 1, max(-1, k - 9), -1):
        t = toks[j]
        year = t.text.isdigit() and len(t.text) == 4 and j > 0 and toks[j - 1].lower_ == "år"
        if (t.is_punct and t.text not in {"–", "-", ","}) or ((t.like_num or t.text[:1].isdigit()) and not year):
            break
        start = j
    if start < k and toks[start].text == ",":
        start += 1
    end = _phrase_end(toks, anchor, cues, stop_and=anchor == verb)
    if end - start > 30:
        start = k
    return (toks[start].i, toks[end - 1].i + 1) if end - start >= 2 else None


def _is_number(t) -> bool:
    return t.like_num or t.text[:1].isdigit()


def _goal_value(cues: GoalCues, toks: list, k: int) -> tuple[int, int] | None:
    """'Målet på högst 25 procent', 'Målvärdet är 90 procent', 'Målet för andelen … är 80 procent',
    'Målet är att alla patienter ska erbjudas …'."""
    w = cues.words
    j = k + 1
    if j + 1 < len(toks) and toks[j].lower_ in w["COPULA_IS"] and toks[j + 1].lower_ == "att":
        end = j + 2
        while end < len(toks) and end - k < 25 and not (toks[end].is_punct and toks[end].text not in {"%", "-", "–"}):
            end += 1
        return (toks[k].i, toks[end - 1].i + 1) if end - j > 3 else None
    if j < len(toks) and toks[j].lower_ not in w["VALUE_PREP"] | {"för"} and not _is_number(toks[j]):
        return None
    if j < len(toks) and toks[j].lower_ == "för":  # "Målet för andelen … är 80 procent": find the copula
        for c in range(j + 1, min(j + 15, len(toks))):
            if toks[c].lower_ in w["TARGET_COPULAS"]:
                j = c
                break
        else:
            return None
    if j < len(toks) and toks[j].lower_ in w["VALUE_PREP"]:
        j += 1
    if j < len(toks) and toks[j].lower_ == "på":
        j += 1
    if j < len(toks) and cues.has("THRESHOLD", toks[j].i, toks[j].i + 1):
        j += 1
    if j + 1 >= len(toks) or not _is_number(toks[j]) or not cues.has("UNIT", toks[j + 1].i, toks[j + 1].i + 1):
        return None
    end = j + 2
    if end < len(toks) and toks[end].lower_ == "av":
        end = _phrase_end(toks, j, cues, limit=10)
    return toks[k].i, toks[end - 1].i + 1


def find_targets(doc: Doc, cues: GoalCues, a: int, b: int) -> list[tuple[int, int]]:
    """(first, last+1) token positions, in doc indices, of each target phrase in tokens [a, b)."""
    out = []
    nouns, suffixes = cues.words["GOAL_VALUE_NOUN"], tuple(sorted(cues.words["GOAL_VALUE_SUFFIX"]))
    for x, y in clauses(cues, a, b):
        toks = _toks(doc, x, y)
        pos = {t.i: k for k, t in enumerate(toks)}
        for m in cues.starts("TARGET_MODAL", x, y):
            k = pos.get(m)
            if k is None:
                continue
            got = _modal_target(doc, cues, toks, pos, k, y)
            if got is not None:
                out.append(got)
        for k, t in enumerate(toks):
            low = t.lower_
            if low in nouns or (low.endswith(suffixes) and len(low) > 6):
                got = _goal_value(cues, toks, k)
                if got is not None:
                    out.append(got)
    out = sorted(set(out))
    return [p for p in out if not any(q != p and q[0] <= p[0] and p[1] <= q[1] for q in out)]


class TargetFinder(CueListComponent):
    settings = ("spans_key", "max_chars", "max_run", "goal_window", "patterns")

    def __call__(self, doc: Doc) -> Doc:
        d = document(doc)
        group: list[Span] = []
        cands = candidates(doc, self.max_chars, self.max_run, self.name)
        if not cands:
            doc._.warnings.append(f"{d.name}: {self.name} found no prose sentences to read")
        else:
            cues = goal_cues(doc, self.lexicon, self.lexicon.key, cands)
            index = GoalIndex(doc, cues, self.goal_window)
            for c in cands:
                a, b = c.span.start, c.span.end
                if not (cues.has("TARGET_MODAL", a, b) or cues.has("GOAL_NOUN", a, b)):
                    continue
                found = find_targets(doc, cues, a, b)
                if not found:
                    continue
                goal, _ = index.resolve(a, b, targets_above=False)
                ev = evidence(doc, c.start, c.end)
                for s, e in found:
                    target = " ".join(doc[s:e].text.split())
                    rec = Target(**ev, goal=goal, target=target)
                    span = claim(doc, s, e, "target")
                    span._.fact = rec
                    group.append(span)
        doc.spans[self.spans_key] = group
        return doc
