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

The category is what the threat is about: topic words (finance, staffing, …)
count double where they name the threat itself (after "risk för", "brist
på", the agent of "påverkats av", the subject before "riskerar att"), and
the section heading is a weak prior. The pandemic as the threat is the
category unless the sentence names a specific domain it hits
("pandemin har försenat införandet av journalsystemet" is it_digital);
the pandemic as a circumstance ("vårdskulden från pandemin") is not.

Some sentences carry risk words but report something else: an outcome
quoted in kronor with no forward-looking cue ("redovisar en negativ
avvikelse på 45 mnkr"), a dated happening in the simple past ("I augusti
drabbades … av ett driftavbrott": an event), an aim ("för att … utmaningar",
"Syftet är att"), and table cells glued into a line (`corpus.prose.glued_cells`).

All cue lists live in models/patterns/risks.jsonl (data, not code).

With learned heads (models/config.cfg `heads`), the cue score, families and damping become
features of a classifier over the sentence's e5 vector (pipeline/heads.py), which decides;
a cheap gate on rule features and hashed words picks the sentences worth embedding.

Jobs live apart: the cue engine in pipeline/cues.py (shared with rapport_events), prose
sentences in pipeline/prose.py, the category in risk_category.py; this module scores and
damps a sentence's cues and writes the facts.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from rapport.corpus import BlockKind

from ..heads import candidate_features, clinical_only, neighbour_texts, risk_features, run_heads
from ..records import MAX_EVIDENCE, Risk, RiskCategory
from ..spans import carrier, document, evidence, nearest_heading, taken_offsets
from .patterned import PatternComponent
from .risk_category import categorise, threat_slots

# families that only strengthen a sentence that already holds a real cue
AMPLIFIERS = frozenset({"intensity", "pandemic_mention", "only", "impact_plain", "pressure", "consequence",
                        "difficulty_verb", "bad_metric", "hired", "forecast", "persist_verb"})
HARD_DAMP = -1.0  # damping at or below this is a veto (rules, boilerplate, negated impact); softer damping is capped
SOFT_CAP = -0.8
STRONG_CUE = 1.1  # an explicit cue this strong halves soft damping: "utmaningar … för att förbättra" is still a risk
# sections where a report states its risks: a weak cue there is worth more
RISK_HEADING = re.compile(r"(?i)risk|osäkerhet|känslighet|förväntad utveckling|framtid|utmaning|omvärld|hot\b")
RISK_SECTION_BOOST = 0.3
YEAR = re.compile(r"^(19|20)\d\d$")
AMOUNT = re.compile(r"(?i)\d\s*(?:mnkr|mkr|tkr|mdkr|miljoner|miljarder|kronor|kr)\b")
# cue families that look ahead or doubt: a sentence with one is a risk even when it quotes an amount or a date
FORWARD_FAMILIES = frozenset({"risk", "uncertainty", "fear", "forward", "threat", "delay", "difficulty", "goal_miss",
                              "pandemic_course", "demand", "competition", "dependence", "excess"})
# cue families that also describe a dated happening ("drabbades", "brist", "avbrott", "stängd")
HAPPENING_FAMILIES = frozenset({"impact", "shortage", "crisis", "capacity", "strain", "loss"})
SIMPLE_PAST = frozenset({"var", "blev", "fick", "gick", "kom", "låg", "stod", "hölls", "höll", "tvingades",
                         "drabbades", "stängdes", "ställdes", "drogs", "infördes"})


def _in_purpose(span: Span, i: int) -> bool:
    """Whether token i stands in a "för att …" clause (no comma or "men" between)."""
    doc = span.doc
    for j in range(i - 1, max(span.start, i - 14) - 1, -1):
        t = doc[j]
        if t.is_punct or t.lower_ in ("men", "vilket", "eftersom", "då", "samtidigt"):
            return False
        if t.lower_ == "att" and j - 1 >= span.start and doc[j - 1].lower_ == "för":
            return True
    return False


def _dated_past(span: Span) -> bool:
    """A simple-past sentence dated to a season, month, week or day of the period."""
    from ..dates import HALF, find_dates

    if not any(d.rank >= HALF and d.intro is None for d in find_dates(span.text, "2000")):
        return False
    return any(t.lower_ in SIMPLE_PAST or t.lower_.endswith(("ades", "ddes", "tes")) for t in span)


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
                    "table_prose": True, "overwrite": True, "heads": "", "label_head": True},
)
def make_risks(nlp: Language, name: str, spans_key: str, patterns: str, threshold: float, runon_chars: int,
               table_prose: bool, overwrite: bool, heads: str, label_head: bool):
    return RiskFinder(nlp, name, spans_key=spans_key, patterns=patterns, threshold=threshold,
                      runon_chars=runon_chars, table_prose=table_prose, overwrite=overwrite, heads=heads,
                      label_head=label_head)


class RiskFinder(PatternComponent):
    CFG_KEYS = PatternComponent.CFG_KEYS + ("threshold", "label_head")

    def __init__(self, nlp: Language, name: str, *, threshold: float, heads: str = "", label_head: bool = True,
                 **settings):
        self.threshold = threshold
        self.label_head = label_head
        super().__init__(nlp, name, heads=heads, **settings)

    @staticmethod
    def _required(row: dict) -> bool:
        return row["label"] == "cue" and row["family"] not in AMPLIFIERS

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        taken = taken_offsets(doc)
        for span, category, score in self.find(doc):
            ev = evidence(doc, span.start_char, span.end_char)
            risk = Risk(**ev, section=nearest_heading(doc, span.start_char), category=category, score=score)
            out = carrier(doc, span.start, span.end, category.value, taken)
            if out is None:
                continue
            out._.fact = risk
            spans.append(out)
        return self._store(doc, spans)

    def confidence(self, raw: float) -> float:
        """A confidence in (0, 1): 0.5 at the threshold, rising with the cue weight above it."""
        return min(0.999, round(1.0 / (1.0 + math.exp(-2.5 * (raw - self.threshold))), 3))

    def find(self, doc: Doc) -> Iterator[tuple[Span, RiskCategory, float]]:
        """(sentence, category, confidence) of each risk: by the cue score, or by the heads when loaded.

        With heads, every prose sentence is a candidate (the cue prefilter would keep only
        sentences with a listed cue); the gate decides which are embedded."""
        heads = self.loaded_heads()
        cands, buckets = self.candidates(doc, heads is not None)
        sents = [s for s, _ in cands]
        heading_topics = self._heading_topics(doc)
        judged = [self.judge(span, buckets.get(i, []), heading_topics) for i, span in enumerate(sents)]
        if heads is None:
            for span, j in zip(sents, judged):
                if j is not None and j.raw >= self.threshold:
                    yield span, j.category, self.confidence(j.raw)
            return
        feats = candidate_features(document(doc), cands, [risk_features(j, buckets.get(i, []), self.threshold, sents[i])
                                                          for i, j in enumerate(judged)])
        rule_yes = [j is not None and j.raw >= self.threshold for j in judged]
        veto = [clinical_only(buckets.get(i, [])) for i in range(len(sents))]
        report = document(doc).meta.kind is not None  # a region report: the head's report threshold
        for i, p, labels in run_heads(doc, heads, "risk", [s.text for s in sents], feats, rule_yes, veto,
                                      encoder=self.encoder, report=report,
                                      neighbours=neighbour_texts(document(doc), cands)):
            label = labels.get("risk_label")
            # label_head off: the rules' category where the cues reached a verdict, the head's elsewhere
            rule = judged[i].category if rule_yes[i] else None
            category = RiskCategory(label) if label and (self.label_head or rule is None) else (rule or RiskCategory.OTHER)
            yield sents[i], category, min(0.999, round(p, 3))

    def judge(self, span: Span, matches, heading_topics=None) -> Judgement | None:
        if len(span.text) > MAX_EVIDENCE:
            return None
        core: dict[str, float] = {}
        amp: dict[str, float] = {}
        damps: dict[str, float] = {}
        topic_hits: dict[tuple[str, int], float] = {}
        cue_spans: list[tuple[int, int]] = []
        cue_topics: dict[int, str] = {}
        core_spans: list[tuple[int, int]] = []
        clinical = False
        for row, a, b in matches:
            label = row["label"]
            if label == "cue":
                fam = row["family"]
                bucket = amp if fam in AMPLIFIERS else core
                bucket[fam] = max(bucket.get(fam, 0.0), row["weight"])
                cue_spans.append((a, b))
                if fam not in AMPLIFIERS:
                    core_spans.append((a, b))
                if row.get("topic"):  # "ökar kostnaderna", "svagare tillväxt": the cue names its own domain
                    for t in range(a, b):
                        cue_topics[t] = row["topic"]
            elif label == "damp":
                damps[row["id"]] = min(damps.get(row["id"], 0.0), row["weight"])
            elif label == "clinical":
                clinical = True
            elif label == "topic":
                for t in range(a, b):
                    topic_hits[(row["category"], t)] = max(topic_hits.get((row["category"], t), 0.0), row["weight"])
        if not core:
            return None
        if clinical:
            core.pop("risk", None)  # "riskgrupp", "risk för ohälsa": the word risk says nothing here
            damps["clinical"] = -0.6
            if not core:
                return None
        digits = sum(t.like_num and not YEAR.match(t.text) for t in span)
        if len(span) and digits / len(span) > 0.2:
            damps["numeric"] = -0.6  # indicator rows and figure lists, not statements
        if core_spans and all(_in_purpose(span, a) for a, b in core_spans):
            damps["purpose"] = -0.7  # "för att möjliggöra diskussioner om länets utmaningar": a goal, not a threat
        if not set(core) & FORWARD_FAMILIES:
            if AMOUNT.search(span.text):
                damps["reported_amount"] = -0.5  # "redovisar en negativ avvikelse på 45 mnkr": an outcome
            if set(core) <= HAPPENING_FAMILIES and _dated_past(span):
                damps["dated_past"] = -1.0  # "I augusti drabbades … av ett driftavbrott": an event, not a threat
        hard = sum(v for v in damps.values() if v <= HARD_DAMP)
        soft = max(SOFT_CAP, sum(v for v in damps.values() if v > HARD_DAMP))
        if max(core.values()) >= STRONG_CUE:
            soft /= 2
        section = _section(span)
        if section is not None and RISK_HEADING.search(section.heading):
            amp["risk_section"] = RISK_SECTION_BOOST  # "Risker och osäkerheter", "Förväntad utveckling"
        raw = sum(core.values()) + sum(amp.values()) + soft + hard
        key = section.start if section is not None else None
        slots = threat_slots(span, cue_spans)
        for t, cat in cue_topics.items():
            topic_hits[(cat, t)] = max(topic_hits.get((cat, t), 0.0), 1.2)
            slots[t] = 2.0
        category = categorise(topic_hits, slots, heading_topics.get(key, {}) if heading_topics else {})
        return Judgement(raw=raw, cues=tuple(sorted(core) + sorted(amp)), damps=tuple(sorted(damps)),
                         clinical=clinical, category=category)

    def _heading_topics(self, doc: Doc) -> dict[int, dict[str, float]]:
        """Topic weights of each section's heading, keyed by the section's start offset."""
        d = document(doc)
        out: dict[int, dict[str, float]] = {}
        heads = [b for b in d.blocks if b.kind == BlockKind.HEADING]
        spans = [doc.char_span(b.start, b.end, alignment_mode="expand") for b in heads]
        keep = [(b, sp) for b, sp in zip(heads, spans) if sp is not None]
        found = self.cues.find(doc, [sp for _, sp in keep])
        for k, (b, _) in enumerate(keep):
            weights: dict[str, float] = defaultdict(float)
            for row, _, _ in found.get(k, []):
                if row["label"] == "topic":
                    weights[row["category"]] += row["weight"]
            if weights:
                out[b.start] = dict(weights)
        return out


def _section(span: Span):
    d = span.doc._.document  # None for a bare sentence Doc (training features): no section
    return d.section_at(span.start_char) if d is not None else None
