"""The base of the goal, counted-summary and target components: their cue rows, loaded as data.

The rows live in models/patterns/{status,horizon,goals,structure}.jsonl and are compiled
by the one cue engine (`pipeline.cues.CuePatterns`). As with spaCy's span_ruler they are
loaded in `initialize`, so a config can point a component at a user's own files
(`patterns = "/path/to/folder"`: any of the four files found there replaces the packaged
one), and they travel with a saved pipeline (`to_disk` / `from_disk`).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import srsly

from .cues import CuePatterns, PatternsError, read_pattern_file, read_patterns

PATTERN_FILES = ("status", "horizon", "goals", "structure")


class GoalPatterns(CuePatterns):
    """The goal rows compiled, plus the per-word lookup the learned goal head's features use."""

    def __init__(self, vocab, files: dict[str, list[dict]]):
        super().__init__(vocab, [row for f in PATTERN_FILES for row in files.get(f, [])])
        self.key = hashlib.sha1(json.dumps(files, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

    def labels(self, text: str, lower: str, lemma: str) -> tuple[str, ...]:
        """The labels one word hits (`text` is there for the heads' call; rows read lower and lemma)."""
        return self.word_labels(lower, lemma)


def pattern_files(folder: str = "") -> dict[str, list[dict]]:
    """The rows of each pattern file: the packaged ones, each replaced by `folder`'s file of that name."""
    files = {f: [dict(r) for r in read_patterns(f"{f}.jsonl")] for f in PATTERN_FILES}
    if folder:
        where = Path(folder)
        if not where.is_dir():
            raise PatternsError(f"{where}: patterns folder not found")
        for f in PATTERN_FILES:
            if (where / f"{f}.jsonl").exists():
                files[f] = read_pattern_file(where / f"{f}.jsonl")
    return files


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
        for f in PATTERN_FILES:
            if (path / f"{f}.jsonl").exists():
                rows[f] = list(srsly.read_jsonl(path / f"{f}.jsonl"))
        self.pattern_rows, self._lexicon = rows, None
        return self
