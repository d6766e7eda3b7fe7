"""Strict writers for outputs: JSON with null for NaN, JSONL, safe file names, one file replaced whole.

Whole output folders are committed by `rapport.models.folders.committed_folder`,
the one folder commit every writer shares (model cache, index, exports).
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from rapport.models.folders import file_mode

from .frames import plain


def dumps(obj) -> str:
    """Strict JSON (null for NaN/inf), UTF-8 text kept readable."""
    return json.dumps(_strict(obj), ensure_ascii=False, allow_nan=False)


def _strict(obj):
    if isinstance(obj, dict):
        return {str(k): _strict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_strict(v) for v in obj]
    return plain(obj)


def write_jsonl(target: Path, rows) -> int:
    """One strict JSON object per line; returns the number of lines."""
    n = 0
    with open(target, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(dumps(row.to_dict() if hasattr(row, "to_dict") else row) + "\n")
            n += 1
    return n


def safe_name(name: str) -> str:
    """A file name without ':' or other characters Windows, Excel or a shell would trip on."""
    return re.sub(r"[^\w.\-]+", "_", name).strip("._") or "_"


@contextmanager
def atomic_file(target: str | Path):
    """Yield a temporary path beside `target`; it becomes `target` (with umask permissions) on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, file_mode())
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
