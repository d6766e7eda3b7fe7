"""Which text of a report reads as running prose: the one decision, made here and carried on each Sentence.

Every reader downstream asks the same question ("is this a sentence someone
wrote, or table cells the PDF dump glued into a line?"): the extractors before
judging a sentence, the goal finder when it looks inside table blocks, the
layout when it decides whether a line inside a table's span is commentary.
Answering it once, here, on plain text, keeps them agreeing; `Sentence.prose`
holds the answer for each sentence and `Document.table_sentences` the prose
sentences the layout left inside table blocks.

Three tests, one per unit of text:
- `prose_line`: one dump line inside a table's span (layout);
- `reads_as_prose`: a sentence inside a table block (two-column pages and
  commentary run in beside a table come out of the dump as one "table");
- `glued_cells`: a sentence in a prose block that is really table cells
  ("Framtagande påbörjat Struktur och organisation … RUN …").
"""
from __future__ import annotations

import re

_LOWER_WORD = re.compile(r"[a-zåäöéü]{2,}")
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]{2,}")
_SENT_END = re.compile(r"[.!?]\s*$")
# tokens as a tokenizer would cut them for these tests: abbreviations ("m.fl.", "R.M.") and genitives after
# a colon ("HRC:s") whole and not words, then words, numbers (with their separators), one mark
_TOKEN = re.compile(r"(?:[^\W\d_]{1,3}\.){2,}|[^\W\d_]+:[^\W\d_]+|[^\W\d_]+(?:-[^\W\d_]+)*|"
                    r"\d+(?:[.,:]\d+)*%?|[^\w\s]")

FUNCTION_WORDS = frozenset({
    "i", "på", "av", "till", "från", "för", "med", "om", "inom", "hos", "vid", "genom", "under", "mot", "mellan",
    "efter", "före", "utan", "enligt", "via", "och", "eller", "samt", "som", "än", "både", "men", "där", "när",
    "att", "en", "ett", "den", "det", "de", "denna", "detta", "dessa", "har", "hade", "är", "var", "blev", "kan",
    "ska", "skall", "kommer", "vara", "bli", "ha", "dock", "även", "också", "bland", "annat", "nu", "t", "ex"})
_TRUNCATED_END = frozenset({"som", "och", "att", "i", "för", "av", "med", "till", "på", "en", "ett", "den", "det",
                            "de", "samt", "eller", "om", "från", "vid"})


def prose_line(line: str) -> bool:
    """A dump line of running text: many lowercase words, few numbers."""
    words = _LOWER_WORD.findall(line)
    digits = len(_NUMBER.findall(line))
    if len(words) >= 7 and digits <= 2:
        return True
    return len(words) >= 5 and line.endswith(".") and digits <= 1


def reads_as_prose(sentence: str) -> bool:
    """A sentence inside a table block that someone wrote: it starts with a capital, ends with a full
    stop, has at least six words, few digits and mostly lowercase words (a row of labels and figures
    has none of these), and, glued across lines, few very short lines."""
    words = _WORD.findall(sentence)
    if len(words) < 6 or not sentence[:1].isupper() or not _SENT_END.search(sentence):
        return False
    digits = sum(ch.isdigit() for ch in sentence)
    lower = sum(w[0].islower() for w in words)
    if digits > 0.12 * len(sentence) or lower < 0.6 * len(words):
        return False
    lines = [ln for ln in sentence.split("\n") if ln.strip()]
    return not (len(lines) > 1 and sum(len(ln.strip()) < 12 for ln in lines) > len(lines) / 3)


def glued_cells(sentence: str, in_table: bool, list_item: bool = False) -> bool:
    """Whether a "sentence" is table cells glued together rather than running text.

    A capitalised word (or an abbreviation) right after a lowercase content
    word with no punctuation between marks a new cell; so do a repeated phrase
    of content words, mostly capitalised words, a line that stops on a
    function word or without a full stop (list items excepted), and figures
    opening it (a row's values glued to the text after it). One sign is
    enough inside a table block. In running text it takes two, and names
    after a common noun or verb ("projektet DIGAD") count once at most in a
    sentence that opens with a capital and ends with a full stop.
    """
    toks = _TOKEN.findall(sentence)
    if len(toks) < 3:
        return False
    alpha = [t.isalpha() for t in toks]
    breaks = 0
    for k in range(1, len(toks)):
        a, b = toks[k - 1], toks[k]
        if not (alpha[k] and b[:1].isupper() and alpha[k - 1] and a[:1].islower()) or a.lower() in FUNCTION_WORDS:
            continue
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if (len(b) >= 2 and b.isupper()) or (nxt is not None and nxt.isalpha() and nxt[:1].islower()):
            breaks += 1
    last = toks[-1]
    well_formed = toks[0][:1].isupper() and last in (".", "!", "?")
    signs = min(breaks, 1) if well_formed and not in_table else breaks
    words = [t for t, is_a in zip(toks[1:], alpha[1:]) if is_a]
    if len(words) >= 6 and sum(t[:1].isupper() for t in words) > 0.4 * len(words):
        signs += 1  # cell labels, not prose
    lowered = [t.lower() for t, is_a in zip(toks, alpha) if is_a]
    grams = [g for g in (tuple(lowered[i:i + 3]) for i in range(len(lowered) - 2))
             if not any(w in FUNCTION_WORDS for w in g)]
    if len(grams) != len(set(grams)):
        signs += 1  # a cell repeated
    if toks[0][:1].isdigit() and toks[1][:1].isdigit():
        signs += 1  # figures of a row before its text
    if not list_item and (last.isalnum() or last[:1].isalnum()):
        signs += 1
        if last.lower() in _TRUNCATED_END:
            signs += 1
    return signs >= (1 if in_table else 2)
