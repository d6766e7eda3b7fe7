"""Properties of cleaning over generated PDF-dump text (hypothesis): offsets map every cleaned
character back to the character it came from, and cleaning a cleaned text changes nothing."""
from __future__ import annotations

import unicodedata

import numpy as np
import pytest

pytest.importorskip("hypothesis")
from hypothesis import example, given  # noqa: E402

from rapport.corpus.clean import clean  # noqa: E402
from tests.strategies import any_text, dumps  # noqa: E402

HYPHENS = "-\u2011\u00ad"


def source_mismatches(raw: str, cleaned) -> list[tuple[int, str, str]]:
    """(cleaned offset, cleaned char, raw text there) wherever a visible cleaned character does not
    come from the same character of the raw text (NFC-composed where the raw text was decomposed)."""
    out = []
    raw_of = cleaned.offsets.raw_of
    for i, ch in enumerate(cleaned.text):
        if ch.isspace():
            continue  # spaces, newlines and paragraph breaks are the cleaner's own
        j = int(raw_of[i])
        src = raw[j:j + 4]
        ok = src[:1] in HYPHENS if ch == "-" else ch in (src[:1], unicodedata.normalize("NFC", src)[:1])
        if not ok:
            out.append((i, ch, src))
    return out


def check_map(raw: str) -> None:
    c = clean(raw)
    raw_of = c.offsets.raw_of
    assert len(raw_of) == len(c.text) + 1
    assert raw_of.min(initial=0) >= 0 and raw_of.max(initial=0) <= len(raw)
    assert np.all(np.diff(raw_of) >= 0), "offsets run backwards"
    assert not source_mismatches(raw, c)[:3]
    for p in c.pages:
        assert 0 <= p.start < p.end <= len(c.text)


@given(dumps)
@example("•• Bidrar till bättre flöden Bidrar till bättre flöden\n")
@example("–– ab ab\n")
@example("•• xyxy\n")
def test_clean_offsets_point_at_the_source_characters(raw):
    check_map(raw)


@given(any_text)
def test_clean_offsets_hold_on_any_text(raw):
    check_map(raw)


@given(dumps)
def test_clean_is_idempotent(raw):
    """Cleaning the cleaned text, told where its sheets (form-feed pages) start, changes nothing."""
    once = clean(raw)
    assert clean(once.text, once.sheets).text == once.text
