"""Long reports run in pieces (issue 16.1): bounds, piece documents, and facts back in document offsets."""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.corpus import load_document
from rapport.pipeline.pieces import piece_bounds, piece_document, shift_facts
from rapport.pipeline.run import extract
from tests.fixtures.long_reports import SHAPES, long_report


def _load(tmp_path, text, name="lang.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return load_document(p)


def _facts(ex):
    return sorted((kind, repr(f)) for kind, rows in ex.records.items() for f in rows)


@settings(max_examples=25)
@given(shape=st.sampled_from(SHAPES), chars=st.integers(500, 6000), seed=st.integers(0, 10**6),
       limit=st.integers(50, 3000))
def test_pieces_piece_bounds_cover_the_text_within_the_limit(tmp_path_factory, shape, chars, seed, limit):
    d = _load(tmp_path_factory.mktemp("b"), long_report(chars, seed, shape))
    bounds = piece_bounds(d, limit)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(d.text)
    assert all(a < b and b - a <= limit for a, b in bounds)
    assert all(b == a2 for (_, b), (a2, _) in zip(bounds, bounds[1:]))
    for a, b in bounds:  # every piece's structure is the document's, shifted
        p = piece_document(d, a, b)
        assert p.text == d.text[a:b]
        for s in p.sentences:
            assert p.text[s.start:s.end] in d.text[a + s.start:a + s.end]
            assert p.blocks[s.block].start <= s.start < p.blocks[s.block].end
        for blk in p.blocks:
            assert p.text[blk.start:blk.end] == d.text[a + blk.start:a + blk.end]
        for t in p.tables:
            assert all(p.text[r.start:r.end] == d.text[a + r.start:a + r.end] for r in t.rows)


def test_pieces_piece_bounds_prefer_top_level_sections(tmp_path):
    d = _load(tmp_path, long_report(20_000, 3, "report"))
    tops = [s.start for s in d.sections if s.level == min(x.level for x in d.sections)]
    inner = {b.start for b in d.blocks} | {s.start for s in d.sentences}
    bounds = piece_bounds(d, 4000)
    assert len(bounds) > 2
    for a, b in bounds[:-1]:  # the last section start that leaves a quarter of the limit, else a block or sentence start
        window = [t for t in tops if a + 1000 <= t <= a + 4000]
        assert b == max(window) if window else b in inner


def test_pieces_piece_bounds_cut_a_one_line_dump_between_words(tmp_path):
    d = _load(tmp_path, long_report(8000, 1, "one_sentence"))
    for a, b in piece_bounds(d, 700)[1:]:
        assert d.text[a - 1].isspace() and not d.text[a].isspace()


def test_pieces_piece_bounds_refuse_a_zero_limit(tmp_path):
    with pytest.raises(ValueError, match="positive"):
        piece_bounds(_load(tmp_path, "Region Exempel\n\nEn mening.\n"), 0)


def test_pieces_shift_facts_moves_offsets_only():
    from rapport.pipeline.records import Risk, RiskCategory

    r = Risk(doc="a.txt", region=None, text="En risk.", start=3, end=11, page=2, section="1. Risker",
             category=RiskCategory.FINANCE, score=0.5)
    (moved,) = shift_facts([r], 100)
    assert (moved.start, moved.end) == (103, 111)
    assert dataclasses.replace(moved, start=3, end=11) == r


@pytest.mark.parametrize("shape", SHAPES)
def test_run_extract_in_pieces_gives_the_facts_of_the_whole_text(nlp, tmp_path, shape):
    d = _load(tmp_path, long_report(24_000, 7, shape))
    whole, pieces = extract(nlp, [d]), extract(nlp, [d], piece_chars=5000)
    assert not whole.errors and not pieces.errors
    assert _facts(pieces) == _facts(whole)
    assert [(u["start"], u["end"]) for u in pieces.unlinked] == [(u["start"], u["end"]) for u in whole.unlinked]
    for rows in pieces.records.values():
        assert all(f.text == d.text[f.start:f.end][:len(f.text)] and f.text for f in rows)


@pytest.mark.parametrize("shape", SHAPES)
def test_run_extract_document_over_max_length_is_extracted_with_a_warning(nlp, tmp_path, monkeypatch, shape):
    d = _load(tmp_path, long_report(12_000, 2, shape), name=f"{shape}.txt")
    monkeypatch.setattr(nlp, "max_length", 3000)
    monkeypatch.setattr("rapport.pipeline.run.PIECE_CHARS", 2000)
    ex = extract(nlp, [d])
    assert ex.errors == []
    assert any(w.startswith(f"{shape}.txt: ") and "pieces" in w for w in ex.warnings)
    if shape != "one_sentence":
        assert sum(map(len, ex.records.values())) > 0
    for rows in ex.records.values():
        assert all(f.doc == f"{shape}.txt" and f.text == d.text[f.start:f.end][:len(f.text)] for f in rows)


def test_run_extract_failing_piece_costs_only_that_piece(nlp, tmp_path, monkeypatch):
    import rapport.pipeline.run as run

    d = _load(tmp_path, long_report(12_000, 5, "report"))
    real = run.process_piece

    def flaky(nlp_, doc, a, b):
        if a == 0:
            raise RuntimeError("broken\nsecond line")
        return real(nlp_, doc, a, b)

    monkeypatch.setattr(run, "process_piece", flaky)
    ex = extract(nlp, [d], piece_chars=3000)
    assert len(ex.errors) == 1 and ex.errors[0].startswith("lang.txt: characters 0–")
    assert "\n" not in ex.errors[0] and "RuntimeError: broken" in ex.errors[0]
    first_end = piece_bounds(d, 3000)[0][1]
    assert all(f.start >= first_end for rows in ex.records.values() for f in rows)
    assert sum(map(len, ex.records.values())) > 0


def test_run_extract_long_report_shows_progress_over_its_pieces(nlp, tmp_path, capsys):
    d = _load(tmp_path, long_report(12_000, 4, "report"), name="lång.txt")
    extract(nlp, [d], show_progress=True, piece_chars=3000)
    err = capsys.readouterr().err
    assert "lång.txt in pieces" in err and "piece" in err
