"""The base of the components that read cue patterns (rapport_risks, rapport_events)."""
from __future__ import annotations

from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..cues import CuePatterns, Prefilter, read_patterns
from ..heads_user import HeadsUser
from ..prose import prose_sentences
from ..records import MAX_EVIDENCE


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
        cands = [(s, cs) for s, cs in prose_sentences(doc, self.name, self.runon_chars, self.table_prose)
                 if len(s.text) <= MAX_EVIDENCE and (every or self.prefilter(s))]
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
