"""rapport_events: what happened in the period, typed, dated and with its actor.

A sentence is an event when it holds a trigger verb from
models/patterns/events.jsonl ("startade", "har fastställts", "tecknade",
"investerat", "stängd", "bildats", …) in a past, perfect or participle form,
not under a modal or future auxiliary ("ska", "kommer att", "planeras") nor
negated ("har inte kunnat genomföras"). The type is the trigger's, unless the
verb is generic ("genomförts", "tagits fram") and a noun in the sentence says
more ("avtal" → agreement, "organisationsförändring" → organisational_change).

The date is the date expression nearest the trigger (pipeline.dates),
resolved against the report period; dates that only say when something will
take effect ("fr.o.m. 2022" after the verb) are not the event's date. The
actor is the organisation that acts: the subject before an active verb, the
one right after it in a V2 inversion ("Den 1 juni ingick Region X …"), or
the agent of a passive ("… beslutats av regionfullmäktige").

What is not an event, by class rather than by sentence: a participle used as
an adjective ("påbörjad behandling", "Inställda flygavgångar", "prioriterade
och beslutade verksamheter"); a generic verb that only says how an ongoing
activity ran ("har genomförts digitalt", "på ett anpassat sätt", "är
anpassade utifrån"); "göra" without an event noun and "har gjort att"
(caused); an active "skapa" with an abstract object ("har skapat oro");
background on the steering framework ("har fastställt tolv strategiska mål"
with no date); the document speaking of itself ("Planen har tagits fram",
"Fastställd av regionfullmäktige 2022-11-22"); goal assessments ("bedömningen
är att …"); and subordinate background ("efter att budget beslutats").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from rapport.corpus.months import FULL_MONTHS

from ..dates import MONTH, find_dates
from ..heads import candidate_features, event_features, run_heads
from ..records import MAX_EVIDENCE, Event, EventType
from rapport.corpus.prose import FUNCTION_WORDS
from ..spans import carrier, document, evidence, taken_offsets
from .patterned import PatternComponent

PERCENT = re.compile(r"\d\s*(?:%|procent\b)", re.I)
MODALS = frozenset({"ska", "skall", "kommer", "planeras", "planerar", "planerat", "avses", "avser", "beräknas", "bör",
                    "kan", "kunna", "kunnat", "kunde", "skulle", "behöver", "behövt", "måste", "vill", "borde",
                    "föreslås", "föreslår", "förväntas", "väntas", "tros", "ämnar", "hoppas", "får", "fått", "syftar",
                    "avsikten", "målet", "målsättningen", "ambitionen", "önskar", "bedöms"})
NEGATIONS = frozenset({"inte", "ej", "icke", "aldrig", "ingen", "inget", "inga"})
STRONG_PAST = frozenset({"ingick", "ingicks", "tog", "togs", "gav", "gavs", "antog", "antogs", "blev", "drog", "drogs",
                         "bröt", "bröts", "sköt", "sköts", "gick", "fick", "sattes", "satte", "slog", "slogs", "lade",
                         "lades", "la", "avbröt", "avbröts", "utsåg", "utsågs", "beslöt", "beslöts", "invigdes",
                         "undertecknades", "tillträdde", "inleddes", "inledde", "ställdes", "var", "hölls", "höll",
                         "fanns", "kom", "såg", "flyttade", "stängde", "stängdes", "bytte", "byttes"})
PAST_ENDINGS = ("ade", "ades", "de", "des", "te", "tes", "dde", "ddes", "tt", "tts", "at", "ats", "it", "its", "ts",
                "t", "d", "da", "ta", "dd", "dda", "en", "na", "ad", "ats", "ad")
# generic verbs: a noun cue in the sentence decides the type ("ett avtal har tagits fram" is an agreement)
GENERIC = frozenset({"göra", "genomföra", "ta_fram", "framtagen", "skapa", "anpassa", "ändra", "leverera", "utbilda",
                     "leverera_klart", "delta", "bygga", "utvärdera", "etablera", "införa", "prioritera",
                     "tvingas", "drabba", "ta_emot_första"})
NEEDS_NOUN = {"drabba": "incident", "tvingas": None, "leverera_klart": None}
ORG_HEAD = re.compile(
    r"(?i)^(region\w*|landsting\w*|\w*nämnd(en|erna)?|\w*styrelse(n)?|\w*fullmäktige|regering(en)?|\w*verket|"
    r"\w*myndighet(en)?|länsstyrelse(n)?|kommun(en|erna)?|\w*förbund(et)?|\w*universitet(et)?|\w*centrum|"
    r"\w*förvaltning(en)?|\w*sjukhus(et)?|\w*lasarett(et)?|\w*klinik(en)?|\w*mottagning(en)?|akuten|ab|"
    r"bolag(et)?|\w*division(en)?|\w*medicin|\w*enhet(en)?|\w*kansli(et)?|\w*råd(et)?|\w*kommission(en)?|"
    r"\w*direktör(en)?|\w*museum|museet|\w*teatern|\w*operan|skr|inera|\w*institut(et)?|\w*stab(en)?|"
    r"\w*avdelning(en)?|\w*hälsocentral(en)?|\w*vårdcentral(en)?|\w*tandvård(en)?|\w*service|"
    r"\w*samverkan|almi|trafikverket|\w*trafiken|norrtåg|\w*operan)$")
ATTRIBUTIVE_BEFORE = frozenset({"totalt", "en", "ett", "den", "det", "de", "denna", "detta", "dessa", "efter", "med", "av", "om",
                                "för", "på", "till", "vid", "genom", "mot", "inom", "utan", "nya", "ny", "nytt",
                                "respektive", "utifrån", "enligt", "dess", "sin", "sitt", "sina", "vår", "vårt", "våra",
                                "deras", "hans", "hennes", "redan", "tidigare", "nyligen", "nu", "politiskt", "antal",
                                "antalet", "andel", "andelen", "samtliga", "alla"})
# words after a participle that show it is a verb, not an adjective before a noun
NOT_NOUN = frozenset({"i", "på", "av", "till", "för", "med", "om", "under", "vid", "från", "och", "som", "att", "den",
                      "det", "de", "en", "ett", "sin", "sitt", "sina", "upp", "in", "ut", "ned", "ner", "över", "fram",
                      "bort", "igång", "även", "också", "nu", "redan", "inte", "ej", "enligt", "efter", "mellan",
                      "inom", "genom", "hos", "mot", "samt", "eller", "men", "så", "då", "där", "här", "tillsammans",
                      "helt", "delvis", "sedan", "ytterligare", "totalt", "bland", "dock", "därför", "alla", "flera"})
PARTICIPLE = ("d", "da", "de", "t", "ta", "te", "na", "en", "ad", "ade")
# participle forms that are never a finite verb: before a noun they are adjectives whatever precedes them
PARTICIPLE_ONLY = ("d", "da", "na", "ad", "dda")
# plural participles that may also be a finite past ("beslutade"): adjectives when coordinated with another
PLURAL_PARTICIPLE = ("ade", "da", "na", "de", "te", "ta")
# a generic verb followed by one of these says how an ongoing activity ran, not that something happened
MANNER = re.compile(r"(?i)^\s*(?:\w+\s+){0,1}(?:digitalt|på\s+distans|enligt\s+(?:plan|planen|planering)|"
                    r"på\s+(?:ett|olika)\s+(?:\w+\s+){0,2}(?:sätt|vis)|i\s+(?:stor|större|begränsad|mindre|"
                    r"liten|viss|full)\s+(?:omfattning|utsträckning)|till\s+(?:stora|största)\s+del(?:en|ar)?|"
                    r"som\s+planerat|löpande|kontinuerligt|regelbundet)")
# the report's steering framework: deciding on goals is background, not news, unless dated
FRAMEWORK = re.compile(r"(?i)^(?:\w*mål(?:en|et)?|målområden(?:a)?|vision(?:en)?|indikatorer(?:na)?|"
                       r"perspektiv(?:en)?|fokusområden(?:a)?|målbild(?:en)?)$")
SELF_REFERENCE = re.compile(r"(?i)^\s*(?:planen|rapporten|dokumentet|denna\s+(?:plan|rapport)|detta\s+dokument|"
                            r"föreliggande\s+\w+)\b")
ASSESSMENT = re.compile(r"(?i)\bbedömning(?:en)?\s+(?:är|av)\b|\bmålet\s+(?:\w+\s+){0,3}"
                        r"(?:uppnått|uppfyllt|nåtts|uppnåtts|uppfyllts)\b")
SUBORDINATE = frozenset({("efter", "att"), ("innan",), ("förrän",)})
HEADLINE = re.compile(r"^\s*[•\-–*]")
COMPARISON = re.compile(r"(?i)\bjämfört\s+med\b|\bjämförelse\s+med\b")
DETERMINERS = frozenset({"av", "om", "med", "till", "utifrån", "enligt", "inför", "trots", "en", "ett", "den", "det", "de", "denna", "detta", "dessa", "flera", "samtliga", "några",
                         "många", "alla", "vissa", "nya", "ny", "nytt", "hela", "andra", "ytterligare", "under",
                         "i", "vid", "efter", "inom", "på", "för", "genom", "sedan", "från", "som", "när", "då",
                         "även", "dessutom", "hittills", "nu", "här", "där", "totalt", "bland", "vilket", "varav"})


@dataclass(frozen=True, slots=True)
class Trigger:
    token: Token
    row: dict

    @property
    def type(self) -> EventType:
        return EventType(self.row["label"])


@Language.factory(
    "rapport_events",
    requires=["doc._.document", "token.lemma"],
    assigns=["doc.spans"],
    default_config={"spans_key": "events", "patterns": "events.jsonl", "runon_chars": 2000, "table_prose": True,
                    "overwrite": True, "heads": "", "label_head": True},
)
def make_events(nlp: Language, name: str, spans_key: str, patterns: str, runon_chars: int, table_prose: bool,
                overwrite: bool, heads: str, label_head: bool):
    return EventFinder(nlp, name, spans_key=spans_key, patterns=patterns, runon_chars=runon_chars,
                       table_prose=table_prose, overwrite=overwrite, heads=heads, label_head=label_head)


class EventFinder(PatternComponent):
    CFG_KEYS = PatternComponent.CFG_KEYS + ("label_head",)

    def __init__(self, nlp: Language, name: str, *, label_head: bool = True, **settings):
        self.label_head = label_head
        super().__init__(nlp, name, **settings)

    @staticmethod
    def _required(row: dict) -> bool:
        return row["kind"] == "verb"

    def __call__(self, doc: Doc) -> Doc:
        d = document(doc)
        spans = []
        taken = taken_offsets(doc)
        period = reference_period(d.meta)
        for sent, token, etype in self.find(doc):
            ev = evidence(doc, sent.start_char, sent.end_char)
            date = event_date(sent, token, period) or context_date(d, sent, period)
            if verb_form(token) == "present" and re.fullmatch(r"\d{4}-\d{2}", d.meta.period or ""):
                date = d.meta.period  # "håller nu på att avvecklas": happening as the report is written
            fact = Event(**ev, date=date, type=etype, actor=actor(sent, token, d.meta.region))
            out = carrier(doc, sent.start, sent.end, etype.value, taken)
            if out is None:
                continue
            out._.fact = fact
            spans.append(out)
        return self._store(doc, spans)

    def find(self, doc: Doc) -> list[tuple[Span, Token, EventType]]:
        """(sentence, trigger token, type) of each event: by the trigger rules, or by the heads when loaded.

        The date and the actor are always read by rules around the trigger; a sentence the
        head accepts without a listed trigger verb gets its first verb-like word as one."""
        heads = self.loaded_heads()
        cands, buckets = self.candidates(doc, heads is not None)
        sents = [s for s, _ in cands]
        judged = [self.judge(sent, buckets.get(i, [])) for i, sent in enumerate(sents)]
        if heads is None:
            return [(sent, j[0].token, j[1]) for sent, j in zip(sents, judged) if j is not None]
        feats = candidate_features(document(doc), cands, [event_features(j, buckets.get(i, []), sents[i])
                                                          for i, j in enumerate(judged)])
        out = []
        for i, _, labels in run_heads(doc, heads, "event", [s.text for s in sents], feats,
                                      [j is not None for j in judged], [False] * len(sents), encoder=self.encoder):
            j, label = judged[i], labels.get("event_label")
            token = j[0].token if j is not None else _verb_like(sents[i], buckets.get(i, []))
            # label_head off: the rules' type where a trigger rule judged the sentence, the head's elsewhere
            kind = EventType(label) if label and (self.label_head or j is None) else (j[1] if j else EventType.OTHER)
            out.append((sents[i], token, kind))
        return out

    def judge(self, sent: Span, matches) -> tuple[Trigger, EventType] | None:
        """The sentence's main trigger and the event type, or None when nothing happened."""
        if len(sent.text) > MAX_EVIDENCE or _background(sent):
            return None
        verbs: list[Trigger] = []
        nouns: dict[str, float] = {}
        for row, a, b in matches:
            if row["kind"] == "noun":
                nouns[row["label"]] = max(nouns.get(row["label"], 0.0), row["priority"])
        for row, a, b in matches:
            if row["kind"] == "noun":
                continue
            toks = [t for t in sent.doc[a:b] if not t.is_space]
            tok = toks[row.get("verb", 0)]
            if happened(tok, sent, row) and _fits(row, tok, toks[-1], sent, nouns):
                verbs.append(Trigger(tok, row))
        if not verbs:
            return None
        if PERCENT.search(sent.text) or COMPARISON.search(sent.text):
            # "39 procent har genomfört ett hälsosamtal", "fler besök genomförts jämfört med 2020": statistics
            verbs = [v for v in verbs if v.row["id"] not in GENERIC]
            if not verbs:
                return None
        specific = [v for v in verbs if v.row["id"] not in GENERIC]
        pool = specific or verbs
        best = max(pool, key=lambda v: (v.row["priority"], -v.token.i))
        if best.row["id"] in NEEDS_NOUN:
            need = NEEDS_NOUN[best.row["id"]]
            if need is None or need not in nouns:
                others = [v for v in verbs if v.row["id"] not in NEEDS_NOUN]
                if not others:
                    return None
                best = max(others, key=lambda v: (v.row["priority"], -v.token.i))
        if all(v.type == EventType.DECISION for v in verbs) and _framework(sent, best.token):
            return None  # "Regionfullmäktige har fastställt tolv strategiska mål": the plan's frame, not news
        etype = best.type
        if nouns and (best.row["id"] in GENERIC or best.row["priority"] < 1.5):
            label, prio = max(nouns.items(), key=lambda kv: kv[1])
            if prio >= best.row["priority"] or best.row["id"] in GENERIC:
                etype = EventType(label)
        if etype == EventType.DECISION and any(row["label"] == "investment" for row, _, _ in matches):
            etype = EventType.INVESTMENT  # "beslutade att investera 180 mnkr i …": the decision is an investment
        if best.row.get("object_types"):
            etype = _by_object(best, sent) or etype
        return best, etype


def _verb_like(sent: Span, matches) -> Token:
    """A stand-in trigger for a sentence the head accepted: a listed verb, else the first past form."""
    for row, a, _ in sorted(matches, key=lambda m: m[1]):
        if row["kind"] == "verb":
            return sent.doc[a]
    words = [t for t in sent if t.is_alpha]
    return next((t for t in words if verb_form(t) == "past" and t.lower_ not in FUNCTION_WORDS),
                next((t for t in words if t.lower_ not in FUNCTION_WORDS), sent[0]))


def _by_object(trigger: Trigger, sent: Span) -> EventType | None:
    """A type chosen by the object after the trigger phrase: "tog över driften" is organisational."""
    after = [t.lower_ for t in trigger.token.doc[trigger.token.i + 1:min(sent.end, trigger.token.i + 9)]
             if t.is_alpha]
    for label, pattern in trigger.row["object_types"].items():
        if any(re.match(pattern, w) for w in after):
            return EventType(label)
    return None


def _background(sent: Span) -> bool:
    """Sentences of a class that never reports a happening (see the module docstring)."""
    text = sent.text
    if SELF_REFERENCE.match(text) or ASSESSMENT.search(text):
        return True
    toks = [t for t in sent if not t.is_space and not t.is_punct]
    # "Fastställd av regionfullmäktige 2022-11-22": a caption on the document, no subject
    return (2 <= len(toks) <= 8 and toks[0].text[:1].isupper() and toks[1].lower_ == "av"
            and toks[0].lower_.endswith(("d", "t", "en", "na", "da")) and toks[0].lemma_.endswith("a")
            and not any(t.lower_ in CLAUSE_VERBS for t in toks))


def _framework(sent: Span, trigger: Token) -> bool:
    """A decision on goals, vision or indicators with no date of its own."""
    doc = trigger.doc
    near = [t for t in doc[max(sent.start, trigger.i - 6):min(sent.end, trigger.i + 7)] if t.is_alpha]
    if not any(FRAMEWORK.match(t.lower_) for t in near):
        return False
    return not find_dates(sent.text, "2000")


def _text(doc: Doc) -> str:
    """The document text (cheap; Doc.text rebuilds it), or the Doc's own for a bare sentence Doc."""
    d = doc._.document
    return d.text if d is not None else doc.text


def _fits(row: dict, tok: Token, last: Token, sent: Span, nouns: dict[str, float]) -> bool:
    """The trigger row's own conditions, and the generic-verb tests (manner, state)."""
    doc = tok.doc
    nxt = next((t for t in doc[last.i + 1:sent.end] if not t.is_space), None)
    if nxt is not None and nxt.lower_ in row.get("not_followed_by", ()):
        return False  # "byggt på samråd", "har gjort att", "antagna till utbildningen"
    if row.get("requires_noun") and not nouns:
        return False  # "har gjort ett gott arbete": no event noun, no event
    if row.get("requires_date") and not find_dates(sent.text, "2000"):
        return False
    if row.get("no_copula") and _after_be(tok):
        return False  # "har varit öppna": a state, not an opening
    if row.get("verbless") and (any(t.lower_ in CLAUSE_VERBS | {"finns", "hålls", "blir"} for t in sent)
                                or (sent.text.rstrip().endswith((".", "!", "?")) and not HEADLINE.match(sent.text))):
        return False  # "Ny utrustning i drift vid …" is a headline event; "är i drift" is a state
    if row.get("passive_only") and not (tok.lower_.endswith("s") or _after_be(tok)):
        return False  # "har skapat oro", "har skapat förutsättningar": a cause, not a creation
    if row["id"] in GENERIC:
        tail = _text(doc)[last.idx + len(last.text):min(sent.end_char, last.idx + len(last.text) + 60)]
        if MANNER.match(tail):
            return False  # "har genomförts digitalt", "på ett pandemianpassat sätt": how it ran, not news
        prev = [t.lower_ for t in doc[max(sent.start, tok.i - 3):tok.i] if t.is_alpha]
        if prev and prev[-1] in ("är", "var") and "nu" not in prev and not find_dates(sent.text, "2000"):
            return False  # "är anpassade utifrån ett barnrättsperspektiv": a state
    return True


def verb_form(token: Token) -> str:
    """past (incl. supine and participle), present, or base: judged from the surface form."""
    form = token.lower_
    lemma = token.lemma_.lower()
    if form in STRONG_PAST:
        return "past"
    if form.endswith(("ande", "ende", "andet", "bar", "bart", "bara", "ning", "ningen")):
        return "base"  # "färdigställande", "genomförbart", "antagande": nouns and adjectives, not verbs
    if form == lemma and form.endswith(("a", "å")):
        return "base"
    if lemma.endswith("a") and form == lemma[:-1]:
        return "base"  # "en trygg start", "ett test": the verb's bare stem is a noun, not a supine
    if form.endswith("ts") and lemma.endswith("a") and form[:-1] == lemma[:-1] and _known(form[:-1] + "er"):
        return "present"  # "ersätts", "mäts" (ersätter, mäter): a present passive, not a supine like "bytts"
    if form.endswith(PAST_ENDINGS):
        return "past"
    if form.endswith(("r", "s")):
        return "present"
    return "base"


@lru_cache(maxsize=20_000)
def _known(word: str) -> bool:
    from rapport.models.lemmas import is_known

    return is_known(word, "sv")


def happened(token: Token, sent: Span, row: dict | None = None) -> bool:
    """A past/perfect/participle trigger not governed by a modal, a future or a negation."""
    form = "past" if row is not None and row.get("state") else verb_form(token)
    raw = [t for t in token.doc[max(sent.start, token.i - 5):token.i] if not t.is_space]
    left, clause = raw, None
    # stop the look-back at a clause mark: "… beslutat, men kommer att …" concerns what follows
    for k in range(len(raw) - 1, -1, -1):
        if raw[k].is_punct or raw[k].lower_ in ("och", "men", "samt", "som", "vilket", "där"):
            left, clause = raw[k + 1:], raw[k].lower_
            break
    words = {t.lower_ for t in left}
    if form == "past" and _attributive(token, raw, sent):
        return False  # "efter avslutad upphandling", "Basenhetens tilldelade budget": an adjective
    if clause == "som" and _relative(left) and not _dated_after(token, sent):
        return False  # "de mål som fullmäktige har beslutat": background, unless dated ("som genomfördes 2019")
    if words & NEGATIONS:
        return False
    if words & MODALS:
        return False
    if form == "past" and _reduced_relative(token, raw, sent):
        return False  # "en stiftelse bildad 1986", "I finanspolicyn beslutad av fullmäktige … finns": background
    lows = [t.lower_ for t in left]
    if any(tuple(lows[i:i + len(k)]) == k for k in SUBORDINATE for i in range(len(lows))):
        return False  # "efter att budget beslutats", "innan nedgången påbörjades": background to the main clause
    if lows and lows[-1] in ("blir", "bli"):
        return False  # "blir etablerade": a future state
    if form == "past":
        return True
    if form == "present" and (row is None or row["id"] not in GENERIC):
        # "håller nu på att avvecklas", "är nu under avveckling": ongoing in the period
        before = " ".join(t.lower_ for t in token.doc[max(sent.start, token.i - 4):token.i])
        return bool(re.search(r"\b(håller\s+(nu\s+)?på\s+att|nu)\b", before))
    return False


FINITE = frozenset({"är", "var", "finns", "fanns", "har", "hade", "ingår", "utgör", "gäller", "innebär", "ligger"})


def _reduced_relative(token: Token, raw: list[Token], sent: Span) -> bool:
    """A never-finite participle right after a noun while another finite verb carries the sentence.

    "Norrbottens Forskningsråd är en stiftelse bildad 1986" describes the
    foundation; a headline without a finite verb ("Mottagningen i Byn stängd
    17–28 oktober") still reports the closure.
    """
    if not token.lower_.endswith(PARTICIPLE_ONLY) or not raw:
        return False
    prev = raw[-1]
    if not prev.is_alpha or prev.lower_ in AUX | COPULA | FUNCTION_WORDS | {"nu", "redan", "helt", "delvis"}:
        return False
    words = [t for t in sent if not t.is_space]
    before = [k for k, t in enumerate(words) if t.i < token.i and t.lower_ in FINITE | AUX]
    if before:
        # "är en stiftelse bildad 1986" modifies the noun; "var mottagningen i Byn nattstängd" is predicative
        k = before[-1]
        return k + 1 < len(words) and words[k + 1].lower_ in ("en", "ett")
    return any(t.lower_ in FINITE for t in words if t.i > token.i)


def _attributive(token: Token, raw: list[Token], sent: Span) -> bool:
    """A participle used as an adjective before a noun.

    Forms that are never finite ("påbörjad", "inställda", "framtagna") are
    adjectives before any noun; forms that may be a finite past ("beslutade",
    "tilldelade") only after a determiner, preposition or genitive, at the
    start of the sentence, or coordinated with another adjective
    ("prioriterade och beslutade verksamheter").
    """
    low = token.lower_
    if not low.endswith(PARTICIPLE) or low in STRONG_PAST:
        return False
    nxt = next((t for t in token.doc[token.i + 1:sent.end] if not t.is_space), None)
    if nxt is not None and nxt.lower_ in ("och", "eller") and low.endswith(PLURAL_PARTICIPLE):
        # "beslutade och planerade investeringar": the first of two coordinated adjectives
        after = [t for t in token.doc[nxt.i + 1:min(sent.end, nxt.i + 3)] if not t.is_space]
        if len(after) == 2 and after[0].lower_.endswith(PLURAL_PARTICIPLE) and after[1].is_alpha \
                and after[1].text[:1].islower() and after[1].lower_ not in NOT_NOUN:
            return True
    if nxt is None or not nxt.is_alpha or not nxt.text[:1].islower() or nxt.lower_ in NOT_NOUN \
            or nxt.lower_ in FULL_MONTHS or nxt.lower_ in ("vecka", "veckorna", "hela", "större", "stora"):
        return False
    prev = raw[-1] if raw else None
    if prev is not None and prev.lower_ in AUX | COPULA | {"nu", "redan", "även", "också", "sedan", "bland", "annat",
                                                           "helt", "delvis", "tillfälligt"}:
        return False  # "har avslutat projektet", "är nu stängd": a verb after its auxiliary
    if low.endswith(PARTICIPLE_ONLY):
        return True
    if prev is None:
        return True  # "Ändrade regler för …" opening the sentence
    p = prev.lower_
    if p in ATTRIBUTIVE_BEFORE:
        return True
    if any(t.lower_ == "av" for t in raw[-4:]) and any(t.lower_ in ("den", "det", "de", "en", "ett") for t in raw[-7:-1]):
        return True  # "den av nämnden beslutade planen", "den av pandemin skapade vårdskulden"
    if p in ("och", "eller", "samt") and len(raw) > 1 and low.endswith(PLURAL_PARTICIPLE) \
            and raw[-2].lower_.endswith(PLURAL_PARTICIPLE) and raw[-2].is_alpha:
        return True
    genitive = (len(p) > 3 and p.endswith("s") and p not in FULL_MONTHS
                and p not in ("har", "vars", "fortfarande", "redan", "dess", "sedermera", "därefter", "dessutom"))
    return genitive and prev.is_alpha


AUX = frozenset({"har", "hade", "är", "var", "blev", "blivit", "varit", "ha"})
COPULA = frozenset({"vara", "bli", "blir", "hålla", "håller", "höll", "hållit", "hålls", "hölls", "förblev"})
CLAUSE_VERBS = AUX | {"ska", "skall", "kan", "kunde", "finns", "fanns", "kommer", "bedrivs", "ingår", "utgör"}


def _relative(between: list[Token]) -> bool:
    """Whether the words after "som" still belong to its relative clause when the trigger comes.

    "som fullmäktige har beslutat" is; in "som tidigare varit enhet har förnyat" the relative
    clause closed at "varit" and the trigger belongs to the main clause. "som nu är
    färdigställt" reports a completion of the period.
    """
    words = [t.lower_ for t in between]
    if "nu" in words:
        return False
    inner = words[:-1] if words and words[-1] in AUX else words
    return not any(w in CLAUSE_VERBS for w in inner)


def _dated_after(token: Token, sent: Span) -> bool:
    end = token.idx + len(token.text)
    tail = _text(token.doc)[end:min(sent.end_char, end + 40)]  # Doc.text would rebuild the whole text
    return any(d.start < 12 for d in find_dates(tail, "2000"))


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
        form.endswith(("d", "da", "t", "en", "na")) and _after_be(trigger))
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
    # V2 inversion: "Den 1 juni ingick Region Västerbotten ett handslag", "I juni tilldelade regeringen …";
    # "Under våren startade Digitalt vårdcentrum, som …" names what started, not who started it
    np = _noun_phrase(doc, trigger.i + 1, sent.end)
    if np and _is_org(np) and pos > 0 and toks[0].lower_ not in ("som", "vilket", "där"):
        after = [t for t in doc[trigger.i + 1:sent.end] if not t.is_space][len(np.split()):]
        if after and not after[0].is_punct and after[0].lower_ not in ("som", "och", "vilket"):
            return np
    return None


def _after_be(trigger: Token) -> bool:
    prev = [t for t in trigger.doc[max(0, trigger.i - 3):trigger.i] if not t.is_space]
    return any(t.lower_ in ("är", "var", "blev", "blivit", "varit", "vara") for t in prev)


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
