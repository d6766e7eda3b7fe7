"""What the goal, counted-summary and target components read: candidate sentences and their cues.

Candidate sentences are the sentences corpus decided read as prose: those of
paragraphs and list items (`Sentence.prose`) and those the layout left inside
table blocks (`Document.table_sentences`), since PDF dumps put whole paragraphs of
assessment prose into blocks the layout step calls tables. The decision is
corpus's (`rapport.corpus.prose`), made once for every component. Their cues come from the one cue engine
(`pipeline.cues`), matched once per Doc over the candidates, the headings and
the numbered goal lines, and shared by the three components.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from rapport.corpus import BlockKind

from .cues import CuePatterns, CueSpans
from .spans import document


def goal_cues(doc: Doc, patterns: CuePatterns, key: str, cands: list["Candidate"]) -> CueSpans:
    """The doc's cues, computed once and shared by the goal, aggregate and target components
    (`key` names the pattern rows, so components with the same rows share one match)."""
    store = doc.user_data.setdefault("rapport_goal_cues", {})
    k = (key, id(cands))
    if k not in store:
        store.clear()
        store[k] = CueSpans(doc, patterns, regions(doc, cands))
    return store[k]


_GOAL_LINE = re.compile(r"(?im)^[ \t•\-–*]*(?:strategiskt\s+|finansiellt\s+|övergripande\s+)?(?:del)?mål(?:område)?"
                        r"\s+\d[^\n]*")


def regions(doc: Doc, cands: list["Candidate"]) -> list[tuple[int, int]]:
    """Token ranges worth matching: candidate sentences, headings, and numbered goal lines anywhere."""
    d = document(doc)
    spans = [(c.span.start, c.span.end) for c in cands]
    chars = [(b.start, b.end) for b in d.blocks if b.kind == BlockKind.HEADING]
    chars += [(m.start(), m.end()) for m in _GOAL_LINE.finditer(d.text)]
    for a, e in chars:
        span = doc.char_span(a, e, alignment_mode="expand")
        if span is not None and len(span):
            spans.append((span.start, span.end))
    merged: list[tuple[int, int]] = []
    for a, e in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((a, e))
    return merged


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence (or clause of a run-on) that may carry a fact."""

    span: Span
    start: int
    end: int
    block: int
    in_table: bool


_END_PUNCT = re.compile(r"[.!?…][\"”’)\]]*$")


def candidates(doc: Doc, max_chars: int = 600, max_run: int = 1000, name: str = "rapport") -> list[Candidate]:
    """Prose sentences and table-embedded prose, each at most `max_chars` characters.

    A run of corpus sentences that is really one sentence split by length
    (no end mark, next piece lower-case) and is longer than `max_run` is
    skipped whole with one warning: such text is a layout accident, not prose.
    """
    store = doc.user_data.setdefault("rapport_goal_candidates", {})
    key = (max_chars, max_run)
    if key not in store:
        store[key] = _candidates(doc, max_chars, max_run, name)
    return store[key]


def _candidates(doc: Doc, max_chars: int, max_run: int, name: str) -> list[Candidate]:
    d = document(doc)
    # which sentences read as prose is corpus's decision (corpus.prose), carried on each Sentence;
    # table blocks contribute the prose the layout left inside them (Document.table_sentences)
    pieces = [(s.start, s.end, s.block, False) for s in d.sentences
              if s.prose and d.blocks[s.block].kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)]
    pieces += [(s.start, s.end, s.block, True) for s in d.table_sentences if s.prose]
    pieces.sort()
    out: list[Candidate] = []
    skipped: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        j = i
        while (j + 1 < len(pieces) and pieces[j + 1][2] == pieces[i][2]
               and not _END_PUNCT.search(d.text[pieces[j][0]:pieces[j][1]])
               and d.text[pieces[j + 1][0]:pieces[j + 1][0] + 1].islower()):
            j += 1
        run_start, run_end = pieces[i][0], pieces[j][1]
        if run_end - run_start > max_run:
            skipped.append((run_start, run_end))
        else:
            for a, e, bi, tab in pieces[i:j + 1]:
                if e - a > max_chars:
                    skipped.append((a, e))
                    continue
                span = doc.char_span(a, e, alignment_mode="expand")
                if span is not None and len(span):
                    out.append(Candidate(span, a, e, bi, tab))
        i = j + 1
    if skipped:
        a, e = skipped[0]
        doc._.warnings.append(f"{d.name}: {name} skipped {len(skipped)} over-long sentence(s), "
                              f"first at {a}..{e} ({e - a} characters)")
    return out


def claim(doc: Doc, start: int, end: int, label: str) -> Span:
    """A span for one fact whose character offsets no other fact uses yet.

    Span._ values live in doc.user_data keyed by the span's character
    offsets only, so two facts on the same sentence (a current and a year-end
    assessment, or a goal assessment that another component also reads as a
    risk) would overwrite each other. Trailing punctuation is left out (other
    components tend to take whole sentences), and the span shrinks from the
    right until its offsets are free.
    """
    while end - start > 1 and (doc[end - 1].is_space or doc[end - 1].is_punct):
        end -= 1
    while end - start > 1 and ("._.", "fact", doc[start].idx, doc[end - 1].idx + len(doc[end - 1])) in doc.user_data:
        end -= 1
        while end - start > 1 and doc[end - 1].is_space:
            end -= 1
    return Span(doc, start, end, label=label)


_NUMBER_WORDS = {
    "noll": 0, "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8,
    "nio": 9, "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15, "sexton": 16,
    "sjutton": 17, "arton": 18, "aderton": 18, "nitton": 19, "tjugo": 20,
}


def word_to_int(word: str) -> int | None:
    """Swedish number word or digits → int ('tolv' → 12, 'tjugotre' → 23, '17' → 17)."""
    w = word.strip().lower()
    if w.isdigit():
        return int(w)
    try:
        from rapport.corpus.numbers import word_to_int as corpus_word_to_int
    except ImportError:  # corpus.numbers not there: the small table above is enough
        return _NUMBER_WORDS.get(w)
    return corpus_word_to_int(w)
