"""Pick g0vse documents worth annotating: seeded, reproducible, by folder and topic.

Three strata, because each target class is rare in different places:
- `topic`: documents about regions and health care, finance, staffing, preparedness,
  agreements with SKR, grants, infrastructure, IT (title and text keywords);
- `risk`: topical documents dense in negative or uncertain wording, so the set holds
  enough risk statements (whole documents are labelled, so their negatives stay natural);
- `clinical`: runs of sentences around clinical "risk" vocabulary (riskgrupp, riskfaktor,
  "ökad risk för" a disease, nytta/risk of a drug, riskbedömning of patients): the hard
  negatives a risk classifier must learn to refuse.
Keywords only choose documents; every sentence of a chosen run is labelled by reading it.
Order within a stratum is a seeded hash of the file name, so the same seed gives the
same picks on any machine, and adding files never reshuffles the old ones.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from .paths import EXTRA, G0VSE, read_raw

# Folder -> share of the topic/risk strata. Consultation lists (remisser) are mostly
# addressee lists; international strategies and reviews are rarely about regions.
FOLDERS = {
    "pressmeddelanden": 0.30, "regeringsuppdrag": 0.25, "overenskommelser-och-avtal": 0.10,
    "rapporter": 0.08, "rattsliga-dokument": 0.10, "artiklar": 0.07, "debattartiklar": 0.04,
    "tal": 0.03, "informationsmaterial": 0.02, "faktapromemoria": 0.01,
}

TOPICS = {
    # "regionen" alone is as often a part of the world as a Swedish region: plural, landsting and SKR only
    "region": r"\bregioner(?:na|nas)?\b|\blandsting|\bskr\b|sveriges kommuner och (?:landsting|regioner)"
              r"|\bregion (?:stockholm|skåne|västra götaland|uppsala|norrbotten|västerbotten|jämtland|gotland"
              r"|halland|kronoberg|kalmar|blekinge|dalarna|gävleborg|värmland|örebro|sörmland|östergötland"
              r"|jönköping|västmanland|västernorrland)",
    "health": r"hälso- och sjukvård|sjukvård|primärvård|vårdcentral|väntetid|vårdköer|akutsjukvård|psykiatri"
              r"|tandvård|\bpatient|cancervård|förlossningsvård|äldreomsorg",
    "finance": r"statsbidrag|\bbudget|underskott|\bkostnad|finansier|skatteintäkt|miljon(?:er)? kronor|miljard",
    "staffing": r"kompetensförsörjning|bemanning|\bpersonal|sjukskötersk|\bläkare|arbetsmiljö|rekryter",
    "preparedness": r"beredskap|\bkris|civilt försvar|totalförsvar|pandemi|covid|smittspridning|försörjningsberedskap",
    "agreement": r"överenskommelse|\bavtal",
    "infrastructure": r"infrastruktur|järnväg|kollektivtrafik|\bvägar\b|bredband|trafikverket|elnät",
    "it": r"digitalis|\bit-|e-hälsa|cyber|informationssäkerhet|journalsystem|digital infrastruktur",
}
# Anchors: a topical document must be about regions or health care, not merely mention money.
ANCHORS = ("region", "health")
ANCHOR_PER_1000 = 0.8  # a long speech that names the regions once is not about them
# Wording that tends to come with threats; used to enrich the risk stratum, never to label.
RISKY = re.compile(r"\brisk(?:er|en|erna)?\b|riskera|osäker|\bbrist|utmaning|försämr|underskott|hot(?:et|en|ar)?\b"
                   r"|sårbar|svårt att|påfrestning|ansträngd|ökande kostnad|försen|störning|befara|oro\b|allvarlig")
# The Foreign Ministry's country reports on human rights match "sjukvård" and "kris" but are
# about other countries' states, not Swedish regions: their risk statements would teach the
# wrong domain (batch 004 held one).
OFF_TOPIC = re.compile(r"Mänskliga rättigheter, demokrati och rättsstatens principer i ")
RISKY_PER_1000 = 0.8  # about the densest tenth of topical documents

# Clinical uses of risk vocabulary: hard negatives for the risk head.
CLINICAL = re.compile(
    r"riskgrupp|riskfaktor|riskbedöm|riskpatient|ökad risk (?:för|att (?:drabbas|insjukna|dö|utveckla))"
    r"|risk(?:en)? (?:för|att) (?:insjukna|smittas|drabbas av|dö|avlida|återfall|självmord|fallskad|trycksår)"
    r"|nytta[- ]risk|risk[- ]nytta|nytta och risk|biverkning|riskbruk|riskkonsumtion|smittrisk|fallrisk"
    r"|suicidrisk|högriskgrupp|riskbeteende", re.I)


@dataclass(frozen=True)
class Pick:
    """A document (or a run of it, `near` = offsets of the hits a clinical run centres on)."""

    file: str  # relative to the shared extra/ folder: "g0vse/<folder>/<name>.txt"
    stratum: str
    folder: str
    title: str
    topics: tuple[str, ...]
    risky: int
    near: tuple[int, ...] = ()


def _key(seed: int, file: str) -> str:
    return hashlib.sha1(f"{seed}:{file}".encode()).hexdigest()


def scan(root: Path = G0VSE) -> list[dict]:
    """One record per document: folder, title, topic hits, risky-word and clinical hits."""
    out = []
    compiled = {t: re.compile(p) for t, p in TOPICS.items()}
    for folder in sorted(FOLDERS):
        for path in sorted((root / folder).glob("*.txt")):
            text = read_raw(path)
            low = text.lower()
            title = text.strip().split("\n", 1)[0][:200]
            hits = {t: len(rx.findall(low)) for t, rx in compiled.items()}
            title_hits = [t for t, rx in compiled.items() if rx.search(title.lower())]
            out.append({"file": str(path.relative_to(EXTRA)), "folder": folder, "title": title,
                        "chars": len(text), "hits": hits, "title_hits": title_hits,
                        "risky": len(RISKY.findall(low)),
                        "clinical": [m.start() for m in CLINICAL.finditer(text)],
                        "head": hashlib.sha1(re.sub(r"\W+", "", low)[:600].encode()).hexdigest()})
    return out


def _topical(rec: dict) -> tuple[str, ...]:
    """The topics a document is about: in its title, or repeatedly in its text beside an anchor."""
    hits = rec["hits"]
    dense = sum(hits[a] for a in ANCHORS) * 1000 / rec["chars"] >= ANCHOR_PER_1000
    anchored = (dense and sum(hits[a] for a in ANCHORS) >= 3) or any(a in rec["title_hits"] for a in ANCHORS)
    if not anchored:
        return ()
    return tuple(t for t in TOPICS if t in rec["title_hits"] or hits[t] >= 2)


def select(records: list[dict], seed: int = 11) -> list[Pick]:
    """Every eligible pick, ordered for export: strata interleaved, folders by their share."""
    seen_heads, by_stratum = set(), {"topic": [], "risk": [], "clinical": []}
    for rec in sorted(records, key=lambda r: _key(seed, r["file"])):
        if rec["head"] in seen_heads or rec["chars"] < 300 or OFF_TOPIC.match(rec["title"]):
            continue  # the same text published twice, a stub, or a country report on another continent
        seen_heads.add(rec["head"])
        topics = _topical(rec)
        base = dict(file=rec["file"], folder=rec["folder"], title=rec["title"], topics=topics, risky=rec["risky"])
        if rec["clinical"]:
            by_stratum["clinical"].append(Pick(stratum="clinical", near=tuple(rec["clinical"][:3]), **base))
        elif topics and rec["risky"] >= 2 and rec["risky"] * 1000 / rec["chars"] >= RISKY_PER_1000:
            by_stratum["risk"].append(Pick(stratum="risk", **base))
        elif topics:
            by_stratum["topic"].append(Pick(stratum="topic", **base))
    ordered = {s: _by_folder_share(picks) for s, picks in by_stratum.items()}
    return _interleave(ordered, {"topic": 5, "risk": 4, "clinical": 2})


def _by_folder_share(picks: list[Pick]) -> list[Pick]:
    """Round robin over folders weighted by FOLDERS, so no folder floods the front of the list."""
    queues = {f: [p for p in picks if p.folder == f] for f in FOLDERS}
    credit = dict.fromkeys(FOLDERS, 0.0)
    out = []
    while any(queues.values()):
        for f in FOLDERS:
            credit[f] += FOLDERS[f]
        f = max((f for f in FOLDERS if queues[f]), key=lambda f: credit[f])
        credit[f] -= 1.0
        out.append(queues[f].pop(0))
    return out


def _interleave(streams: dict[str, list[Pick]], weights: dict[str, int]) -> list[Pick]:
    out, pos = [], dict.fromkeys(streams, 0)
    while any(pos[s] < len(streams[s]) for s in streams):
        for s, w in weights.items():
            out += streams[s][pos[s]:pos[s] + w]
            pos[s] += w
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", type=Path, help="write the ordered picks as JSON lines (default: stdout summary)")
    args = ap.parse_args(argv)
    if not G0VSE.is_dir():
        print(f"{G0VSE}: g0vse folder not found (set RAPPORT_SHARED)", file=sys.stderr)
        return 2
    picks = select(scan(), args.seed)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)  # a fresh machine has no work folder yet
        args.out.write_text("".join(json.dumps(asdict(p), ensure_ascii=False) + "\n" for p in picks), encoding="utf-8")
    counts = {}
    for p in picks:
        counts[(p.stratum, p.folder)] = counts.get((p.stratum, p.folder), 0) + 1
    for (s, f), n in sorted(counts.items()):
        print(f"{s:9} {f:28} {n}")
    print(f"{len(picks)} picks")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
