"""rapport_goals: goal assessments — which goal, how far it is met, by whom, for when.

Rules over tokens and lemmas, no parser: candidate sentences and their cues
(`goal_candidates`), status and horizon (`goal_status`), which goal
(`goal_index`), who assesses (`goal_clauses.assessor`); status fields of goal
cards ("Måluppfyllelse: Delvis uppfyllt"); and where learned heads are loaded,
the sentences the rules did not read. Counted summaries are left to
rapport_aggregates (`goal_counts` says which sentences they are).
"""
from __future__ import annotations

import bisect
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from rapport.corpus import BlockKind

from ..goal_base import CueListComponent, GoalCues
from ..goal_candidates import candidates, claim, goal_cues
from ..goal_clauses import assessor
from ..goal_counts import parse_counts, remainder_counts
from ..goal_index import GoalIndex
from ..goal_status import assess, clause_horizon, counted, default_horizon, value_statuses
from ..goal_structure import VALUE_LABELS, compared, line_regions, list_title, status_lines
from ..heads import candidate_features, goal_features, run_heads
from ..heads_user import HeadsUser
from ..records import GoalAssessment, Horizon, Level, Status
from ..spans import document, evidence

@Language.factory(
    "rapport_goals",
    # the facts (Span._.fact lives in doc.user_data), the cue and candidate caches the three share, warnings
    assigns=["doc.spans", "doc.user_data", "doc._.warnings"],
    requires=["doc._.document", "token.lemma"],
    default_config={"spans_key": "goal_assessments", "max_chars": 600, "max_run": 1000, "goal_window": 8000,
                    "heads": "", "patterns": ""},
)
def make_goals(nlp: Language, name: str, spans_key: str, max_chars: int, max_run: int, goal_window: int,
               heads: str, patterns: str):
    return GoalAssessor(nlp, name, spans_key=spans_key, max_chars=max_chars, max_run=max_run,
                        goal_window=goal_window, heads=heads, patterns=patterns)


class GoalAssessor(HeadsUser, CueListComponent):
    settings = ("spans_key", "max_chars", "max_run", "goal_window", "heads", "patterns")

    def initialize(self, get_examples=None, *, nlp=None, heads: str | None = None,
                   patterns: str | None = None) -> None:
        """Load the learned heads and the cue rows (see HeadsUser and CueListComponent);
        the rows are read again only when asked (`patterns`) or not yet read."""
        HeadsUser.initialize(self, heads=heads)
        if patterns is not None or self.pattern_rows is None:
            CueListComponent.initialize(self, patterns=patterns)

    def __call__(self, doc: Doc) -> Doc:
        d = document(doc)
        group = []
        cands = candidates(doc, self.max_chars, self.max_run, self.name)
        if not cands:  # a slide deck of headings and values still has status lines
            doc._.warnings.append(f"{d.name}: {self.name} found no prose sentences to read")
        cues = goal_cues(doc, self.lexicon, self.lexicon.key, cands)
        index = GoalIndex(doc, cues, self.goal_window)
        rest, prev = [], (None, [])
        for c in cands:
            found = self.assess_sentence(doc, d, cues, index, c)
            found = _continued_horizon(doc, cues, prev, c, found)
            prev = (c, found)
            group += [span for span, _ in found]
            if not found:
                rest.append(c)
        group += self.status_lines(doc, d, cues, index)
        group += self.structure(doc, d, index, group)
        rest, implicit = self.comparisons(doc, cues, index, rest)
        group += implicit
        group += self.head_assessments(doc, d, cues, index, rest)
        group.sort(key=lambda sp: sp.start)
        doc.spans[self.spans_key] = group
        return doc

    def structure(self, doc: Doc, d, index: GoalIndex, found: list[Span]) -> list[Span]:
        """Status lines, indicator table lines and list items under status headings (goal_structure)."""
        lex = self.lexicon

        def keep(text: str) -> bool:  # a cheap prefilter: short, or ending in a status word
            words = text.lower().split()
            return len(words) <= 8 or any(VALUE_LABELS.intersection(lex.word_labels(w, w)) for w in words[-4:])

        lines = line_regions(doc, d, keep)
        if not lines:
            return []
        cues = GoalCues(doc, lex, _merged({(ln.a, ln.b) for ln in lines} | _heading_tokens(doc, d)))
        taken = [(sp.start_char, sp.end_char) for sp in found]
        out = []
        for ln, end, status, name, level in status_lines(doc, d, cues, lines):
            if any(s < ln.end and ln.start < e for s, e in taken):
                continue
            goal, lvl = (name, level) if name else index.resolve(ln.a, ln.b)
            horizon = (ln.list_item and _title_horizon(doc, cues, d, ln.start)) or default_horizon(
                doc, cues.words, ln.start)
            rec = GoalAssessment(**evidence(doc, ln.start, ln.end), goal=goal, level=lvl, assessor=None,
                                 status=status, horizon=horizon)
            span = claim(doc, ln.a, ln.b, status.value)
            span._.fact = rec
            out.append(span)
        return out

    def comparisons(self, doc: Doc, cues: GoalCues, index: GoalIndex, rest) -> tuple[list, list[Span]]:
        """Sentences comparing a measure with its target ("… understiger målvärdet"), and the rest."""
        out, left = [], []
        for c in rest:
            a, b = c.span.start, c.span.end
            got = None if cues.has("INQUIRY", a, b) else compared(doc, cues, a, b)
            if got is None:
                left.append(c)
                continue
            status, name = got
            rec = GoalAssessment(**evidence(doc, c.start, c.end), goal=name or index.resolve(a, b)[0],
                                 level=Level.INDICATOR, assessor=assessor(doc, cues, a, b), status=status,
                                 horizon=default_horizon(doc, cues.words, c.start))
            span = claim(doc, a, b, status.value)
            span._.fact = rec
            out.append(span)
        return left, out

    def head_assessments(self, doc: Doc, d, cues: GoalCues, index: GoalIndex, rest) -> list[Span]:
        """Assessments the rules did not read, where learned heads are loaded: the head decides
        that a sentence assesses a goal and its status and horizon; which goal, its level and
        the assessor are still read by the rules (the goal index, the assessor patterns)."""
        heads = self.loaded_heads()
        taken = {(sp.start_char, sp.end_char) for sp in doc.spans.get(self.spans_key, [])}
        if heads is None or not rest:
            return []
        pairs = [(c.span, None if c.in_table else _sentence_at(d, c.start)) for c in rest]
        feats = candidate_features(d, pairs, [goal_features(self.lexicon, c.span) for c in rest])
        out = []
        for i, _, labels in run_heads(doc, heads, "goal", [c.span.text for c in rest], feats,
                                      [False] * len(rest), [False] * len(rest), encoder=self.encoder):
            c = rest[i]
            status = Status(labels.get("goal_status", Status.NO_ASSESSMENT.value))
            horizon = Horizon(labels.get("goal_horizon", Horizon.CURRENT.value))
            goal, level = index.resolve(c.span.start, c.span.end)
            rec = GoalAssessment(**evidence(doc, c.start, c.end), goal=goal, level=level,
                                 assessor=assessor(doc, cues, c.span.start, c.span.end), status=status, horizon=horizon)
            if (c.start, c.end) in taken:
                continue
            span = claim(doc, c.span.start, c.span.end, status.value)
            span._.fact = rec
            out.append(span)
        return out

    def status_lines(self, doc: Doc, d, cues: GoalCues, index: GoalIndex) -> list[Span]:
        """'Måluppfyllelse: Delvis uppfyllt', 'Prognos helår: Uppnås' — status fields of goal tables and cards."""
        words = self.lexicon.words
        fields = []
        for m in words.rx("STATUS_FIELD").finditer(d.text):
            value = doc.char_span(m.start("value"), m.end("value"), alignment_mode="expand")
            if value is not None and len(value) and words.rx("STATUS_FIELD_WORD").search(m.group("value")):
                fields.append((m, value))
        out = []
        for (m, _), status in zip(fields, value_statuses(doc, self.lexicon, [(v.start, v.end) for _, v in fields])):
            if status is None:
                continue
            span = doc.char_span(m.start("field"), m.end("value"), alignment_mode="expand")
            if span is None:
                continue
            horizon = Horizon.YEAR_END if words.rx("FIELD_YEAR_END").search(m.group("field")) else (
                Horizon.CURRENT)
            goal, level = index.resolve(span.start, span.end)
            ev = evidence(doc, span.start_char, span.end_char)
            rec = GoalAssessment(**ev, goal=goal, level=level, assessor=None, status=status,
                                 horizon=horizon)
            carrier = claim(doc, span.start, span.end, status.value)
            carrier._.fact = rec
            out.append(carrier)
        return out

    def assess_sentence(self, doc, d, cues: GoalCues, index: GoalIndex, c) -> list[tuple[Span, GoalAssessment]]:
        a, b = c.span.start, c.span.end
        if not (cues.has("ATTAIN", a, b) or cues.has("EXCEED", a, b) or cues.has("ATTAIN_NOUN", a, b)
                or cues.has("NO_ASSESS", a, b) or cues.has("FRAME", a, b)
                or cues.has("good_economic_management", a, b)):
            return []
        got = parse_counts(doc, cues, c.span)
        if (got is not None and not (got["units"] or got["whole"])) or counted(doc, cues, a, b):
            return []  # a counted summary ("två av de 17 målen …") is rapport_aggregates' record
        anchor = index.anchor_before(c.start)
        sec = d.section_at(c.start)
        # "Ingen bedömning kan göras per augusti" under "Mål 6 …": the section's goal is not assessed
        own = (anchor is not None and anchor.ref is not None and sec is not None and anchor.start >= sec.start
               and cues.has("NO_ASSESS", a, b))
        pairs = assess(doc, cues, a, b, anchored=anchor is not None and cues.has("FRAME", a, b) or own)
        if not pairs:
            return []
        goal, level = index.resolve(a, b)
        who = assessor(doc, cues, a, b)
        ev = evidence(doc, c.start, c.end)
        out = []
        if got is not None and got["units"] == "places" and sum(got["counts"].values()) < (got["total"] or 0):
            # reached at 19 of 27 centres: the goal is partly reached
            pairs = [(Status.PARTIALLY if st == Status.ACHIEVED else st, h, w) for st, h, w in pairs]
        for status, horizon, (x, y) in pairs:
            rec = GoalAssessment(**ev, goal=goal, level=level, assessor=who, status=status,
                                 horizon=horizon)
            span = claim(doc, x, y, status.value)
            span._.fact = rec
            out.append((span, rec))
        return out


def _title_horizon(doc: Doc, cues: GoalCues, d, pos: int) -> Horizon | None:
    """The horizon the title of a list names ("Bedömning för helåret:" over coloured items)."""
    where = list_title(d, pos, max_words=12)  # a lead-in line: "Utfall mot målen, bedömning för helåret:"
    span = doc.char_span(*where, alignment_mode="expand") if where else None
    return clause_horizon(doc, cues, span.start, span.end, None) if span is not None and len(span) else None


def _continued_horizon(doc: Doc, cues: GoalCues, prev, c, found: list) -> list:
    """A sentence that counts the rest of the assessing units ("Övriga fyra bedömer att målet delvis
    nås") with no time of its own shares the horizon of the count it continues ("… nås under året")."""
    before, earlier = prev
    if not found or not earlier or before is None or c.start - before.end > 3:
        return found
    a, b = c.span.start, c.span.end
    got = parse_counts(doc, cues, before.span)
    if got is None or not got["units"] or got["total"] is None or clause_horizon(doc, cues, a, b, None):
        return found
    left = got["total"] - sum(got["counts"].values())
    if remainder_counts(doc, cues, c.span, got["scope"], left) is None:
        return found
    horizon = earlier[0][1].horizon
    out = []
    for span, rec in found:
        rec = replace(rec, horizon=horizon)
        span._.fact = rec
        out.append((span, rec))
    return out


def _merged(spans) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, e in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((a, e))
    return out


def _heading_tokens(doc: Doc, d) -> set[tuple[int, int]]:
    out = set()
    for b in d.blocks:
        if b.kind == BlockKind.HEADING:
            span = doc.char_span(b.start, b.end, alignment_mode="expand")
            if span is not None and len(span):
                out.add((span.start, span.end))
    return out


def _sentence_at(d, start: int):
    """The corpus Sentence starting at `start` (for its section and block), if there is one."""
    i = bisect.bisect_left(d.sentences, start, key=lambda s: s.start)
    return d.sentences[i] if i < len(d.sentences) and d.sentences[i].start == start else None
