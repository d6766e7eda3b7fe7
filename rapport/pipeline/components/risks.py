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
"Syftet är att"), and table cells glued into a line (`table_fragment`).

All cue lists live in models/patterns/risks.jsonl (data, not code).

No embedding classifier: measured on this 2-core machine, e5-small encodes
about 7-20 sentences a second, so even the borderline sentences of five
reports would cost more than the whole 20-second extraction budget; the
cues already meet the targets on the dev report.

The helpers at the top (pattern loading, fast matching, prose sentences,
carrier spans) are shared with rapport_events.
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
from pathlib import Path

import srsly

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from rapport.corpus import BlockKind

from ..heads import HeadsUser, candidate_features, clinical_only, risk_features, run_heads
from ..records import MAX_EVIDENCE, Risk, RiskCategory
from ..spans import document, evidence, nearest_heading

PROSE = (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)
# families that only strengthen a sentence that already holds a real cue
AMPLIFIERS = frozenset({"intensity", "pandemic_mention", "only", "impact_plain", "pressure", "consequence",
                        "difficulty_verb", "bad_metric", "hired", "forecast", "persist_verb"})
HARD_DAMP = -1.0  # damping at or below this is a veto (rules, boilerplate, negated impact); softer damping is capped
SOFT_CAP = -0.8
STRONG_CUE = 1.1  # an explicit cue this strong halves soft damping: "utmaningar … för att förbättra" is still a risk
# a specific topic beats the pandemic as the category; the order settles ties
# sections where a report states its risks: a weak cue there is worth more
RISK_HEADING = re.compile(r"(?i)risk|osäkerhet|känslighet|förväntad utveckling|framtid|utmaning|omvärld|hot\b")
RISK_SECTION_BOOST = 0.3
PANDEMIC_CAP = 0.7  # the pandemic as the cause is the category only when nothing more specific is named
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


# domains that stay the category when the pandemic is what hits them
SPECIFIC = frozenset({"finance", "staffing", "it_digital", "infrastructure_transport", "climate_environment",
                      "legal_regulatory"})
CATEGORY_ORDER = ["finance", "staffing", "care_capacity", "it_digital", "infrastructure_transport",
                  "climate_environment", "legal_regulatory", "demography", "pandemic"]


# ---------------------------------------------------------------- shared helpers (events.py uses them too)

@lru_cache(maxsize=8)
def read_patterns(name: str) -> tuple[dict, ...]:
    """The rows of models/patterns/<name> (JSON Lines), read once per process."""
    text = resources.files("rapport.models").joinpath("patterns", name).read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


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
            pattern = [_with_our_lemmas(t) for t in row["pattern"]]
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
    from .lemmas import lemma

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
            for tok in row["pattern"]:
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


def warn(doc: Doc, message: str) -> None:
    doc._.warnings.append(message)


def prose_sentences(doc: Doc, component: str, runon_chars: int = 2000,
                    table_prose: bool = True) -> Iterator[tuple[Span, object]]:
    """(span, corpus Sentence) for every prose sentence, skipping run-on text with a warning.

    corpus cuts a run-on into 600-character pieces, so a 5,000-character
    "sentence" arrives as many pieces: they are recognised by the long
    stretch of text with no sentence end, skipped, and reported once.

    With `table_prose`, sentences that corpus left inside table blocks but
    that read as prose (see `prose_in_tables`) are yielded too, with None for
    the corpus Sentence: a PDF dump's layout decides too little to lose them.
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
    found: list[tuple[int, int, object]] = []
    for s in d.sentences:
        if d.blocks[s.block].kind not in PROSE:
            continue
        if any(s.start < b and a < s.end for a, b in runs):
            continue
        found.append((s.start, s.end, s))
    if table_prose:
        found += [(a, b, None) for a, b in prose_in_tables(d)]
        found.sort(key=lambda x: x[0])
    for a, b, s in found:
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None or not span.text.strip():
            continue
        n_prose += 1
        yield span, s
    if n_prose == 0:
        warn(doc, f"{d.name}: {component} found no prose sentences; nothing extracted")


_PROSE_WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]{2,}")
_SENT_END = re.compile(r"[.!?]\s*$")


def prose_in_tables(d) -> list[tuple[int, int]]:
    """(start, end) of prose-like sentences inside table blocks.

    Reports set as two columns, or with commentary run in beside a table,
    often come out of the PDF dump as one "table" block holding whole
    paragraphs. A sentence counts as prose when it starts with a capital,
    ends with a full stop, has at least six words, few digits and mostly
    lowercase words (a table row of labels and figures has none of these).
    """
    from rapport.corpus.sentences import split_sentences

    out = []
    for b in d.blocks:
        if b.kind != BlockKind.TABLE:
            continue
        text = d.text[b.start:b.end]
        for a, e in split_sentences(text):
            sent = text[a:e]
            words = _PROSE_WORD.findall(sent)
            if len(words) < 6 or not sent[:1].isupper() or not _SENT_END.search(sent):
                continue
            digits = sum(ch.isdigit() for ch in sent)
            lower = sum(w[0].islower() for w in words)
            if digits > 0.12 * len(sent) or lower < 0.6 * len(words):
                continue
            # a sentence glued across table lines must still read as running text: few very short lines
            lines = [ln for ln in sent.split("\n") if ln.strip()]
            if len(lines) > 1 and sum(len(ln.strip()) < 12 for ln in lines) > len(lines) / 3:
                continue
            out.append((b.start + a, b.start + e))
    return out


FUNCTION_WORDS = frozenset({
    "i", "på", "av", "till", "från", "för", "med", "om", "inom", "hos", "vid", "genom", "under", "mot", "mellan",
    "efter", "före", "utan", "enligt", "via", "och", "eller", "samt", "som", "än", "både", "men", "där", "när",
    "att", "en", "ett", "den", "det", "de", "denna", "detta", "dessa", "har", "hade", "är", "var", "blev", "kan",
    "ska", "skall", "kommer", "vara", "bli", "ha", "dock", "även", "också", "bland", "annat", "nu", "t", "ex"})
_TRUNCATED_END = frozenset({"som", "och", "att", "i", "för", "av", "med", "till", "på", "en", "ett", "den", "det",
                            "de", "samt", "eller", "om", "från", "vid"})


def table_fragment(span: Span, in_table: bool, list_item: bool = False) -> bool:
    """Whether a "sentence" is table cells glued together rather than running text.

    Indicator tables dumped as text read like "Framtagande påbörjat Struktur
    och organisation … RUN …": a capitalised word (or an abbreviation) right
    after a lowercase content word with no punctuation between marks a new
    cell; so do a repeated phrase of content words, mostly capitalised
    words, a line that stops on a function word or without a full stop (list
    items excepted), and figures opening it (a row's values glued to the text
    after it). One sign is enough inside a table block. In running text it
    takes two, and names after a common noun or verb ("projektet DIGAD",
    "startade Norrbottens museum bloggen Kulturmiljö") count once at most in
    a sentence that opens with a capital and ends with a full stop.
    """
    toks = [t for t in span if not t.is_space]
    if len(toks) < 3:
        return False
    breaks = 0
    for a, b, c in zip(toks, toks[1:], toks[2:] + [None]):
        if not (b.is_alpha and b.text[:1].isupper()) or a.is_punct:
            continue
        if not (a.is_alpha and a.text[:1].islower() and a.lower_ not in FUNCTION_WORDS):
            continue
        caps = len(b.text) >= 2 and b.text.isupper()
        if caps or (c is not None and c.is_alpha and c.text[:1].islower()):
            breaks += 1
    last = toks[-1]
    well_formed = toks[0].text[:1].isupper() and last.text in (".", "!", "?")
    signs = min(breaks, 1) if well_formed and not in_table else breaks
    alpha = [t for t in toks[1:] if t.is_alpha]
    if len(alpha) >= 6 and sum(t.text[:1].isupper() for t in alpha) > 0.4 * len(alpha):
        signs += 1  # "Uppföljning vid ÅR Öka Ny process framtagen RUN Planerad insats": cell labels, not prose
    words = [t.lower_ for t in toks if t.is_alpha]
    grams = [g for g in (tuple(words[i:i + 3]) for i in range(len(words) - 2))
             if not any(w in FUNCTION_WORDS for w in g)]
    if len(grams) != len(set(grams)):
        signs += 1  # "Antagen regional skogsstrategi Antagen regional skogsstrategi": a cell repeated
    if toks[0].like_num and toks[1].like_num:
        signs += 1  # "12 5 procent av …": figures of a row before its text
    if not list_item and not last.is_punct:
        signs += 1
        if last.lower_ in _TRUNCATED_END:
            signs += 1
    return signs >= (1 if in_table else 2)


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


class PatternComponent(HeadsUser):
    """What rapport_risks and rapport_events share: pattern rows in, saved with the pipeline.

    Like spaCy's span_ruler, `to_disk` writes the rows (patterns.jsonl) and
    the settings (cfg.json), and `from_disk` rebuilds the matchers from them,
    so a saved pipeline keeps the cue lists it was saved with.
    """

    CFG_KEYS: tuple[str, ...] = ("spans_key", "runon_chars", "table_prose", "overwrite", "heads")

    def __init__(self, nlp: Language, name: str, *, spans_key: str, patterns: str, runon_chars: int,
                 table_prose: bool, overwrite: bool, heads: str = ""):
        self.name = name
        self.heads = heads  # heads folder (relative to rapport/models/heads/), "" for rules only
        self.table_prose = table_prose
        self.spans_key = spans_key
        self.patterns = patterns
        self.runon_chars = runon_chars
        self.overwrite = overwrite
        self._use_rows(nlp.vocab, read_patterns(patterns))

    def _use_rows(self, vocab, rows) -> None:
        self.vocab = vocab
        self.pattern_rows = [dict(r) for r in rows]
        self.cues = CuePatterns(vocab, self.pattern_rows)
        self.prefilter = Prefilter([r for r in self.pattern_rows if self._required(r)])

    def candidates(self, doc: Doc, every: bool) -> tuple[list[tuple[Span, object]], dict[int, list]]:
        """Prose sentences worth judging, (span, corpus Sentence or None), and their cue matches.

        Table fragments and over-long sentences never are; without heads (`every` False)
        only sentences the cue prefilter passes, with heads every one (the gate sorts them)."""
        d = document(doc)
        cands = [(s, cs) for s, cs in prose_sentences(doc, self.name, self.runon_chars, self.table_prose)
                 if len(s.text) <= MAX_EVIDENCE and (every or self.prefilter(s))
                 and not table_fragment(s, cs is None, cs is not None and d.blocks[cs.block].kind == BlockKind.LIST_ITEM)]
        return cands, self.cues.find(doc, [s for s, _ in cands])

    def _store(self, doc: Doc, spans: list[Span]) -> Doc:
        """Replace or extend the span group, as span_ruler's `overwrite` does."""
        if self.overwrite or self.spans_key not in doc.spans:
            doc.spans[self.spans_key] = spans
        else:
            doc.spans[self.spans_key].extend(spans)
        return doc

    @staticmethod
    def _required(row: dict) -> bool:
        """Rows of which a sentence must match at least one to produce anything."""
        raise NotImplementedError

    def to_disk(self, path, *, exclude=tuple()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / "patterns.jsonl", self.pattern_rows)
        srsly.write_json(path / "cfg.json", {k: getattr(self, k) for k in self.CFG_KEYS})

    def from_disk(self, path, *, exclude=tuple()):
        path = Path(path)
        if (path / "cfg.json").exists():
            for k, v in srsly.read_json(path / "cfg.json").items():
                if k in self.CFG_KEYS:
                    setattr(self, k, v)
        if (path / "patterns.jsonl").exists():
            self._use_rows(self.vocab, list(srsly.read_jsonl(path / "patterns.jsonl")))
        return self


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
        for i, p, labels in run_heads(doc, heads, "risk", [s.text for s in sents], feats, rule_yes, veto,
                                      encoder=self.encoder):
            label = labels.get("risk_label")
            rule = judged[i].category if judged[i] is not None else RiskCategory.OTHER
            category = RiskCategory(label) if self.label_head and label else rule
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
        category = self.category(topic_hits, slots, heading_topics.get(key, {}) if heading_topics else {})
        return Judgement(raw=raw, cues=tuple(sorted(core) + sorted(amp)), damps=tuple(sorted(damps)),
                         clinical=clinical, category=category)

    @staticmethod
    def category(topic_hits: dict[tuple[str, int], float], slots: dict[int, float],
                 heading: dict[str, float]) -> RiskCategory:
        """What the threat is about, from topic words weighted by where they stand.

        A topic word in the threat's own slot (what follows "risk för",
        "brist på", the agent after "påverkats av", the subject before
        "riskerar att") counts double; each category gets its strongest
        word plus a little for the rest. The pandemic as the
        threat (subject or agent) names the category unless the sentence also
        names a specific domain it hits (economy, IT, transport, staffing, law,
        climate): care and population are what a pandemic hits by definition.
        Elsewhere the pandemic is capped, a cause in passing. The heading is a
        weak prior.
        """
        weights: dict[str, list[float]] = defaultdict(list)
        pandemic_threat = False
        for (cat, t), w in topic_hits.items():
            mult = slots.get(t)
            if cat == "pandemic":
                if mult is not None:
                    pandemic_threat = True
                else:
                    weights[cat].append(min(w, PANDEMIC_CAP))
                continue
            weights[cat].append(w * (mult or 1.0))
        total: dict[str, float] = defaultdict(float)
        for cat, ws in weights.items():
            ws = sorted(ws, reverse=True)
            total[cat] = ws[0] + 0.3 * sum(ws[1:])
        if pandemic_threat:
            named = {c: v for c, v in total.items() if c in SPECIFIC and v >= 1.0}
            if not named:
                return RiskCategory.PANDEMIC
            total = defaultdict(float, named)
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


# cue nouns whose complement names the threat: "risk för X", "brist på X", "osäkerhet kring X"
NOMINAL_CUES = re.compile(r"(?i)^(\w*risk(en|er|erna)?|\w*osäkerhet(en|er|erna)?|\w*brist(en|er|erna)?|hot(et|en)?|"
                          r"\w*utmaning(en|ar|arna)?|\w*svårighet(en|er|erna)?|oro(n)?|\w*problem(et|en)?|behov(et|en)?|"
                          r"krav(et|en)?|ansträngning(en|ar|arna)?|påfrestning(en|ar|arna)?|\w*tryck(et)?|"
                          r"\w*konkurrens(en)?|beroende(t)?|\w*försening(en|ar|arna)?|ovisshet(en)?)$")
SLOT_PREPOSITIONS = frozenset({"för", "på", "om", "kring", "att", "med", "mot", "inom", "i", "av", "till", "från",
                               "gällande", "avseende", "när"})
# verbs whose agent ("… av pandemin") is the threat
AGENT_VERBS = re.compile(r"(?i)^(påverka\w*|drabba\w*|försvåra\w*|försena\w*|fördröj\w*|präglat?s|präglades|hota\w*|"
                         r"begränsa\w*|hindra\w*|styr(as|s|ts|des))$")
# the first finite verb ends a sentence-initial subject
SUBJECT_END = frozenset({"kan", "kunde", "skulle", "riskerar", "hotar", "befaras", "har", "hade", "är", "var", "blir",
                         "kommer", "leder", "innebär", "medför", "gör", "ger", "påverkar", "försvårar", "försenar",
                         "begränsar", "ökar", "minskar", "väntas", "bedöms", "beräknas", "står", "ställer", "skapar",
                         "driver", "tvingar", "fortsätter", "växer", "påverkas", "drabbas", "förväntas", "beror",
                         "saknas", "kvarstår", "råder", "försämrar", "belastar"})
NO_SUBJECT = frozenset({"det", "under", "i", "för", "samtidigt", "även", "om", "men", "dock", "vid", "efter", "inom",
                        "på", "med", "som", "då", "när", "eftersom", "trots", "utan", "genom", "sedan", "till", "av",
                        "här", "där", "nu", "detta", "dessutom", "därför", "vilket", "enligt", "mot", "inför"})


CAUSATIVE = frozenset({"kan", "kunde", "skulle", "riskerar", "hotar", "befaras", "kommer", "leder", "innebär",
                       "medför", "gör", "ger", "försvårar", "försenar", "begränsar", "ökar", "skapar", "driver",
                       "tvingar", "väntas", "förväntas", "försämrar", "belastar"})
# a subject that announces a cause named later: "Orsakerna till underskottet står att finna i bemanningen"
CAUSE_HEADS = re.compile(r"(?i)^(orsak\w*|förklaring\w*|anledning\w*|skäl(et|en)?|bakgrund(en)?)$")
# a pandemic word after one of these is when or whence, not the threat: "Vårdskulden från pandemin"
NOT_AGENT_BEFORE = frozenset({"från", "efter", "under", "sedan", "inför", "före", "vid", "trots", "pga", "grund"})
REGARDING = frozenset({("med", "avseende"), ("i", "fråga")})
_PHRASE_STOP = frozenset({"och", "samt", "men", "eller", "som", "när", "om", "eftersom", "vilket", "då", "medan"})


def threat_slots(span: Span, cue_spans: list[tuple[int, int]]) -> dict[int, float]:
    """Token index -> weight for the words that name the threat itself.

    The complement of a cue noun ("risk att köerna växer", "brist på
    sjuksköterskor"), the agent of an impact verb ("påverkats kraftigt av
    pandemin") and a sentence-initial subject ("Stigande byggpriser kan komma
    att …"). Complements and agents weigh 2 (the first one; later ones 1.5:
    the threat named first is the main one); a subject weighs 2 before a
    verb that causes ("skapar osäkerhet", "riskerar att") and 1.5 otherwise.
    Words after "från", "efter", "under" … are circumstances, not the threat.
    """
    toks = [t for t in span if not t.is_space]
    while toks and (toks[0].is_punct or toks[0].text in ("•", "-", "–", "*")):
        toks = toks[1:]  # bullets
    found: list[tuple[int, list[int]]] = []
    cue_tokens = {i for a, b in cue_spans for i in range(a, b)}
    for k, t in enumerate(toks):
        if t.i in cue_tokens and NOMINAL_CUES.match(t.lower_):
            j = k + 1
            if j < len(toks) and toks[j].lower_ in SLOT_PREPOSITIONS:
                found.append((k, _phrase(toks, j + 1, 6)))
            else:  # "Ovissheten är särskilt stor när det gäller X", "… vad gäller X"
                for m in range(k + 1, min(len(toks) - 2, k + 8)):
                    if toks[m].is_punct:
                        break
                    if toks[m].lower_ == "gäller" or (toks[m].lower_, toks[m + 1].lower_) in REGARDING:
                        found.append((k, _phrase(toks, m + (1 if toks[m].lower_ == "gäller" else 2), 6)))
                        break
        if AGENT_VERBS.match(t.lower_):
            for j in range(k + 1, min(len(toks), k + 4)):
                if toks[j].lower_ == "av":
                    found.append((k, _phrase(toks, j + 1, 5)))
                    break
                if toks[j].is_punct:
                    break
    slots: dict[int, float] = {}
    for n, (_, idx) in enumerate(sorted(found)):
        for i in idx:
            slots.setdefault(i, 2.0 if n == 0 else 1.5)
    if toks and toks[0].lower_ not in NO_SUBJECT and not toks[0].text[:1].isdigit() and not CAUSE_HEADS.match(toks[0].text):
        end = next((k for k, t in enumerate(toks[:15]) if k > 0 and t.lower_ in SUBJECT_END), None)
        if end is not None and not any(t.is_punct and t.text not in "-–" for t in toks[:end]):
            weight = 2.0 if toks[end].lower_ in CAUSATIVE else 1.5
            for t in toks[:end]:
                slots.setdefault(t.i, weight)
    # circumstances inside a slot: "Vårdskulden från (den) pandemin", "stängd efter pandemin"
    circumstance = False
    for t in toks:
        if t.i not in slots or t.is_punct:
            circumstance = False
        elif t.lower_ in NOT_AGENT_BEFORE:
            circumstance = True
        elif circumstance:
            del slots[t.i]
    return slots


def _phrase(toks: list[Token], start: int, limit: int) -> list[int]:
    """Token indices of up to `limit` words from `start`, stopping at punctuation."""
    out = []
    for t in toks[start:start + limit]:
        if t.is_punct or t.lower_ in _PHRASE_STOP:
            break
        out.append(t.i)
    return out
