"""A PDF report made in the test goes the whole way: pages, prose facts, table cells, links."""
from __future__ import annotations

import pytest

from rapport.app import api

fpdf = pytest.importorskip("fpdf")

PROSE = [
    "Region Norrbotten - Delårsrapport januari-augusti 2022",
    "1. Ekonomiskt resultat",
    "Resultatet per augusti uppgår till 87 mnkr, vilket är 12 mnkr bättre än budget.",
    "Regionstyrelsen bedömer att det finansiella målet delvis är uppfyllt.",
    "Det finns en risk att kostnaderna för hyrpersonal fortsätter att öka under hösten.",
]
TABLE = [("Resultaträkning (mnkr)", "", "", ""), ("", "Utfall 2022", "Budget 2022", "Diff"),
         ("Verksamhetens intäkter", "1 204", "1 190", "14"), ("Verksamhetens kostnader", "-9 317", "-9 300", "-17"),
         ("Periodens resultat", "87", "75", "12")]


def _make_pdf(path):
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", fname=_font()) if _font() else None
    pdf.set_font("dejavu" if _font() else "helvetica", size=10)
    for line in PROSE:
        pdf.multi_cell(0, 6, line)
        pdf.ln(2)
    pdf.add_page()
    for row in TABLE:
        for i, cell in enumerate(row):
            pdf.cell(70 if i == 0 else 35, 7, cell, align="L" if i == 0 else "R")
        pdf.ln(7)
    pdf.output(str(path))


def _font():
    import glob

    found = glob.glob("/usr/share/fonts/**/DejaVuSans.ttf", recursive=True)
    return found[0] if found else None


def test_golden_pdf_through_extract(tmp_path):
    if not _font():
        pytest.skip("no Unicode TTF font to write Swedish letters into a PDF")
    src = tmp_path / "rapport.pdf"
    _make_pdf(src)
    res = api.extract([src], out=tmp_path / "out")
    assert not res.errors
    doc = res.documents[0]
    assert (doc.meta.region, doc.meta.period) == ("Norrbotten", "2022-08")
    assert len(doc.pages) == 2
    cells = res.frames["tables"]
    row = cells[(cells["row"] == "Periodens resultat")]
    assert sorted(row["value"].tolist()) == [12.0, 75.0, 87.0]
    assert set(row["page"]) == {2}
    goals = res.frames["goal_assessments"]
    assert "partially" in set(goals["status"])
    assert len(res.frames["risks"]) >= 1
    links = res.frames["links"]
    assert ((links["value"] == 87) & (links["row"] == "Periodens resultat")).any()
