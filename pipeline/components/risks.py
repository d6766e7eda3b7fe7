"""rapport_risks: organisational and societal threats and uncertainties, with a category.

Why rules first: a report's risk language is a small closed set of Swedish
cues ("risk för", "riskerar", "osäkerhet", "brist på", "utmaningar",
"ansträngt läge", "kan komma att påverka", "försenats") that the Matcher
finds on lemmas, so a cue the annotators never saw in one report still
counts in the next. Each prose sentence gets a score from the cues it holds
(one weight per cue family, amplifiers only next to a real cue), minus
damping for reassurance, mitigation and boilerplate ("trots", "för att
minska", "eventuellt ianspråktagande"). Clinical vocabulary ("riskgrupp",
"riskbedömning", "risk för ohälsa") never lends its "risk" to a sentence.

The category comes from topic words in the sentence (finance, staffing, …),
with the section heading as a weaker voice; pandemic words weigh less so
that "pandemin har försenat införandet av journalsystemet" is it_digital,
and a sentence about nothing but the pandemic is pandemic.

All cue lists live in models/patterns/risks.jsonl (data, not code).
"""
from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from corpus import BlockKind

from ..records import MAX_EVIDENCE, Risk, RiskCategory
from ..spans import document, evidence, nearest_heading

PROSE = (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)
# families that only strengthen a sentence that already holds a real cue
AMPLIFIERS = frozenset({"intensity", "pandemic_mention", "only", "impact_plain", "pressure", "consequence",
                        "difficulty_verb", "bad_metric", "hired", "forecast"})
HARD_DAMP = -1.0  # damping at or below this is a veto (rules, boilerplate, negated impact); softer damping is capped
SOFT_CAP = -0.8
STRONG_CUE = 1.1  # an explicit cue this strong halves soft damping: "utmaningar … för att förbättra" is still a risk
# a specific topic beats the pandemic as the category; the order settles ties
PANDEMIC_CAP = 0.7  # the pandemic as the cause is the category only when nothing more specific is named
CATEGORY_ORDER = ["finance", "staffing", "care_capacity", "it_digital", "infrastructure_transport",
                  "climate_environment", "legal_regulatory", "demography", "pandemic"]


# ---------------------------------------------------------------- shared helpers (events.py uses them too)

@lru_cache(maxsize=8)
def read_patterns(name: str) -> tuple[dict, ...]:
    """The rows of models/patterns/<name> (JSON Lines), read once per process."""
    text = resources.files("models").joinpath("patterns", name).read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


def build_matcher(vocab, rows) -> tuple[Matcher, dict[int, dict]]:
    """One Matcher for all rows; the returned map turns a match id back into its row."""
    matcher = Matcher(vocab, validate=True)
    by_key: dict[int, dict] = {}
    for i, row in enumerate(rows):
        key = f"{row['label']}:{row['id']}:{i}"
        matcher.add(key, [_skip_line_breaks([_with_our_lemmas(t) for t in row["pattern"]])])
        by_key[vocab.strings[key]] = row
    return matcher, by_key


def _with_our_lemmas(token: dict) -> dict:
    """Add to a LEMMA condition the lemma our lemmatizer gives each listed word.

    simplemma spells some lemmas unexpectedly ("risk" → "riska", "brist" →
    "brista"), so the pattern files list plain words and this makes them match.
    """
    cond = token.get("LEMMA")
    if cond is None:
        return token
    from .lemmas import lemma

    words = [cond] if isinstance(cond, str) else cond.get("IN")
    if words is None:
        return token
    out = dict(token)
    out["LEMMA"] = {"IN": sorted(set(words) | {lemma(w) for w in words})}
    return out


def _skip_line_breaks(pattern: list[dict]) -> list[dict]:
    """Let a pattern run across PDF line breaks: "\\n" is a token of its own in spaCy."""
    out: list[dict] = []
    for i, tok in enumerate(pattern):
        if i:
            out.append({"IS_SPACE": True, "OP": "*"})
        out.append(tok)
    return out


def warn(doc: Doc, message: str) -> None:
    doc._.warnings.append(message)


def prose_sentences(doc: Doc, component: str, runon_chars: int = 2000) -> Iterator[tuple[Span, object]]:
    """(span, corpus Sentence) for every prose sentence, skipping run-on text with a warning.

    corpus cuts a run-on into 600-character pieces, so a 5,000-character
    "sentence" arrives as many pieces: they are recognised by the long
    stretch of text with no sentence end, skipped, and reported once.
    """
    d = document(doc)
    runs: list[tuple[int, int]] = []
    n_prose = 0
    for b in d.blocks:
        if b.kind not in PROSE:
            continue
        for m in re.finditer(r"[^.!?…]{%d,}" % runon_chars, d.text[b.start:b.end]):
            runs.append((b.start + m.start(), b.start + m.end()))
            warn(doc, f"{d.name}: {component} skipped {m.end() - m.start()} characters without a sentence end "
                      f"at offset {b.start + m.start()}")
    for s in d.sentences:
        if d.blocks[s.block].kind not in PROSE:
            continue
        if any(s.start < b and a < s.end for a, b in runs):
            continue
        span = doc.char_span(s.start, s.end, alignment_mode="expand")
        if span is None or not span.text.strip():
            continue
        n_prose += 1
        yield span, s
    if n_prose == 0:
        warn(doc, f"{d.name}: {component} found no prose sentences; nothing extracted")


def taken_offsets(doc: Doc) -> set[tuple[int, int]]:
    """(start_char, end_char) of every span already in doc.spans, in any group."""
    return {(s.start_char, s.end_char) for key in doc.spans for s in doc.spans[key]}


def carrier(doc: Doc, start: int, end: int, label: str, taken: set[tuple[int, int]]) -> Span | None:
    """A span over tokens [start, end) whose character offsets no other fact uses yet.

    spaCy keeps `span._.fact` in doc.user_data under the span's character
    offsets only, so a risk and an event on the same sentence would share one
    fact. The record keeps the sentence as its evidence; the carrier span
    drops a token at the right, then at the left, until its offsets are free.
    """
    for cut in range(0, end - start):
        for i, j in ((start, end - cut), (start + cut, end)) if cut else ((start, end),):
            if i >= j:
                continue
            span = Span(doc, i, j, label=label)
            key = (span.start_char, span.end_char)
            if key not in taken:
                taken.add(key)
                return span
    return None


def matches_by_sentence(matcher: Matcher, doc: Doc, sents: list[Span]) -> dict[int, list[tuple[int, int, int]]]:
    """Run the matcher once over the doc and bucket (match_id, start, end) by sentence index."""
    starts = [s.start for s in sents]
    out: dict[int, list] = defaultdict(list)
    if not sents:
        return out
    import bisect

    for mid, a, b in matcher(doc):
        i = bisect.bisect_right(starts, a) - 1
        if i >= 0 and a >= sents[i].start and b <= sents[i].end:
            out[i].append((mid, a, b))
    return out


# ---------------------------------------------------------------- the component

@dataclass(frozen=True, slots=True)
class Judgement:
    """Why a sentence is (not) a risk: kept for debugging and the score."""

    raw: float
    cues: tuple[str, ...]
    damps: tuple[str, ...]
    clinical: bool
    category: RiskCategory


@Language.factory(
    "rapport_risks",
    requires=["doc._.document", "token.lemma"],
    assigns=["doc.spans"],
    default_config={"spans_key": "risks", "patterns": "risks.jsonl", "threshold": 1.0, "runon_chars": 2000,
                    "overwrite": True},
)
def make_risks(nlp: Language, name: str, spans_key: str, patterns: str, threshold: float, runon_chars: int,
               overwrite: bool):
    return RiskFinder(nlp, name, spans_key=spans_key, patterns=patterns, threshold=threshold,
                      runon_chars=runon_chars, overwrite=overwrite)


class RiskFinder:
    def __init__(self, nlp: Language, name: str, *, spans_key: str, patterns: str, threshold: float,
                 runon_chars: int, overwrite: bool):
        self.name = name
        self.spans_key = spans_key
        self.patterns = patterns
        self.threshold = threshold
        self.runon_chars = runon_chars
        self.overwrite = overwrite
        self.matcher, self.rows = build_matcher(nlp.vocab, read_patterns(patterns))

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        taken = taken_offsets(doc)
        for span, judgement in self.find(doc):
            ev = evidence(doc, span.start_char, span.end_char)
            risk = Risk(**ev, section=nearest_heading(doc, span.start_char), category=judgement.category,
                        score=self.score(judgement.raw))
            out = carrier(doc, span.start, span.end, judgement.category.value, taken)
            if out is None:
                continue
            out._.fact = risk
            spans.append(out)
        if self.overwrite or self.spans_key not in doc.spans:
            doc.spans[self.spans_key] = spans
        else:
            doc.spans[self.spans_key].extend(spans)
        return doc

    def score(self, raw: float) -> float:
        """A confidence in (0, 1): 0.5 at the threshold, rising with the cue weight above it."""
        return round(1.0 / (1.0 + math.exp(-2.5 * (raw - self.threshold))), 3)

    def find(self, doc: Doc) -> Iterator[tuple[Span, Judgement]]:
        sents = [s for s, _ in prose_sentences(doc, self.name, self.runon_chars)]
        buckets = matches_by_sentence(self.matcher, doc, sents)
        heading_topics = self._heading_topics(doc)
        for i, span in enumerate(sents):
            j = self.judge(span, buckets.get(i, []), heading_topics)
            if j is not None and j.raw >= self.threshold:
                yield span, j

    def judge(self, span: Span, matches, heading_topics=None) -> Judgement | None:
        if len(span.text) > MAX_EVIDENCE:
            return None
        core: dict[str, float] = {}
        amp: dict[str, float] = {}
        damps: dict[str, float] = {}
        topics: dict[str, float] = defaultdict(float)
        topic_tokens: set[tuple[str, int]] = set()
        clinical = False
        risk_tokens: set[int] = set()
        for mid, a, b in matches:
            row = self.rows[mid]
            label = row["label"]
            if label == "cue":
                fam = row["family"]
                bucket = amp if fam in AMPLIFIERS else core
                bucket[fam] = max(bucket.get(fam, 0.0), row["weight"])
                if fam == "risk":
                    risk_tokens.update(range(a, b))
            elif label == "damp":
                damps[row["id"]] = min(damps.get(row["id"], 0.0), row["weight"])
            elif label == "clinical":
                clinical = True
            elif label == "topic":
                for t in range(a, b):
                    if (row["category"], t) not in topic_tokens:
                        topic_tokens.add((row["category"], t))
                        topics[row["category"]] += row["weight"]
        if not core:
            return None
        if clinical:
            core.pop("risk", None)  # "riskgrupp", "risk för ohälsa": the word risk says nothing here
            damps["clinical"] = -0.6
            if not core:
                return None
        digits = sum(t.like_num for t in span)
        if len(span) and digits / len(span) > 0.2:
            damps["numeric"] = -0.6  # indicator rows and figure lists, not statements
        hard = sum(v for v in damps.values() if v <= HARD_DAMP)
        soft = max(SOFT_CAP, sum(v for v in damps.values() if v > HARD_DAMP))
        if max(core.values()) >= STRONG_CUE:
            soft /= 2
        raw = sum(core.values()) + sum(amp.values()) + soft + hard
        category = self.category(topics, heading_topics.get(_section_key(span), {}) if heading_topics else {})
        return Judgement(raw=raw, cues=tuple(sorted(core) + sorted(amp)), damps=tuple(sorted(damps)),
                         clinical=clinical, category=category)

    @staticmethod
    def category(topics: dict[str, float], heading: dict[str, float]) -> RiskCategory:
        total = defaultdict(float)
        for k, v in topics.items():
            total[k] += min(v, PANDEMIC_CAP if k == "pandemic" else 3.0)
        for k, v in heading.items():
            total[k] += 0.5 * min(v, 2.0)
        if not total:
            return RiskCategory.OTHER
        best = max(CATEGORY_ORDER, key=lambda c: (total.get(c, 0.0), -CATEGORY_ORDER.index(c)))
        if total.get(best, 0.0) <= 0:
            return RiskCategory.OTHER
        return RiskCategory(best)

    def _heading_topics(self, doc: Doc) -> dict[int, dict[str, float]]:
        """Topic weights of each section's heading, keyed by the section's start offset."""
        d = document(doc)
        out: dict[int, dict[str, float]] = {}
        heads = [b for b in d.blocks if b.kind == BlockKind.HEADING]
        topic_rows = [r for r in read_patterns(self.patterns) if r["label"] == "topic"]
        if not heads or not topic_rows:
            return out
        for b in heads:
            span = doc.char_span(b.start, b.end, alignment_mode="expand")
            if span is None:
                continue
            weights: dict[str, float] = defaultdict(float)
            for mid, a, e in self.matcher(span):
                row = self.rows[mid]
                if row["label"] == "topic":
                    weights[row["category"]] += row["weight"]
            if weights:
                out[b.start] = dict(weights)
        return out


def _section_key(span: Span) -> int | None:
    sec = document(span.doc).section_at(span.start_char)
    return sec.start if sec else None
