"""The Figure record: one number stated in prose, as written and as meant."""
from __future__ import annotations

from dataclasses import dataclass, field

from rapport.corpus.numbers import UNIT_SCALE_KR

from .words import MONEY_UNITS


@dataclass(frozen=True, slots=True)
class Figure:
    """One number stated in prose, as written and as meant."""

    value: float  # signed, in `unit` as written: "ett underskott på 1,3 miljarder" -> -1.3 (mdkr)
    unit: str | None  # mdkr, mkr, tkr, kr, procent, procentenheter, antal, or None (bare number)
    written: str  # the mention as in the text: "1,3 miljarder", "+869 miljoner kronor"
    start: int  # offsets of the mention in the cleaned document
    end: int
    sent_start: int  # the clause that carries it (the evidence)
    sent_end: int
    local_start: int  # the words that belong to this figure (since the previous figure)
    local_end: int
    measure: str | None  # what it measures: "balanskravsresultat", "nettokostnadsutveckling"
    polarity: int = 0  # -1 deficit/decrease, +1 surplus/increase, 0 not said
    approx: str | None = None  # above ("drygt"), below ("knappt"), about ("cirka"), bound ("minst")
    decimals: int = 0  # digits after the decimal comma as written
    sig_digits: int = 1  # significant digits as written ("2 400" -> 2, "1 024" -> 4)
    aspects: tuple[str, ...] = ("outcome",)
    years: tuple[int, ...] = ()  # years named in the sentence
    is_range: bool = False  # "60–70 miljoner": one end of a range
    from_words: bool = False  # "fyrtiofem", "hälften"
    noun: str | None = None  # the counted noun for bare numbers: "1 043 anställda" -> "anställda"
    signed: bool = field(default=False)  # "+869", "-50", "minus 50": sign written explicitly

    @property
    def magnitude(self) -> float:
        return abs(self.value)

    @property
    def is_money(self) -> bool:
        return self.unit in MONEY_UNITS

    def in_unit(self, unit: str) -> float | None:
        """The value expressed in another money unit: 1,3 miljarder -> 1300.0 in "mkr"."""
        if self.unit == unit:
            return self.value
        if self.unit in UNIT_SCALE_KR and unit in UNIT_SCALE_KR:
            return self.value * UNIT_SCALE_KR[self.unit] / UNIT_SCALE_KR[unit]
        return None

    @property
    def mkr(self) -> float | None:
        return self.in_unit("mkr")

    def to_dict(self) -> dict:
        return {f: getattr(self, f) for f in self.__slots__}


