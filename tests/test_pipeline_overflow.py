"""A number too large for a float never reaches a fact as inf (issue 16.4: `Infinity` in JSONL)."""
from __future__ import annotations

import math

from rapport.corpus import load_document
from rapport.pipeline.run import extract

HUGE = "9" * 309
HUGE_SCALED = "9" * 305  # finite as written, inf once mdkr is turned into kronor


def _floats(obj):
    items = obj.items() if isinstance(obj, dict) else ((f, getattr(obj, f)) for f in obj.__dataclass_fields__)
    return [v for _, v in items if isinstance(v, float)]


def test_pipeline_extract_huge_numbers_give_finite_facts_only(nlp, tmp_path):
    text = ("Region Exempel\nÅrsredovisning 2021\n\n1. Ekonomi\n\n"
            f"Resultatet för året uppgick till {HUGE} mnkr, vilket är bättre än budget.\n"
            f"Investeringarna uppgick till {HUGE_SCALED} mdkr under året.\n"
            "Nettokostnaden ökade med 4,2 procent jämfört med föregående år.\n\n"
            "Tabell 1. Belopp i mnkr\nPost  2020  2021\n"
            f"Intäkter  {HUGE}  1 200\nKostnader  1 100  1 150\nResultat  100  50\n")
    p = tmp_path / "stor.txt"
    p.write_text(text, encoding="utf-8")
    d = load_document(p)
    assert all(math.isfinite(v) for t in d.tables for r in t.rows for v in r.values if v is not None)
    ex = extract(nlp, [d])
    assert ex.errors == []
    values = [v for rows in ex.records.values() for f in rows for v in _floats(f)]
    values += [v for u in ex.unlinked for v in _floats(u)]
    assert values and all(math.isfinite(v) for v in values)
