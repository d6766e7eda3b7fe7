"""Atomic writers: a reader of DIR never sees a half-written file.

Each file is written beside its target under a temporary name and renamed
into place, which is atomic on one filesystem.
"""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path):
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_jsonl(target: Path, rows) -> int:
    n = 0
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8") as f:
        for row in rows:
            d = row.to_dict() if hasattr(row, "to_dict") else row
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_parquet(target: Path, frame) -> None:
    with atomic_path(target) as tmp:
        frame.to_parquet(tmp, index=False)


def write_csv(target: Path, frame) -> None:
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, index=False)
