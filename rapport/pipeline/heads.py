"""The input of the learned heads: rule features of a sentence, its words hashed, its e5 vector.

One module computes these for training (`tools/train_heads.py`, on annotated sentences made
into bare Docs) and for extraction (the risk and event components, on sentences of a
report), so a head sees at run time exactly the columns it was trained on. Columns are
named; a heads manifest lists the names it was trained with, and `vectorize` lays any
feature dict out in that order (a name the code no longer produces is a zero column).

Rule features are what the cue engines and the grammar tests already know: which cue
families and damping rules fired, the rule score and verdict, negation, modality, tense,
dates, amounts, list / table / heading context, and the direction of a development and
whether the sentence has a predicate (pipeline/polarity.py). The hashed words feed only the cheap gate
that decides which sentences are worth embedding.
"""
from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence

import numpy as np
from spacy.tokens import Doc, Span

from rapport.models.heads import Heads, LinearHead, embed

from . import polarity

HASH_DIM = 1 << 14
NEGATIONS = frozenset({"inte", "ej", "icke", "aldrig", "ingen", "inget", "inga", "varken"})
MODALS = frozenset({"ska", "skall", "kan", "kunna", "kunde", "skulle", "bör", "borde", "måste", "behöver", "får",
                    "kommer", "vill", "torde", "riskerar"})
FUTURE = re.compile(r"(?i)\b(kommer\s+att|ska|skall|planeras|väntas|förväntas|beräknas|prognos\w*|framöver|"
                    r"kommande|nästa\s+år|på\s+sikt|på\s+längre\s+sikt)\b")
PERFECT_AUX = frozenset({"har", "hade", "harr"})
PAST_FORM = re.compile(r"(?i)^\w{3,}(ade|ades|dde|ddes|de|des|te|tes)$")
SUPINE = re.compile(r"(?i)^\w{3,}(at|ats|it|its|tt|tts|ts)$")
PRESENT_PASSIVE = re.compile(r"(?i)^\w{3,}(as|ás|es)$")
AMOUNT = re.compile(r"(?i)\d\s*(?:mnkr|mkr|tkr|mdkr|miljoner|miljarder|kronor|kr)\b")
PERCENT = re.compile(r"(?i)\d\s*(?:%|procent\b|procentenheter)")
YEAR = re.compile(r"\b(19|20)\d\d\b")
BULLET = re.compile(r"^\s*[•\-–*▪►·o]\s")
RISK_HEADING = re.compile(r"(?i)risk|osäkerhet|känslighet|förväntad utveckling|framtid|utmaning|omvärld|hot\b")
EVENT_HEADING = re.compile(r"(?i)händelse|viktiga|väsentliga|under (året|perioden)|beslut")
GOAL_HEADING = re.compile(r"(?i)mål|avvikelse|framgång|bedömning|uppföljning|resultat")
CLINICAL_HEADING = re.compile(r"(?i)riskgrupp|vaccin|smitt|patient|behandling|läkemedel")
POSITIVE_HEADING = re.compile(r"(?i)framgång|förbättr|styrk|positiv|lyckad|goda exempel")
_WORD = re.compile(r"\w+", re.U)


def generic_features(span: Span, heading: str | None, block_kind: str | None, in_table: bool,
                     fragment: bool) -> dict[str, float]:
    """Grammar and context signals every head can use; token tests only, no model."""
    toks = [t for t in span if not t.is_space]
    lows = [t.lower_ for t in toks]
    text = span.text
    f: dict[str, float] = {}
    f[f"blk_{block_kind or 'none'}"] = 1.0
    f["in_table"] = float(in_table)
    f["fragment"] = float(fragment)
    f["bullet"] = float(bool(BULLET.match(text)))
    f["ends_stop"] = float(text.rstrip().endswith((".", "!", "?")))
    f["len"] = math.log1p(len(toks)) / 4.0
    digits = sum(t.like_num for t in toks)
    f["digit_share"] = digits / max(1, len(toks))
    f["neg"] = float(any(w in NEGATIONS for w in lows))
    f["modal"] = float(any(w in MODALS for w in lows))
    f["future"] = float(bool(FUTURE.search(text)))
    f["past"] = float(any(PAST_FORM.match(w) for w in lows))
    f["perfect"] = float(any(w in PERFECT_AUX and any(SUPINE.match(x) for x in lows[i + 1:i + 4])
                             for i, w in enumerate(lows)))
    f["passive"] = float(any(PRESENT_PASSIVE.match(w) for w in lows))
    f["amount"] = float(bool(AMOUNT.search(text)))
    f["percent"] = float(bool(PERCENT.search(text)))
    f["year"] = float(bool(YEAR.search(text)))
    h = heading or ""
    f["has_heading"] = float(bool(h))
    f["head_risk"] = float(bool(RISK_HEADING.search(h)))
    f["head_event"] = float(bool(EVENT_HEADING.search(h)))
    f["head_goal"] = float(bool(GOAL_HEADING.search(h)))
    f["head_clinical"] = float(bool(CLINICAL_HEADING.search(h)))
    f["head_positive"] = float(bool(POSITIVE_HEADING.search(h)))
    return f | polarity.features(span, block_kind == "list_item" or bool(BULLET.match(text)))


# a clause ends at punctuation or at a conjunction that starts a new statement
CLAUSE_BREAK = frozenset({"men", "utan", "däremot", "medan", "eftersom", "vilket", "samt", "då", "när"})
QUANTIFIER = frozenset({"något", "någon", "några"})  # "Något underskott … finns inte": negation at the clause's end
NEG_BEFORE = 3  # "ingen risk", "inte någon större risk", "inga förseningar"


def negated_share(span: Span, cues: Sequence[tuple[int, int]]) -> float:
    """How much of a sentence's cue wording stands under a negation: 1 all, 0.5 some, 0 none.

    One general feature, the scope of "inte/ingen/inget/inga/aldrig/…" in Swedish: a negator up
    to three words before a cue in the same clause ("det finns ingen brist på", "har inte
    påverkats", "utan risk för"), right after a cue verb ("påverkas inte"), or at the end of a
    clause opened by "något/någon/några" that holds the cue ("Något X … finns inte"). A
    negator inside the cue's own pattern ("inte nått målet") is part of the cue, not a negation of
    it, and a negation in the cue's complement ("risk att målen inte nås") negates nothing."""
    toks = [t for t in span if not t.is_space]
    if not cues or not toks:
        return 0.0
    inside = {i for a, b in cues for i in range(a, b)}
    clause, c = {}, 0
    for t in toks:
        if t.is_punct or t.lower_ in CLAUSE_BREAK:
            c += 1
        clause[t.i] = c
    pos = {t.i: k for k, t in enumerate(toks)}
    negators = [k for k, t in enumerate(toks) if t.i not in inside and t.lower_ in NEGATIONS]
    openers = {}
    for k, t in enumerate(toks):  # clause index -> whether it opens with a "något" quantifier
        if clause[t.i] not in openers and not t.is_punct and t.lower_ not in CLAUSE_BREAK:
            openers[clause[t.i]] = t.lower_ in QUANTIFIER
    negated = 0
    for a, b in cues:
        ks = [pos[i] for i in range(a, b) if i in pos]
        if not ks:
            continue
        first, last, cl = ks[0], ks[-1], clause[toks[ks[0]].i]
        hit = any(clause[toks[n].i] == cl and (first - NEG_BEFORE <= n < first or n == last + 1) for n in negators)
        if not hit and first > 0 and toks[first - 1].lower_ == "utan":
            hit = True
        if not hit and openers.get(cl):
            hit = any(clause[toks[n].i] == cl and n > last for n in negators)
        negated += hit
    if not negated:
        return 0.0
    return 1.0 if negated == len(cues) else 0.5


def risk_features(judgement, matches, threshold: float, span: Span | None = None) -> dict[str, float]:
    """What the risk cue engine saw: families, damping, clinical words, score and verdict,
    and how much of the cue wording is negated (`negated_share`)."""
    from .components.risks import AMPLIFIERS  # the cue families that only strengthen a real cue

    f: dict[str, float] = {}
    if span is not None:
        f["neg_scope"] = negated_share(span, [(a, b) for row, a, b in matches
                                              if row["label"] == "cue" and row["family"] not in AMPLIFIERS])
    for row, _, _ in matches:
        label = row["label"]
        if label == "cue":
            f[f"rf_{row['family']}"] = 1.0
        elif label == "damp":
            f[f"rd_{row['id']}"] = 1.0
        elif label == "clinical":
            f["r_clinical"] = 1.0
        elif label == "topic":
            f[f"rt_{row['category']}"] = 1.0
    if judgement is not None:
        f["r_raw"] = max(-2.0, min(4.0, judgement.raw)) / 2.0
        f["r_rule"] = float(judgement.raw >= threshold)
        f[f"rc_{judgement.category.value}"] = 1.0
    return f


def event_features(found, matches, span: Span | None = None) -> dict[str, float]:
    """What the event rules saw: a trigger verb at all, one that happened, its type, event nouns,
    and whether the trigger wording is negated ("Inga beslut har fattats")."""
    f: dict[str, float] = {}
    if span is not None:
        f["neg_scope"] = negated_share(span, [(a, b) for row, a, b in matches])
    for row, _, _ in matches:
        if row["kind"] == "noun":
            f[f"en_{row['label']}"] = 1.0
        else:
            f["ev_trigger"] = 1.0
            f[f"et_{row['label']}"] = 1.0
    if found is not None:
        f["ev_rule"] = 1.0
        f[f"ev_type_{found[1].value}"] = 1.0
    return f


def clinical_only(matches) -> bool:
    """A clinical "risk" word ("riskgrupp", "risk för ohälsa") and no cue of another family:
    such a sentence is never a risk, whatever a head says."""
    clinical = any(row["label"] == "clinical" for row, _, _ in matches)
    families = {row["family"] for row, _, _ in matches if row["label"] == "cue"}
    return clinical and families <= {"risk"}


def hashed_words(text: str) -> dict[int, float]:
    """Word and 5-letter-stem buckets (crc32, stable across processes) for the gate."""
    out: dict[int, float] = {}
    for w in _WORD.findall(text.lower()):
        if w.isdigit():
            w = "<num>"
        for piece in (w, "s:" + w[:5]):
            out[zlib.crc32(piece.encode("utf-8")) % HASH_DIM] = 1.0
    return out


def vectorize(rows: Sequence[dict[str, float]], names: Sequence[str]) -> np.ndarray:
    """(n, len(names)) float32 with each row's features in the named columns."""
    col = {n: i for i, n in enumerate(names)}
    out = np.zeros((len(rows), len(names)), dtype=np.float32)
    for r, feats in enumerate(rows):
        for k, v in feats.items():
            j = col.get(k)
            if j is not None:
                out[r, j] = v
    return out


def gate_input(feats: np.ndarray, texts: Sequence[str]):
    """[rule features | hashed words] as a sparse matrix: 16k word columns, a few dozen set per row."""
    from scipy import sparse

    rows, cols = [], []
    for r, t in enumerate(texts):
        for j in hashed_words(t):
            rows.append(r)
            cols.append(j)
    words = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(texts), HASH_DIM))
    return sparse.hstack([sparse.csr_matrix(feats, dtype=np.float32), words], format="csr")


# a head with these inputs also reads the mean e5 vector of the sentences before and after (zeros where there is
# none): a risk is often a fact that reads as one only beside its neighbour ("… 40 mnkr sämre än budget" after a
# sentence on rising costs). Out of fold on the training split, government text: risk AP .692 -> .709.
CONTEXT = "vector+features+context"


def head_input(vectors: np.ndarray, feats: np.ndarray, context: np.ndarray | None = None) -> np.ndarray:
    """[vector | rule features], then the neighbours' mean vector for a CONTEXT head."""
    parts = [vectors, feats] if context is None else [vectors, feats, context]
    return np.hstack(parts).astype(np.float32, copy=False)


def neighbour_mean(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The context column block: (before + after) / 2, each a zero row where the sentence has no neighbour."""
    return ((before + after) / 2).astype(np.float32, copy=False)


def neighbour_texts(d, cands) -> list[tuple[str | None, str | None]]:
    """(sentence before, sentence after) of each (span, corpus Sentence) candidate in reading order, headings
    included, as an annotation unit's prev / next are; at either end of the document None, or for a piece of
    a longer one (`Document.around`) the sentence beyond the cut."""
    from bisect import bisect_left, bisect_right

    sents = d.sentences
    starts, ends = [s.start for s in sents], [s.end for s in sents]
    out = []
    for span, _ in cands:
        k = bisect_right(ends, span.start_char) - 1  # the last sentence ending at or before the span
        j = bisect_left(starts, span.end_char)  # the first sentence starting at or after its end
        out.append((d.text[sents[k].start:sents[k].end] if k >= 0 else d.around[0],
                    d.text[sents[j].start:sents[j].end] if j < len(sents) else d.around[1]))
    return out


def context_vectors(doc: Doc, neighbours: Sequence[tuple[str | None, str | None]], heads: Heads, dim: int,
                    encoder=None) -> np.ndarray:
    """`neighbour_mean` of each candidate's neighbours, embedded through the Doc's memo (most are candidates too)."""
    texts = [t for pair in neighbours for t in pair if t]
    memo = dict(zip(texts, doc_vectors(doc, texts, heads, encoder=encoder)))
    zero = np.zeros(dim, dtype=np.float32)
    side = [np.stack([memo[pair[k]] if pair[k] else zero for pair in neighbours]) if neighbours
            else np.zeros((0, dim), dtype=np.float32) for k in (0, 1)]
    return neighbour_mean(*side)


def doc_vectors(doc: Doc, texts: Sequence[str], heads: Heads, encoder=None) -> np.ndarray:
    """e5 vectors for sentences of `doc`, remembered on the Doc so two components embed once."""
    memo: dict[str, np.ndarray] = doc.user_data.setdefault("rapport_vectors", {})
    todo = [t for t in dict.fromkeys(texts) if t not in memo]
    if todo:
        vecs = embed(todo, encoder=encoder, expect=heads.embedder or None)
        memo.update(zip(todo, vecs))
    dim = next(iter(memo.values())).shape[0] if memo else 0
    return np.stack([memo[t] for t in texts]) if texts else np.zeros((0, dim), dtype=np.float32)


def gate_keeps(gate: LinearHead | None, feats: np.ndarray, texts: Sequence[str], rule_yes: np.ndarray) -> np.ndarray:
    """Which sentences get embedded: the gate's yes (tuned for recall) or the rules' yes."""
    if gate is None:
        return np.ones(len(texts), dtype=bool)
    if not len(texts):
        return np.zeros(0, dtype=bool)
    return gate.decide(gate_input(feats, texts)) | rule_yes


def context_of(d, span: Span, sentence) -> tuple[str | None, str, bool]:
    """(section path, block kind, inside a table block) of a prose sentence of corpus Document `d`.

    `sentence` is the corpus Sentence, or None for prose found inside a table block."""
    if sentence is None:
        sec = d.section_at(span.start_char)
        return d.section_path(sec.index if sec else None), "table", True
    return d.section_path(sentence.section), d.blocks[sentence.block].kind.value, False


def candidate_features(d, cands, specific: Sequence[dict[str, float]]) -> list[dict[str, float]]:
    """Generic features of each (span, corpus Sentence) candidate, merged with its component's own."""
    out = []
    for (span, sentence), own in zip(cands, specific):
        heading, kind, in_table = context_of(d, span, sentence)
        out.append(generic_features(span, heading, kind, in_table, False) | own)
    return out


def goal_features(lexicon, span: Span) -> dict[str, float]:
    """Which one-word goal cue lists (attain, negation, degree, frame, horizon …) the sentence hits."""
    f: dict[str, float] = {}
    for t in span:
        if not t.is_space:
            for label in lexicon.labels(t.text, t.lower_, t.lemma_):
                f[f"g_{label}"] = 1.0
    return f


def run_heads(doc: Doc, heads: Heads, kind: str, texts: Sequence[str], feats: Sequence[dict[str, float]],
              rule_yes: Sequence[bool], veto: Sequence[bool], encoder=None, report: bool = False,
              neighbours: Sequence[tuple[str | None, str | None]] | None = None) -> list[tuple[int, float, dict]]:
    """(index, P(yes), {label head name: label}) of the candidates the `kind` head accepts.

    The gate (`<kind>_gate`) picks which candidates are embedded, the rules' yes always is;
    `<kind>` decides yes/no on vector + rule features; `<kind>_veto`, where trained, refuses
    what must never be one (risks: the clinical hard negatives, learnt, so "förhöjd risk för" a
    health outcome is caught where no cue lists it); every other `<kind>_*` head (category,
    type, status, horizon) names its label. A vetoed candidate (a clinical "riskgrupp"
    sentence) is never accepted. `report` (the document is a region report) takes the head's
    report threshold where it has one (`LinearHead.threshold_for`). A CONTEXT head reads the
    `neighbours` (`neighbour_texts`) of the candidates it decides on.
    """
    head, gate = heads.get(kind), heads.get(f"{kind}_gate")
    if head is None or not len(texts):
        return []
    rule_yes = np.asarray(rule_yes, dtype=bool)
    keep = gate_keeps(gate, vectorize(feats, gate.features) if gate else None, texts, rule_yes)
    keep &= ~np.asarray(veto, dtype=bool)
    idx = np.flatnonzero(keep)
    if not len(idx):
        return []
    vecs = doc_vectors(doc, [texts[i] for i in idx], heads, encoder=encoder)
    chosen = [feats[i] for i in idx]
    inputs: dict[tuple, np.ndarray] = {}  # a kind's heads mostly share one feature list: build its input once
    ctx = None  # the neighbours' mean vectors, embedded only when a CONTEXT head asks

    def x(h):
        nonlocal ctx
        key = (h.features, h.inputs == CONTEXT)
        if key not in inputs:
            if key[1] and ctx is None:
                pairs = [neighbours[i] for i in idx] if neighbours is not None else [(None, None)] * len(idx)
                ctx = context_vectors(doc, pairs, heads, vecs.shape[1], encoder=encoder)
            inputs[key] = head_input(vecs, vectorize(chosen, h.features), ctx if key[1] else None)
        return inputs[key]

    p = head.proba(x(head))
    learnt_veto = heads.get(f"{kind}_veto")
    refused = learnt_veto.decide(x(learnt_veto)) if learnt_veto is not None else np.zeros(len(idx), dtype=bool)
    labels = {name: h.decide(x(h))
              for name, h in heads.heads.items()
              if name.startswith(f"{kind}_") and name not in (f"{kind}_gate", f"{kind}_veto")}
    return [(int(i), float(pi), {name: str(v[k]) for name, v in labels.items()})
            for k, (i, pi) in enumerate(zip(idx, p)) if pi >= head.threshold_for(report) and not refused[k]]
