"""Index generations on disk: immutable folders, an atomic CURRENT pointer, per-key locks, cleanup.

A search index is several files (passages, vectors, faiss, BM25) that are only
right together. Written in place, a reader racing a writer can load parts of
two builds, and a kill leaves a mix. So, as search engines commit segments:

    ROOT/gens/<key>/   one complete generation; it appears by one rename of a
                       finished temp folder and is never edited afterwards
    ROOT/CURRENT       "gens/<key>": the generation last built or used here,
                       replaced atomically (temp file + fsync + os.replace)
    ROOT/locks/        one lock file per key, taken while that key is built
    ROOT/.tmp-<key>-<pid>-<ns>/   a build in progress

A reader resolves CURRENT once and reads one generation: it sees the old one or
the new one, never a mix. Every generation's manifest lists the size and sha256
of each of its files plus a checksum of itself; opening checks sizes always and
hashes when asked (`verify`) or when the files are not the ones last hashed
(`.verified` keeps their stat signature: size, mtime, ctime, inode; any rewrite,
even one that restores size and mtime, changes ctime). A mismatch is IndexDamaged.

Locks are `filelock` (flock): the kernel drops a lock when its holder exits in
any way, kill -9 included, so a lock file left on disk never blocks anyone, and
that is the stale-lock rule; `<key>.owner` only names the holder in messages.
A temp folder whose key nobody holds a lock on belongs to a dead build and is
removed by the next run, as are generations beyond the few most recently used.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CURRENT = "CURRENT"
GENS = "gens"
LOCKS = "locks"
MANIFEST = "manifest.json"
VERIFIED = ".verified"
TMP = ".tmp-"
TRASH = ".trash-"
KEEP = 4  # generations kept besides the current one (other corpora sharing the root, readers in flight)
GRACE_SECONDS = 120.0  # a generation used this recently is never removed
LOCK_TIMEOUT = 3600.0


class IndexStoreError(RuntimeError):
    """An index that cannot be used (missing, other schema, locked too long); the message is one line."""


class IndexDamaged(IndexStoreError):
    """An index generation whose files are not the ones its manifest names (truncated, missing, altered)."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while b := f.read(1 << 20):
            h.update(b)
    return h.hexdigest()


def _listed(folder: Path) -> list[Path]:
    """Every file of a generation that its manifest covers (all but the manifest and the marker)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in (MANIFEST, VERIFIED))


def checksum(manifest: dict) -> str:
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _signature(folder: Path, names) -> dict:
    out = {}
    for name in names:
        st = (folder / name).stat()
        out[name] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    return out


def _write_marker(folder: Path, files: dict) -> None:
    """Remember that these exact files were hashed (best effort: a read-only index just hashes again)."""
    try:
        tmp = folder / f"{VERIFIED}.{os.getpid()}"
        tmp.write_text(json.dumps(_signature(folder, files)), encoding="utf-8")
        os.replace(tmp, folder / VERIFIED)
    except OSError:
        pass


def write_manifest(folder: Path, manifest: dict) -> dict:
    """Add the size + sha256 of every file in `folder` and the manifest's own checksum, write it, fsync all."""
    files = {}
    for p in _listed(folder):
        _fsync(p)
        files[p.relative_to(folder).as_posix()] = {"size": p.stat().st_size, "sha256": sha256_file(p)}
    manifest = dict(manifest, files=files)
    manifest["checksum"] = checksum(manifest)
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _fsync(path)
    _write_marker(folder, files)
    return manifest


def read_manifest(folder: Path) -> dict | None:
    try:
        m = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
        return m if isinstance(m, dict) else None
    except (OSError, ValueError):
        return None


def check_generation(folder: Path, *, verify: bool = False) -> dict:
    """The manifest of a sound generation; IndexDamaged naming the first file that is not what it lists."""
    folder = Path(folder)
    where = f"index {folder}"
    m = read_manifest(folder)
    if m is None:
        raise IndexDamaged(f"{where}: {MANIFEST} is missing or unreadable")
    if "checksum" not in m and "files" not in m and "schema_version" in m:
        raise IndexStoreError(f"{where} has an older layout (schema {m.get('schema_version')}): rebuild it")
    if m.get("checksum") != checksum(m) or not isinstance(m.get("files"), dict):
        raise IndexDamaged(f"{where}: {MANIFEST} does not match its checksum")
    if m.get("key") != folder.name:
        raise IndexDamaged(f"{where}: {MANIFEST} belongs to generation {m.get('key')}")
    files = m["files"]
    for name, info in files.items():
        try:
            size = (folder / name).stat().st_size
        except OSError:
            raise IndexDamaged(f"{where}: {name} is missing") from None
        if size != info.get("size"):
            raise IndexDamaged(f"{where}: {name} has {size} bytes, the manifest says {info.get('size')}")
    try:
        marker = json.loads((folder / VERIFIED).read_text(encoding="utf-8"))
        fresh = marker == json.loads(json.dumps(_signature(folder, files)))
    except (OSError, ValueError):
        fresh = False
    if verify or not fresh:
        for name, info in files.items():
            try:
                digest = sha256_file(folder / name)
            except OSError as e:
                raise IndexDamaged(f"{where}: {name} cannot be read ({e.strerror or e})") from None
            if digest != info.get("sha256"):
                raise IndexDamaged(f"{where}: {name} does not match its sha256 in the manifest")
        _write_marker(folder, files)
    return m


# ---------------------------------------------------------------- pointer
def read_current(root: Path) -> str | None:
    """The key CURRENT names, or None (no pointer, or one that is not a gens/<key> line)."""
    try:
        line = (Path(root) / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    parts = line.split("/")
    return parts[1] if len(parts) == 2 and parts[0] == GENS and parts[1] and "." not in parts[1] else None


def set_current(root: Path, key: str) -> None:
    root = Path(root)
    if read_current(root) == key:
        return
    tmp = root / f".{CURRENT}.{os.getpid()}.{time.monotonic_ns()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(f"{GENS}/{key}\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / CURRENT)
    _fsync(root)


def resolve(path: Path) -> Path:
    """The generation folder to read: ROOT → the one CURRENT names; a generation folder → itself."""
    path = Path(path)
    if (path / MANIFEST).exists() and not (path / CURRENT).exists():
        return path
    key = read_current(path)
    if key is None:
        if (path / CURRENT).exists():
            raise IndexDamaged(f"index {path}: {CURRENT} does not name a generation")
        raise IndexStoreError(f"no index at {path} (build it with build_or_load_index / `rapport search`)")
    return path / GENS / key


def touch(folder: Path) -> None:
    """Mark a generation as just used (its folder mtime), so cleanup keeps it."""
    try:
        os.utime(folder)
    except OSError:
        pass


# ---------------------------------------------------------------- locks
def _lock(root: Path, key: str):
    from filelock import FileLock

    (Path(root) / LOCKS).mkdir(parents=True, exist_ok=True)
    return FileLock(str(Path(root) / LOCKS / f"{key}.lock"))


@contextmanager
def key_lock(root: Path, key: str, *, timeout: float = LOCK_TIMEOUT,
             log: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the build lock of one key; say who holds it while waiting; IndexStoreError after `timeout`."""
    from filelock import Timeout

    owner = Path(root) / LOCKS / f"{key}.owner"
    try:
        lock = _lock(root, key)
        lock.acquire(timeout=0)
    except Timeout:
        try:
            who = owner.read_text(encoding="utf-8").strip()
        except OSError:
            who = "another process"
        if log:
            log(f"waiting for {who} to finish building index {Path(root) / GENS / key}")
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise IndexStoreError(f"index {Path(root) / GENS / key} is still being built by {who} "
                                  f"after {timeout:.0f} s") from None
    try:
        try:
            owner.write_text(f"pid {os.getpid()} (since {time.strftime('%H:%M:%S')})\n", encoding="utf-8")
        except OSError:
            pass
        yield
    finally:
        lock.release()


def _free(root: Path, key: str) -> bool:
    """True when nobody holds the key's lock (its builder, if any, is gone)."""
    from filelock import Timeout

    lock = _lock(root, key)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return False
    lock.release()
    return True


# ---------------------------------------------------------------- writing and cleanup
@contextmanager
def new_generation(root: Path, key: str) -> Iterator[Path]:
    """Yield an empty temp folder; when the block succeeds it becomes ROOT/gens/<key> by one rename.

    The caller holds key_lock(root, key). On any error the temp folder is removed.
    """
    root = Path(root)
    (root / GENS).mkdir(parents=True, exist_ok=True)
    tmp = root / f"{TMP}{key}-{os.getpid()}-{time.monotonic_ns()}"
    tmp.mkdir()
    try:
        yield tmp
        _fsync(tmp)
        target = root / GENS / key
        if target.exists():  # a damaged one the caller chose to replace
            discard(root, key)
        os.rename(tmp, target)
        _fsync(root / GENS)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def discard(root: Path, key: str) -> None:
    """Take a generation away in one rename, then delete it."""
    root = Path(root)
    trash = root / f"{TRASH}{key}-{os.getpid()}-{time.monotonic_ns()}"
    try:
        os.rename(root / GENS / key, trash)
    except FileNotFoundError:
        return
    shutil.rmtree(trash, ignore_errors=True)


def _key_of_temp(name: str) -> str:
    return name[len(TMP):].rsplit("-", 2)[0]


def _legacy(p: Path) -> bool:
    """A folder of the path-keyed layout before generations (ROOT/<12 hex>/manifest.json, schema 1)."""
    if len(p.name) != 12 or any(c not in "0123456789abcdef" for c in p.name) or not p.is_dir():
        return False
    m = read_manifest(p)
    return m is not None and m.get("schema_version") == 1 and "files" not in m


def collect_garbage(root: Path, keep_keys=(), *, keep: int = KEEP, grace: float = GRACE_SECONDS) -> list[str]:
    """Remove dead builds' temp folders, trash, and generations past the `keep` most recently used.

    Never removes CURRENT's generation, `keep_keys`, one used within `grace`
    seconds, or one whose lock is held. Returns what it removed (names).
    """
    from filelock import Timeout

    root = Path(root)
    if not root.is_dir():
        return []
    gc = _lock(root, ".gc")
    try:
        gc.acquire(timeout=0)
    except Timeout:
        return []  # another process is cleaning
    removed = []
    try:
        for p in root.iterdir():
            if p.name.startswith(TRASH) or (p.name.startswith(TMP) and p.is_dir() and _free(root, _key_of_temp(p.name))):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p.name)
            elif p.name.startswith(f".{CURRENT}.") and time.time() - p.stat().st_mtime > grace:
                p.unlink(missing_ok=True)  # a pointer temp file of a killed writer
            elif _legacy(p):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p.name)
        protected = set(keep_keys) | {read_current(root)}
        gens = []
        for g in (root / GENS).iterdir() if (root / GENS).is_dir() else ():
            try:
                gens.append((g.stat().st_mtime, g))
            except OSError:
                pass
        now = time.time()
        others = [g for _, g in sorted(gens, reverse=True) if g.name not in protected]
        for g in others[keep:]:
            try:
                old = now - g.stat().st_mtime > grace
            except OSError:
                continue
            if old and _free(root, g.name):
                discard(root, g.name)
                removed.append(f"{GENS}/{g.name}")
    finally:
        gc.release()
    return removed
