"""Two sentence signals for the learned heads: which way a development goes, and whether there is a predicate.

A report sentence about a change is a risk or an improvement by the direction of the
change and by what changes: "sjukfrånvaron har minskat" (down, a thing of which more is
worse) is good news, "tillgången har minskat" (down, a thing of which more is better) is
a threat. The cue engine sees "ökning"/"minskning" and the topic word but not their
pairing, so a head read both as risks. Direction words, the two kinds of thing, words
that judge a development good, and the turn words that keep a threat after an
improvement ("men", "fortfarande") are data (models/patterns/development.jsonl); a
sentence gets the pairings as features and the head weighs them with its vector.

A list item with no finite verb is a heading of a slide or a table of contents
("• Kompetensförsörjning", "• Resultat: 112 mnkr"): a topic, not a statement. The finite
verb is read from the surface and the lemma (no tagger): a closed list of common finite
verbs, and present, past and s-passive forms built on a lemma that ends in -a.
"""
from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span, Token

from .cues import read_patterns

LABELS = ("up", "down", "bad", "good", "positive", "contrast")
FINITE_WORDS = frozenset({
    "är", "var", "har", "hade", "blir", "blev", "finns", "fanns", "kan", "kunde", "ska", "skall", "skulle",
    "måste", "bör", "borde", "får", "fick", "kommer", "kom", "går", "gick", "ger", "gav", "står", "stod",
    "ligger", "låg", "gör", "gjorde", "visar", "innebär", "innebar", "sker", "skedde", "saknas", "saknades",
    "behövs", "krävs", "gäller", "utgör", "ingår", "uppgår", "väntas", "beräknas", "bedöms", "ses", "syns"})


@lru_cache(maxsize=1)
def _lists() -> dict[str, tuple[frozenset, tuple, tuple]]:
    """label -> (exact words, substrings, suffixes) from the patterns file, read once (a model cache)."""
    out = {}
    for row in read_patterns("development.jsonl"):
        out[row["label"]] = (frozenset(row["exact"]), tuple(row["contains"]), tuple(row["suffix"]))
    return out


@lru_cache(maxsize=100_000)
def _labels_of(form: str, lemma: str) -> frozenset:
    found = set()
    for label, (exact, contains, suffix) in _lists().items():
        if form in exact or lemma in exact or any(c in lemma or c in form for c in contains) \
                or (suffix and lemma.endswith(suffix)):
            found.add(label)
    return frozenset(found)


def finite(token: Token) -> bool:
    """Whether a word is a finite verb: a listed one, or a present, past or s-passive of an -a lemma."""
    form, lemma = token.lower_, token.lemma_.lower()
    if form in FINITE_WORDS:
        return True
    if len(form) < 4 or not lemma.endswith("a") or form == lemma:
        return False
    stem = lemma[:-1]
    return form in (lemma + "r", stem + "er", lemma + "de", stem + "de", stem + "te", lemma + "des", stem + "des",
                    stem + "tes", lemma + "s", stem + "s")


def features(span: Span, listed: bool) -> dict[str, float]:
    """dv_* pairings of direction and kind of thing, and pred_* predicate signals (`listed`: a list item)."""
    toks = [t for t in span if t.is_alpha]
    seen: set[str] = set()
    for t in toks:
        seen |= _labels_of(t.lower_, t.lemma_.lower())
    up, down, bad, good = ("up" in seen, "down" in seen, "bad" in seen, "good" in seen)
    f = {f"dv_{k}": 1.0 for k in seen}
    worse = (up and bad) or (down and good)
    better = (down and bad) or (up and good) or "positive" in seen
    f.update({k: 1.0 for k, on in (("dv_up_bad", up and bad), ("dv_down_bad", down and bad),
                                   ("dv_up_good", up and good), ("dv_down_good", down and good),
                                   ("dv_worse", worse), ("dv_better_only", better and not worse),
                                   ("dv_better_but", better and "contrast" in seen)) if on})
    predicate = any(finite(t) for t in toks)
    f["pred"] = float(predicate)
    if not predicate:
        f["pred_none_listed"] = float(listed)
        f["pred_none_short"] = float(len(toks) <= 8)
    return f
