"""Learned heads in rapport_risks / rapport_events: loaded in initialize, hash-checked, deciding
candidate sentences, with rules kept for what they do exactly (dates, the clinical veto).

Fast tests use a tiny hand-made heads folder and a stand-in encoder (4-dim vectors), so they
test the wiring, not e5; the one `model` test runs the shipped heads on the real model.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from rapport.models.heads import HeadsError, LinearHead, load_heads, save_head, write_manifest
from rapport.pipeline.heads import HASH_DIM, generic_features, hashed_words, vectorize
from rapport.pipeline.nlp import build_nlp
from rapport.pipeline.records import EventType, RiskCategory
from tests.conftest import process_text, rapport_home_at

HEAD = """Region Exempellän
Delårsrapport januari–augusti 2022

3.1 Ekonomi
"""
FEATURES = ("amount", "neg", "r_rule", "past", "year", "percent")
DIM = 4


def fake_encoder(texts):
    """Vectors that say nothing: the heads below decide on rule features alone."""
    return np.zeros((len(texts), DIM), dtype=np.float32)


def _binary(name, weights: dict[str, float], bias: float, inputs="vector+features"):
    width = DIM + len(FEATURES) if inputs == "vector+features" else len(FEATURES) + HASH_DIM
    coef = np.zeros((1, width), dtype=np.float32)
    offset = DIM if inputs == "vector+features" else 0
    for k, w in weights.items():
        coef[0, offset + FEATURES.index(k)] = w
    return LinearHead(name=name, classes=("no", "yes"), coef=coef, intercept=np.array([bias], np.float32),
                      threshold=0.5, features=FEATURES, inputs=inputs)


def _label(name, classes, favoured):
    coef = np.zeros((len(classes), DIM + len(FEATURES)), dtype=np.float32)
    intercept = np.zeros(len(classes), dtype=np.float32)
    intercept[classes.index(favoured)] = 1.0
    return LinearHead(name=name, classes=tuple(classes), coef=coef, intercept=intercept, features=FEATURES)


@pytest.fixture
def tiny_heads(tmp_path):
    """Risk = a sentence quoting an amount and no negation; event = a past-tense verb with a year."""
    folder = tmp_path / "heads"
    heads = [_binary("risk_gate", {}, 5.0, "features+hash"),  # keeps every sentence
             _binary("risk", {"amount": 8.0, "neg": -20.0}, -4.0),
             _label("risk_label", ["finance", "staffing"], "staffing"),
             _binary("event_gate", {}, 5.0, "features+hash"),
             _binary("event", {"past": 4.0, "year": 4.0}, -6.0),
             _label("event_label", ["decision", "agreement"], "agreement"),
             _binary("goal_gate", {}, 5.0, "features+hash"),
             _binary("goal", {"percent": 8.0}, -4.0),
             _label("goal_status", ["achieved", "not_achieved"], "not_achieved"),
             _label("goal_horizon", ["current", "year_end"], "current")]
    write_manifest(folder, {"embedder": "", "data_sha1": "test",
                            "heads": {h.name: save_head(folder, h) for h in heads}})
    return folder


def _pipeline(folder, **label_head):
    nlp = build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_goals", "rapport_risks", "rapport_events"])
    for name in ("rapport_goals", "rapport_risks", "rapport_events"):
        pipe = nlp.get_pipe(name)
        pipe.encoder = fake_encoder
        pipe.label_head = label_head.get("label_head", True)
        pipe.initialize(heads=str(folder))
    return nlp


def test_heads_manifest_hash_checked(tiny_heads):
    assert {"risk_gate", "risk", "risk_label", "event_gate", "event", "event_label", "goal"} <= set(
        load_heads(tiny_heads).heads)
    with (tiny_heads / "risk.npz").open("ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(HeadsError, match="sha256"):
        load_heads(tiny_heads)


def test_heads_missing_folder_is_a_clear_error(tmp_path):
    nlp = build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_risks"])
    with pytest.raises(HeadsError, match="no manifest.json"):
        nlp.get_pipe("rapport_risks").initialize(heads=str(tmp_path / "nowhere"))


def test_heads_binary_head_is_a_logistic_regression():
    h = _binary("x", {"amount": 2.0}, -1.0)
    x = np.zeros((2, DIM + len(FEATURES)), dtype=np.float32)
    x[1, DIM + FEATURES.index("amount")] = 1.0
    assert np.allclose(h.proba(x), [1 / (1 + np.e), 1 / (1 + np.exp(-1.0))])
    assert list(h.decide(x)) == [False, True]


def test_heads_risk_without_any_listed_cue(tiny_heads, tmp_path):
    """A head may accept a sentence no cue list holds, and its label head names the category."""
    text = HEAD + "Resultatet för perioden blev 45 mnkr sämre än budget för hela verksamheten.\n"
    doc = process_text(_pipeline(tiny_heads), tmp_path / "r.txt", text)
    risks = [s._.fact for s in doc.spans["risks"]]
    assert len(risks) == 1 and "sämre än budget" in risks[0].text
    assert risks[0].category == RiskCategory.STAFFING and 0.5 <= risks[0].score < 1


def test_heads_rule_category_when_label_head_is_off(tiny_heads, tmp_path):
    text = HEAD + "Det finns en risk att budgetunderskottet ökar med 20 mnkr under hösten.\n"
    for label_head, want in ((False, RiskCategory.FINANCE), (True, RiskCategory.STAFFING)):
        doc = process_text(_pipeline(tiny_heads, label_head=label_head), tmp_path / "r.txt", text)
        assert [s._.fact.category for s in doc.spans["risks"]] == [want]


def test_heads_never_a_clinical_risk(tiny_heads, tmp_path):
    """The clinical veto is a rule: a "riskgrupp" sentence stays out whatever the head says."""
    text = HEAD + "Vaccinationen av riskgrupperna kostade 12 mnkr under perioden.\n"
    doc = process_text(_pipeline(tiny_heads), tmp_path / "r.txt", text)
    assert list(doc.spans["risks"]) == []


def test_heads_event_dated_by_rules(tiny_heads, tmp_path):
    """The head decides that something happened; the date is still read by the date rules."""
    text = HEAD + "Regionstyrelsen enades i mars 2022 med kommunerna om hemsjukvården.\n"
    doc = process_text(_pipeline(tiny_heads), tmp_path / "r.txt", text)
    events = [s._.fact for s in doc.spans["events"]]
    assert len(events) == 1 and events[0].date == "2022-03" and events[0].type == EventType.AGREEMENT


def test_heads_goal_status_by_head_goal_by_rules(tiny_heads, tmp_path):
    """A bullet the goal rules cannot read: the head judges it an assessment and gives its
    status; which goal it assesses still comes from the numbered goal line above it."""
    text = HEAD.replace("3.1 Ekonomi", "Mål 4. Patienterna får vård i tid") + \
        "Andelen som fick en operation inom 90 dagar var 61 procent under perioden.\n"
    doc = process_text(_pipeline(tiny_heads), tmp_path / "r.txt", text)
    goals = [s._.fact for s in doc.spans["goal_assessments"]]
    assert len(goals) == 1 and goals[0].status.value == "not_achieved" and goals[0].goal.startswith("Mål 4")


def test_heads_off_means_rules_only(tiny_heads, tmp_path):
    nlp = _pipeline(tiny_heads)
    nlp.get_pipe("rapport_risks").initialize(heads="")
    text = HEAD + "Resultatet för perioden blev 45 mnkr sämre än budget för hela verksamheten.\n"
    assert list(process_text(nlp, tmp_path / "r.txt", text).spans["risks"]) == []


def test_heads_features_name_their_columns():
    nlp = build_nlp(only=["rapport_lemmas"])
    doc = nlp.get_pipe("rapport_lemmas")(nlp.make_doc("Kostnaderna har inte ökat med 5 mnkr 2021."))
    f = generic_features(doc[:], "Risker och osäkerheter", "list_item", False, False)
    assert f["neg"] == 1 and f["amount"] == 1 and f["year"] == 1 and f["head_risk"] == 1 and f["blk_list_item"] == 1
    assert vectorize([f], ["amount", "nothing_like_it"]).tolist() == [[1.0, 0.0]]
    assert hashed_words("Kostnaderna ökar") == hashed_words("kostnaderna  ökar")


RULE_RISK = "Det finns en påtaglig risk att regionens ekonomiska underskott växer under nästa år.\n"


def _configured(home):
    """The configured pipeline (heads on for risks and events) in a RAPPORT_HOME of its own."""
    with rapport_home_at(home):
        return build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_goals", "rapport_risks",
                               "rapport_events"])


def _risks_in(home, nlp, tmp_path, text=HEAD + RULE_RISK):
    with rapport_home_at(home):
        return [s._.fact for s in process_text(nlp, tmp_path / "r.txt", text).spans["risks"]]


@pytest.mark.parametrize("model", [None, "tiny"])
def test_heads_fall_back_to_rules_without_the_e5_model(tmp_path, caplog, model):
    """No model (a fresh RAPPORT_HOME) or another one (the tiny test model where e5 belongs):
    the configured heads step aside, the rules extract, and the run says so in one line."""
    from rapport.models.build_embedder import MODEL_NAME
    from tests.fixtures.tiny_model.build import tiny_model_dir

    home = tmp_path / "home"
    if model == "tiny":
        (home / "models").mkdir(parents=True)
        (home / "models" / MODEL_NAME).symlink_to(tiny_model_dir(), target_is_directory=True)
    nlp = _configured(home)
    assert nlp.get_pipe("rapport_risks").heads == "e5" and nlp.get_pipe("rapport_events").heads == "e5"
    caplog.set_level("WARNING", logger="rapport.pipeline")
    risks = _risks_in(home, nlp, tmp_path)
    risks += _risks_in(home, nlp, tmp_path)  # a second document: no second warning
    assert [r.category for r in risks] == [RiskCategory.FINANCE] * 2 and risks[0].score > 0.5
    lines = [r.getMessage() for r in caplog.records if r.name == "rapport.pipeline"]
    assert len(lines) == 1 and "heads off" in lines[0] and str(home) in lines[0]
    assert ("tiny-random-bert" in lines[0]) == (model == "tiny")
    with rapport_home_at(home):
        assert all(nlp.get_pipe(n).loaded_heads() is None for n in ("rapport_risks", "rapport_events"))


@pytest.mark.model
def test_heads_configured_heads_run_where_the_model_is(tmp_path, caplog):
    """A RAPPORT_HOME holding the built e5 model: the configured heads decide, without a warning."""
    from rapport.models.build_embedder import MODEL_NAME, default_model_dir
    from rapport.models.embedder import is_available

    if not is_available():
        pytest.skip("e5 model not built (make setup)")
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    (home / "models" / MODEL_NAME).symlink_to(default_model_dir().resolve(), target_is_directory=True)
    nlp = _configured(home)
    caplog.set_level("WARNING", logger="rapport.pipeline")
    with rapport_home_at(home):
        assert all(nlp.get_pipe(n).loaded_heads() is not None for n in ("rapport_risks", "rapport_events"))
    risks = _risks_in(home, nlp, tmp_path)
    assert len(risks) == 1 and risks[0].category == RiskCategory.FINANCE
    assert not [r for r in caplog.records if r.name == "rapport.pipeline"]


@pytest.mark.model
def test_heads_shipped_heads_on_the_real_model(tmp_path):
    """The shipped heads load (hash-checked), name the e5 model, and find a plain risk statement."""
    from rapport.models.embedder import is_available
    from rapport.models.heads import HERE

    if not is_available():
        pytest.skip("e5 model not built (make setup)")
    if not (HERE / "e5" / "manifest.json").exists():
        pytest.skip("no shipped heads in rapport/models/heads/e5 yet (python -m tools.train_heads)")
    manifest = json.loads((HERE / "e5" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedder"] and manifest["data_sha1"]
    nlp = build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_risks"])
    nlp.get_pipe("rapport_risks").initialize(heads="e5")
    text = (HEAD + "Det finns en påtaglig risk att regionens ekonomiska underskott växer under nästa år.\n\n"
            "Personer i riskgrupperna erbjuds vaccination mot säsongsinfluensa under hösten.\n")
    doc = process_text(nlp, tmp_path / "r.txt", text)
    risks = [s._.fact for s in doc.spans["risks"]]
    assert len(risks) == 1 and "underskott" in risks[0].text and risks[0].category == RiskCategory.FINANCE


def test_heads_learnt_veto_refuses_what_the_yes_head_accepts(tiny_heads, tmp_path):
    """A `risk_veto` head (trained on the clinical hard negatives) refuses a sentence the risk
    head accepts; it is no label head, and sentences it does not fire on still pass."""
    heads = load_heads(tiny_heads)
    veto = _binary("risk_veto", {"percent": 8.0}, -4.0)  # fires on a percentage
    write_manifest(tiny_heads, {"embedder": "", "data_sha1": "test",
                                "heads": {h.name: save_head(tiny_heads, h) for h in [*heads.heads.values(), veto]}})
    text = (HEAD + "Kostnaderna för inhyrd personal blev 30 mnkr högre än budget under våren.\n\n"
            "Andelen med förhöjd risk ökade till 12 procent och kostade 4 mnkr under våren.\n")
    doc = process_text(_pipeline(tiny_heads), tmp_path / "r.txt", text)
    risks = [s._.fact for s in doc.spans["risks"]]
    assert [r.text.split()[0] for r in risks] == ["Kostnaderna"]
    assert risks[0].category == RiskCategory.STAFFING  # the label head still names it


def test_heads_report_threshold_applies_in_a_region_report_only(tiny_heads, tmp_path):
    """A risk head's `report_threshold` (saved in the manifest) decides in a document whose kind
    corpus.meta names (a delårsrapport here); a text of no report kind keeps the plain threshold."""
    heads = load_heads(tiny_heads)
    strict = LinearHead(**{**heads.get("risk").__dict__, "report_threshold": 0.99})  # P(yes) here is 0.98
    write_manifest(tiny_heads, {"embedder": "", "data_sha1": "test",
                                "heads": {h.name: save_head(tiny_heads, h)
                                          for h in [*(h for h in heads.heads.values() if h.name != "risk"), strict]}})
    assert load_heads(tiny_heads).get("risk").report_threshold == pytest.approx(0.99)
    sentence = "Kostnaderna för inhyrd personal blev 30 mnkr högre än budget under våren.\n"
    nlp = _pipeline(tiny_heads)
    in_report = process_text(nlp, tmp_path / "r.txt", HEAD + sentence)
    elsewhere = process_text(nlp, tmp_path / "p.txt", "Pressmeddelande från departementet\n\n" + sentence)
    assert list(in_report.spans["risks"]) == []
    assert [s._.fact.text.split()[0] for s in elsewhere.spans["risks"]] == ["Kostnaderna"]


def test_heads_context_head_reads_the_neighbouring_sentences(tiny_heads, tmp_path):
    """A CONTEXT risk head decides on the mean vector of the sentences before and after: a neutral
    sentence after one about a deficit is accepted, the same sentence after a neutral one is not."""
    from rapport.pipeline.heads import CONTEXT

    def deficit_encoder(texts):  # dimension 0 says "this sentence is about a deficit"
        return np.array([[1.0 if "underskott" in t else 0.0, 0, 0, 0] for t in texts], dtype=np.float32)

    heads = load_heads(tiny_heads)
    coef = np.zeros((1, DIM + len(FEATURES) + DIM), dtype=np.float32)
    coef[0, DIM + len(FEATURES)] = 12.0  # context column 0: (before + after) / 2 -> 6.0 beside a deficit
    ctx = LinearHead(name="risk", classes=("no", "yes"), coef=coef, intercept=np.array([-3.0], np.float32),
                     threshold=0.5, features=FEATURES, inputs=CONTEXT)
    write_manifest(tiny_heads, {"embedder": "", "data_sha1": "test",
                                "heads": {h.name: save_head(tiny_heads, h)
                                          for h in [*(h for h in heads.heads.values() if h.name != "risk"), ctx]}})
    nlp = _pipeline(tiny_heads)
    for name in ("rapport_goals", "rapport_risks", "rapport_events"):  # one Doc memo of vectors: one encoder
        nlp.get_pipe(name).encoder = deficit_encoder
    follow = "Kostnaderna för hyrd personal steg under våren.\n"
    beside = process_text(nlp, tmp_path / "a.txt", HEAD + "Nämnden visar ett underskott mot budget.\n\n" + follow)
    alone = process_text(nlp, tmp_path / "b.txt", HEAD + "Nämnden har sammanträtt fyra gånger i år.\n\n" + follow)
    assert [s._.fact.text.split()[0] for s in beside.spans["risks"]] == ["Kostnaderna"]
    assert list(alone.spans["risks"]) == []


def test_heads_neighbour_texts_are_the_sentences_around_a_candidate(tmp_path):
    from rapport.corpus import load_document
    from rapport.pipeline.heads import neighbour_texts

    path = tmp_path / "n.txt"
    path.write_text("Första meningen här. Andra meningen här. Tredje meningen här.\n", encoding="utf-8")
    d = load_document(path)
    nlp = build_nlp(only=[])
    doc = nlp.make_doc(d.text)
    spans = [doc.char_span(s.start, s.end, alignment_mode="expand") for s in d.sentences]
    got = neighbour_texts(d, [(span, None) for span in spans])
    texts = [d.text[s.start:s.end] for s in d.sentences]
    assert got[0] == (None, texts[1]) and got[-1] == (texts[-2], None)
    assert got[1] == (texts[0], texts[2])
