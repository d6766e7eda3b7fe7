"""What the goal, counted-summary and target components share: cue lexicons and candidate sentences.

The cue lists live in models/patterns/{status,horizon,goals}.jsonl (data, not code)
and are compiled here into spaCy Matchers. One entry per line, one of:

    {"label": "PARTIAL", "phrase": "i huvudsak"}            # lowercase words
    {"label": "ATTAIN",  "pattern": [{"LEMMA": "uppnå"}]}   # raw Matcher tokens

PDF text keeps its line breaks inside sentences, and spaCy makes a whitespace
token of each "\\n"; the matchers therefore run on the doc without its
whitespace tokens (see Cues), so "vid årets\\nslut" still matches.

Candidate sentences are the corpus's prose sentences plus sentence-like runs
inside table blocks: the PDF dumps put whole paragraphs of assessment prose
into blocks the layout step calls tables (see 004's "Styrmått Mål 2019" pages).
"""
from __future__ import annotations

from pathlib import Path

import srsly

import bisect
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.attrs import IS_SPACE, LEMMA, LOWER, ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from rapport.corpus import BlockKind

from .spans import document

PATTERN_FILES = ("status", "horizon", "goals")


@lru_cache(maxsize=None)
def _packaged(name: str) -> tuple[str, ...]:
    text = resources.files("rapport.models").joinpath("patterns", f"{name}.jsonl").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line.strip())


def load_patterns(name: str) -> list[dict]:
    """The entries of models/patterns/<name>.jsonl (a fresh list each call: callers may keep it)."""
    return [json.loads(line) for line in _packaged(name)]


def token_pattern(entry: dict) -> list[dict]:
    if "pattern" in entry:
        return entry["pattern"]
    if "phrase" in entry:
        return [{"LOWER": w} for w in entry["phrase"].lower().split()]
    if "lemma" in entry:
        return [{"LEMMA": entry["lemma"]}]
    raise ValueError(f"pattern entry needs 'pattern', 'phrase' or 'lemma': {entry}")


def compile_matcher(vocab, entries: list[dict]) -> Matcher:
    matcher = Matcher(vocab)
    by_label: dict[str, list] = defaultdict(list)
    for e in entries:
        by_label[e["label"]].append(token_pattern(e))
    for label, pats in by_label.items():
        matcher.add(label, pats)
    return matcher


def fingerprint(patterns: dict[str, list[dict]]) -> str:
    return hashlib.sha1(json.dumps(patterns, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


_ATTRS = {"TEXT": 0, "ORTH": 0, "LOWER": 1, "LEMMA": 2}


def _one_token_test(tok: dict):
    """(position in (text, lower, lemma), test) for a one-token pattern a word table can decide, else None."""
    if len(tok) != 1:
        return None
    (attr, value), = tok.items()
    if attr not in _ATTRS:
        return None
    if isinstance(value, str):
        return _ATTRS[attr], value.__eq__
    if not isinstance(value, dict) or len(value) != 1:
        return None
    (op, arg), = value.items()
    if op == "IN":
        words = frozenset(arg)
        return _ATTRS[attr], words.__contains__
    if op == "NOT_IN":
        words = frozenset(arg)
        return _ATTRS[attr], lambda w: w not in words
    if op == "REGEX":
        rx = re.compile(arg)
        return _ATTRS[attr], lambda w: rx.search(w) is not None
    return None


class CueLexicon:
    """The cue lists compiled: a word table for one-token entries, a spaCy Matcher for the rest.

    Most entries are one word, a word list or a regular expression over one
    token; deciding those once per word type (a report has a few thousand)
    instead of once per token and pattern in the Matcher makes the three
    components several times faster. Multi-token entries ("vid årets slut",
    "inte helt", "bedömningen … är att") go through the Matcher.
    """

    def __init__(self, vocab, patterns: dict[str, list[dict]]):
        self.vocab, self.patterns, self.key = vocab, patterns, fingerprint(patterns)
        self.words: list[tuple[str, int, object]] = []
        multi = []
        for f in PATTERN_FILES:
            for e in patterns.get(f, []):
                toks = token_pattern(e)
                test = _one_token_test(toks[0]) if len(toks) == 1 else None
                if test is None:
                    multi.append(e)
                else:
                    self.words.append((e["label"], *test))
        self.matcher = compile_matcher(vocab, multi)
        self._memo: dict[tuple[str, str, str], tuple[str, ...]] = {}

    def labels(self, text: str, lower: str, lemma: str) -> tuple[str, ...]:
        key = (text, lower, lemma)
        got = self._memo.get(key)
        if got is None:
            got = tuple(sorted({label for label, pos, test in self.words if test(key[pos])}))
            if len(self._memo) < 200_000:
                self._memo[key] = got
        return got

    def cues(self, doc: Doc, cands: list["Candidate"]) -> "Cues":
        """The doc's cues, computed once and shared by the goal, aggregate and target components."""
        store = doc.user_data.setdefault("rapport_goal_cues", {})
        key = (self.key, id(cands))
        if key not in store:
            store.clear()
            store[key] = Cues(doc, self, regions(doc, cands))
        return store[key]


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


class Cues:
    """Every cue match of one doc, by label, as sorted (start, end) token ranges of the doc.

    Matching runs on a compact copy of the doc: only the regions worth reading
    (sentences, headings, goal lines; tables need none) and without whitespace
    tokens (the line breaks PDF text keeps inside sentences), so "vid årets⏎slut"
    matches "vid årets slut" without whitespace operators in every pattern.
    A separator token between regions keeps matches inside one region.
    """

    SEPARATOR = "¶"

    def __init__(self, doc: Doc, lexicon: CueLexicon, spans: list[tuple[int, int]] | None = None):
        self.doc = doc
        strings = doc.vocab.strings
        arr = doc.to_array([IS_SPACE, ORTH, LEMMA, LOWER]) if len(doc) else None
        keep: list[int | None] = []
        for a, e in spans if spans is not None else [(0, len(doc))]:
            if keep:
                keep.append(None)
            keep += [i for i in range(a, e) if not arr[i, 0]]
        found: dict[str, list[tuple[int, int]]] = defaultdict(list)
        real = [i for i in keep if i is not None]
        if real:
            words = [strings[int(arr[i, 1])] if i is not None else self.SEPARATOR for i in keep]
            lemmas = [strings[int(arr[i, 2] or arr[i, 3])] if i is not None else self.SEPARATOR for i in keep]
            flat = Doc(doc.vocab, words=words, spaces=[True] * len(words), lemmas=lemmas)
            for key, s, e in lexicon.matcher(flat):
                if None in keep[s:e]:
                    continue
                found[strings[key]].append((keep[s], keep[e - 1] + 1))
            memo: dict[tuple[int, int], tuple[str, ...]] = {}
            for i in real:
                k = (int(arr[i, 1]), int(arr[i, 2]))
                labels = memo.get(k)
                if labels is None:
                    text = strings[k[0]]
                    labels = memo[k] = lexicon.labels(text, strings[int(arr[i, 3])],
                                                      strings[k[1]] if k[1] else text.lower())
                for label in labels:
                    found[label].append((i, i + 1))
        self.by_label = {k: sorted(set(v)) for k, v in found.items()}
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


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence (or clause of a run-on) that may carry a fact."""

    span: Span
    start: int
    end: int
    block: int
    in_table: bool


_END_PUNCT = re.compile(r"[.!?…][\"”’)\]]*$")


def prose_like(text: str) -> bool:
    """Running Swedish prose rather than a table header or row: few capitals and digits per word."""
    words = re.findall(r"[A-Za-zÅÄÖåäöéÉ]{2,}", text)
    if len(words) < 5:
        return False
    caps = sum(w[0].isupper() for w in words[1:])
    digits = len(re.findall(r"\d+", text))
    return caps <= 0.25 * len(words) and digits <= 0.2 * len(words)


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
    from rapport.corpus.sentences import split_sentences

    d = document(doc)
    pieces: list[tuple[int, int, int, bool]] = []
    for s in d.sentences:
        kind = d.blocks[s.block].kind if s.block is not None and s.block < len(d.blocks) else None
        if kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM):
            pieces.append((s.start, s.end, s.block, False))
    covered = {p[2] for p in pieces}
    for bi, b in enumerate(d.blocks):
        if b.kind != BlockKind.TABLE or bi in covered:
            continue
        text = d.text[b.start:b.end]
        for a, e in split_sentences(text):
            piece = text[a:e]
            if _END_PUNCT.search(piece) and prose_like(piece):
                pieces.append((b.start + a, b.start + e, bi, True))
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


# ---------------------------------------------------------------- numbers

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


class CueListComponent:
    """Save/load for components whose state is their cue lists plus a few settings.

    The cue lists travel with the pipeline (as span_ruler's patterns do), so a
    saved pipeline keeps working when models/patterns changes later.
    """

    settings: tuple[str, ...] = ("spans_key", "max_chars", "max_run")

    def __init__(self, nlp, name: str, **settings):
        """Every name in `settings` (the class's list) is required: the factory's
        default_config is the one place their defaults live."""
        if set(settings) != set(self.settings):
            raise TypeError(f"{type(self).__name__} takes settings {self.settings}, got {tuple(settings)}")
        self.name = name
        for key, value in settings.items():
            setattr(self, key, value)
        self._load_cues(nlp.vocab)

    def _load_cues(self, vocab) -> None:
        self.vocab = vocab
        self.patterns = {f: load_patterns(f) for f in PATTERN_FILES}
        self._compile()

    def _compile(self) -> None:
        self.lexicon = CueLexicon(self.vocab, self.patterns)

    def to_disk(self, path, *, exclude=tuple()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for f, entries in self.patterns.items():
            srsly.write_jsonl(path / f"{f}.jsonl", entries)
        srsly.write_json(path / "cfg.json", {key: getattr(self, key) for key in self.settings})

    def from_disk(self, path, *, exclude=tuple()):
        path = Path(path)
        for f in PATTERN_FILES:
            if (path / f"{f}.jsonl").exists():
                self.patterns[f] = list(srsly.read_jsonl(path / f"{f}.jsonl"))
        if (path / "cfg.json").exists():
            cfg = srsly.read_json(path / "cfg.json")
            for key in self.settings:
                setattr(self, key, cfg.get(key, getattr(self, key)))
        self._compile()
        return self
