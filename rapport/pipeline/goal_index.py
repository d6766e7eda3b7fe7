"""Which goal a sentence is about: the goal anchors of a document and their resolution.

The goal is the one the sentence names, else the title nearest above it:
numbered goal lines ("Mål 7. Vi är …", also inside paragraphs, as PDF dumps
leave them), non-generic headings, or a short title line right above an
assessment ("En god och jämlik vård⏎Vår samlade bedömning …").
Shared by rapport_goals and rapport_targets (neither imports the other).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from rapport.corpus import BlockKind

from .goal_base import GoalCues, GoalWords
from .goal_clauses import clean_name
from .records import Level
from .spans import document

NUMBERED = {"goal", "sub_goal", "financial_goal", "strategic_goal"}
@dataclass(frozen=True, slots=True)
class Anchor:
    """A place in the document from which on the text is about one goal."""

    start: int
    label: str
    level: Level | None
    ref: str | None  # "Mål 7", "Delmål 12.5": the short name of a numbered goal




def _ref_key(level: str, text: str) -> tuple[str, str] | None:
    m = re.search(r"\d{1,2}(?:\.\d{1,2}){0,2}", text)
    return (level, m.group()) if m else None


def numbered(doc: Doc, words: GoalWords, level: str, s: int, e: int) -> tuple[str, str] | None:
    """(level, number) when doc[s:e] is a numbered goal ('Mål 7', 'delmål 12.5'), not 'mål 80 procent'."""
    key = _ref_key(level, doc[s:e].text)
    if key is None:
        return None
    j = e
    while j < len(doc) and doc[j].is_space:
        j += 1
    if j < len(doc) and words.rx("UNIT_AFTER").match(doc[j].text):
        return None
    return key


def _line_start(text: str, pos: int) -> bool:
    i = text.rfind("\n", 0, pos) + 1
    return not text[i:pos].strip(" \t•-–*·\u2022")


def _title_after(text: str, pos: int, limit: int = 200) -> str:
    """The rest of the line after `pos`, plus continuation lines that start in lower case."""
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    title = text[pos:end]
    for _ in range(3):
        if end >= len(text) - 1:
            break
        nxt_end = text.find("\n", end + 1)
        nxt_end = len(text) if nxt_end < 0 else nxt_end
        nxt = text[end + 1:nxt_end].strip()
        if not nxt or not nxt[0].islower() or len(title) + len(nxt) > limit:
            break
        title += " " + nxt
        end = nxt_end
    return clean_name(title)[:limit]


class GoalIndex:
    """Goal anchors of one document, in text order, and the resolution of a sentence's goal."""

    def __init__(self, doc: Doc, cues: GoalCues, window: int = 8000):
        d = document(doc)
        self.doc, self.cues, self.window, self.text = doc, cues, window, d.text
        w = self.words = cues.words
        generic = w.rx("GENERIC_HEADING")
        self.titles: dict[tuple[str, str], str] = {}
        # a report that names its goals "strategiska mål" throughout: unnumbered goal titles are those
        self.strategic_doc = len(w.rx("STRATEGIC").findall(d.text)) >= 5
        anchors: list[Anchor] = []
        for level in NUMBERED:
            for s, e in cues.by_label.get(level, []):
                span = doc[s:e]
                key = numbered(doc, w, level, s, e)
                if key is None:
                    continue
                ref = clean_name(span.text)
                if not _line_start(d.text, span.start_char):
                    continue
                title = _title_after(d.text, span.end_char)
                label = f"{ref}. {title}" if title else ref
                if title and not generic.search(title):
                    if len(label) > len(self.titles.get(key, "")):
                        self.titles[key] = label
                anchors.append(Anchor(span.start_char, label, Level(level), ref))
        for b in d.blocks:
            if b.kind != BlockKind.HEADING:
                continue
            head = clean_name(d.text[b.start:b.end])
            if not head or generic.search(head) or any(a.start == b.start for a in anchors):
                continue
            if re.match(r"^\d+(\.\d+)*\s", head):  # numbered chapter headings are structure, not goals
                continue
            anchors.append(Anchor(b.start, head, self._context_level(b.start, head), None))
        anchors += self._title_lines(doc)
        for b in d.blocks:
            if b.kind not in (BlockKind.LIST_ITEM, BlockKind.PARAGRAPH):
                continue
            text = d.text[b.start:b.end].strip()
            if "\n" in text and b.kind != BlockKind.LIST_ITEM:
                continue
            line = text.split("\n")[0].strip().lstrip("•-–*·\u2022 ")
            if (not line[:1].isupper() or re.search(r"[.!?:;,]$|\d", line)
                    or not 1 <= len(line.split()) <= 8 or generic.search(line)
                    or self._states_status(b.start, b.start + len(text))):
                continue
            anchors.append(Anchor(b.start, clean_name(line), self._context_level(b.start, line), None))
        # the same goal line repeated (numbered anchors): keep the richest title
        anchors = [a if not a.ref else Anchor(a.start, self.titles.get(_ref_key(a.level.value, a.ref), a.label),
                                                 a.level, a.ref) for a in anchors]
        anchors.sort(key=lambda a: a.start)
        self.anchors = anchors
        self._starts = [a.start for a in anchors]

    def _states_status(self, a: int, e: int) -> bool:
        """A line that is a status value ("Delvis uppfyllt") says how a goal went, it is no goal title."""
        span = self.doc.char_span(a, e, alignment_mode="expand")
        return span is not None and any(self.cues.has(label, span.start, span.end)
                                        for label in ("ATTAIN", "EXCEED", "NO_ASSESS"))

    def _title_lines(self, doc: Doc) -> list[Anchor]:
        """Short title lines directly above a "Den samlade bedömningen …" sentence."""
        out = []
        w = self.words
        for m in w.rx("TITLE_LINE").finditer(self.text):
            after = self.text[m.end():m.end() + 80]
            if not w.rx("TITLE_NEXT").match(after) or not after.lstrip()[:1].isupper():
                continue
            before = self.text[:m.start(1)].rstrip()
            if before and before[-1] not in ".!?:\n" and "\n\n" not in self.text[len(before):m.start(1) + 1]:
                continue
            title = clean_name(m.group(1) + " " + m.group(2))
            if w.rx("GENERIC_HEADING").search(title) or len(title.split()) > 14:
                continue
            out.append(Anchor(m.start(1), title, self._context_level(m.start(1), title), None))
        return out

    def _context_level(self, pos: int, head: str) -> Level:
        before = self.text[max(0, pos - 3000):pos] + " " + head
        w = self.words
        financial = w.rx("FINANCIAL")
        if financial.search(head) or w.rx("FINANCIAL_WORD").search(head) or financial.search(before[-400:]):
            return Level.FINANCIAL_GOAL
        if w.rx("GEM_HEADING").search(head):
            return Level.GOOD_ECONOMIC_MANAGEMENT
        if w.rx("STRATEGIC").search(before) or self.strategic_doc:
            return Level.STRATEGIC_GOAL
        return Level.GOAL

    def anchor_before(self, pos: int) -> Anchor | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return None
        a = self.anchors[i]
        return a if pos - a.start <= self.window else None

    def resolve(self, a: int, b: int, targets_above: bool = True) -> tuple[str | None, Level | None]:
        """The goal (name as written) and level a sentence at tokens [a, b) is about."""
        doc, cues = self.doc, self.cues
        start_char = doc[a].idx
        for level in ("sub_goal", "financial_goal", "strategic_goal", "goal"):
            for s, e in cues.within(level, a, b):
                key = numbered(doc, self.words, level, s, e)
                if key:
                    return self.titles.get(key, clean_name(doc[s:e].text)), Level(level)
        anchor = self.anchor_before(start_char)
        if cues.has("good_economic_management", a, b):
            return "god ekonomisk hushållning", Level.GOOD_ECONOMIC_MANAGEMENT
        indicator = self._indicator(a, b)
        if indicator:
            return _with_ref(indicator, anchor), Level.INDICATOR
        compound = self._compound(a, b)
        if compound:
            return compound
        named = self._named(a, b)
        level = anchor.level if anchor else None
        financial = any(" " in doc[s:e].text for s, e in cues.within("financial_goal", a, b))
        if cues.has("strategic_goal", a, b):
            level = Level.STRATEGIC_GOAL
        elif any(t.lower_ in self.words["SUB_GOAL_WORDS"] for t in doc[a:b]):
            level = Level.SUB_GOAL
        if cues.has("overall", a, b) and not any(t.lower_ == "målet" for t in doc[a:b]):
            return "samtliga mål", Level.OVERALL
        if financial:
            return named or "finansiellt mål", Level.FINANCIAL_GOAL
        if named:
            if level != Level.FINANCIAL_GOAL:
                level = Level.INDICATOR if self.words.rx("NAMED_INDICATOR").match(named) else Level.SUB_GOAL
            return _with_ref(named, anchor), level
        if anchor is None:
            return None, None
        if targets_above and anchor.level == Level.FINANCIAL_GOAL and not anchor.ref:
            target = self._target_above(anchor.start, start_char)
            if target:
                return target, Level.FINANCIAL_GOAL
        return anchor.label, level

    def _compound(self, a: int, b: int) -> tuple[str, Level] | None:
        """A goal named by a compound: 'resultatmålet', 'avkastningsmålet', 'pensionsskuldsmålet'."""
        compound, not_goal = self.words.rx("COMPOUND_GOAL"), tuple(sorted(self.words["COMPOUND_NOT"]))
        for t in self.doc[a:b]:
            low = t.lower_
            if not compound.match(low) or low.startswith(not_goal):
                continue
            level = Level.FINANCIAL_GOAL if self.cues.has("financial_goal", t.i, t.i + 1) else Level.SUB_GOAL
            return t.text[:1].upper() + t.text[1:], level
        return None

    def _named(self, a: int, b: int) -> str | None:
        """'målet för samordningsgrad', 'målsättning om att uppnå besparingar …' named in the sentence."""
        doc = self.doc
        toks = [t for t in doc[a:b] if not t.is_space]
        w = self.words
        for i, t in enumerate(toks[:-2]):
            low = t.lower_
            if low in w["NAMED_HEADS"] and toks[i + 1].lower_ in w["NAMED_PREP"]:
                words = [t.text, toks[i + 1].text]
                for u in toks[i + 2:i + 12]:
                    if u.lower_ in w["STOP_NAME"] and len(words) > 2:
                        break
                    words.append(u.text)
                if re.fullmatch(r"(19|20)\d\d", words[2]) and len(words) == 3:
                    continue
                return clean_name(" ".join(words))
        return None

    def _indicator(self, a: int, b: int) -> str | None:
        doc = self.doc
        toks = [t for t in doc[a:b] if not t.is_space]
        w = self.words
        for i, t in enumerate(toks[:-1]):
            if t.lower_ in w["INDICATOR_NOUNS"]:
                words = []
                for u in toks[i + 1:i + 14]:
                    if u.lower_ in w["STOP_NAME"] and words:
                        break
                    words.append(u.text)
                if words:
                    return clean_name(" ".join(words))
        return None

    def _target_above(self, lo: int, hi: int) -> str | None:
        """In a financial-goals section the goal is the target sentence standing above the assessment."""
        chunk = self.text[lo:hi]
        best = None
        for m in self.words.rx("TARGET_SENTENCE").finditer(chunk):
            best = m
        if best is None:
            return None
        return clean_name(best.group())[:200]


def _with_ref(name: str, anchor: Anchor | None) -> str:
    return f"{name} ({anchor.ref})" if anchor and anchor.ref else name
