"""Citations are right or absent: pages from PDF sheets, form feeds, page-number lines and running headers."""
from __future__ import annotations

import pytest

from rapport.corpus import load_document
from rapport.corpus.pages import PageBreak, dump_pages, physical_pages
from tests.fixtures.pages import FORMATS, Layout, font, line_pages, make_dump, make_pdf

pytest.importorskip("fpdf")
pytest.importorskip("pdfplumber")


def test_pages_sparse_numbers_give_no_page():
    # "17" and "26" with nothing between: the stretch holds pages 18-26, which one is unknown
    breaks = [PageBreak(1000, 1004, 17), PageBreak(9000, 9004, 26)]
    assert dump_pages(breaks, 20000, footer=True) == []


def test_pages_agreeing_footers_number_the_stretches_between():
    breaks = [PageBreak(100 * k, 100 * k + 3, k + 4) for k in range(1, 6)]  # footers 5..9
    pages = dump_pages(breaks, 700, footer=True)
    # before footer 5 may lie a cover; after footer 9 whatever follows: both unnumbered
    assert [(p.number, p.start, p.end) for p in pages] == [(6, 103, 200), (7, 203, 300), (8, 303, 400),
                                                            (9, 403, 500)]


def test_pages_missed_break_breaks_the_count():
    # footers 3, 4, 6, 7, 8: the break of page 5 is missing, so the stretch 4..6 is not numbered
    numbers = [3, 4, 6, 7, 8]
    breaks = [PageBreak(100 * k, 100 * k + 3, n) for k, n in enumerate(numbers, start=1)]
    pages = dump_pages(breaks, 700, footer=True)
    assert 5 not in {p.number for p in pages} and 6 not in {p.number for p in pages}
    assert [p.number for p in pages] == [7, 8]


def test_pages_physical_sheets_take_the_printed_shift():
    pages = physical_pages([0, 10, 20, 30], 40, printed={1: 1, 2: 2, 3: 3})  # an unnumbered cover
    assert [(p.number, p.start) for p in pages] == [(1, 10), (2, 20), (3, 30)]
    assert [p.number for p in physical_pages([0, 10, 20], 30)] == [1, 2, 3]


def _layouts():
    out = []
    for i, (numbers, header, cover) in enumerate([("footer", None, False), ("footer", "Region Exempel – Delårsrapport",
                                                                             True),
                                                  ("header", None, False), ("header", "Region Exempel", False),
                                                  (None, None, False), (None, "Region Exempel", True)]):
        out.append(Layout(sheets=7, numbers=numbers, fmt=FORMATS[i % len(FORMATS)], header=header, cover=cover,
                          strays=0.0, seed=i))
    return out


@pytest.mark.parametrize("layout", _layouts(), ids=lambda lay: f"{lay.numbers}-{lay.fmt}-{bool(lay.header)}-{lay.cover}")
def test_pages_generated_pdf_and_dumps(tmp_path, layout):
    if not font():
        pytest.skip("no Unicode TTF font to write Swedish letters into a PDF")
    pdf = make_pdf(tmp_path / "r.pdf", layout)
    with_ff = make_dump(pdf, tmp_path / "ff.txt", form_feeds=True)
    plain = make_dump(pdf, tmp_path / "nl.txt", form_feeds=False)
    for path in (pdf, with_ff):
        pairs = line_pages(load_document(path), layout, sheets_known=True)
        assert len(pairs) > 40 and all(e == f for e, f in pairs), path.name
    pairs = line_pages(load_document(plain), layout, sheets_known=False)
    assert len(pairs) > 40
    assert not [(e, f) for e, f in pairs if f is not None and e != f], "a wrong page in the dump without form feeds"
    if layout.numbers is not None and not layout.cover:
        assert sum(e == f for e, f in pairs) >= len(pairs) / 2
