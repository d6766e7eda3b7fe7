"""RRF and filters."""
import numpy as np
import pandas as pd

from rapport.index.fusion import Filters, rrf, top_ids


def test_fusion_rrf_rewards_agreement():
    fused = rrf([np.array([1, 2, 3]), np.array([3, 1, 4])], k=60)
    assert max(fused, key=fused.get) == 1  # ranks 1 and 2 beat 3's ranks 3 and 1
    assert set(fused) == {1, 2, 3, 4}
    assert rrf([np.array([5])], weights=[0.0]) == {}


def test_fusion_top_ids_respects_mask_and_zero_scores():
    s = np.array([0.0, 3.0, 1.0, 2.0])
    assert top_ids(s, 2).tolist() == [1, 3]
    assert top_ids(s, 5, mask=np.array([1, 0, 1, 1], bool)).tolist() == [3, 2]


def _passages():
    return pd.DataFrame({
        "doc": ["a.txt", "a.txt", "b.txt", "c.txt"],
        "region": ["Norrbotten", "Norrbotten", "Västerbotten", None],
        "kind": ["delårsrapport", "delårsrapport", "regionplan", "årsredovisning"],
        "period": ["2019-08", "2019-08", "2023", "2021"],
        "section": ["2 Ekonomi – Resultat", "3 Personal", "Ekonomi", None],
    })


def test_fusion_filters_region_doc_kind():
    p = _passages()
    assert Filters().mask(p) is None
    assert Filters(region="norrbotten").mask(p).tolist() == [True, True, False, False]
    assert Filters(region=["Norrbotten", "Västerbotten"]).mask(p).tolist() == [True, True, True, False]
    assert Filters(doc="b.txt").mask(p).tolist() == [False, False, True, False]
    assert Filters(kind="regionplan").mask(p).tolist() == [False, False, True, False]


def test_fusion_filters_period_range_and_section():
    p = _passages()
    assert Filters(period_from="2021").mask(p).tolist() == [False, False, True, True]
    assert Filters(period_to="2021-06").mask(p).tolist() == [True, True, False, False]
    assert Filters(period_from="2019", period_to="2021").mask(p).tolist() == [True, True, False, True]
    assert Filters(section="ekonomi").mask(p).tolist() == [True, False, True, False]
