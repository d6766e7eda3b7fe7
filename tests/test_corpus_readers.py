"""Bad input is refused with a one-line reason naming the file; good encodings are read right."""
from __future__ import annotations

import os
from pathlib import Path

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


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_readers_utf16_utf32_with_bom(tmp_path, encoding):
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00",
           "utf-32-be": b"\x00\x00\xfe\xff"}[encoding]
    p = tmp_path / "rapport.txt"
    p.write_bytes(bom + (SWEDISH * 5).encode(encoding))
    raw = read_file(p)
    assert raw.text == SWEDISH * 5 and raw.encoding == encoding[:6]


def test_readers_broken_utf16_named(tmp_path):
    p = tmp_path / "trasig.txt"
    p.write_bytes(b"\xff\xfe" + "Region".encode("utf-16-le") + b"\x00\xd8")  # a lone high surrogate
    with pytest.raises(ReadError, match="trasig.txt: undecodable bytes: not valid UTF-16"):
        read_file(p)


def test_readers_encrypted_pdf_named(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.cell(0, 10, "Region Norrbotten redovisar resultatet.")
    pdf.set_encryption(owner_password="agare", user_password="hemlig")
    p = tmp_path / "lasd.pdf"
    pdf.output(str(p))
    with pytest.raises(ReadError) as e:
        read_file(p)
    assert str(e.value).startswith(f"{p}: encrypted PDF") and "corrupt" not in str(e.value)


def test_readers_unreadable_file_in_folder_keeps_going(tmp_path, write_report, monkeypatch):
    # tests run as root, for whom chmod 000 still reads: the refusal is simulated at the open call
    good = write_report(SWEDISH * 5, name="bra.txt")
    locked = write_report(SWEDISH * 5, name="last.txt")
    real = Path.read_bytes

    def read_bytes(self):
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    docs, errors = load_corpus([tmp_path])
    assert [d.name for d in docs] == [good.name]
    assert errors == [f"{locked}: cannot read (permission denied)"]


def test_readers_unreadable_subfolder_reported(tmp_path, write_report, monkeypatch):
    good = write_report(SWEDISH * 5, name="bra.txt")
    hidden = tmp_path / "stängd"
    hidden.mkdir()
    (hidden / "inne.txt").write_text(SWEDISH * 5, encoding="utf-8")
    real = os.scandir

    def scandir(path="."):
        if Path(path) == hidden:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    docs, errors = load_corpus([tmp_path])
    assert [d.name for d in docs] == [good.name]
    assert errors == [f"{hidden}: cannot read folder (permission denied)"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode; the mocked tests above cover it")
def test_readers_unreadable_file_really(tmp_path, write_report):
    p = write_report(SWEDISH * 5, name="last.txt")
    p.chmod(0)
    with pytest.raises(ReadError, match="last.txt: cannot read"):
        read_file(p)


def test_readers_names_escaped_in_messages(tmp_path):
    name = "rapport\n\x1b[31mröd\u202e.txt"
    (tmp_path / name).write_bytes(b"")
    docs, errors = load_corpus([tmp_path])
    assert not docs and len(errors) == 1
    line = errors[0]
    assert "\n" not in line and "\x1b" not in line and "\u202e" not in line
    assert "rapport\\n\\x1b[31mröd\\u202e.txt: empty file" in line


def test_readers_undecodable_name_bytes_escaped(tmp_path):
    raw = os.fsencode(str(tmp_path)) + b"/rapport\xff.txt"
    with open(raw, "wb"):
        pass
    _, errors = load_corpus([tmp_path])
    assert errors == [f"{tmp_path}/rapport\\xff.txt: empty file"]


def test_readers_unreadable_manifest_reported(tmp_path, write_report):
    write_report(SWEDISH * 5, name="bra.txt")
    (tmp_path / "MANIFEST.tsv").write_bytes(b"\xff\xfe\x00garbage")
    docs, errors = load_corpus([tmp_path])
    assert [d.name for d in docs] == ["bra.txt"]
    assert len(errors) == 1 and errors[0].startswith(f"{tmp_path / 'MANIFEST.tsv'}: manifest not read")
