"""The cue engine: pattern rows (models/patterns/*.jsonl) matched on words and lemmas, fast.

One engine for every component that reads cue words (rapport_risks, rapport_events,
rapport_goals, rapport_aggregates, rapport_targets): rows are data, single-token rows are
answered per word form from a cache, multi-token rows go through spaCy's Matcher once per
Doc, and a prefilter says which sentences could match at all. `CueSpans` indexes one Doc's
matches by label for the range questions the goal components ask ("a negation before this
verb?").

A row is one JSON object with a `label` and one of

    {"label": "PARTIAL", "phrase": "i huvudsak"}            # lowercase words
    {"label": "ATTAIN",  "lemma": "uppnå"}                  # one lemma
    {"label": "ATTAIN",  "pattern": [{"LEMMA": "uppnå"}]}   # raw Matcher tokens
"""
from __future__ import annotations

import bisect
import json
import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span


class PatternsError(ValueError):
    """A pattern file that is missing or not JSON Lines rows (the message names the file and line)."""


@lru_cache(maxsize=8)
def read_patterns(name: str) -> tuple[dict, ...]:
    """The rows of models/patterns/<name> (JSON Lines), read once per process."""
    text = resources.files("rapport.models").joinpath("patterns", name).read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


def read_pattern_file(path: str | Path, check=None, what: str = "pattern") -> list[dict]:
    """The rows of a user's own pattern file, each checked to have a label and a pattern
    (or passed to `check`, which raises ValueError for a bad row: other row kinds, e.g. word sets)."""
    path = Path(path)
    check = check or row_pattern
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise PatternsError(f"{path}: cannot read {what} file ({e.strerror or e})") from None
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            check(row)
        except (json.JSONDecodeError, ValueError, TypeError, AttributeError) as e:
            raise PatternsError(f"{path}:{n}: not a {what} row ({e})") from None
        rows.append(row)
    return rows


def row_pattern(row: dict) -> list[dict]:
    """The Matcher tokens of a row written as `pattern`, `phrase` or `lemma`."""
    if "label" not in row:
        raise ValueError("a pattern row needs a 'label'")
    if "pattern" in row:
        return row["pattern"]
    if "phrase" in row:
        return [{"LOWER": w} for w in row["phrase"].lower().split()]
    if "lemma" in row:
        return [{"LEMMA": row["lemma"]}]
    raise ValueError("a pattern row needs 'pattern', 'phrase' or 'lemma'")


class CuePatterns:
    """The rows of a pattern file, matched fast.

    Single-token rows (most cue words, every topic word) are answered per
    word form from a cache, so each distinct (form, lemma) is tested once per
    process; only multi-token rows go through spaCy's Matcher. Matches come
    back as (row, start, end) in the original Doc's token indices.
    """

    def __init__(self, vocab, rows):
        self.rows = list(rows)
        self.matcher = Matcher(vocab, validate=True)
        self.single: list[tuple[int, list[tuple[str, object]]]] = []
        self._cache: dict[tuple[str, str], tuple[int, ...]] = {}
        for i, row in enumerate(self.rows):
            pattern = [_with_our_lemmas(t) for t in row_pattern(row)]
            checks = _single_checks(pattern)
            if checks is not None:
                self.single.append((i, checks))
            else:
                self.matcher.add(str(i), [pattern])
        self._ids = {vocab.strings[str(i)]: i for i in range(len(self.rows))}

    def _single_rows(self, lower: str, lemma: str) -> tuple[int, ...]:
        key = (lower, lemma)
        hit = self._cache.get(key)
        if hit is None:
            values = {"LOWER": lower, "LEMMA": lemma}
            hit = tuple(i for i, checks in self.single
                        if all(_check(values[attr], kind, cond) for attr, kind, cond in checks))
            if len(self._cache) < 500_000:
                self._cache[key] = hit
        return hit

    def word_labels(self, lower: str, lemma: str) -> tuple[str, ...]:
        """The labels of the single-token rows a word form matches, sorted (learned heads' features)."""
        return tuple(sorted({self.rows[i]["label"] for i in self._single_rows(lower, lemma)}))

    def find(self, doc: Doc, sents: list[Span]) -> dict[int, list[tuple[dict, int, int]]]:
        """(row, start, end) per sentence index, start/end in `doc` token indices.

        The Matcher runs once over a compact Doc holding only the sentences'
        non-space tokens: PDF line breaks are tokens of their own in spaCy and
        would break every multi-token pattern, and tables need no matching.
        """
        out: dict[int, list] = defaultdict(list)
        words, lemmas, starts, orig, owner = [], [], [], [], []
        for k, sent in enumerate(sents):
            first = True
            for t in sent:
                if t.is_space:
                    continue
                for i in self._single_rows(t.lower_, t.lemma_):
                    out[k].append((self.rows[i], t.i, t.i + 1))
                words.append(t.text)
                lemmas.append(t.lemma_ or t.lower_)
                starts.append(first)
                orig.append(t.i)
                owner.append(k)
                first = False
        if not words or not len(self.matcher):
            return out
        view = Doc(doc.vocab, words=words, spaces=[True] * len(words), lemmas=lemmas, sent_starts=starts)
        for mid, a, b in self.matcher(view):
            k = owner[a]
            if owner[b - 1] != k:
                continue  # a match across two sentences
            out[k].append((self.rows[self._ids[mid]], orig[a], orig[b - 1] + 1))
        return out


def _single_checks(pattern: list[dict]) -> list[tuple[str, str, object]] | None:
    """(attr, kind, condition) for a one-token LOWER/LEMMA pattern, else None (it needs the Matcher)."""
    if len(pattern) != 1 or pattern[0].get("OP") is not None:
        return None
    tok = pattern[0]
    if not tok or not set(tok) <= {"LOWER", "LEMMA"}:
        return None
    checks = []
    for attr, cond in tok.items():
        if isinstance(cond, str):
            checks.append((attr, "IN", frozenset([cond])))
        elif set(cond) == {"IN"}:
            checks.append((attr, "IN", frozenset(cond["IN"])))
        elif set(cond) == {"NOT_IN"}:
            checks.append((attr, "NOT_IN", frozenset(cond["NOT_IN"])))
        elif set(cond) == {"REGEX"}:
            checks.append((attr, "REGEX", re.compile(cond["REGEX"])))
        else:
            return None
    return checks


def _check(value: str, kind: str, cond) -> bool:
    if kind == "IN":
        return value in cond
    if kind == "NOT_IN":
        return value not in cond
    return cond.search(value) is not None


def _with_our_lemmas(token: dict) -> dict:
    """Add to a LEMMA condition the lemma our lemmatizer gives each listed word.

    simplemma spells some lemmas unexpectedly ("risk" → "riska", "brist" →
    "brista"), so the pattern files list plain words and this makes them match.
    """
    cond = token.get("LEMMA")
    if cond is None:
        return token
    from .components.lemmas import lemma

    words = [cond] if isinstance(cond, str) else cond.get("IN")
    if words is None:
        return token
    out = dict(token)
    out["LEMMA"] = {"IN": sorted(set(words) | {lemma(w) for w in words})}
    return out


class Prefilter:
    """A cheap test for "could any of these patterns match in this sentence?".

    spaCy's Matcher evaluates every pattern's first token on every token,
    about a microsecond each, and most prose sentences hold no cue at all. A
    pattern can only match a sentence that holds a token for each of its
    mandatory LOWER/LEMMA conditions; checking that with set lookups (regexes
    cached per word form) leaves the Matcher only the sentences that can match.
    """

    def __init__(self, rows):
        self.regexes: list[re.Pattern] = []
        self.patterns: list[list[tuple[str, object]]] = []
        self._forms: dict[str, frozenset[int]] = {}
        for row in rows:
            checks = []
            for tok in row_pattern(row):
                if tok.get("OP") is not None or not tok or not set(tok) <= {"LOWER", "LEMMA"}:
                    continue
                tok = _with_our_lemmas(tok)
                for attr, cond in tok.items():
                    if isinstance(cond, str):
                        checks.append((attr, frozenset([cond])))
                    elif "IN" in cond:
                        checks.append((attr, frozenset(cond["IN"])))
                    elif "REGEX" in cond and attr == "LOWER":
                        self.regexes.append(re.compile(cond["REGEX"]))
                        checks.append(("REGEX", len(self.regexes) - 1))
            self.patterns.append(checks)

    def _regex_ids(self, lower: str) -> frozenset[int]:
        ids = self._forms.get(lower)
        if ids is None:
            ids = frozenset(i for i, r in enumerate(self.regexes) if r.search(lower))
            if len(self._forms) < 500_000:
                self._forms[lower] = ids
        return ids

    def __call__(self, sent: Span) -> bool:
        lowers = {t.lower_ for t in sent if not t.is_space}
        lemmas = {t.lemma_ for t in sent if not t.is_space}
        regex_ids: set[int] = set()
        if self.regexes:
            for low in lowers:
                regex_ids |= self._regex_ids(low)
        have = {"LOWER": lowers, "LEMMA": lemmas}
        for checks in self.patterns:
            if all((cond in regex_ids) if attr == "REGEX" else not have[attr].isdisjoint(cond)
                   for attr, cond in checks):
                return True
        return False


class CueSpans:
    """Every match of one CuePatterns in some token ranges of a Doc, by label, as sorted
    (start, end) token ranges, for the range questions rule code asks ("a negation
    between these tokens?", "where do the attainment verbs start?")."""

    def __init__(self, doc: Doc, patterns: CuePatterns, regions: list[tuple[int, int]] | None = None):
        self.doc = doc
        sents = [doc[a:b] for a, b in (regions if regions is not None else [(0, len(doc))]) if b > a]
        found: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for hits in patterns.find(doc, sents).values():
            for row, s, e in hits:
                found[row["label"]].add((s, e))
        self.by_label = {k: sorted(v) for k, v in found.items()}
        self._starts = {k: [s for s, _ in v] for k, v in self.by_label.items()}

    def within(self, label: str, a: int, b: int) -> list[tuple[int, int]]:
        """Matches of `label` lying inside tokens [a, b)."""
        spans = self.by_label.get(label)
        if not spans:
            return []
        i = bisect.bisect_left(self._starts[label], a)
        out = []
        while i < len(spans) and spans[i][0] < b:
            if spans[i][1] <= b:
                out.append(spans[i])
            i += 1
        return out

    def has(self, label: str, a: int, b: int) -> bool:
        return bool(self.within(label, a, b))

    def starts(self, label: str, a: int, b: int) -> list[int]:
        return sorted({s for s, _ in self.within(label, a, b)})
