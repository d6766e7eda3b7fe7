"""Header lines to column names, and the title words that lead a header or carry its columns."""
from __future__ import annotations

import re

from rapport.corpus.numbers import normalise_spaces
from .lexicon import _DIFF_HEAD, _HEADER_WORDS, _PCT_HEAD, _is_period, _known_header_word

# ====================================================================== header → columns

def _dehyphen_join(a: str, b: str) -> str:
    """Join wrapped pieces: 'utjäm-' + 'ning' → 'utjämning', 'hälso-' + 'och' → 'hälso- och'."""
    if not a:
        return b
    if not b:
        return a
    if a.endswith("-") and not a.endswith("--") and b[:1].islower() and b.split()[0] not in ("och", "eller", "samt"):
        return a[:-1] + b
    if a.endswith("--") or a.endswith("–"):
        return a + b
    return a + " " + b


def parse_header(lines: list[str]) -> list[str]:
    """Column names from header lines.

    "Utfall / 2020 / Budget / 2021 / Diff" → ["Utfall 2020", "Budget 2021", "Diff"];
    "Koncernen Koncernen Regionen Regionen" + four periods → zipped
    ["Koncernen 2021-08-31", ...]; a "Not" column is dropped (it holds note refs).
    A group line over sub-columns that recur under each group ("2022 2023" over
    "Utfall Budget Utfall Budget") names each column by both: "2022 Utfall", … .
    """
    for shape in (_two_level, _periods_under_some):
        cols = shape(lines)
        if cols is not None:
            return cols
    return _parse_flat(lines)


def _periods_under_some(lines: list[str]) -> list[str] | None:
    """Names over fewer periods ("Budget Utfall Avvikelse" over "2023 2023"): the periods
    belong to the names that are not differences or changes, which carry none."""
    for a in range(len(lines) - 1):
        upper, lower = _parse_flat([lines[a]]), normalise_spaces(lines[a + 1]).split()
        if not lower or not all(_is_period(t) for t in lower) or len(lower) >= len(upper) \
                or any(_is_period(w) for c in upper for w in c.split()):
            continue
        plain = [k for k, c in enumerate(upper) if not (_DIFF_HEAD.search(c) or _PCT_HEAD.search(c))]
        if len(plain) != len(lower):
            continue
        period = dict(zip(plain, lower))
        cols = [f"{c} {period[k]}" if k in period else c for k, c in enumerate(upper)]
        before = _parse_flat(lines[:a]) if a else []
        after = _parse_flat(lines[a + 2:]) if a + 2 < len(lines) else []
        return before + cols + after
    return None


def _two_level(lines: list[str]) -> list[str] | None:
    """Columns of a two-level header, or None when no line pair has that shape.

    The shape: a line of G group names (periods, or entity names like "Koncernen"),
    then a line of sub-column names that is G copies of the same S ≥ 2 names (a
    group spans its sub-columns, and each group has the same ones). One group
    (a lone period over names without periods) spans every sub-column. A label
    column's name may lead the sub line ("Verksamhet Utfall Budget Utfall Budget").
    Lines above the pair and below it keep their flat reading around it.
    """
    for a in range(len(lines) - 1):
        upper, lower = _parse_flat([lines[a]]), _parse_flat([lines[a + 1]])
        G, M = len(upper), len(lower)
        if not G or M < 2 * G:
            continue
        lead: list[str] = []
        if M % G and (M - 1) % G == 0 and not _known_header_word(lower[0].split()[0]):
            lead, lower, M = lower[:1], lower[1:], M - 1
        if M % G:
            continue
        S = M // G
        subs = lower[:S]
        if any(lower[g * S:(g + 1) * S] != subs for g in range(G)) or len(set(upper)) != G:
            continue
        if any(_is_period(w) for c in subs for w in c.split()) and G == 1:
            continue
        if G == 1 and (a > 0 or not all(_is_period(w) for w in upper[0].split())):
            # one group only as a period heading the whole header ("2023" over "Utfall Budget");
            # lower down, a lone period closes the column name above it ("Budget" / "2022-08")
            continue
        cols = lead + [f"{g} {s}" for g in upper for s in subs]
        before = _parse_flat(lines[:a]) if a else []
        after = _parse_flat(lines[a + 2:]) if a + 2 < len(lines) else []
        return before + cols + after
    return None


def _parse_flat(lines: list[str]) -> list[str]:
    """Column names read left to right over all header lines (one level)."""
    toks: list[str] = []
    for ln in lines:
        for t in normalise_spaces(ln).split():
            if toks and (toks[-1].endswith("--") or (toks[-1].endswith("-") and toks[-1][:1].isalpha()
                                                     and t[:1].islower())):
                toks[-1] = _dehyphen_join(toks[-1], t)
            elif toks and _is_period(t) and toks[-1].endswith("--"):
                toks[-1] += t
            else:
                toks.append(t)
    toks = [t for t in toks if t.lower().strip("()") not in ("not", "noter")]
    if not toks:
        return []
    names = [t for t in toks if not _is_period(t)]
    periods = [t for t in toks if _is_period(t)]
    first_period = next((i for i, t in enumerate(toks) if _is_period(t)), len(toks))
    # two-level header: N entity words, then N periods
    if names and len(names) == len(periods) and first_period == len(names) and len(names) > 1 \
            and all(n[:1].isupper() or _composite_header_word(n) for n in names):
        return [f"{n} {p}" for n, p in zip(names, periods)]
    cols: list[list[str]] = []
    has_period: list[bool] = []
    for t in toks:
        is_p = _is_period(t)
        if is_p:
            if cols and not has_period[-1]:
                cols[-1].append(t)
                has_period[-1] = True
            else:
                cols.append([t])
                has_period.append(True)
            continue
        low = t.lower()
        starts_new = (
            not cols or t[:1].isupper() or t in ("%",) and _PCT_HEAD.search(" ".join(cols[-1])) is None
            or t.startswith("(") and has_period[-1] and low.strip("().") != "prel"
        )
        if t == "%" and cols and (_PCT_HEAD.search(" ".join(cols[-1])) is not None or not has_period[-1]):
            starts_new = False
        if t[:1].isupper() and cols and (cols[-1][-1].endswith("-") or low in ("år",)):
            starts_new = False
        if cols and t[:1].islower() and not has_period[-1]:
            starts_new = False
        if cols and has_period[-1] and _composite_header_word(t):
            starts_new = True  # "jan–apr 2023 jan–apr 2022": a month range after a period opens a column
        if cols and cols[-1][-1].lower() in ("föregående", "ack", "ny", "jmf") and not has_period[-1]:
            starts_new = False
        if low in ("år", "helår") and cols and not has_period[-1]:
            starts_new = False
        if cols and cols[-1][-1].lower() in ("för", "av", "mot", "enligt", "i", "och", "inkl", "exkl", "inkl.",
                                             "exkl.", "efter", "före", "per"):
            starts_new = False  # "IB 2019-01-01 justerat för LKBR": a name runs on after a preposition
        if starts_new:
            cols.append([t])
            has_period.append(False)
        else:
            cols[-1].append(t)
    out = []
    for c in cols:
        s = ""
        for part in c:
            s = _dehyphen_join(s, part) if s.endswith("-") else (s + " " + part if s else part)
        out.append(s.strip())
    return out

_TEXT_COLS = {"mål", "indikator", "nämnd", "intervall", "verksamhetsområde", "bedömning", "kommentar",
              "måluppfyllelse", "status", "styrmått", "kontrollmått", "uppdrag", "nyckeltal", "verksamhet"}
_LEAD_STOP = (_HEADER_WORDS | {"totalt", "total", "summa", "t1", "t2", "t3"}) - {"not", "noter", "i", "och", "per", "år", "andel", "antal", "resultat",
                              "årets", "belopp", "mkr", "mnkr", "tkr", "kr", "%", "procent"}


_UNIT_PAREN = re.compile(r"^\((?:belopp i )?(?:mkr|mnkr|tkr|kr|mdkr|mdr|%|procent|antal|st)\)[:,]?$", re.I)
_WIDE_GAP = re.compile(r"\s{3,}|\t")


def _gap_chunks(text: str) -> list[str] | None:
    """The pieces of a line split at wide gaps (3+ spaces or a tab), when it has two or more."""
    chunks = [c.strip() for c in _WIDE_GAP.split(normalise_spaces(text).strip()) if c.strip()]
    return chunks if len(chunks) >= 2 else None


def _split_header_lead(text: str) -> tuple[str, str]:
    """The words before a header's columns, and the columns.

    'Not 4 Kortfristiga fordringar 2024-06-30 2023-12-31' → ('Not 4 Kortfristiga fordringar',
    '2024-06-30 2023-12-31'); 'Nettokostnadsramar per nämnd (mnkr) Ram 2022 Ram 2023' →
    ('Nettokostnadsramar per nämnd (mnkr)', 'Ram 2022 Ram 2023'): a note title runs to the
    first period, a title with a unit in parentheses ends there.
    """
    toks = normalise_spaces(text).split()
    first_period = next((k for k, t in enumerate(toks) if _is_period(t)), len(toks))
    unit = next((k for k, t in enumerate(toks[:first_period]) if _UNIT_PAREN.match(t)), None)
    if len(toks) >= 2 and toks[0].lower() == "not" and re.fullmatch(r"\d{1,2}", toks[1]):
        k = first_period
    elif unit is not None and 0 < unit < len(toks) - 1:
        k = unit + 1
    else:
        k = 0
        while k < len(toks) and not _is_period(toks[k]) and toks[k].lower().strip("():,.") not in _LEAD_STOP \
                and not _composite_header_word(toks[k]):
            k += 1
    lead = " ".join(toks[:k])
    if not lead or k == len(toks) or not re.search(r"[A-Za-zÅÄÖåäö]{3}", lead) \
            or lead.lower() in ("not", "noter"):
        return "", text
    return lead, " ".join(toks[k:])


def _composite_header_word(t: str) -> bool:
    """Header words joined by a dash or slash ("Jan–aug", "Prognos/budget") name a column."""
    parts = re.split(r"[-–/]", t.lower().strip("():,."))
    return len(parts) == 2 and all(p in _HEADER_WORDS for p in parts)


def _split_title_header(text: str) -> tuple[str, str] | None:
    """A title line that ends in column words: 'Resultat ack oktober (mkr) Utfall Budget Avvikelse'
    → ('Resultat ack oktober (mkr)', 'Utfall Budget Avvikelse'); None when it does not."""
    toks = normalise_spaces(text).split()
    unit = next((k for k, t in enumerate(toks) if _UNIT_PAREN.match(t)), None)
    if unit is not None and 0 < unit < len(toks) - 1 and all(
            _is_period(t) or _known_header_word(t) for t in toks[unit + 1:]):
        return " ".join(toks[: unit + 1]), " ".join(toks[unit + 1:])
    k = len(toks)
    while k > 0 and toks[k - 1][:1].isupper() and _known_header_word(toks[k - 1]):
        k -= 1
    if len(toks) - k >= 2 and k >= 1 and re.search(r"[A-Za-zÅÄÖåäö]{3}", " ".join(toks[:k])):
        return " ".join(toks[:k]), " ".join(toks[k:])
    return None
