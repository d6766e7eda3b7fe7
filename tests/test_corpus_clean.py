"""Cleaning repairs PDF damage and every offset still points into the original file."""
from __future__ import annotations

import re
import unicodedata

import pytest

from rapport.corpus.clean import clean, hyphen_decision
from tests.conftest import FIXTURES


def _hyphen_cases():
    path = FIXTURES / "hyphenation.tsv"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[0] != "input":
            rows.append((parts[0].replace("\\n", "\n"), parts[1], parts[2].strip()))
    return rows


@pytest.mark.parametrize("raw,expected", [
    ("måluppfyl-\nlelsen ökar", "måluppfyllelsen ökar"),
    ("hälso-\noch sjukvård", "hälso- och sjukvård"),
    ("på EU-\nnivå", "på EU-nivå"),
    ("covid-\n19 har", "covid-19 har"),
    ("planen 2023-\n2026 visar", "planen 2023-2026 visar"),
    ("satsning på e-\nhälsa", "satsning på e-hälsa"),
    ("nytt IT-\nstöd", "nytt IT-stöd"),
    ("Reg-\n\nionfullmäktige beslutar", "Regionfullmäktige beslutar"),
    ("barn- och ungdoms-\npsykiatri", "barn- och ungdomspsykiatri"),
])
def test_clean_hyphenation_cases(raw, expected):
    assert clean(raw).text == expected


def test_clean_hyphenation_fixture_accuracy():
    cases = _hyphen_cases()
    if len(cases) < 100:
        pytest.skip("hyphenation fixture not written yet")
    for kind in ("join", "keep"):
        subset = [(i, e) for i, e, k in cases if k == kind]
        right = sum(clean(i).text.strip() == e.strip() for i, e in subset)
        assert right / len(subset) >= 0.97, f"{kind}: {right}/{len(subset)}"


def test_clean_hyphen_decision_coordinator_keeps_space():
    assert hyphen_decision("tandvårds", "respektive") == "space"
    assert hyphen_decision("sjuk", "eller") == "space"
    assert hyphen_decision("kvin", "nor") == "join"


def test_clean_nfc_and_spaces():
    raw = "Bedo\u0308mningen\u00a0a\u0308r 1\u00a0300 mnkr\r\n"
    out = clean(raw).text
    assert out == "Bedömningen är 1 300 mnkr\n"
    assert unicodedata.is_normalized("NFC", out)


def test_clean_doubled_slide_bullets():
    raw = "•• Bidrar till bättre flöden Bidrar till bättre flöden\n•• Stor nytta för patienternaStor nytta för patienterna\n"
    assert clean(raw).text.splitlines() == ["• Bidrar till bättre flöden", "• Stor nytta för patienterna"]


def _page(n: int) -> str:
    body = "\n".join(f"Rad {i} på sidan {n} beskriver verksamhetens utveckling under året." for i in range(5))
    return f"{body}\nRegion Exempel Delårsrapport 2022\n{n}\n"


def test_clean_removes_page_numbers_and_running_header():
    raw = "".join(_page(n) for n in range(3, 8))
    c = clean(raw)
    assert "Delårsrapport 2022" not in c.text
    assert not re.search(r"^\d+$", c.text, re.M)
    # page 3's text has a footer but no break before it (a cover could precede it): no page
    assert [p.number for p in c.pages] == [4, 5, 6, 7]
    for n in range(4, 8):
        at = c.text.index(f"Rad 2 på sidan {n} ")
        assert next(p.number for p in c.pages if p.start <= at < p.end) == n


def test_clean_blank_line_interleaving_collapsed():
    lines = [f"Det här är rad nummer {i} i en lång text som bryts" for i in range(30)]
    c = clean("\n\n".join(lines) + "\n")
    assert "\n\n" not in c.text.strip()


def test_clean_offsets_map_back_to_raw():
    raw = ("Inledning\n\nRegionens måluppfyl-\nlelse har förbättrats.  Hälso-\noch sjukvården\u00a0har "
           "haft en ansträngd sommar.\n12\nNästa sida börjar här med mer text om ekonomin.\n")
    c = clean(raw)
    for word in ("måluppfyllelse", "sjukvården", "ekonomin", "Nästa"):
        i = c.text.index(word)
        j = i + len(word)
        original = raw[c.offsets.to_raw(i):c.offsets.to_raw(j - 1) + 1]
        assert re.sub(r"[-\s]", "", original) == word


def test_clean_paragraph_per_line_keeps_blank_lines():
    """A dump with one paragraph per line and a blank line between paragraphs is not interleaving:
    collapsing it would glue each heading to the paragraph under it."""
    para = ("Kostnaderna för den köpta vården har ökat mer än budgeterat under perioden, och nämnden "
            "redovisar därför ett underskott som väntas bestå till årets slut. ")
    parts = []
    for i in range(12):
        parts += [f"Avsnitt {i}", para * 2]
    c = clean("\n\n".join(parts) + "\n")
    assert "Avsnitt 3\n\nKostnaderna" in c.text
