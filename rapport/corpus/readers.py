"""Turn a report file into raw text plus page spans, or a ReadError that says why.

Encoding is detected, not guessed: a byte-order mark says UTF-32 or UTF-16 outright
(Windows tools write them); otherwise UTF-8 (with or without BOM) first, because it
is what modern dumps are and it fails loudly on anything else; then
charset-normalizer, accepted only when it is confident, so cp1252/latin-1 dumps of
Swedish text read right and binary junk is refused. Every failure, including an
unreadable file or folder, is one ReadError line naming the file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .records import ReadError, printable

MAX_BYTES = 40 * 1024 * 1024  # a 200-page report as text is < 1 MB; as PDF rarely > 30 MB
SUFFIXES = (".txt", ".pdf")
# longest first: the UTF-32-LE mark begins with the UTF-16-LE one
BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"))


@dataclass(frozen=True, slots=True)
class RawText:
    text: str
    page_starts: list[int] | None  # offsets in `text` where each page begins (PDF), else None
    encoding: str


def read_file(path: str | Path) -> RawText:
    path = Path(path)
    try:
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
    except OSError as e:
        raise ReadError(str(path), f"cannot read ({os_reason(e)})") from None
    if path.suffix.lower() == ".pdf" or data[:5] == b"%PDF-":
        return read_pdf(path)
    text, encoding = decode_as(data, str(path))
    return RawText(text, None, encoding)


def os_reason(e: OSError) -> str:
    """"permission denied", "input/output error": the OS's words, lower case, no path."""
    return (e.strerror or type(e).__name__).lower()


def decode(data: bytes, name: str) -> str:
    return decode_as(data, name)[0]


def decode_as(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding name) or ReadError."""
    bom = next((enc for mark, enc in BOMS if data.startswith(mark)), None)
    if bom:
        try:
            text = data.decode(bom)  # the codec reads the mark and drops it
        except UnicodeDecodeError:
            raise ReadError(name, f"undecodable bytes: not valid {bom.upper()} after its byte-order mark") from None
        return _checked(text, name), bom
    if b"\x00" in data[:65536]:
        raise ReadError(name, "binary data, not text (NUL bytes)")
    try:
        return _checked(data.decode("utf-8-sig"), name), "utf-8"
    except UnicodeDecodeError:
        text, enc = _detect(data, name)
        return _checked(text, name), enc


def _checked(text: str, name: str) -> str:
    if "\x00" in text[:65536]:
        raise ReadError(name, "binary data, not text (NUL characters)")
    if not text.strip():
        raise ReadError(name, "no text (only whitespace)")
    return text


def _detect(data: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "iso8859_15", "utf_16", "mac_roman"]).best()
    if best is None or best.chaos > 0.2:
        raise ReadError(name, "undecodable bytes: not UTF-8 and no confident single-byte encoding")
    text = str(best)
    # Control characters outside whitespace mean the guess decoded junk.
    junk = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if junk > len(text) * 0.001:
        raise ReadError(name, "undecodable bytes: binary content")
    return text, best.encoding


def read_pdf(path: Path) -> RawText:
    """Page texts joined by form feeds, so later stages see page breaks like a text dump's.

    Lines are rebuilt from word positions with a tab at every wide gap, so a
    table's columns are known from the layout instead of guessed from spaces.
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    from .tables import layout_text

    parts, starts, pos = [], [], 0
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                text = layout_text(page)  # tabs mark wide gaps: table columns survive
                starts.append(pos)
                parts.append(text)
                pos += len(text) + 1
    except OSError as e:
        raise ReadError(str(path), f"cannot read ({os_reason(e)})") from None
    except Exception as e:  # pdfminer raises many types for broken files; pdfplumber wraps them
        cause = _root_cause(e)
        if isinstance(cause, PDFPasswordIncorrect):
            raise ReadError(str(path), "encrypted PDF (a password is needed to open it)") from None
        if isinstance(cause, PDFEncryptionError):
            raise ReadError(str(path), f"encrypted PDF (encryption not supported: {str(cause)[:80]})") from None
        reason = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
        raise ReadError(str(path), f"corrupt or unreadable PDF ({reason[:120]})") from None
    text = "\f".join(parts)
    if not text.strip():
        raise ReadError(str(path), "PDF has no text layer (scanned images?)")
    return RawText(text, starts, "pdf")


def _root_cause(e: BaseException) -> BaseException:
    """pdfplumber's PdfminerException carries pdfminer's own exception as its argument."""
    seen = set()
    while id(e) not in seen:
        seen.add(id(e))
        inner = next((a for a in getattr(e, "args", ()) if isinstance(a, BaseException)), None) or e.__cause__
        if inner is None:
            break
        e = inner
    return e


def find_report_files(paths: list[str | Path]) -> tuple[list[Path], list[str]]:
    """Expand folders into report files (sorted); a missing path or an unreadable folder becomes one
    error line, and the rest is still found."""
    files, errors = [], []
    for p in map(Path, paths):
        try:
            is_dir, exists = p.is_dir(), p.exists()
        except OSError as e:
            errors.append(f"{printable(str(p))}: cannot read ({os_reason(e)})")
            continue
        if is_dir:
            found: list[Path] = []

            def unreadable(e: OSError) -> None:
                errors.append(f"{printable(e.filename or str(p))}: cannot read folder ({os_reason(e)})")

            for folder, dirs, names in os.walk(p, onerror=unreadable):
                dirs.sort()
                found += [Path(folder) / n for n in names if Path(n).suffix.lower() in SUFFIXES
                          and not (Path(folder) / n).is_dir()]
            files += sorted(found)
        elif exists:
            files.append(p)
        else:
            errors.append(f"{printable(str(p))}: no such file or folder")
    return files, errors
