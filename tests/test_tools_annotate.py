"""Annotation tools: labels validate against rapport's enums, the repo form holds offsets and
never text, the loader slices the sources back, gold quotes are found as the scorer matches."""
from __future__ import annotations

import json
import warnings

import pytest

from tools.annotate import dataset, export, gold, importer, labels, paths, sample, stats
from tools.annotate.units import Unit, document_units

TEXT = ("Ekonomi och personal\n\n"
        "Nämnden befarar att underskottet växer under hösten. Styrelsen beslutade i maj att\n"
        "öppna en ny vårdcentral i Norrby.\n\n"
        "Personer i riskgrupp erbjuds vaccin.\n")


@pytest.fixture
def source(tmp_path, monkeypatch):
    """A g0vse-like source tree in tmp_path with one document, and the tools pointed at it."""
    doc = tmp_path / "extra" / "g0vse" / "pressmeddelanden" / "2022-05_test.txt"
    doc.parent.mkdir(parents=True)
    doc.write_text(TEXT, encoding="utf-8")
    monkeypatch.setitem(paths.ROOTS, "g0vse", tmp_path / "extra")
    return doc


def _batch(tmp_path, doc):
    _, raw, units = document_units(doc)
    lines = [{"id": f"001-{k:04d}", "file": "g0vse/pressmeddelanden/2022-05_test.txt", "start": u.start,
              "end": u.end, "text": u.text, "block_kind": u.block_kind, "spans": {"heading": [], "prev": None,
                                                                                   "next": None}}
             for k, u in enumerate(units)]
    path = tmp_path / "batch_001.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path, lines


def test_labels_validate_uses_pipeline_vocabularies():
    assert labels.parse({"risk": "finance"})[1] == []
    assert labels.parse({"risk": "money"})[1]
    assert labels.parse({"event": {"type": "decision", "date": "2021-W30..W32"}})[1] == []
    assert labels.parse({"event": {"type": "decided"}})[1]
    assert labels.parse({"event": {"type": "start", "date": "maj 2021"}})[1]
    assert labels.parse({"goal": {"status": "partially", "horizon": "year_end", "level": "goal"}})[1] == []
    assert labels.parse({"goal": {"status": "partly", "horizon": "year_end"}})[1]


def test_labels_validate_rejects_contradictions():
    assert labels.parse({"risk": "finance", "hn": "clinical"})[1]
    two = {"goals": [{"goal": "Mål 1", "status": "achieved", "horizon": "current"},
                     {"goal": "Mål 1", "status": "partially", "horizon": "current"}]}
    assert labels.parse(two)[1]
    assert labels.parse({"aggregate": {"total": 3, "achieved": 2, "partially": 2}})[1]
    assert labels.parse({"riks": "finance"})[1]


def test_units_slice_back_to_the_raw_file(source):
    doc, raw, units = document_units(source)
    assert units and all(raw[u.start:u.end] == u.text for u in units)
    # the sentence broken over a line still reads as one sentence
    assert any(dataset.squash(u.text).startswith("Styrelsen beslutade i maj att öppna") for u in units)


def test_importer_build_stores_offsets_and_hash_not_text(tmp_path, source):
    batch, lines = _batch(tmp_path, source)
    lab = tmp_path / "batch_001.labels.jsonl"
    lab.write_text("".join(json.dumps({"id": x["id"], **({"risk": "finance"} if "befarar" in x["text"] else {})})
                           + "\n" for x in lines), encoding="utf-8")
    rows, errs = importer.build(batch, lab, "tester")
    assert errs == []
    assert len(rows) == len(lines)
    assert all("text" not in r for r in rows)
    risky = [r for r in rows if r["labels"]]
    assert len(risky) == 1 and risky[0]["labels"] == {"risk": "finance"}
    assert risky[0]["sha1"] == importer.sha1(source.read_text(encoding="utf-8")[risky[0]["start"]:risky[0]["end"]])


def test_importer_build_refuses_missing_ids_and_changed_sources(tmp_path, source):
    batch, lines = _batch(tmp_path, source)
    lab = tmp_path / "batch_001.labels.jsonl"
    lab.write_text(json.dumps({"id": lines[0]["id"]}) + "\n", encoding="utf-8")
    _, errs = importer.build(batch, lab, "tester")
    assert any("unlabelled" in e for e in errs)
    lab.write_text("".join(json.dumps({"id": x["id"]}) + "\n" for x in lines), encoding="utf-8")
    source.write_text(TEXT.replace("Nämnden", "Styrelsen"), encoding="utf-8")
    _, errs = importer.build(batch, lab, "tester")
    assert any("no longer reads as exported" in e for e in errs)


def test_dataset_load_rebuilds_text_context_and_split(tmp_path, source):
    raw = source.read_text(encoding="utf-8")
    start = raw.index("Nämnden")
    end = raw.index("hösten.") + len("hösten.")
    head = [0, raw.index("\n")]
    row = {"file": "g0vse/pressmeddelanden/2022-05_test.txt", "start": start, "end": end,
           "sha1": importer.sha1(raw[start:end]), "labels": {"risk": "finance"}, "annotator": "t", "source": "g0vse",
           "ctx": {"heading": [head], "prev": head, "next": None, "block_kind": "paragraph"}}
    ann = tmp_path / "ann"
    ann.mkdir()
    (ann / "b.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    (r,) = dataset.load(ann)
    assert r.text == raw[start:end] and r.heading == "Ekonomi och personal" and r.is_risk
    assert r.split == dataset.split_of(row["file"]) in ("train", "held_out")
    (ann / "b.jsonl").write_text(json.dumps({**row, "sha1": "0" * 40}) + "\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert dataset.load(ann) == []
    assert caught


def test_stats_check_names_a_stale_row_and_passes_a_sound_one(tmp_path, source):
    raw = source.read_text(encoding="utf-8")
    start, end = raw.index("Nämnden"), raw.index("hösten.") + len("hösten.")
    row = {"file": "g0vse/pressmeddelanden/2022-05_test.txt", "start": start, "end": end,
           "sha1": importer.sha1(raw[start:end]), "labels": {"risk": "finance"}, "source": "g0vse"}
    ann = tmp_path / "ann"
    ann.mkdir()
    (ann / "b.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert stats.check(ann) == []
    source.write_text(raw.replace("befarar", "fruktar"), encoding="utf-8")
    (problem,) = stats.check(ann)
    assert f"[{start}:{end}]" in problem and "text changed" in problem


def test_dataset_split_of_is_by_document_and_about_a_fifth():
    files = [f"g0vse/x/{i}.txt" for i in range(2000)]
    share = sum(dataset.split_of(f) == "held_out" for f in files) / len(files)
    assert 0.17 < share < 0.23
    assert dataset.split_of(files[7]) == dataset.split_of(files[7])


def test_gold_locate_matches_like_the_scorer():
    text = "Inledning\nKostnaderna ökar snabbare än\nintäkterna under hös-\nten, vilket oroar."
    a, b = gold.locate(text, "kostnaderna ökar snabbare än intäkterna under hösten")
    assert text[a:b].startswith("Kostnaderna") and text[a:b].endswith("ten")
    assert gold.locate(text, "något som inte står där") is None


def test_export_runs_of_merges_clinical_windows():
    units = [Unit(i * 10, i * 10 + 9, "x", "paragraph", (), (i * 10, i * 10 + 9)) for i in range(40)]
    pick = sample.Pick("f", "clinical", "d", "t", (), 0, near=(52, 85, 300))
    assert export.runs_of(pick, units) == [(0, 14), (25, 36)]
    whole = sample.Pick("f", "topic", "d", "t", (), 0)
    assert export.runs_of(whole, units) == [(0, 40)]


def test_export_densest_first_orders_by_threat_wording_and_keeps_seeded_ties():
    picks = [sample.Pick(f"f{i}", "topic", "d", "t", (), risky) for i, risky in enumerate([1, 5, 0, 5, 3])]
    assert [p.file for p in export.densest_first(picks)] == ["f1", "f3", "f4", "f0", "f2"]


def test_export_skips_documents_and_numbers_already_imported_into_the_repo(tmp_path, source):
    """On a fresh machine the work folder is empty: the repo's imported batches still count."""
    imported = tmp_path / "repo_g0vse"
    imported.mkdir()
    (imported / "batch_007.jsonl").write_text(json.dumps({"file": "g0vse/pressmeddelanden/2022-05_test.txt"}) + "\n",
                                              encoding="utf-8")
    other = source.parent / "2022-06_other.txt"
    other.write_text(TEXT, encoding="utf-8")
    picks = [sample.Pick(f"g0vse/pressmeddelanden/{p.name}", "topic", "pressmeddelanden", "t", (), 0)
             for p in (source, other)]
    written = export.export(picks, 1, batches=tmp_path / "work", root=tmp_path / "extra", imported=imported)
    assert [p.name for p in written] == ["batch_008.jsonl"]
    files = {json.loads(line)["file"] for line in written[0].read_text(encoding="utf-8").splitlines()}
    assert files == {"g0vse/pressmeddelanden/2022-06_other.txt"}


def test_sample_select_is_seeded_and_drops_duplicates():
    def rec(name, head, title="Regionerna och vården"):
        return {"file": f"g0vse/pressmeddelanden/{name}", "folder": "pressmeddelanden", "title": title,
                "chars": 2000, "hits": {t: (4 if t in ("region", "health") else 0) for t in sample.TOPICS},
                "title_hits": ["region"], "risky": 0, "clinical": [], "head": head}
    recs = [rec(f"{i}.txt", f"h{i}") for i in range(20)] + [rec("dup.txt", "h3")]
    a, b = sample.select(recs, seed=1), sample.select(list(reversed(recs)), seed=1)
    assert [p.file for p in a] == [p.file for p in b]
    assert len(a) == 20
    assert [p.file for p in sample.select(recs, seed=2)] != [p.file for p in a]


def test_anchor_stores_long_strings_as_offsets_and_resolves_them():
    from tools.annotate import anchor
    raw = "Mål 2\nAndelen patienter som får en första bedömning inom tre dagar ska öka.\n"
    goal = "andelen patienter som får en första bedömning inom tre dagar"
    lab = {"goals": [{"goal": goal, "level": "goal", "assessor": None, "status": "achieved", "horizon": "current"}],
           "events": [{"type": "decision", "date": None, "actor": "Regionstyrelsen"}]}
    stored = anchor.anchor(lab, raw, near=0)
    assert stored["goals"][0]["goal"] == {"at": [6, 6 + len(goal)]}
    assert stored["events"][0]["actor"] == "Regionstyrelsen"  # short: kept as written
    assert anchor.resolve(stored, raw)["goals"][0]["goal"] == raw[6:6 + len(goal)]
    invented = {"targets": [{"goal": None, "target": "en lång formulering som inte finns i någon källa alls"}]}
    assert anchor.unanchored(anchor.anchor(invented, raw, 0))


def test_relabel_sets_and_removes_a_risk_and_refuses_a_risk_beside_a_hard_negative():
    from tools.annotate.relabel import relabel

    rows = [{"start": 0, "labels": {"risk": "finance", "goals": [{"goal": "Mål 1", "level": "goal", "assessor": None,
                                                                    "status": "not_achieved", "horizon": "current"}]}},
            {"start": 40, "labels": {"hn": "other"}}]
    assert relabel(rows, 0, risk="none") == []
    assert "risk" not in rows[0]["labels"] and rows[0]["labels"]["goals"][0]["goal"] == "Mål 1"
    assert relabel(rows, 0, risk="staffing") == [] and rows[0]["labels"]["risk"] == "staffing"
    assert relabel(rows, 0, risk="weather") and rows[0]["labels"]["risk"] == "staffing"  # invalid: unchanged
    assert relabel(rows, 40, risk="finance") and "risk" not in rows[1]["labels"]  # a hard negative is no risk
    assert relabel(rows, 40, risk="finance", hn="none") == [] and rows[1]["labels"] == {"risk": "finance"}
    assert relabel(rows, 7, risk="none") == ["0 rows start at 7 (want exactly one)"]
