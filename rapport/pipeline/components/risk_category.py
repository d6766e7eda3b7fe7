"""What a risk is about: topic words weighted by where they stand in the sentence.

A topic word in the threat's own slot (the complement of "risk för", "brist på", the agent
of "påverkats av", the subject before "riskerar att") counts double; the pandemic is the
category only as the threat itself and when no specific domain it hits is named; the
section heading is a weak prior. Used by rapport_risks on the cue matches of a sentence.
"""
from __future__ import annotations

import re
from collections import defaultdict

from spacy.tokens import Span, Token

from ..records import RiskCategory

PANDEMIC_CAP = 0.7  # the pandemic as the cause is the category only when nothing more specific is named
# domains that stay the category when the pandemic is what hits them
SPECIFIC = frozenset({"finance", "staffing", "it_digital", "infrastructure_transport", "climate_environment",
                      "legal_regulatory"})
# a specific topic beats the pandemic as the category; the order settles ties
CATEGORY_ORDER = ["finance", "staffing", "care_capacity", "it_digital", "infrastructure_transport",
                  "climate_environment", "legal_regulatory", "demography", "pandemic"]


def categorise(topic_hits: dict[tuple[str, int], float], slots: dict[int, float],
               heading: dict[str, float]) -> RiskCategory:
    """What the threat is about, from topic words weighted by where they stand.

    A topic word in the threat's own slot (what follows "risk för",
    "brist på", the agent after "påverkats av", the subject before
    "riskerar att") counts double; each category gets its strongest
    word plus a little for the rest. The pandemic as the
    threat (subject or agent) names the category unless the sentence also
    names a specific domain it hits (economy, IT, transport, staffing, law,
    climate): care and population are what a pandemic hits by definition.
    Elsewhere the pandemic is capped, a cause in passing. The heading is a
    weak prior.
    """
    weights: dict[str, list[float]] = defaultdict(list)
    pandemic_threat = False
    for (cat, t), w in topic_hits.items():
        mult = slots.get(t)
        if cat == "pandemic":
            if mult is not None:
                pandemic_threat = True
            else:
                weights[cat].append(min(w, PANDEMIC_CAP))
            continue
        weights[cat].append(w * (mult or 1.0))
    total: dict[str, float] = defaultdict(float)
    for cat, ws in weights.items():
        ws = sorted(ws, reverse=True)
        total[cat] = ws[0] + 0.3 * sum(ws[1:])
    if pandemic_threat:
        named = {c: v for c, v in total.items() if c in SPECIFIC and v >= 1.0}
        if not named:
            return RiskCategory.PANDEMIC
        total = defaultdict(float, named)
    for k, v in heading.items():
        total[k] += 0.5 * min(v, 2.0)
    if not total:
        return RiskCategory.OTHER
    best = max(CATEGORY_ORDER, key=lambda c: (total.get(c, 0.0), -CATEGORY_ORDER.index(c)))
    if total.get(best, 0.0) <= 0:
        return RiskCategory.OTHER
    return RiskCategory(best)


# cue nouns whose complement names the threat: "risk för X", "brist på X", "osäkerhet kring X"
NOMINAL_CUES = re.compile(r"(?i)^(\w*risk(en|er|erna)?|\w*osäkerhet(en|er|erna)?|\w*brist(en|er|erna)?|hot(et|en)?|"
                          r"\w*utmaning(en|ar|arna)?|\w*svårighet(en|er|erna)?|oro(n)?|\w*problem(et|en)?|behov(et|en)?|"
                          r"krav(et|en)?|ansträngning(en|ar|arna)?|påfrestning(en|ar|arna)?|\w*tryck(et)?|"
                          r"\w*konkurrens(en)?|beroende(t)?|\w*försening(en|ar|arna)?|ovisshet(en)?)$")
SLOT_PREPOSITIONS = frozenset({"för", "på", "om", "kring", "att", "med", "mot", "inom", "i", "av", "till", "från",
                               "gällande", "avseende", "när"})
# verbs whose agent ("… av pandemin") is the threat
AGENT_VERBS = re.compile(r"(?i)^(påverka\w*|drabba\w*|försvåra\w*|försena\w*|fördröj\w*|präglat?s|präglades|hota\w*|"
                         r"begränsa\w*|hindra\w*|styr(as|s|ts|des))$")
# the first finite verb ends a sentence-initial subject
SUBJECT_END = frozenset({"kan", "kunde", "skulle", "riskerar", "hotar", "befaras", "har", "hade", "är", "var", "blir",
                         "kommer", "leder", "innebär", "medför", "gör", "ger", "påverkar", "försvårar", "försenar",
                         "begränsar", "ökar", "minskar", "väntas", "bedöms", "beräknas", "står", "ställer", "skapar",
                         "driver", "tvingar", "fortsätter", "växer", "påverkas", "drabbas", "förväntas", "beror",
                         "saknas", "kvarstår", "råder", "försämrar", "belastar"})
NO_SUBJECT = frozenset({"det", "under", "i", "för", "samtidigt", "även", "om", "men", "dock", "vid", "efter", "inom",
                        "på", "med", "som", "då", "när", "eftersom", "trots", "utan", "genom", "sedan", "till", "av",
                        "här", "där", "nu", "detta", "dessutom", "därför", "vilket", "enligt", "mot", "inför"})


CAUSATIVE = frozenset({"kan", "kunde", "skulle", "riskerar", "hotar", "befaras", "kommer", "leder", "innebär",
                       "medför", "gör", "ger", "försvårar", "försenar", "begränsar", "ökar", "skapar", "driver",
                       "tvingar", "väntas", "förväntas", "försämrar", "belastar"})
# a subject that announces a cause named later: "Orsakerna till underskottet står att finna i bemanningen"
CAUSE_HEADS = re.compile(r"(?i)^(orsak\w*|förklaring\w*|anledning\w*|skäl(et|en)?|bakgrund(en)?)$")
# a pandemic word after one of these is when or whence, not the threat: "Vårdskulden från pandemin"
NOT_AGENT_BEFORE = frozenset({"från", "efter", "under", "sedan", "inför", "före", "vid", "trots", "pga", "grund"})
REGARDING = frozenset({("med", "avseende"), ("i", "fråga")})
_PHRASE_STOP = frozenset({"och", "samt", "men", "eller", "som", "när", "om", "eftersom", "vilket", "då", "medan"})


def threat_slots(span: Span, cue_spans: list[tuple[int, int]]) -> dict[int, float]:
    """Token index -> weight for the words that name the threat itself.

    The complement of a cue noun ("risk att köerna växer", "brist på
    sjuksköterskor"), the agent of an impact verb ("påverkats kraftigt av
    pandemin") and a sentence-initial subject ("Stigande byggpriser kan komma
    att …"). Complements and agents weigh 2 (the first one; later ones 1.5:
    the threat named first is the main one); a subject weighs 2 before a
    verb that causes ("skapar osäkerhet", "riskerar att") and 1.5 otherwise.
    Words after "från", "efter", "under" … are circumstances, not the threat.
    """
    toks = [t for t in span if not t.is_space]
    while toks and (toks[0].is_punct or toks[0].text in ("•", "-", "–", "*")):
        toks = toks[1:]  # bullets
    found: list[tuple[int, list[int]]] = []
    cue_tokens = {i for a, b in cue_spans for i in range(a, b)}
    for k, t in enumerate(toks):
        if t.i in cue_tokens and NOMINAL_CUES.match(t.lower_):
            j = k + 1
            if j < len(toks) and toks[j].lower_ in SLOT_PREPOSITIONS:
                found.append((k, _phrase(toks, j + 1, 6)))
            else:  # "Ovissheten är särskilt stor när det gäller X", "… vad gäller X"
                for m in range(k + 1, min(len(toks) - 2, k + 8)):
                    if toks[m].is_punct:
                        break
                    if toks[m].lower_ == "gäller" or (toks[m].lower_, toks[m + 1].lower_) in REGARDING:
                        found.append((k, _phrase(toks, m + (1 if toks[m].lower_ == "gäller" else 2), 6)))
                        break
        if AGENT_VERBS.match(t.lower_):
            for j in range(k + 1, min(len(toks), k + 4)):
                if toks[j].lower_ == "av":
                    found.append((k, _phrase(toks, j + 1, 5)))
                    break
                if toks[j].is_punct:
                    break
    slots: dict[int, float] = {}
    for n, (_, idx) in enumerate(sorted(found)):
        for i in idx:
            slots.setdefault(i, 2.0 if n == 0 else 1.5)
    if toks and toks[0].lower_ not in NO_SUBJECT and not toks[0].text[:1].isdigit() and not CAUSE_HEADS.match(toks[0].text):
        end = next((k for k, t in enumerate(toks[:15]) if k > 0 and t.lower_ in SUBJECT_END), None)
        if end is not None and not any(t.is_punct and t.text not in "-–" for t in toks[:end]):
            weight = 2.0 if toks[end].lower_ in CAUSATIVE else 1.5
            for t in toks[:end]:
                slots.setdefault(t.i, weight)
    # circumstances inside a slot: "Vårdskulden från (den) pandemin", "stängd efter pandemin"
    circumstance = False
    for t in toks:
        if t.i not in slots or t.is_punct:
            circumstance = False
        elif t.lower_ in NOT_AGENT_BEFORE:
            circumstance = True
        elif circumstance:
            del slots[t.i]
    return slots


def _phrase(toks: list[Token], start: int, limit: int) -> list[int]:
    """Token indices of up to `limit` words from `start`, stopping at punctuation."""
    out = []
    for t in toks[start:start + limit]:
        if t.is_punct or t.lower_ in _PHRASE_STOP:
            break
        out.append(t.i)
    return out
