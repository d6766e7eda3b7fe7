"""Line classes: each line of cleaned text is blank, a row (a label and a numeric tail), a header
(periods and column words), short text, or prose; table-of-contents lines are marked prose."""
from __future__ import annotations

from dataclasses import dataclass, field
import re

from rapport.corpus.atoms import Atom, split_numeric_tail
from rapport.corpus.numbers import normalise_spaces
from .header import _split_header_lead
from .lexicon import _HEADER_START, _HEADER_WORDS, _SENTENCE_END, _header_tokens, _is_period, _known_header_word

# ====================================================================== lines

@dataclass
class _Line:
    no: int  # 1-based line number in the text
    start: int
    end: int
    text: str
    label: str = ""
    atoms: list[Atom] = field(default_factory=list)
    kind: str = "text"  # blank, row, header, text, prose
    indent: int = 0  # characters of layout before `text` on its line (cell positions are relative to it)
    slide: bool = False  # a row paired from a slide dump's label line and value line (tables.slides)


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for no, raw in enumerate(text.split("\n"), 1):
        end = pos + len(raw)
        s = raw.rstrip("\r")
        lead = len(s) - len(s.lstrip())
        out.append(_Line(no, pos + lead, pos + len(s.rstrip()), s.strip(), indent=lead))
        pos = end + 1
    return out

_DIGIT = re.compile(r"\d")
_NOTE_START = re.compile(r"^not\s+\d{1,2}\s+[A-ZÅÄÖ]", re.I)
_SMALL_NUM_OR_NOT = re.compile(r"\d{1,2}\)?|\(?[Nn]ot")


def _header_like(line: _Line) -> bool:
    """Years/periods and column words only ("Utfall 2020", "Budget", "Koncernen Regionen")."""
    if _NOTE_START.match(line.text) and len(line.text) <= 170:
        # "Not 2 Mark, byggnader … 2021-08-31 2020-12-31": a note's title, then its periods
        lead, rest = _split_header_lead(line.text)
        if lead and rest and all(_is_period(t) or _known_header_word(t) for t in rest.split()):
            return True
    if len(line.text) > 120:
        return False
    toks = normalise_spaces(line.text).split()
    if not toks:
        return False
    # a number that is neither a period nor a note/footnote ref: not a header (checked first, cheaply)
    if any(_DIGIT.search(t) and not _is_period(t) and not _SMALL_NUM_OR_NOT.fullmatch(t) for t in toks):
        return False
    toks, periods, known = _header_tokens(line.text)
    other = len(toks) - periods - known
    frags = sum(1 for t in toks if t.endswith("-") and t[:1].isalpha()
                and t.lower().rstrip("-") not in _HEADER_WORDS)
    if periods == 0:
        if frags and other == frags and len(toks) <= 2:
            return True
        return known >= 1 and other == 0 and len(toks) <= 8 and (
            bool(_HEADER_START.match(line.text)) or len(toks) <= 2)
    if other == 0:
        return True
    return other <= 4 and (periods >= 2 or known >= 1) and not _SENTENCE_END.search(line.text)


# a label ending in one of these words runs on into its number: prose ("uppgår till 5")
_PROSE_LAST = {"till", "på", "med", "av", "om", "än", "från", "cirka", "ca", "är", "och", "uppgår", "vid",
               "per", "var", "mellan", "varav", "därav", "drygt", "knappt", "nästan", "omkring", "ungefär",
               "uppgick", "ökade", "minskade", "blev", "motsvarar", "motsvarande"}


def _classify(line: _Line) -> None:
    t = line.text
    if not t:
        line.kind = "blank"
        return
    if _header_like(line):
        line.kind = "header"
        return
    label, atoms = split_numeric_tail(t)
    # numbers inside the label's closing parenthesis: "(Not 3)" ends the label
    nums = [a for a in atoms if a.kind == "num"]
    dash_only = not nums and atoms and all(a.kind == "dash" for a in atoms) and label \
        and len(label.split()) <= 12 and len(t) <= 88
    if nums or dash_only:
        words = label.split()
        # (length without the padding a layout dump puts between columns)
        prose = (
            (len(" ".join(t.split())) > 88 and len(nums) <= 2)
            or re.search(r"[a-zåäö]\. [A-ZÅÄÖ]", label) is not None
            or (len(words) >= 5 and len(nums) == 1 and _is_period(nums[0].text))
            or (words and words[-1].lower() in _PROSE_LAST and len(nums) <= 2)
        )
        # "Årsredovisning 2023", "Färdplan 2030": a lone year closes a heading, not a row
        lone_year = len(atoms) == 1 and re.fullmatch(r"(19[89]\d|20[0-4]\d)", atoms[0].text) is not None
        if not prose and not lone_year:
            line.kind, line.label, line.atoms = "row", label, atoms
            return
        if lone_year and not prose:
            line.kind = "text"
            return
        line.kind = "prose"
        return
    if len(t) > 90 or (_SENTENCE_END.search(t) and len(t.split()) > 6) \
            or re.search(r"[a-zåäö]{2}\. [A-ZÅÄÖ]", t):
        line.kind = "prose"
    else:
        line.kind = "text"


# ====================================================================== tables of contents

_LEADERS = re.compile(r"(?:\.\s?){3,}\s*$|…+\s*$|_{3,}\s*$|(?:·\s?){3,}\s*$")
_CONTENTS_HEAD = re.compile(r"^(innehåll|innehållsförteckning|innehåll och läsanvisning)\s*:?$", re.I)
_SECTION_NO = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+[A-ZÅÄÖ]")


def _page_ref(ln: _Line) -> int | None:
    """The page number of a contents line: one plain integer 1-999 after the label, else None."""
    if ln.kind != "row" or len(ln.atoms) != 1 or ln.atoms[0].kind != "num" or not ln.label:
        return None
    t = ln.atoms[0].text
    return int(t) if re.fullmatch(r"[1-9]\d{0,2}", t) else None


def _mark_contents(lines: list[_Line]) -> None:
    """Table-of-contents lines are not table rows: they become prose.

    A contents line is a heading and a page number: "Finansiell analys ....... 6"
    (dot leaders), any such line after an "Innehåll" heading, or a run of four or
    more numbered headings whose page numbers never decrease ("2.1 Primärvård 7").
    """
    nb = [ln for ln in lines if ln.kind != "blank"]
    for ln in nb:
        if _page_ref(ln) is not None and _LEADERS.search(ln.label):
            ln.kind = "prose"
    i = 0
    while i < len(nb):
        ln = nb[i]
        if ln.kind in ("text", "header") and _CONTENTS_HEAD.match(ln.text):
            j = i + 1
            while j < len(nb) and (nb[j].kind == "prose" and _LEADERS.search(nb[j].label or "")
                                   or _page_ref(nb[j]) is not None):
                nb[j].kind = "prose"
                j += 1
            i = j
            continue
        # numbered headings with non-decreasing page numbers
        j, last = i, 0
        while j < len(nb) and (p := _page_ref(nb[j])) is not None and p >= last \
                and _SECTION_NO.match(nb[j].label):
            last = p
            j += 1
        if j - i >= 4:
            for k in range(i, j):
                nb[k].kind = "prose"
            i = j
            continue
        i += 1


def _mark_label_heads(lines: list[_Line]) -> None:
    """A header-like line that ends mid-phrase ("Nettokostnadsutveckling,") right above a row
    whose label goes on in lower case ("procent 4,6 % …") is the first line of that row's
    wrapped label, not a header: it becomes text, so the row joins it. Likewise a lower-case
    line of column words right below a row whose label ends mid-phrase ends that label."""
    nb = [ln for ln in lines if ln.kind != "blank"]
    for ln, nxt in zip(nb, nb[1:]):
        if ln.kind == "header" and nxt.kind == "row" and nxt.label[:1].islower() \
                and (ln.text.endswith((",", "/")) or ln.text.endswith("-") and not ln.text.endswith("--")):
            ln.kind = "text"
    # and below: "Avvikelse mot" (numbers) / "föregående prognos" — column words that end the label
    for prev, ln in zip(nb, nb[1:]):
        words = ln.text.split()
        if prev.kind == "row" and prev.label and ln.kind == "header" and len(words) >= 2 \
                and ln.text[:1].islower() and not any(_is_period(w) for w in words) \
                and (prev.label.endswith(("-", ",", "/")) or prev.label.split()[-1].lower() in _JOINING):
            ln.kind = "text"


# words after which a label cannot end (its next line continues it)
_JOINING = {"i", "och", "för", "av", "med", "om", "inom", "mot", "till", "på", "från", "vid", "per", "samt",
            "eller", "under", "efter", "hos", "som", "kring", "via"}

