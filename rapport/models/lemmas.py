"""simplemma's dictionaries, opened in milliseconds instead of seconds.

simplemma's default factory decodes a front-coded stream into a dict on first use:
about 3 s per language on 2 cores, paid by every `rapport search` process (Swedish for
lemmas and compounds, English for the language check). simplemma also ships a
marisa-trie backend that builds each language once into an on-disk trie and then
memory-maps it (≈2 ms to open). Every lemma, known-word and language check in rapport
goes through this module so there is one loaded copy per process: the model cache is
the only global state.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

LANGS = ("sv", "en")


def trie_dir() -> Path:
    """Where the tries live: beside the converted models, per simplemma version."""
    from simplemma.__metadata__ import __version__

    from .build_embedder import cache_root

    return cache_root() / "simplemma" / __version__


@lru_cache(maxsize=1)
def dictionary_factory():
    """The trie factory when marisa-trie is installed, else simplemma's default (slower, same data)."""
    try:
        from simplemma.strategies.dictionaries.trie_dictionary_factory import TrieDictionaryFactory

        return TrieDictionaryFactory(disk_cache_dir=str(trie_dir()))
    except ImportError:
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory

        return DefaultDictionaryFactory()


def dictionary(lang: str = "sv") -> Mapping[str, str]:
    """Word form → lemma for `lang` (read-only)."""
    return dictionary_factory().get_dictionary(lang)


@lru_cache(maxsize=4)
def _lemmatizer(greedy: bool):
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy

    return Lemmatizer(lemmatization_strategy=DefaultStrategy(greedy=greedy, dictionary_factory=dictionary_factory()))


def lemmatize(word: str, lang: str = "sv", *, greedy: bool = False) -> str:
    return _lemmatizer(greedy).lemmatize(word, lang=lang)


@lru_cache(maxsize=1)
def _lookup():
    from simplemma.strategies import DictionaryLookupStrategy

    return DictionaryLookupStrategy(dictionary_factory())


def is_known(word: str, lang: str = "sv") -> bool:
    """The word form is in `lang`'s dictionary (simplemma.is_known over the shared copy)."""
    from simplemma.utils import normalize_token

    return _lookup().get_lemma(normalize_token(word), lang) is not None


@lru_cache(maxsize=4)
def _detector(lang: str):
    from simplemma import LanguageDetector
    from simplemma.strategies import DefaultStrategy

    return LanguageDetector(lang=lang, lemmatization_strategy=DefaultStrategy(dictionary_factory=dictionary_factory()))


def in_target_language(text: str, lang: str) -> float:
    """Share of the text's tokens that `lang`'s dictionary knows (simplemma's measure)."""
    return _detector(lang).proportion_in_target_languages(text)


def build(langs: tuple[str, ...] = LANGS, log=print) -> Path:
    """Build the tries at set-up, so the first query does not pay for it."""
    for lang in langs:
        dictionary(lang)
    log(f"simplemma dictionaries ready in {trie_dir()}")
    return trie_dir()


if __name__ == "__main__":
    build()
