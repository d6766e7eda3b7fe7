"""rapport.models.lemmas must answer exactly as simplemma's own functions do."""
import simplemma

from rapport.models import lemmas

WORDS = ["målen", "uppnåtts", "sjuksköterskor", "kostnaderna", "regionens", "qwxzy", "Vårdplatser"]


def test_lemmas_lemmatize_agrees_with_simplemma():
    for w in WORDS:
        assert lemmas.lemmatize(w, "sv") == simplemma.lemmatize(w, lang="sv")
        assert lemmas.lemmatize(w, "sv", greedy=True) == simplemma.lemmatize(w, lang="sv", greedy=True)


def test_lemmas_is_known_agrees_with_simplemma():
    assert [lemmas.is_known(w, "sv") for w in WORDS] == [simplemma.is_known(w, lang="sv") for w in WORDS]
    assert lemmas.is_known("kostnaderna", "sv") and not lemmas.is_known("qwxzy", "sv")


def test_lemmas_language_share_tells_english_from_swedish():
    en, sv = "how many nurses left the regions in 2023", "hur många sjuksköterskor slutade i regionerna"
    assert lemmas.in_target_language(en, "en") > lemmas.in_target_language(en, "sv")
    assert lemmas.in_target_language(sv, "sv") > lemmas.in_target_language(sv, "en")


def test_lemmas_dictionary_is_one_shared_copy():
    assert lemmas.dictionary("sv") is lemmas.dictionary("sv")
    assert "sjukfrånvaro" in lemmas.dictionary("sv")
