"""Long label strings are stored as offsets into the source, never as copied text.

A goal name, a target or an actor is usually a phrase of the sentence or of a
heading. Before a label enters the repo, every such string of LONG words or more that
can be found in the source file becomes `{"at": [start, end]}`. `resolve` turns it back
into the text when the dataset is read. Standard library only: the dataset loader uses it.
Quotes are found the way the scorer matches evidence: case and whitespace are
ignored, and line-break hyphens are joined.
"""
from __future__ import annotations

import re

LONG = 5  # words; the repo must never hold a run of 8 words copied from a source
FIELDS = {"goals": ("goal", "assessor"), "targets": ("goal", "target"), "events": ("actor",),
          "aggregate": ("scope",)}


def norm_with_map(text: str) -> tuple[str, list[int]]:
    """Lower-cased text, with each whitespace run as one space and '-⏎' word joins removed.
    Also returns, for each normalised character, the offset it came from."""
    out, where, i, n = [], [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "-" and i + 1 < n and text[i + 1] in "\n\r" and i > 0 and text[i - 1].isalpha():
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j].islower():
                i = j
                continue
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                where.append(i)
            i += 1
            continue
        out.append(ch.lower())
        where.append(i)
        i += 1
    return "".join(out), where


def locate(text: str, quote: str, norm: tuple[str, list[int]] | None = None,
           near: int | None = None) -> tuple[int, int] | None:
    """The [start, end) of `quote` in `text` under the scorer's normalisation, or None.
    With `near`, the occurrence closest to that offset."""
    hay, where = norm or norm_with_map(text)
    # "hälso-⏎och" is a list of compounds, not a hyphenated word, so try the quote both ways
    for variant in (quote.strip(), re.sub(r"-\s*\n\s*", "- ", quote.strip())):
        needle = norm_with_map(variant)[0].strip()
        if not needle:
            return None
        hits = [m.start() for m in re.finditer(re.escape(needle), hay)]
        if hits:
            k = min(hits, key=lambda h: abs(where[h] - near)) if near is not None else hits[0]
            return where[k], where[k + len(needle) - 1] + 1
    return None


def anchor(labels: dict, raw: str, near: int, norm=None) -> dict:
    """`labels` with every long string field that occurs in `raw` replaced by its offsets."""
    norm = norm or norm_with_map(raw)

    def fix(value):
        if isinstance(value, str) and len(value.split()) >= LONG:
            span = locate(raw, value, norm, near)
            if span:
                return {"at": list(span)}
        return value

    out = dict(labels)
    for key, fields in FIELDS.items():
        if key not in out:
            continue
        items = out[key] if isinstance(out[key], list) else [out[key]]
        items = [{k: (fix(v) if k in fields else v) for k, v in it.items()} for it in items]
        out[key] = items if isinstance(out[key], list) else items[0]
    return out


def resolve(labels: dict, raw: str) -> dict:
    """The inverse of `anchor`: offsets back to (whitespace-collapsed) text."""
    def back(value):
        if isinstance(value, dict) and "at" in value:
            a, b = value["at"]
            return re.sub(r"\s+", " ", re.sub(r"(?<=[a-zåäö])-\s*\n\s*(?=[a-zåäö])", "", raw[a:b])).strip()
        return value

    out = dict(labels)
    for key in FIELDS:
        if key not in out:
            continue
        items = out[key] if isinstance(out[key], list) else [out[key]]
        items = [{k: back(v) for k, v in it.items()} for it in items]
        out[key] = items if isinstance(out[key], list) else items[0]
    return out


def drop_unanchored(labels: dict) -> dict:
    """`labels` with long strings that could not be anchored set to None. Used for dev 000,
    whose gold composes goal names from several places of the report: they cannot be cited
    by one span, and they must not be copied."""
    out = dict(labels)
    for key, fields in FIELDS.items():
        if key not in out:
            continue
        items = out[key] if isinstance(out[key], list) else [out[key]]
        items = [{k: (None if k in fields and isinstance(v, str) and len(v.split()) >= LONG else v)
                  for k, v in it.items()} for it in items]
        out[key] = items if isinstance(out[key], list) else items[0]
    return out


def unanchored(labels: dict) -> list[str]:
    """Long strings left as text (not found in the source): the importer refuses them."""
    bad = []
    for key, fields in FIELDS.items():
        items = labels.get(key) or []
        for it in items if isinstance(items, list) else [items]:
            bad += [f"{key}.{k}: {len(it[k].split())} words not found in the source; quote the source or shorten it"
                    for k in fields if isinstance(it.get(k), str) and len(it[k].split()) >= 8]
    return bad
