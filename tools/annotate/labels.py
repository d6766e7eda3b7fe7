"""The compact label form of one unit, and its validation against rapport's own vocabularies.

A label line is `{"id": ...}` plus any of (absent means "no"):
  "risk": "<RiskCategory>"                   an organisational or societal threat, by category
  "events": [{"type", "date", "actor"}]       each a dated happening (EventType; ISO-ish date or null)
  "goals": [{"goal", "level", "assessor", "status", "horizon"}]   one per (goal, horizon)
  "aggregate": {"scope", "total", "achieved", "partially", "not_achieved", "no_assessment"}
  "targets": [{"goal", "target"}]
  "hn": "clinical" | "other"                  a hard negative: risk vocabulary that is no risk
                                              (clinical: riskgrupp, riskfaktor, a drug's risks;
                                              other: statutory rule, standard disclosure note)
  "skip": "<why>"                             unusable (split inside a word, not Swedish, garbage)
  "note": "<free text>"                       for the guideline owner; ignored by training
An empty label (`{}`) is a real negative. The enums come from rapport.pipeline.records,
so the training set cannot drift from what the pipeline writes.
"""
from __future__ import annotations

import re

from rapport.pipeline.records import EventType, Horizon, Level, RiskCategory, Status

KEYS = {"risk", "events", "goals", "aggregate", "targets", "hn", "skip", "note"}
HARD_NEGATIVE = ("clinical", "other")
# 2021, 2021-05, 2021-05-03, 2021-H1, 2021-Q3, 2021-W30, T1/T2 (tertial), ranges "a..b" of those
_POINT = r"\d{4}(?:-(?:\d{2}(?:-\d{2})?|H[12]|Q[1-4]|T[1-3]|W\d{2}))?"
DATE = re.compile(rf"{_POINT}(?:\.\.(?:{_POINT}|W\d{{2}}|\d{{2}}(?:-\d{{2}})?))?")
COUNTS = ("total", "achieved", "partially", "not_achieved", "no_assessment")


def _enum(value, enum, where: str) -> list[str]:
    allowed = {e.value for e in enum}
    return [] if value in allowed else [f"{where}: {value!r} not in {sorted(allowed)}"]


def _fields(d, need: set[str], optional: set[str], where: str) -> list[str]:
    if not isinstance(d, dict):
        return [f"{where}: expected an object, got {type(d).__name__}"]
    errs = [f"{where}: missing {k!r}" for k in sorted(need - d.keys())]
    return errs + [f"{where}: unknown key {k!r}" for k in sorted(d.keys() - need - optional)]


def validate(label: dict) -> list[str]:
    """Every problem with one label (without its id), as readable lines; [] when it is sound."""
    errs = [f"unknown key {k!r}" for k in sorted(label.keys() - KEYS)]
    if "risk" in label:
        errs += _enum(label["risk"], RiskCategory, "risk")
        if "hn" in label:
            errs.append("risk and hn together: a hard negative is never a risk")
    for i, ev in enumerate(label.get("events", [])):
        where = f"events[{i}]"
        errs += _fields(ev, {"type"}, {"date", "actor"}, where)
        if isinstance(ev, dict):
            errs += _enum(ev.get("type"), EventType, f"{where}.type")
            if ev.get("date") is not None and not DATE.fullmatch(str(ev["date"])):
                errs.append(f"{where}.date: {ev['date']!r} is not ISO (2021, 2021-05, 2021-05-03, 2021-H1, a..b)")
    for i, g in enumerate(label.get("goals", [])):
        where = f"goals[{i}]"
        errs += _fields(g, {"status", "horizon"}, {"goal", "level", "assessor"}, where)
        if isinstance(g, dict):
            errs += _enum(g.get("status"), Status, f"{where}.status") + _enum(g.get("horizon"), Horizon,
                                                                                f"{where}.horizon")
            if g.get("level") is not None:
                errs += _enum(g["level"], Level, f"{where}.level")
    goals = [g for g in label.get("goals", []) if isinstance(g, dict)]
    pairs = [(g.get("goal"), g.get("horizon")) for g in goals]
    if len(pairs) != len(set(pairs)):
        errs.append("goals: two records for the same (goal, horizon)")
    if "aggregate" in label:
        agg = label["aggregate"]
        errs += _fields(agg, {"total"}, {"scope", *COUNTS}, "aggregate")
        if isinstance(agg, dict):
            for k in COUNTS:
                if agg.get(k) is not None and not (isinstance(agg[k], int) and agg[k] >= 0):
                    errs.append(f"aggregate.{k}: {agg[k]!r} is not a count")
            parts = [agg.get(k) for k in COUNTS[1:] if isinstance(agg.get(k), int)]
            if isinstance(agg.get("total"), int) and sum(parts) > agg["total"]:
                errs.append(f"aggregate: parts {sum(parts)} exceed total {agg['total']}")
    for i, t in enumerate(label.get("targets", [])):
        errs += _fields(t, {"target"}, {"goal"}, f"targets[{i}]")
    for k in ("events", "goals", "targets"):
        if k in label and not isinstance(label[k], list):
            errs.append(f"{k}: expected a list")
    if "hn" in label and label["hn"] not in HARD_NEGATIVE:
        errs.append(f"hn: {label['hn']!r} not in {list(HARD_NEGATIVE)}")
    return errs


ALIASES = {"event": "events", "goal": "goals", "target": "targets"}  # a single object, for typing comfort


def normalise(label: dict) -> dict:
    """The stored form: a single event/goal/target object wrapped in a list, keys in a fixed
    order, empty values dropped. Notes stay in the label files, not in the training set."""
    label = dict(label)
    for one, many in ALIASES.items():
        if one in label:
            label[many] = list(label.get(many, [])) + [label.pop(one)]
    out = {k: label[k] for k in ("risk", "events", "goals", "aggregate", "targets", "hn", "skip")
           if label.get(k) not in (None, [], {}, False)}
    out.update({k: v for k, v in label.items() if k not in KEYS})  # kept so validate() can name them
    if isinstance(out.get("events"), list):
        out["events"] = [{"type": e.get("type"), "date": e.get("date"), "actor": e.get("actor")}
                         if isinstance(e, dict) else e for e in out["events"]]
    if isinstance(out.get("goals"), list):
        out["goals"] = [{"goal": g.get("goal"), "level": g.get("level"), "assessor": g.get("assessor"),
                         "status": g.get("status"), "horizon": g.get("horizon")}
                        if isinstance(g, dict) else g for g in out["goals"]]
    return out


def parse(label: dict) -> tuple[dict, list[str]]:
    """normalise + validate: the stored label and its problems."""
    norm = normalise(label)
    return norm, validate(norm)
