"""Passages: 1-3 sentence windows inside one section, tables on their own, verbatim offsets."""
import pytest

from rapport.index.passages import document_passages, prose_passages, table_passages
from rapport.index.records import MAX_PASSAGE_CHARS, Passage
from tests.fixtures.tiny_model.reports import NORR, make_document


@pytest.fixture(scope="module")
def doc():
    return make_document("norr.txt", NORR)


def test_passages_text_is_verbatim_slice(doc):
    for p in document_passages(doc):
        assert doc.text[p.start:p.end] == p.text
        assert 0 < len(p.text) <= MAX_PASSAGE_CHARS


def test_passages_never_cross_a_heading(doc):
    headings = [(b.start, b.end) for b in doc.blocks if b.kind == "heading"]
    for p in document_passages(doc):
        assert not any(p.start < e and s < p.end for s, e in headings), p.text


def test_passages_never_reach_into_a_table(doc):
    tables = [(b.start, b.end) for b in doc.blocks if b.kind == "table"]
    for p in prose_passages(doc):
        assert not any(p.start < e and s < p.end for s, e in tables), p.text


def test_passages_windows_hold_one_to_three_sentences_and_cover_all(doc):
    ps = prose_passages(doc)
    prose = [s for s in doc.sentences if doc.blocks[s.block].kind not in ("heading", "table")]
    for p in ps:
        n = sum(1 for s in prose if p.start <= s.start and s.end <= p.end)
        assert 1 <= n <= 3
    for s in prose:
        assert any(p.start <= s.start and s.end <= p.end for p in ps)


def test_passages_carry_metadata_and_section_path(doc):
    p = next(p for p in prose_passages(doc) if "inhyrda" in p.text)
    assert (p.doc, p.region, p.kind, p.period) == ("norr.txt", "Norrbotten", "delårsrapport", "2022-08")
    assert p.section == "Personal – Hyrpersonal"
    assert p.search_text.startswith("Personal – Hyrpersonal: ")
    assert p.page in (1, 2) and p.source == "text"


def test_passages_table_rows_with_title_in_search_text(doc):
    (t,) = table_passages(doc)
    assert t.source == "table"
    assert "Korttidssjukfrånvaro 2,3" in t.text
    assert t.search_text.startswith("Personal – Sjukfrånvaro")  # title/section in front of the rows
    assert t.text.startswith("Sjukfrånvaro totalt")  # text stays the rows only, title lives in search_text
    assert "Personal" not in t.text


def test_passages_long_sentence_is_cut_at_whitespace():
    long = "Regionen " + " ".join(["satsar på vården i hela länet"] * 40) + "."
    d = make_document("lang.txt", [("h", 1, "Inledning"), ("p", long)])
    ps = prose_passages(d)
    assert len(ps) >= 2 and all(len(p.text) <= MAX_PASSAGE_CHARS for p in ps)
    assert ps[0].start < ps[1].start and ps[-1].end == d.blocks[-1].end


def test_passages_stride_two_still_covers_every_sentence(doc):
    ps = prose_passages(doc, stride=2)
    prose = [s for s in doc.sentences if doc.blocks[s.block].kind not in ("heading", "table")]
    assert len(ps) <= len(prose_passages(doc))
    for s in prose:
        assert any(p.start <= s.start and s.end <= p.end for p in ps)


def test_passages_record_rejects_bad_offsets():
    with pytest.raises(ValueError):
        Passage(doc="x", region=None, kind=None, period=None, section=None, page=None, start=5, end=5,
                text="", source="text", search_text="")


def test_passages_small_table_cells_join_their_row():
    from rapport.index.passages import _absorb_small

    text = ("Andel medarbetare som rekommenderar sin arbetsplats till andra\n\n"
            "RS 80 %\n\n"
            "Antal inloggningar per invånare i digitala vårdtjänster under året\n\n"
            "RS Öka")
    rows = [(m.start(), m.end()) for m in __import__("re").finditer(r"[^\n]+", text)]
    joined = [text[a:b] for a, b in _absorb_small(text, rows)]
    assert joined[0].endswith("RS 80 %") and joined[-1].endswith("RS Öka")
    assert not any(len(x.split()) < 4 for x in joined)
    # the pieces stay in order and cover every row
    assert "".join(joined).replace("\n", "") == text.replace("\n", "")


def test_passages_without_a_word_are_left_out():
    doc = make_document("sidor.txt", [("h", 1, "Bilaga"), ("p", "17"), ("h", 1, "Resultat"), ("p", "— — — 2,5 %"),
                                      ("h", 1, "Ekonomi"), ("p", "Resultatet blev 12 miljoner kronor.")])
    texts = [p.text for p in document_passages(doc)]
    assert texts == ["Resultatet blev 12 miljoner kronor."]
