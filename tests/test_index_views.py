"""Dense views: the derived context view embeds each passage and each prefix once and composes the rest."""
import numpy as np
import pandas as pd
import pytest

from rapport.index.store import PassageConfig, build_index, load_parts
from rapport.index.views import ViewPlan, compose, context_prefix
from rapport.models.embedder import load_embedder
from tests.fixtures.tiny_model.build import tiny_model_dir
from tests.fixtures.tiny_model.reports import NORR, VAST, make_document
from tests.test_index_store import CountingEmbedder


@pytest.fixture(scope="module")
def tiny():
    return load_embedder(tiny_model_dir())


def _df(rows):
    return pd.DataFrame([{"search_text": s, "text": t} for s, t in rows])


def _unit(rng, n, dim=4):
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_views_context_prefix_splits_path_or_table_lead_from_text():
    assert context_prefix("Ekonomi – Resultat: Underskottet växte.", "Underskottet växte.") == "Ekonomi – Resultat"
    assert context_prefix("Ekonomi | Tabell 3 | År Belopp: 2023 12", "2023 12") == "Ekonomi | Tabell 3 | År Belopp"
    assert context_prefix("Underskottet växte.", "Underskottet växte.") == ""
    assert context_prefix("Något annat helt.", "Underskottet växte.") is None
    assert context_prefix(": Underskottet växte.", "Underskottet växte.") is None  # nothing in front but the colon
    assert context_prefix("Överskottet växte.", "skottet växte.") is None  # a word cut in two is no prefix


def test_views_compose_is_unit_length_and_keeps_text_without_prefix():
    rng = np.random.default_rng(0)
    text, prefix = _unit(rng, 3), _unit(rng, 3)
    prefix[2] = 0
    out = compose(text, prefix, 0.5)
    assert np.allclose(np.linalg.norm(out, axis=1), 1, atol=1e-6)
    assert np.allclose(out[2], text[2])
    expected = (text[0] + 0.5 * prefix[0]) / np.linalg.norm(text[0] + 0.5 * prefix[0])
    assert np.allclose(out[0], expected, atol=1e-6)
    per_row = compose(text, prefix, np.array([0.0, 1.0, 0.0]))
    assert np.allclose(per_row[0], text[0]) and not np.allclose(per_row[1], text[1])


def test_views_plan_embeds_each_passage_and_each_prefix_once():
    df = _df([("Mål – Vård: Väntetiderna kortades.", "Väntetiderna kortades."),
              ("Mål – Vård: Fler fick hjälp.", "Fler fick hjälp."),
              ("Ingen rubrik här.", "Ingen rubrik här.")])
    plan = ViewPlan(df, ("context", "text"), "derived", alpha=0.5)
    assert sorted(plan.texts) == sorted(["Väntetiderna kortades.", "Fler fick hjälp.", "Ingen rubrik här.", "Mål – Vård"])
    rng = np.random.default_rng(1)
    vecs = _unit(rng, len(plan.texts))
    at = {t: vecs[i] for i, t in enumerate(plan.texts)}
    views = plan.assemble(vecs, 4)
    assert np.allclose(views["text"][1], at["Fler fick hjälp."])
    assert np.allclose(views["context"][0], compose(at["Väntetiderna kortades."][None], at["Mål – Vård"][None], 0.5)[0])
    assert np.allclose(views["context"][2], at["Ingen rubrik här."])  # no prefix: the context view is the text view


def test_views_plan_embedded_and_odd_rows_embed_the_search_text_itself():
    df = _df([("Mål: Väntetiderna kortades.", "Väntetiderna kortades."), ("Omskriven text.", "Väntetiderna kortades.")])
    embedded = ViewPlan(df, ("context", "text"), "embedded")
    assert set(embedded.texts) == {"Mål: Väntetiderna kortades.", "Omskriven text.", "Väntetiderna kortades."}
    derived = ViewPlan(df, ("context",), "derived")
    assert set(derived.texts) == {"Väntetiderna kortades.", "Mål", "Omskriven text."}
    vecs = _unit(np.random.default_rng(2), len(derived.texts))
    views = derived.assemble(vecs, 4)
    assert set(views) == {"context"}
    assert np.allclose(views["context"][1], vecs[derived.texts.index("Omskriven text.")])
    with pytest.raises(ValueError, match="context_vectors"):
        ViewPlan(df, ("context",), "guessed")


def test_views_derived_index_embeds_fewer_texts_and_never_caches_a_composed_vector(tmp_path, tiny):
    docs = [make_document("norr.txt", NORR),
            make_document("vast.txt", VAST, region="Västerbotten", kind="årsredovisning", period="2023")]
    derived = CountingEmbedder(tiny)
    m = build_index(docs, tmp_path / "idx", derived)
    assert m["passages_config"]["context_vectors"] == "derived"
    n = m["counts"]["passages"]
    assert derived.calls == m["build"]["embedded"] < 2 * n
    embedded = CountingEmbedder(tiny)
    m2 = build_index(docs, tmp_path / "idx", embedded, config=PassageConfig(context_vectors="embedded"))
    assert m2["key"] != m["key"] and embedded.calls > 0  # the context texts were never embedded before
    _, df, _, views = load_parts(tmp_path / "idx")
    truth = tiny.encode_passages(df["search_text"].tolist())
    assert np.allclose(views["context"].vectors, truth, atol=1e-5)
