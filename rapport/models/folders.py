"""Write a folder completely or not at all.

The model cache, the index and every output folder are read by other processes
while a new one is written; a reader must see the old folder or the new one,
never a half-written one. `committed_folder(DIR)` yields an empty sibling
`.DIR.tmp-<pid>-…`; when the block ends without error the sibling takes DIR's
place in one step: `renameat2(RENAME_EXCHANGE)` swaps the two folders
atomically on Linux (the previous folder stays complete until that moment and
is removed after), and elsewhere DIR is renamed aside and the new folder
renamed in. A kill at any moment leaves DIR as the old complete folder or the
new one; leftovers of a killed run (temp folders, an old folder renamed aside
and never removed) are cleaned, or restored when DIR is missing, by the next
run. Files get the permissions the user's umask gives (mkstemp and mkdtemp
would make them 0600/0700), since the cache may be shared.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

RENAME_EXCHANGE = 2
AT_FDCWD = -100
_libc = None


def umask() -> int:
    """The process umask, read without changing it (thread-safe on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def file_mode() -> int:
    return 0o666 & ~umask()


def dir_mode() -> int:
    return 0o777 & ~umask()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False when the system cannot."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = _libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return rc == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<what>tmp|old)-(?P<pid>\d+)-")


def clean_leftovers(target: Path) -> list[str]:
    """Remove what killed runs left beside `target`; restore an old folder when `target` is missing.

    Returns what was done, one line each (the CLI prints them).
    """
    target = Path(target)
    done = []
    if not target.parent.is_dir():
        return done
    leftovers = []
    for p in target.parent.iterdir():
        m = _LEFTOVER.match(p.name)
        if m and m.group("name") == target.name and not _alive(int(m.group("pid"))):
            leftovers.append((m.group("what"), p))
    if not target.exists():
        olds = sorted((p for what, p in leftovers if what == "old"), key=lambda p: p.stat().st_mtime)
        if olds:
            olds[-1].rename(target)
            done.append(f"{target}: restored the previous output a killed run had set aside")
            leftovers = [(w, p) for w, p in leftovers if p != olds[-1]]
    for _, p in leftovers:
        shutil.rmtree(p, ignore_errors=True)
        done.append(f"{p}: removed (left by a killed run)")
    return done


@contextmanager
def committed_folder(target: str | Path):
    """Yield an empty temporary sibling of `target`; it replaces `target` whole when the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    try:
        yield tmp
        _fix_modes(tmp)
        if target.exists() and _exchange(tmp, target):
            shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous run
        elif target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}")
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _fix_modes(folder: Path) -> None:
    fm, dm = file_mode(), dir_mode()
    folder.chmod(dm)
    for root, dirs, files in os.walk(folder):
        for d in dirs:
            os.chmod(os.path.join(root, d), dm)
        for f in files:
            os.chmod(os.path.join(root, f), fm)
