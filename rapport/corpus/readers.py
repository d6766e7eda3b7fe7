"""Turn a report file into raw text plus page spans, or a ReadError that says why.

Encoding is detected, not guessed: UTF-8 (with or without BOM) first, because
it is what modern dumps are and it fails loudly on anything else; then
charset-normalizer, accepted only when it is confident, so cp1252/latin-1
dumps of Swedish text read right and binary junk is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .records import ReadError

MAX_BYTES = 40 * 1024 * 1024  # a 200-page report as text is < 1 MB; as PDF rarely > 30 MB
SUFFIXES = (".txt", ".pdf")


@dataclass(frozen=True, slots=True)
class RawText:
    text: str
    page_starts: list[int] | None  # offsets in `text` where each page begins (PDF), else None
    encoding: str


def read_file(path: str | Path) -> RawText:
    path = Path(path)
    if not path.exists():
        raise ReadError(str(path), "no such file")
    if path.is_dir():
        raise ReadError(str(path), "is a folder, not a report file")
    size = path.stat().st_size
    if size == 0:
        raise ReadError(str(path), "empty file")
    if size > MAX_BYTES:
        raise ReadError(str(path), f"too large ({size / 2**20:.0f} MB > {MAX_BYTES // 2**20} MB limit)")
    data = path.read_bytes()
    if path.suffix.lower() == ".pdf" or data[:5] == b"%PDF-":
        return read_pdf(path)
    return RawText(decode(data, str(path)), None, "utf-8")


def decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:65536]:
        raise ReadError(name, "binary data, not text (NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _detect(data, name)
    if not text.strip():
        raise ReadError(name, "no text (only whitespace)")
    return text


def _detect(data: bytes, name: str) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "iso8859_15", "utf_16", "mac_roman"]).best()
    if best is None or best.chaos > 0.2:
        raise ReadError(name, "undecodable bytes: not UTF-8 and no confident single-byte encoding")
    text = str(best)
    # Control characters outside whitespace mean the guess decoded junk.
    junk = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if junk > len(text) * 0.001:
        raise ReadError(name, "undecodable bytes: binary content")
    return text


def read_pdf(path: Path) -> RawText:
    """Page texts joined by form feeds, so later stages see page breaks like a text dump's.

    Lines are rebuilt from word positions with a tab at every wide gap, so a
    table's columns are known from the layout instead of guessed from spaces.
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    from .tables import layout_text

    parts, starts, pos = [], [], 0
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                text = layout_text(page)  # tabs mark wide gaps: table columns survive
                starts.append(pos)
                parts.append(text)
                pos += len(text) + 1
    except PDFPasswordIncorrect:
        raise ReadError(str(path), "encrypted PDF (password required)") from None
    except Exception as e:  # pdfminer raises many types for broken files
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ReadError(str(path), f"corrupt or unreadable PDF ({reason[:120]})") from None
    text = "\f".join(parts)
    if not text.strip():
        raise ReadError(str(path), "PDF has no text layer (scanned images?)")
    return RawText(text, starts, "pdf")


def find_report_files(paths: list[str | Path]) -> tuple[list[Path], list[str]]:
    """Expand folders into report files; missing paths become error lines, not exceptions."""
    files, errors = [], []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        elif p.exists():
            files.append(p)
        else:
            errors.append(f"{p}: no such file or folder")
    return files, errors
