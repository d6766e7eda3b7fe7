"""The fact records, one type per contract file (../shared/docs/contract.md).

Field names and order are the contract's keys; closed vocabularies are
StrEnums whose values are the contract strings; unknown values are None.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from enum import StrEnum

MAX_EVIDENCE = 600


class Level(StrEnum):
    STRATEGIC_GOAL = "strategic_goal"
    GOAL = "goal"
    SUB_GOAL = "sub_goal"
    FINANCIAL_GOAL = "financial_goal"
    INDICATOR = "indicator"
    GOOD_ECONOMIC_MANAGEMENT = "good_economic_management"
    OVERALL = "overall"


class Status(StrEnum):
    ACHIEVED = "achieved"
    PARTIALLY = "partially"
    NOT_ACHIEVED = "not_achieved"
    NO_ASSESSMENT = "no_assessment"


class Horizon(StrEnum):
    CURRENT = "current"
    YEAR_END = "year_end"
    LONG_TERM = "long_term"


class RiskCategory(StrEnum):
    FINANCE = "finance"
    STAFFING = "staffing"
    CARE_CAPACITY = "care_capacity"
    PANDEMIC = "pandemic"
    IT_DIGITAL = "it_digital"
    INFRASTRUCTURE_TRANSPORT = "infrastructure_transport"
    CLIMATE_ENVIRONMENT = "climate_environment"
    LEGAL_REGULATORY = "legal_regulatory"
    DEMOGRAPHY = "demography"
    OTHER = "other"


class EventType(StrEnum):
    DECISION = "decision"
    START = "start"
    COMPLETION = "completion"
    CLOSURE = "closure"
    AGREEMENT = "agreement"
    INCIDENT = "incident"
    INVESTMENT = "investment"
    ORGANISATIONAL_CHANGE = "organisational_change"
    OTHER = "other"


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """Where a fact stands: the sentence that carries it, cited in the cleaned document."""

    doc: str
    region: str | None
    text: str
    start: int
    end: int
    page: int | None = None
    period: str | None = None  # the report's period: every fact carries it, so facts join and filter alike

    def __post_init__(self):
        if not 0 <= self.start <= self.end:
            raise ValueError(f"evidence offsets not half-open: {self.start}..{self.end}")
        if len(self.text) > MAX_EVIDENCE:
            raise ValueError(f"evidence longer than {MAX_EVIDENCE} characters ({len(self.text)})")

    def to_dict(self) -> dict:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def _plain(v):
    return v.value if isinstance(v, StrEnum) else v


@dataclass(frozen=True, slots=True, kw_only=True)
class GoalAssessment(Evidence):
    goal: str | None
    level: Level | None
    assessor: str | None
    status: Status
    horizon: Horizon


@dataclass(frozen=True, slots=True, kw_only=True)
class Aggregate(Evidence):
    scope: str | None
    total: int | None
    achieved: int | None
    partially: int | None
    not_achieved: int | None
    no_assessment: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Target(Evidence):
    goal: str | None
    target: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Risk(Evidence):
    section: str | None
    category: RiskCategory
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Event(Evidence):
    date: str | None
    type: EventType
    actor: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Link(Evidence):
    value: float
    unit: str | None
    table: str | None
    table_id: str | None
    row: str | None
    column: str | None
    table_text: str | None
    confidence: float = 0.0
    match: str = "exact"  # exact | rounded


@dataclass(frozen=True, slots=True, kw_only=True)
class Contradiction(Evidence):
    """A prose figure whose best-matching table row holds another number."""

    value: float
    unit: str | None
    table: str | None
    row: str | None
    column: str | None
    table_value: float | None
    table_text: str | None


# contract file name -> record type; the order is the order `extract` writes them
OUTPUTS = {
    "goal_assessments": GoalAssessment,
    "aggregates": Aggregate,
    "targets": Target,
    "risks": Risk,
    "events": Event,
    "links": Link,
    "contradictions": Contradiction,
}

__all__ = [name for name in dir() if not name.startswith("_")] + ["asdict"]
