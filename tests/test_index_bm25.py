"""BM25 over analysed Swedish terms, and the feedback terms English queries borrow."""
import numpy as np

from rapport.index.analyze import Analyzer
from rapport.index.bm25 import BM25Index

PASSAGES = [
    "Sjukfrånvaron bland medarbetarna minskar och korttidsfrånvaron ligger på 2,1 procent.",
    "Kollektivtrafikens resandeutveckling är positiv och fler reser med buss.",
    "Läkemedelskostnaderna ökar snabbare än budgeterat för hela regionen.",
    "Sjukfrånvaron är högst bland undersköterskor; rehabiliteringsinsatser pågår.",
]


def fitted() -> BM25Index:
    a = Analyzer()
    return BM25Index(a).fit([a(p) for p in PASSAGES])


def test_bm25_scores_inflections_and_masks():
    bm = fitted()
    s = bm.scores("sjukfrånvaro")
    assert set(np.flatnonzero(s > 0)) == {0, 3}
    masked = bm.scores("sjukfrånvaro", mask=np.array([False, True, True, True]))
    assert masked[0] == 0 and masked[3] > 0


def test_bm25_feedback_terms_come_from_the_given_passages():
    bm = fitted()
    terms = bm.feedback_terms([0, 3], 5)
    a = Analyzer()
    assert a("sjukfrånvaron")[0] in terms  # shared by both passages: weighs most
    assert not set(terms) & set(a(PASSAGES[1]) + a(PASSAGES[2]))
    # the terms are index terms: scoring them finds the same passages again
    s = bm.term_scores(terms)
    assert set(np.flatnonzero(s > 0)) == {0, 3}
    assert bm.feedback_terms([], 5) == [] and bm.term_scores(["finnsinte"]).sum() == 0
