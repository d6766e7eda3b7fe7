"""Properties of corpus.numbers (issue 16.4): a differential test against Babel's Swedish parser,
finite values only, and overflow refused rather than turned into inf."""
from __future__ import annotations

import math
from decimal import Decimal

import pytest

pytest.importorskip("hypothesis")
babel_numbers = pytest.importorskip("babel.numbers")

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from rapport.corpus.numbers import numbers_in_text, parse_number  # noqa: E402

SPACES = [" ", "\u00a0", "\u202f"]  # what PDF dumps put between thousands groups


def babel(s: str) -> float | None:
    """Babel's strict Swedish reading; its group separator is the no-break space."""
    try:
        return float(babel_numbers.parse_decimal(s.replace(" ", "\u00a0").replace("\u202f", "\u00a0"),
                                                 locale="sv_SE", strict=True))
    except (babel_numbers.NumberFormatError, ArithmeticError, ValueError):
        return None


@st.composite
def swedish_numbers(draw) -> str:
    """Numbers as Swedish reports print them: optional sign, thousands grouped by a space (or
    not grouped), decimal comma."""
    sign = draw(st.sampled_from(["", "-"]))  # Babel's strict check refuses "+1 000" (it accepts "+5")
    n = draw(st.integers(0, 10**15))
    if draw(st.booleans()):
        head, rest = divmod(n, 1000)
        groups = []
        while head:
            head, g = divmod(head, 1000)
            groups.append(g)
        text = str(groups.pop()) if groups else ""
        for g in reversed(groups):
            text += draw(st.sampled_from(SPACES)) + f"{g:03d}"
        text = f"{text}{draw(st.sampled_from(SPACES))}{rest:03d}" if text else str(rest)
    else:
        text = str(n)
    if draw(st.booleans()):
        text += "," + draw(st.text("0123456789", min_size=1, max_size=6))
    return sign + text


@given(swedish_numbers())
def test_numbers_parse_number_agrees_with_babel_on_swedish_numbers(s):
    ours, theirs = parse_number(s), babel(s)
    assert ours is not None and theirs is not None
    assert math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-12)


@given(st.integers(-10**15, 10**15), st.integers(0, 6))
def test_numbers_parse_number_reads_what_babel_writes(n, places):
    d = Decimal(n).scaleb(-places)
    written = babel_numbers.format_decimal(d, format="#,##0" + ("." + "0" * places if places else ""),
                                           locale="sv_SE")
    assert math.isclose(parse_number(written), float(d), rel_tol=1e-12, abs_tol=1e-12)


@given(st.text("0123456789\u00a0 ,-+", max_size=16))
def test_numbers_parse_number_where_both_read_a_string_they_agree(s):
    ours, theirs = parse_number(s), babel(s.strip(" \u00a0"))
    if ours is not None and theirs is not None:
        assert math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-12)
    if ours is not None:  # what we read is a number to Babel too once a PDF's spaced sign is closed up
        compact = s.strip(" \u00a0")
        if compact[:1] in "+-":
            compact = compact[0] + compact[1:].lstrip(" \u00a0")
        lenient = babel_numbers.parse_decimal(compact.replace(" ", "\u00a0"), locale="sv_SE")
        assert math.isclose(ours, float(lenient), rel_tol=1e-12, abs_tol=1e-12)


@given(st.integers(1, 400), st.sampled_from(["", ",5", " %"]), st.sampled_from(["", "-"]))
def test_numbers_parse_number_values_are_finite_and_overflow_is_refused(digits, tail, sign):
    s = sign + "9" * digits + tail
    v = parse_number(s)
    assert v is None or math.isfinite(v)
    assert (v is None) == (digits >= 309)


@given(st.integers(300, 500))
def test_numbers_numbers_in_text_never_yields_inf(digits):
    text = f"Resultatet blev {'7' * digits} mnkr och kostnaderna 1 300 mnkr."
    found = numbers_in_text(text)
    assert all(math.isfinite(v) for v, *_ in found)
    assert 1300.0 in [v for v, *_ in found]


# --- atom_groupings: every reading valid, bounded work on any line ------------------------------------
_ATOMS = ["1", "12", "123", "000", "452", "-", "–", "(3)", "5,4", "7%", "999", "034", "1 200"]


@given(st.lists(st.tuples(st.sampled_from(_ATOMS), st.sampled_from([" ", "  "])), max_size=10))
def test_numbers_atom_groupings_are_distinct_valid_readings(parts):
    from rapport.corpus.numbers import atom_groupings, greedy_cells, split_numeric_tail

    _, atoms = split_numeric_tail("Rad  " + "".join(a + gap for a, gap in parts).rstrip())
    readings = [tuple((c.start, c.end, c.value) for c in g) for g in atom_groupings(atoms, limit=10**6)]
    assert len(set(readings)) == len(readings)
    for g in readings:
        if atoms:
            assert g[0][0] == atoms[0].start and g[-1][1] == atoms[-1].end
        assert all(a[1] < b[0] for a, b in zip(g, g[1:]))
        assert all(v is None or math.isfinite(v) for _, _, v in g)
    greedy = tuple((c.start, c.end, c.value) for c in greedy_cells(atoms))
    if atoms and all(c.value is not None or c.dash for c in greedy_cells(atoms)):
        assert greedy in readings


@given(st.integers(200, 2000))
def test_numbers_atom_groupings_long_line_is_bounded_and_never_recurses(pairs):
    from rapport.corpus.numbers import atom_groupings, split_numeric_tail

    _, atoms = split_numeric_tail("Rad " + " ".join(["12", "345"] * (pairs // 2)))
    readings = list(atom_groupings(atoms, limit=50))
    assert len(readings) == 50 and all(g[-1].end == atoms[-1].end for g in readings)


def test_numbers_atom_groupings_dead_end_line_costs_linear_work(monkeypatch):
    """60 ambiguous atoms then one that is no number (309 digits overflow): 2^30 prefixes, no reading."""
    import rapport.corpus.atoms as numbers  # the splitting moved from corpus.numbers to corpus.atoms
    from rapport.corpus.numbers import atom_groupings, split_numeric_tail

    calls = []
    real = numbers._cell
    monkeypatch.setattr(numbers, "_cell", lambda *a, **k: calls.append(1) or real(*a, **k))
    _, atoms = split_numeric_tail("Rad " + " ".join(["12", "345"] * 30) + "  " + "9" * 309)
    assert list(atom_groupings(atoms)) == []
    assert len(calls) <= 4 * len(atoms)
