"""The base of the goal, counted-summary and target components: their cue rows and word sets, loaded as data.

The cue rows live in models/patterns/{status,horizon,goals,structure}.jsonl and are compiled
by the one cue engine (`pipeline.cues.CuePatterns`). The word sets the rules test single
words against (the verbs a prognosis opens with, the prepositions before a year, the units
a count never stands before …) live in models/patterns/goal_words.jsonl, one named set per
row (`{"set": "YEAR_PREP", "words": [...]}` or `{"set": ..., "regex": "..."}`), and reach the
rules on the Doc's cues (`GoalCues.words`). As with spaCy's span_ruler both are loaded in
`initialize`, so a config can point a component at a user's own files (`patterns =
"/path/to/folder"`: any of the four cue files found there replaces the packaged one; a
goal_words.jsonl there replaces the sets it names), and they travel with a saved pipeline
(`to_disk` / `from_disk`).
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import srsly

from .cues import CuePatterns, CueSpans, PatternsError, read_pattern_file, read_patterns

PATTERN_FILES = ("status", "horizon", "goals", "structure")
WORDS_FILE = "goal_words"
FILES = PATTERN_FILES + (WORDS_FILE,)


class GoalWords:
    """The named word sets (and the few regexes) of goal_words.jsonl: `words["YEAR_PREP"]` is a
    frozenset of lowercase words, `words.rx("PARTICIPLE")` a compiled regex."""

    def __init__(self, rows: list[dict]):
        self.sets = {r["set"]: frozenset(r["words"]) for r in rows if "words" in r}
        self.regexes = {r["set"]: re.compile(r["regex"]) for r in rows if "regex" in r}

    def __getitem__(self, name: str) -> frozenset[str]:
        return self.sets[name]

    def rx(self, name: str) -> re.Pattern:
        return self.regexes[name]


def word_row(row: dict) -> None:
    """Raise ValueError unless `row` is a named set of words or one regex."""
    if not (isinstance(row, dict) and isinstance(row.get("set"), str)):
        raise ValueError("a word-set row needs a 'set' name")
    words, rx = row.get("words"), row.get("regex")
    if isinstance(rx, str):
        try:
            re.compile(rx)
        except re.error as e:
            raise ValueError(f"bad regex: {e}") from None
    elif not (isinstance(words, list) and all(isinstance(w, str) for w in words)):
        raise ValueError("a word-set row needs 'words' (a list of strings) or 'regex'")


def read_word_file(path: str | Path) -> list[dict]:
    """The rows of a user's own goal_words.jsonl, each a named set of words or one regex."""
    return read_pattern_file(path, check=word_row, what="word-set")


class GoalCues(CueSpans):
    """One Doc's goal cue matches (CueSpans) with the word sets the goal rules read beside them."""

    def __init__(self, doc, patterns: "GoalPatterns", regions: list[tuple[int, int]] | None = None):
        super().__init__(doc, patterns, regions)
        self.words = patterns.words


class GoalPatterns(CuePatterns):
    """The goal rows compiled, plus the per-word lookup the learned goal head's features use."""

    def __init__(self, vocab, files: dict[str, list[dict]]):
        super().__init__(vocab, [row for f in PATTERN_FILES for row in files.get(f, [])])
        self.words = GoalWords(files.get(WORDS_FILE, []))
        self.key = hashlib.sha1(json.dumps(files, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

    def labels(self, text: str, lower: str, lemma: str) -> tuple[str, ...]:
        """The labels one word hits (`text` is there for the heads' call; rows read lower and lemma)."""
        return self.word_labels(lower, lemma)


def pattern_files(folder: str = "") -> dict[str, list[dict]]:
    """The rows of each pattern and word file: the packaged ones, each replaced by `folder`'s file of that name."""
    files = {f: [dict(r) for r in read_patterns(f"{f}.jsonl")] for f in FILES}
    if folder:
        where = Path(folder)
        if not where.is_dir():
            raise PatternsError(f"{where}: patterns folder not found")
        for f in FILES:
            if (where / f"{f}.jsonl").exists() and f == WORDS_FILE:
                files[f] = merged_words(files[f], read_word_file(where / f"{f}.jsonl"))
            elif (where / f"{f}.jsonl").exists():
                files[f] = read_pattern_file(where / f"{f}.jsonl")
    return files


def merged_words(packaged: list[dict], own: list[dict]) -> list[dict]:
    """The packaged word sets with each set the user's file names replaced (the rules need every set)."""
    mine = {r["set"]: r for r in own}
    return [mine.pop(r["set"], r) for r in packaged] + list(mine.values())


class CueListComponent:
    """Settings, pattern loading and save/load for components whose state is their cue rows."""

    settings: tuple[str, ...] = ("spans_key", "max_chars", "max_run", "patterns")
    _lexicon: GoalPatterns | None = None

    def __init__(self, nlp, name: str, **settings):
        """Every name in `settings` (the class's list) is required: the factory's
        default_config is the one place their defaults live."""
        if set(settings) != set(self.settings):
            raise TypeError(f"{type(self).__name__} takes settings {self.settings}, got {tuple(settings)}")
        self.name = name
        self.vocab = nlp.vocab
        for key, value in settings.items():
            setattr(self, key, value)
        self.pattern_rows: dict[str, list[dict]] | None = None

    def initialize(self, get_examples=None, *, nlp=None, patterns: str | None = None) -> None:
        """Load the cue rows (spaCy calls this from `nlp.initialize()`; the first Doc does too).

        `patterns` overrides the configured folder of the user's own files; "" = packaged only."""
        if patterns is not None:
            self.patterns = patterns
        self.pattern_rows = pattern_files(self.patterns)
        self._lexicon = None

    @property
    def lexicon(self) -> GoalPatterns:
        if self.pattern_rows is None:
            self.initialize()
        if self._lexicon is None:
            self._lexicon = GoalPatterns(self.vocab, self.pattern_rows)
        return self._lexicon

    def to_disk(self, path, *, exclude=tuple()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        rows = self.pattern_rows if self.pattern_rows is not None else pattern_files(self.patterns)
        for f, entries in rows.items():
            srsly.write_jsonl(path / f"{f}.jsonl", entries)
        srsly.write_json(path / "cfg.json", {key: getattr(self, key) for key in self.settings})

    def from_disk(self, path, *, exclude=tuple()):
        path = Path(path)
        if (path / "cfg.json").exists():
            cfg = srsly.read_json(path / "cfg.json")
            for key in self.settings:
                setattr(self, key, cfg.get(key, getattr(self, key)))
        rows = pattern_files("")
        for f in FILES:
            if (path / f"{f}.jsonl").exists():
                saved = list(srsly.read_jsonl(path / f"{f}.jsonl"))
                rows[f] = merged_words(rows[f], saved) if f == WORDS_FILE else saved
        self.pattern_rows, self._lexicon = rows, None
        return self
