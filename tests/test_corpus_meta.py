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
