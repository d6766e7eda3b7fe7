"""Bad input is refused with a one-line reason naming the file; good encodings are read right."""
from __future__ import annotations

import pytest

from rapport.corpus import ReadError, load_corpus, load_document
from rapport.corpus.readers import read_file

SWEDISH = "Regionstyrelsen bedömer att målet är delvis uppfyllt. Sjukfrånvaron ökar i Region Norrbotten.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_readers_encodings(write_report, encoding):
    p = write_report(SWEDISH * 20, encoding=encoding)
    assert read_file(p).text.startswith("Regionstyrelsen bedömer")


@pytest.mark.parametrize("content,reason", [
    (b"", "empty file"),
    (b"\x00\x01\x02binary\x00" * 100, "binary"),
    (bytes(range(128, 256)) * 50 + b"\x81\x8d\x8f\x90\x9d" * 200, "undecodable"),
])
def test_readers_bad_bytes(tmp_path, content, reason):
    p = tmp_path / "trasig.txt"
    p.write_bytes(content)
    with pytest.raises(ReadError) as e:
        read_file(p)
    assert reason in str(e.value) and "trasig.txt" in str(e.value)
    assert "\n" not in str(e.value)


def test_readers_missing_file(tmp_path):
    with pytest.raises(ReadError, match="no such file"):
        load_document(tmp_path / "saknas.txt")


def test_readers_corrupt_pdf(tmp_path):
    p = tmp_path / "trasig.pdf"
    p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without xref\n")
    with pytest.raises(ReadError) as e:
        read_file(p)
    assert "trasig.pdf" in str(e.value) and "PDF" in str(e.value)


def test_readers_pdf_pages(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    for n in range(1, 4):
        pdf.add_page()
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, f"Region Norrbotten redovisar sida {n}. Resultatet per augusti är gott.")
    p = tmp_path / "rapport.pdf"
    pdf.output(str(p))
    doc = load_document(p)
    assert [pg.number for pg in doc.pages] == [1, 2, 3]
    i = doc.text.index("sida 3")
    assert doc.page_at(i) == 3
    assert doc.meta.region == "Norrbotten"


def test_readers_corpus_keeps_going(tmp_path, write_report):
    good = write_report(SWEDISH * 5, name="bra.txt")
    (tmp_path / "tom.txt").write_bytes(b"")
    docs, errors = load_corpus([tmp_path, tmp_path / "finns_inte.txt"])
    assert [d.name for d in docs] == [good.name]
    assert any("tom.txt: empty file" in e for e in errors)
    assert any("finns_inte.txt" in e for e in errors)
