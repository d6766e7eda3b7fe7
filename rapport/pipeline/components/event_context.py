"""The date and the actor of an event, read by rules around its trigger.

The date is the date expression nearest the trigger, resolved against the report period
(a plan is written the year before its period); "from then on" dates after the verb say
when something takes effect, not when it happened. The actor is the organisation that
acts: the subject before an active verb, the one after it in a V2 inversion, or the agent
of a passive. Split from rapport_events, which calls these for each event it keeps.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from ..dates import MONTH, find_dates
from .event_grammar import after_be

ORG_HEAD = re.compile(
    r"(?i)^(region\w*|landsting\w*|\w*nämnd(en|erna)?|\w*styrelse(n)?|\w*fullmäktige|regering(en)?|\w*verket|"
    r"\w*myndighet(en)?|länsstyrelse(n)?|kommun(en|erna)?|\w*förbund(et)?|\w*universitet(et)?|\w*centrum|"
    r"\w*förvaltning(en)?|\w*sjukhus(et)?|\w*lasarett(et)?|\w*klinik(en)?|\w*mottagning(en)?|akuten|ab|"
    r"bolag(et)?|\w*division(en)?|\w*medicin|\w*enhet(en)?|\w*kansli(et)?|\w*råd(et)?|\w*kommission(en)?|"
    r"\w*direktör(en)?|\w*museum|museet|\w*teatern|\w*operan|skr|inera|\w*institut(et)?|\w*stab(en)?|"
    r"\w*avdelning(en)?|\w*hälsocentral(en)?|\w*vårdcentral(en)?|\w*tandvård(en)?|\w*service|"
    r"\w*samverkan|almi|trafikverket|\w*trafiken|norrtåg|\w*operan)$")
DETERMINERS = frozenset({"av", "om", "med", "till", "utifrån", "enligt", "inför", "trots", "en", "ett", "den", "det", "de", "denna", "detta", "dessa", "flera", "samtliga", "några",
                         "många", "alla", "vissa", "nya", "ny", "nytt", "hela", "andra", "ytterligare", "under",
                         "i", "vid", "efter", "inom", "på", "för", "genom", "sedan", "från", "som", "när", "då",
                         "även", "dessutom", "hittills", "nu", "här", "där", "totalt", "bland", "vilket", "varav"})



AFTER_INTROS = frozenset({"från och med", "fr.o.m.", "fr o m", "fro m", "till och med", "t.o.m.", "till", "senast",
                          "inför", "före", "fram till", "efter", "från", "för"})
SAME_TIME = re.compile(r"(?i)\bsamma\s+(?:dag|vecka|månad|kvartal)\b")
PLAN_KINDS = frozenset({"regionplan", "budget", "verksamhetsplan", "plan", "flerårsplan"})


def reference_period(meta) -> str | None:
    """The period bare months and seasons refer to.

    A plan for 2023 is written during 2022: "i september beslutade
    regionstyrelsen" in it means September 2022.
    """
    period = meta.period
    if period and (meta.kind or "").lower() in PLAN_KINDS:
        m = re.match(r"((?:19|20)\d\d)$", period)
        if m:
            return str(int(m.group(1)) - 1)
    return period


def event_date(sent: Span, trigger: Token, period: str | None) -> str | None:
    """The date expression nearest the trigger, ignoring "from then on" dates after the verb."""
    dates = find_dates(sent.text, period)
    if not dates:
        return None
    at = trigger.idx - sent.start_char
    at_end = at + len(trigger.text)
    usable = []
    for dexp in dates:
        after = dexp.start >= at
        if after and dexp.intro in AFTER_INTROS:
            continue  # "fr.o.m. 2022", "för hösten 2021": when it takes effect or what it is for
        if after and dexp.intro is None and re.match(r"\s*(?:för\s+(?:perioden|åren)|–|-)", sent.text[dexp.start - 14:dexp.start][-14:]):
            continue
        usable.append(dexp)
    if not usable:
        return None
    best = min(usable, key=lambda x: (x.start - at_end if x.start >= at else at - x.end, -x.rank))
    return best.value


def context_date(d, sent: Span, period: str | None) -> str | None:
    """A date the sentence inherits: "Samma månad beslutade …" from the sentences before it, and a
    bullet under "Händelser i oktober" from its heading (month precision or finer only)."""
    if SAME_TIME.search(sent.text):
        block = next((b for b in d.blocks if b.start <= sent.start_char < b.end), None)
        lo = max(block.start if block else 0, sent.start_char - 600)
        before = [x for x in find_dates(d.text[lo:sent.start_char], period) if x.rank >= MONTH]
        if before:
            return before[-1].value
    sec = d.section_at(sent.start_char)
    if sec is not None:
        found = [x for x in find_dates(sec.heading, period) if x.rank >= MONTH and x.intro is None]
        if len(found) == 1:
            return found[0].value
    return None


def actor(sent: Span, trigger: Token, region: str | None = None) -> str | None:
    """The acting organisation, or None for passives without an agent and anonymous subjects.

    "regionen" is the report's own region ("Region Norrbotten") when the region is known.
    """
    found = _actor(sent, trigger)
    if found and region and found.lower() in ("regionen", "region"):
        return f"Region {region}"
    return found


def _actor(sent: Span, trigger: Token) -> str | None:
    doc = sent.doc
    toks = [t for t in sent if not t.is_space]
    while toks and (toks[0].is_punct or toks[0].text in ("•", "-", "–", "*")) and toks[0].i != trigger.i:
        toks = toks[1:]  # "• Regionstyrelsen beslutade …"
    form = trigger.lower_
    passive = (form.endswith("s") and not form.endswith("ss")) or (
        form.endswith(("d", "da", "t", "en", "na")) and after_be(trigger))
    if passive:
        # agent: "… av regionfullmäktige", "… av Region Västerbottens regionfullmäktige"
        for t in doc[trigger.i + 1:min(sent.end, trigger.i + 4)]:
            if t.lower_ == "av":
                np = _noun_phrase(doc, t.i + 1, sent.end)
                if np and _is_org(np) and (any(ORG_HEAD.match(w) for w in np.split()) or len(np.split()) > 1):
                    return np  # a lone capitalised word after "av" is as often a title ("av Tobaksfri duo")
        return None
    # subject before the verb (possibly before the auxiliary "har"/"hade")
    idx = [t.i for t in toks]
    pos = idx.index(trigger.i) if trigger.i in idx else None
    if pos is None:
        return None
    head_end = pos
    while head_end > 0 and toks[head_end - 1].lower_ in ("har", "hade", "även", "också", "nu", "redan", "bland",
                                                          "annat", "dessutom", "under", "perioden", "året", "tidigare"):
        head_end -= 1
    subject = _subject_from_start(toks[:head_end])
    if subject and _is_org(subject):
        return subject
    if pos > 0 and toks[0].lower_ not in DETERMINERS:
        np = _noun_phrase(doc, toks[0].i, sent.end)
        n = len(np.split()) if np else 0
        rest = [t for t in toks[n:pos + 1]]
        if np and rest and all(t.lower_ in ("har", "hade", "även", "också", "nu", "redan", "dessutom") or t.i == trigger.i
                               for t in rest) and _is_org(np):
            return np
        # a second verb phrase of the same subject: "Laboratoriemedicin står inför … och har påbörjat"
        if np and head_end > n + 1 and toks[head_end - 1].lower_ == "och" and _is_org(np) \
                and not any(t.lower_ in ("som", "där", "vilket", "men") or t.is_punct for t in toks[n:head_end]):
            return np
    # V2 inversion: "Den 2 maj ingick Region Exempellän ett avtal", "I juni tilldelade regeringen …";
    # "Under våren startade Digitalt vårdcentrum, som …" names what started, not who started it
    np = _noun_phrase(doc, trigger.i + 1, sent.end)
    if np and _is_org(np) and pos > 0 and toks[0].lower_ not in ("som", "vilket", "där"):
        after = [t for t in doc[trigger.i + 1:sent.end] if not t.is_space][len(np.split()):]
        if after and not after[0].is_punct and after[0].lower_ not in ("som", "och", "vilket"):
            return np
    return None


def _subject_from_start(toks: list[Token]) -> str | None:
    """A sentence-initial noun phrase with no determiner: "Laboratoriemedicin", "Region Västerbotten"."""
    if not toks or toks[0].lower_ in DETERMINERS or not toks[0].text[:1].isupper():
        return None
    if len(toks) > 7 or any(t.is_punct and t.text not in ("-", "–") for t in toks):
        return None
    if any(t.text[:1].islower() and t.lower_ not in ("och", "i", "för", "-") and not ORG_HEAD.match(t.text) for t in toks):
        return None
    if toks[-1].lower_.endswith("s") and not ORG_HEAD.match(toks[-1].text):
        return None  # a genitive: "Basenhetens …" is not the subject
    if any(t.like_num for t in toks):
        return None
    return " ".join(t.text for t in toks).replace(" - ", "-").strip() or None


def _noun_phrase(doc: Doc, start: int, end: int) -> str | None:
    """Capitalised words (plus "i", "och", "AB") from `start`: "Region Västerbottens regionfullmäktige".

    A lowercase organisation word opening the phrase stands alone ("regeringen"
    in "tilldelade regeringen Norra sjukvårdsregionen"); lowercase adjectives
    inside a name are kept when an organisation word follows ("Luleå tekniska
    universitet").
    """
    toks = [t for t in doc[start:end] if not t.is_space]
    out: list[Token] = []
    k = 0
    while k < len(toks) and len(out) < 6:
        t = toks[k]
        if not out and not t.text[:1].isupper() and ORG_HEAD.match(t.text):
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if t.lower_.endswith("a") and nxt is not None and nxt.text[:1].islower() and ORG_HEAD.match(nxt.text):
                out += [t, nxt]  # "regionala utvecklingsnämnden"
            else:
                out.append(t)
            break
        if t.text[:1].isupper() or (out and (t.lower_ in ("ab", "i", "och") or ORG_HEAD.match(t.text))):
            out.append(t)
            k += 1
            continue
        if out and t.is_alpha and t.text[:1].islower():
            ahead = toks[k + 1:k + 3]
            j = next((n for n, a in enumerate(ahead) if ORG_HEAD.match(a.text)), None)
            if j is not None and all(a.is_alpha and a.text[:1].islower() for a in ahead[:j + 1]):
                out += [t] + ahead[:j + 1]
                k += j + 2
                continue
        break
    while out and out[-1].lower_ in ("i", "och"):
        out.pop()
    if not out:
        return None
    return " ".join(t.text for t in out)


def _is_org(phrase: str) -> bool:
    words = phrase.split()
    if not words:
        return False
    if any(ORG_HEAD.match(w) for w in words):
        return True
    # a capitalised proper name that is not a common sentence opener: "Laboratoriemedicin", "Boverket"
    return len(words) <= 4 and all(w[:1].isupper() for w in words if w.lower() not in ("i", "och"))
