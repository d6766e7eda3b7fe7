"""Structure as context: goal assessments a sentence rule cannot see, read from layout.

Slide-style reports state goal status by where a line stands, not by a verb:

- **status lines**: a bullet or table line that names a goal or indicator and ends in
  a status value ("Ekonomi i balans – ej uppnått", "Andel nöjda 82 % 80 % Uppfyllt",
  "God tillgänglighet Gul"). A line counts when it is a list item, carries values,
  stands under a status-column header ("… Status") or beside another such line;
  a bare value under a goal heading ("Delvis uppfyllt") takes its goal from the heading.
- **heading classes**: a list item under a heading of a status class takes that status
  ("Avvikelser", "Ej uppnådda mål" → not_achieved; "Uppnådda mål" → achieved). Strong
  classes (the heading names attainment or deviation) take any item that names
  something; weak ones ("Framgångar", "Utmaningar") only items that name a measure or
  goal, since their bullets are often developments, not goals.
- **implicit comparisons**: a measure compared with its target ("understiger
  målvärdet", "ligger över den fastställda nivån"); whether above is good is the
  measure's direction (models/patterns/structure.jsonl, LOWER_BETTER).

The classes and words are rows in models/patterns/structure.jsonl (and status.jsonl for
status words); the rules here are over those labels, never over one report's wording.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from rapport.corpus import BlockKind

from .goal_base import GoalCues
from .goal_clauses import clean_name, tokens
from .goal_status import COLOURS, value_status
from .records import Level, Status

_STRONG_HEAD = {"HEAD_NOT_ACHIEVED": Status.NOT_ACHIEVED}
_WEAK_HEAD = {"HEAD_NOT_ACHIEVED_WEAK": Status.NOT_ACHIEVED, "HEAD_ACHIEVED_WEAK": Status.ACHIEVED}
VALUE_LABELS = frozenset({"NEG", "PARTIAL", "FULL", "ATTAIN", "EXCEED", "NO_ASSESS", *COLOURS})
_BULLETS = "•-–*·\u2022▪►○● \t"
_MAX_NAME_WORDS = 10


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the text as token positions: [a, b) the whole, [a, name_end) its name part."""

    start: int  # characters
    end: int
    a: int  # tokens
    b: int
    list_item: bool


def line_regions(doc: Doc, d, keep=None) -> list[Line]:
    """The short lines of the document (those `keep(text)` accepts), as token ranges, bullet marks left out."""
    out = []
    item_starts = {b.start for b in d.blocks if b.kind == BlockKind.LIST_ITEM}
    for m in re.finditer(r"[^\n]+", d.text):
        text = m.group()
        if len(text) > 160 or not text.strip():
            continue
        lead = len(text) - len(text.lstrip(_BULLETS))
        start, end = m.start() + lead, m.end() - (len(text) - len(text.rstrip()))
        if end <= start or (keep is not None and not keep(d.text[start:end])):
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        bullet = lead > 0 and text[:lead].strip() != ""
        out.append(Line(start, end, span.start, span.end, bullet or m.start() in item_starts))
    return out


def _status_tail(doc: Doc, cues: GoalCues, line: Line) -> int | None:
    """Where the line's closing status value starts (up to four value words), or None."""
    toks = tokens(doc, line.a, line.b)
    if toks and doc[toks[-1]].is_punct and doc[toks[-1]].text not in cues.words["NAME_SEPARATORS"]:
        toks = toks[:-1]  # "uppnått." at the end of a bullet
    at = None
    for k in range(len(toks) - 1, max(-1, len(toks) - 5), -1):
        i = toks[k]
        if not any(cues.has(label, i, i + 1) for label in VALUE_LABELS) and not _inside(cues, "NO_ASSESS", i):
            break
        at = i
    if at is None or value_status(cues, at, line.b) is None:
        return None
    return at


def _inside(cues: GoalCues, label: str, i: int) -> bool:
    return any(s <= i < e for s, e in cues.within(label, max(0, i - 4), i + 5))


def _finite(doc: Doc, cues: GoalCues, i: int) -> bool:
    """A finite verb (listed, or a present/past form of its lemma: 'ökar', 'öppnade')."""
    t = doc[i]
    if cues.has("FINITE", i, i + 1):
        return True
    lemma, low = t.lemma_.lower(), t.lower_
    if not lemma or lemma == low or lemma[-1:] not in "aeiouyåäö":
        return False
    stem = lemma[:-1] if lemma.endswith("a") else lemma
    return low in {lemma + "r", lemma + "de", lemma + "des", lemma + "t", stem + "er", stem + "te", stem + "de"}


def name_like(doc: Doc, cues: GoalCues, a: int, b: int) -> bool:
    """A goal or indicator name: a few words with letters, no finite verb, no date or amount label."""
    toks = tokens(doc, a, b)
    words = [i for i in toks if doc[i].is_alpha]
    if not words or len(toks) > _MAX_NAME_WORDS + 2 or not doc[words[0]].text[:1].isupper():
        return False
    if not any(len(doc[i].text) >= 3 and not doc[i].is_upper for i in words):
        return False  # "RS", "VLL": a column value or an abbreviation, not a name
    if any(doc[i].text == ":" for i in toks) or any(doc[i].like_num for i in toks[:1]):
        return False
    if cues.has("DEVELOPMENT", words[0], words[0] + 1):  # "Kortare väntetider …": a development, not a name
        return False
    # a relative clause belongs to the name ("Andel elever som klarar simprovet"), and so does a
    # participle in attribute position ("Avslutade utredningar", "Antal vaccinerade")
    return not any(_finite(doc, cues, i) and not (i > a and doc[i - 1].lower_ in cues.words["RELATIVE"])
                   and not _attributive(doc, cues, words, i) for i in words)


def _attributive(doc: Doc, cues: GoalCues, words: list[int], i: int) -> bool:
    """A past-participle form opening the name or following its measure noun is an attribute,
    not a verb (Swedish puts the subject before a finite verb: a name cannot open with one)."""
    if not cues.words.rx("ATTRIBUTIVE").search(doc[i].lower_):
        return False
    k = words.index(i)
    return (k == 0 and len(words) > 1) or (k > 0 and cues.has("MEASURE", words[k - 1], words[k - 1] + 1))


def _value(tok) -> bool:
    """A figure in a table row ("71", "6,1", "-35"), not a number word inside a name ("tre dagar")."""
    return tok.text.lstrip("-−+")[:1].isdigit()


def _name_end(doc: Doc, cues: GoalCues, toks: list[int], tail: int) -> int:
    """End of the name part: before the first value (number) or separator ahead of the tail."""
    end, seps, percent = tail, cues.words["NAME_SEPARATORS"], cues.words["PERCENT"]
    for i in toks:
        if i >= tail:
            break
        if _value(doc[i]) or doc[i].text in seps or doc[i].text in percent:
            return i
    return end


def list_title(d, pos: int, max_words: int = 6) -> tuple[int, int] | None:
    """(start, end) of the title a list item at `pos` stands under: the first block above its
    run of list items, when that is a heading or a title line of at most `max_words` words
    ("Att arbeta vidare med")."""
    starts = [b.start for b in d.blocks]
    i = bisect.bisect_right(starts, pos) - 1
    while i >= 0 and d.blocks[i].kind == BlockKind.LIST_ITEM:
        i -= 1
    if i < 0:
        return None
    b = d.blocks[i]
    text = d.text[b.start:b.end].strip()
    if b.kind == BlockKind.HEADING or (b.kind == BlockKind.PARAGRAPH and "\n" not in text
                                       and len(text.split()) <= max_words and text[-1:] not in ".!?"):
        return b.start, b.end
    return None


def heading_class(doc: Doc, cues: GoalCues, d, pos: int) -> tuple[Status, bool] | None:
    """(status, strong) of the title above the list item at `pos` when it is a status class, else None.

    The title is the nearest unbulleted short line above the item inside its run of list items
    (a title the layout glued to the bullet before it), else the block above the run. A weak
    class is strong when the nearest status title is a strong one of the other status ("Avvikelser" and
    "Framgångar" on one slide): the pair sorts the slide's goals, so every named item counts
    ("Framgångar" beside "Utmaningar" stays weak: two lists of developments)."""
    where = list_title(d, pos)
    inner = _inner_title(d, where[1] if where else 0, pos)
    where = inner or where
    got = _title_class(doc, cues, d, where) if where is not None else None
    if got is None or got[1]:
        return got
    lo, hi = max(0, where[0] - _PAIR_WINDOW), min(len(d.text), where[1] + _PAIR_WINDOW)
    near = []
    for m in re.finditer(r"[^\n]+", d.text[lo:hi]):
        other = (lo + m.start() + len(m.group()) - len(m.group().lstrip()), lo + m.end())
        if other[0] == where[0] or len(m.group().split()) > 3 or m.group().lstrip()[:1] in _BULLETS:
            continue
        cls = _title_class(doc, cues, d, other)
        if cls is not None:
            near.append((abs(other[0] - where[0]), cls))
    nearest = min(near, default=None, key=lambda x: x[0])
    if nearest is not None and nearest[1][1] and nearest[1][0] != got[0]:
        return got[0], True
    return got


_PAIR_WINDOW = 1500  # characters either side of a weak title where its counterpart may stand


def _inner_title(d, lo: int, pos: int) -> tuple[int, int] | None:
    """A short unbulleted line between the list's title (ending at `lo`) and the item at `pos`:
    '• Rekrytering …\nFramgångar\n• Kvalitetsregister' has its second title inside the run."""
    start = d.text.rfind("\n", lo, pos)
    while start > lo:
        prev = d.text.rfind("\n", lo, start)
        line = d.text[prev + 1:start]
        text = line.strip()
        if text and text[:1] not in _BULLETS and len(text.split()) <= 3 and text[-1:] not in ".,;!?":
            a = prev + 1 + (len(line) - len(line.lstrip()))
            return a, a + len(text)
        start = prev
    return None


def _title_class(doc: Doc, cues: GoalCues, d, where: tuple[int, int]) -> tuple[Status, bool] | None:
    if len(d.text[where[0]:where[1]].split()) > 6:
        return None
    span = doc.char_span(*where, alignment_mode="expand")
    if span is None:
        return None
    a, b = span.start, span.end
    if cues.has("GOAL_NOUN", a, b):  # "Uppnådda mål", "Ej uppnådda mål", "Delmål med försämrad utveckling"
        st = value_status(cues, a, b)
        if st is not None and st != Status.NO_ASSESSMENT:
            return st, True
        if cues.has("HEAD_WORSE", a, b) != cues.has("HEAD_BETTER", a, b):
            return (Status.NOT_ACHIEVED if cues.has("HEAD_WORSE", a, b) else Status.ACHIEVED), True
    # the longest class phrase wins: "Positiva avvikelser" is not the class of its "avvikelser"
    found = [(e - s, label in _STRONG_HEAD, st) for label, st in {**_STRONG_HEAD, **_WEAK_HEAD}.items()
             for s, e in cues.within(label, a, b)]
    if not found:
        return None
    _, strong, st = max(found, key=lambda x: (x[0], x[1]))
    return st, strong


def status_lines(doc: Doc, d, cues: GoalCues, lines: list[Line]) -> list[tuple[Line, int, Status, str | None, Level]]:
    """(line, name end, status, name or None, level) of each status line and classed list item."""
    tails = [_status_tail(doc, cues, ln) for ln in lines]
    out = []
    for k, ln in enumerate(lines):
        toks = tokens(doc, ln.a, ln.b)
        tail = tails[k]
        if tail is not None:
            end = _name_end(doc, cues, toks, tail)
            has_values = any(_value(doc[i]) for i in toks if i < tail)
            beside = any(0 <= j < len(lines) and tails[j] is not None and _adjacent(d, lines, k, j)
                         for j in (k - 1, k + 1))
            header = k > 0 and _adjacent(d, lines, k - 1, k) and cues.has("STATUS_COLUMN", lines[k - 1].a,
                                                                             lines[k - 1].b)
            named = (end > ln.a and name_like(doc, cues, ln.a, end)
                     and not any(_finite(doc, cues, i) for i in toks if end <= i < tail))
            if named and (ln.list_item or has_values or beside or header or end < tail):
                level = Level.INDICATOR if (has_values or cues.has("MEASURE", ln.a, end)) else Level.GOAL
                out.append((ln, end, value_status(cues, tail, ln.b), clean_name(doc[ln.a:end].text), level))
            elif end == ln.a and tail == ln.a and _full_value(cues, ln) and (ln.list_item or _after_heading(d, ln)):
                out.append((ln, end, value_status(cues, tail, ln.b), None, Level.GOAL))
            continue
        if not ln.list_item:
            continue
        cls = heading_class(doc, cues, d, ln.start)
        if cls is None:
            continue
        status, strong = cls
        if not name_like(doc, cues, ln.a, ln.b):
            subject = _measure_subject(doc, cues, ln) if strong else None
            if subject is not None:  # "Andelen … har sjunkit" under "Delmål med försämrad utveckling"
                out.append((ln, ln.b, status, clean_name(doc[ln.a:subject].text), Level.INDICATOR))
            continue
        measured = cues.has("MEASURE", ln.a, ln.b) or cues.has("GOAL_NOUN", ln.a, ln.b)
        if strong or measured:
            level = Level.INDICATOR if cues.has("MEASURE", ln.a, ln.b) else Level.GOAL
            out.append((ln, ln.b, status, clean_name(doc[ln.a:ln.b].text), level))
    return out


def _full_value(cues: GoalCues, ln: Line) -> bool:
    """A value standing alone must say attainment, a colour or no assessment, not only a degree
    word: "Delvis uppfyllt" is a status, the legend "Helt Delvis Inte" is not."""
    return any(cues.has(label, ln.a, ln.b) for label in ("ATTAIN", "EXCEED", "NO_ASSESS", *COLOURS))


def _measure_subject(doc: Doc, cues: GoalCues, ln: Line) -> int | None:
    """End of the subject of an item that opens with a measure and goes on with its verb
    ("Kostnaden per vårddygn har ökat …"), or None."""
    toks = tokens(doc, ln.a, ln.b)
    if not toks or not cues.has("MEASURE", toks[0], toks[0] + 1) or not doc[toks[0]].text[:1].isupper():
        return None
    for k, i in enumerate(toks[1:], 1):
        if _finite(doc, cues, i) and doc[toks[k - 1]].lower_ not in cues.words["RELATIVE"]:
            return i if k <= _MAX_NAME_WORDS else None
    return None


def _adjacent(d, lines: list[Line], i: int, j: int) -> bool:
    lo, hi = sorted((i, j))
    return "\n\n" not in d.text[lines[lo].end:lines[hi].start]


def _after_heading(d, ln: Line) -> bool:
    sec = d.section_at(ln.start)
    return sec is not None and not d.text[sec.start + len(sec.heading):ln.start].strip()


def compared(doc: Doc, cues: GoalCues, a: int, b: int) -> tuple[Status, str] | None:
    """(status, measure) of "X understiger målvärdet", "X ligger över den fastställda nivån"."""
    for label in ("COMPARE_BELOW", "COMPARE_ABOVE"):
        for s, e in cues.within(label, a, b):
            ref = _target_after(doc, cues, e, b, 3 if e - s == 1 and doc[s].lower_ in cues.words["COMPARE_PREP"] else 6)
            if ref is None:
                continue
            if any(cues.has(m, max(a, s - 3), s) for m in ("MODAL_TARGET", "TARGET_MODAL")):
                continue  # "ska understiga målvärdet": a target, not an outcome
            subject = [i for i in tokens(doc, a, s) if not cues.has("NEG", i, i + 1)]
            if not subject or not (cues.has("MEASURE", a, s) or _share(doc, cues, subject)
                                   or _figure_then_which(doc, cues, subject)):
                continue
            below = label == "COMPARE_BELOW"
            if cues.has("NEG", a, ref):
                below = not below
            good = below if cues.has("LOWER_BETTER", a, s) else not below
            name = doc[subject[0]:subject[-1] + 1]
            words = [t for t in name if not (cues.has("FINITE", t.i, t.i + 1) or t.lower_ in cues.words["NAME_DROP"])]
            cut = next((k for k, t in enumerate(words) if cues.has("FINITE", t.i, t.i + 1) or (k and t.is_punct)), len(words))
            return (Status.ACHIEVED if good else Status.NOT_ACHIEVED), clean_name(
                " ".join(t.text for t in words[:cut]))
    return None


def _share(doc: Doc, cues: GoalCues, subject: list[int]) -> bool:
    """'88 procent av ärendena …': a figure in percent opening the subject is a measured share."""
    return (len(subject) > 2 and _value(doc[subject[0]]) and doc[subject[1]].lower_ in cues.words["PERCENT"]
            and doc[subject[2]].lower_ == "av")


def _figure_then_which(doc: Doc, cues: GoalCues, subject: list[int]) -> bool:
    """'… besparingar på 14 mkr, vilket är under målsättningen': the figure before 'vilket' is the
    outcome compared with the target ('vilket', which refers to the clause before, and at most one
    verb before the comparison)."""
    rel = [k for k, i in enumerate(subject) if doc[i].lower_ in cues.words["CLAUSE_RELATIVE"]]
    if not rel or len(subject) - rel[-1] > 3:
        return False
    return any(_value(doc[i]) for i in subject[:rel[-1]])


def _target_after(doc: Doc, cues: GoalCues, e: int, b: int, window: int) -> int | None:
    """Position of the target the comparison points at: 'målvärdet', 'den nivå som fastställts'."""
    toks = tokens(doc, e, b)[:window + 1]
    for k, i in enumerate(toks):
        if cues.has("TARGET_REF", i, i + 1):
            return i
        if cues.has("LEVEL_NOUN", i, i + 1) and (cues.has("DECIDED", toks[max(0, k - 2)], i)
                                                  or cues.has("DECIDED", i, min(b, i + 6))):
            return i
        if doc[i].is_punct:
            return None
    return None


def listed_total(doc: Doc, cues: GoalCues, d, pos: int, window: int = 4000) -> tuple[int, str] | None:
    """(how many, scope) of the goals listed under the nearest title above `pos` that names goals
    ("Finansiella mål" over four bullets, "Regionens övergripande mål" over six numbered lines):
    the total a later "två av målen" counts against. Items are the list items (or numbered
    lines) of that title's section; prose between them does not end the list."""
    lo = max(0, pos - window)
    for b in reversed([b for b in d.blocks if lo <= b.start < pos]):
        if b.kind == BlockKind.LIST_ITEM or _NUMBERED.match(d.text[b.start:b.end]):
            continue
        text = d.text[b.start:b.end].strip()
        if b.kind != BlockKind.HEADING and ("\n" in text or len(text.split()) > 6 or text[-1:] in ".!?"):
            continue
        span = doc.char_span(b.start, b.end, alignment_mode="expand")
        if span is None or not cues.has("GOAL_NOUN", span.start, span.end):
            continue
        end = next((x.start for x in d.blocks if b.end <= x.start < pos and x.kind == BlockKind.HEADING
                    and not _NUMBERED.match(d.text[x.start:x.end])), pos)
        items = [x for x in d.blocks if b.end <= x.start < end
                 and (x.kind == BlockKind.LIST_ITEM or _NUMBERED.match(d.text[x.start:x.end]))]
        if len(items) >= 2:
            return len(items), re.sub(r"\s+", " ", text).lower()
    return None


_NUMBERED = re.compile(r"\s*\d{1,2}[.)]\s+\S")
