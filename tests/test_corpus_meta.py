"""Region, kind and period come from the text, and a manifest overrides them."""
from __future__ import annotations

import csv

import pytest

from rapport.corpus import load_document
from rapport.corpus.meta import infer, read_manifest
from tests.conftest import SAMPLE, needs_shared, SHARED_CORPUS


def _manifest(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@needs_shared
@pytest.mark.parametrize("row", _manifest(SHARED_CORPUS / "MANIFEST.tsv") if (SHARED_CORPUS / "MANIFEST.tsv").exists() else [],
                         ids=lambda r: r["file"][:3])
def test_meta_shared_corpus_inferred_without_manifest(row):
    d = load_document(SHARED_CORPUS / row["file"])
    assert (d.meta.region, d.meta.kind, d.meta.period) == (row["region"], row["kind"], row["period"])


def test_meta_sample_corpus_inferred_without_manifest():
    if not (SAMPLE / "MANIFEST.tsv").exists():
        pytest.skip("sample corpus not written yet")
    for row in _manifest(SAMPLE / "MANIFEST.tsv"):
        d = load_document(SAMPLE / row["file"])
        assert (d.meta.region, d.meta.period) == (row["region"], row["period"]), row["file"]


@pytest.mark.parametrize("text,expected", [
    ("Region Jämtland Härjedalen\nDelårsrapport januari–april 2022\nRegion Jämtland Härjedalen redovisar",
     ("Jämtland Härjedalen", "delårsrapport", "2022-04")),
    ("Årsredovisning 2021\nRegion Skåne\nRegion Skåne har under året", ("Skåne", "årsredovisning", "2021")),
    ("Regionplan och budget 2024–2026\nRegion Gävleborg planerar", ("Gävleborg", "regionplan", "2024")),
])
def test_meta_infer_other_regions(text, expected):
    m = infer(text)
    assert (m.region, m.kind, m.period) == expected


def test_meta_manifest_overrides(tmp_path, write_report):
    p = write_report("Region Norrbotten\nDelårsrapport januari–augusti 2020\nText.\n", name="x.txt")
    man = tmp_path / "m.csv"
    man.write_text("file,region,kind,period\nx.txt,Västerbotten,,2020-06\n", encoding="utf-8")
    d = load_document(p, read_manifest(man))
    assert (d.meta.region, d.meta.kind, d.meta.period, d.meta.source) == ("Västerbotten", "delårsrapport", "2020-06", "manifest")


# --- the region is the author, never a region named in passing ---
from rapport.corpus.meta import author_lines, infer_region  # noqa: E402


@pytest.mark.parametrize("text, region", [
    ("Årsredovisning 2022 Region Skåne\n\nInnehåll\nFörord 3\n", "Skåne"),
    ("Delårsrapport januari–augusti 2021 för Region Halland\nRegionstyrelsen\n", "Halland"),
    ("Västra Götalandsregionen\nÅrsredovisning 2023\n", "Västra Götaland"),
    ("Stockholms läns landsting\nÅrsredovisning 2017\n", "Stockholm"),
    ("Landstinget Sörmland\nBokslut 2015\n", "Sörmland"),
    ("Region Jönköpings län | Delårsrapport 2022\nI Kalmar län och Region Skåne ökade köerna.\n", "Jönköpings län"),
    # no title line, but a running header on every page
    ("Inledning\n" + "Text om ekonomin i år.\n" * 20 + "Region Dalarna | Delårsrapport 2023 | 4\n"
     + "Mer text.\n" * 20 + "Region Dalarna | Delårsrapport 2023 | 5\n", "Dalarna"),
])
def test_meta_region_is_the_region_named_as_author(text, region):
    assert infer_region(text) == region


@pytest.mark.parametrize("text", [
    # national texts that name regions as recipients, places, visitors' hosts or list items
    "Ministern besöker Region Gotland\n\nUnder dagen träffar ministern vårdpersonal i Visby.\n",
    "Uppdrag till Region Skåne att utveckla vården\n\nRegeringen ger Region Skåne i uppdrag att ...\n"
    "Region Skåne ska senast den 31 mars 2025 lämna en slutrapport till departementet.\n",
    "Remiss av förslaget\n\nRemissinstanser\n• Region Halland\n• Region Uppsala\n• Hallands läns landsting\n",
    "Fördelning av bidrag\n\nMottagare  Belopp\nRegion Norrbotten  1 200 000\nRegion Kalmar län  900 000\n",
    "Regeringen beviljar medel\n\nSatsningen gäller Västerbotten, Norrbotten och Jämtland.\n"
    "Västerbottens-Kuriren skrev om saken.\n",
    "Ett tal om demokrati\n\nJag står här i Stockholm i dag och talar om Västra Götaland och Skåne.\n",
])
def test_meta_national_texts_have_no_region(text):
    assert infer_region(text) is None


def test_meta_author_lines_skip_prose_about_a_region():
    text = ("Region Örebro län\nÅrsredovisning 2022\n"
            "Region Örebro län har under året arbetat med tillgängligheten i vården och i tandvården.\n")
    assert author_lines(text) == [(0, "Örebro län")]


def test_meta_region_named_often_without_title_lines():
    text = "Verksamheten\n" + "Region Blekinge har ökat sina kostnader för vården i år jämfört med i fjol.\n" * 12
    assert infer_region(text) == "Blekinge"
    assert infer_region(text + "Region Skåne har också gjort det.\n" * 5) is None
