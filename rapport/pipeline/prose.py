"""Which sentences of a report read as prose: run-ons skipped, prose found in table blocks,
table cells glued into a line recognised. Shared by the components that judge sentences."""
from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc, Span

from rapport.corpus import BlockKind

from .spans import document

PROSE = (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)


def warn(doc: Doc, message: str) -> None:
    doc._.warnings.append(message)


def prose_sentences(doc: Doc, component: str, runon_chars: int = 2000,
                    table_prose: bool = True) -> Iterator[tuple[Span, object]]:
    """(span, corpus Sentence) for every prose sentence, skipping run-on text with a warning.

    corpus cuts a run-on into 600-character pieces, so a 5,000-character
    "sentence" arrives as many pieces: they are recognised by the long
    stretch of text with no sentence end, skipped, and reported once.

    With `table_prose`, sentences that corpus left inside table blocks but
    that read as prose (see `prose_in_tables`) are yielded too, with None for
    the corpus Sentence: a PDF dump's layout decides too little to lose them.
    """
    d = document(doc)
    runs: list[tuple[int, int]] = []
    n_prose = 0
    for b in d.blocks:
        if b.kind not in PROSE:
            continue
        for m in re.finditer(r"[^.!?…]{%d,}" % runon_chars, d.text[b.start:b.end]):
            runs.append((b.start + m.start(), b.start + m.end()))
            warn(doc, f"{d.name}: {component} skipped {m.end() - m.start()} characters without a sentence end "
                      f"at offset {b.start + m.start()}")
    found: list[tuple[int, int, object]] = []
    for s in d.sentences:
        if d.blocks[s.block].kind not in PROSE:
            continue
        if any(s.start < b and a < s.end for a, b in runs):
            continue
        found.append((s.start, s.end, s))
    if table_prose:
        found += [(a, b, None) for a, b in prose_in_tables(d)]
        found.sort(key=lambda x: x[0])
    for a, b, s in found:
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None or not span.text.strip():
            continue
        n_prose += 1
        yield span, s
    if n_prose == 0:
        warn(doc, f"{d.name}: {component} found no prose sentences; nothing extracted")


_PROSE_WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]{2,}")
_SENT_END = re.compile(r"[.!?]\s*$")


def prose_in_tables(d) -> list[tuple[int, int]]:
    """(start, end) of prose-like sentences inside table blocks.

    Reports set as two columns, or with commentary run in beside a table,
    often come out of the PDF dump as one "table" block holding whole
    paragraphs. A sentence counts as prose when it starts with a capital,
    ends with a full stop, has at least six words, few digits and mostly
    lowercase words (a table row of labels and figures has none of these).
    """
    from rapport.corpus.sentences import split_sentences

    out = []
    for b in d.blocks:
        if b.kind != BlockKind.TABLE:
            continue
        text = d.text[b.start:b.end]
        for a, e in split_sentences(text):
            sent = text[a:e]
            words = _PROSE_WORD.findall(sent)
            if len(words) < 6 or not sent[:1].isupper() or not _SENT_END.search(sent):
                continue
            digits = sum(ch.isdigit() for ch in sent)
            lower = sum(w[0].islower() for w in words)
            if digits > 0.12 * len(sent) or lower < 0.6 * len(words):
                continue
            # a sentence glued across table lines must still read as running text: few very short lines
            lines = [ln for ln in sent.split("\n") if ln.strip()]
            if len(lines) > 1 and sum(len(ln.strip()) < 12 for ln in lines) > len(lines) / 3:
                continue
            out.append((b.start + a, b.start + e))
    return out


FUNCTION_WORDS = frozenset({
    "i", "på", "av", "till", "från", "för", "med", "om", "inom", "hos", "vid", "genom", "under", "mot", "mellan",
    "efter", "före", "utan", "enligt", "via", "och", "eller", "samt", "som", "än", "både", "men", "där", "när",
    "att", "en", "ett", "den", "det", "de", "denna", "detta", "dessa", "har", "hade", "är", "var", "blev", "kan",
    "ska", "skall", "kommer", "vara", "bli", "ha", "dock", "även", "också", "bland", "annat", "nu", "t", "ex"})
_TRUNCATED_END = frozenset({"som", "och", "att", "i", "för", "av", "med", "till", "på", "en", "ett", "den", "det",
                            "de", "samt", "eller", "om", "från", "vid"})


def table_fragment(span: Span, in_table: bool, list_item: bool = False) -> bool:
    """Whether a "sentence" is table cells glued together rather than running text.

    Indicator tables dumped as text read like "Framtagande påbörjat Struktur
    och organisation … RUN …": a capitalised word (or an abbreviation) right
    after a lowercase content word with no punctuation between marks a new
    cell; so do a repeated phrase of content words, mostly capitalised
    words, a line that stops on a function word or without a full stop (list
    items excepted), and figures opening it (a row's values glued to the text
    after it). One sign is enough inside a table block. In running text it
    takes two, and names after a common noun or verb ("projektet DIGAD",
    "startade Norrbottens museum bloggen Kulturmiljö") count once at most in
    a sentence that opens with a capital and ends with a full stop.
    """
    toks = [t for t in span if not t.is_space]
    if len(toks) < 3:
        return False
    breaks = 0
    for a, b, c in zip(toks, toks[1:], toks[2:] + [None]):
        if not (b.is_alpha and b.text[:1].isupper()) or a.is_punct:
            continue
        if not (a.is_alpha and a.text[:1].islower() and a.lower_ not in FUNCTION_WORDS):
            continue
        caps = len(b.text) >= 2 and b.text.isupper()
        if caps or (c is not None and c.is_alpha and c.text[:1].islower()):
            breaks += 1
    last = toks[-1]
    well_formed = toks[0].text[:1].isupper() and last.text in (".", "!", "?")
    signs = min(breaks, 1) if well_formed and not in_table else breaks
    alpha = [t for t in toks[1:] if t.is_alpha]
    if len(alpha) >= 6 and sum(t.text[:1].isupper() for t in alpha) > 0.4 * len(alpha):
        signs += 1  # "Mäts vid T2 Minska Ny rutin införd HSN Pågående åtgärd": cell labels, not prose
    words = [t.lower_ for t in toks if t.is_alpha]
    grams = [g for g in (tuple(words[i:i + 3]) for i in range(len(words) - 2))
             if not any(w in FUNCTION_WORDS for w in g)]
    if len(grams) != len(set(grams)):
        signs += 1  # "Antagen regional skogsstrategi Antagen regional skogsstrategi": a cell repeated
    if toks[0].like_num and toks[1].like_num:
        signs += 1  # "12 5 procent av …": figures of a row before its text
    if not list_item and not last.is_punct:
        signs += 1
        if last.lower_ in _TRUNCATED_END:
            signs += 1
    return signs >= (1 if in_table else 2)
