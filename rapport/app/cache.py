"""The structured corpus and its facts, cached by content so a second run reads instead of re-parsing.

Reading and structuring a report costs tenths of a second and extracting its
facts seconds; a search or compare on a corpus nobody changed should cost
neither. Each report is cached on its own, keyed by

  * the file's sha256 (its content, not its path or mtime),
  * its manifest entry (region/kind/period given by the user),
  * a hash of the code and data that turn a file into a Document
    (`rapport/corpus/**`), and for facts also `rapport/pipeline/**`,
    `rapport/models/**` and the embedding model's stamp,

so an edited report, a changed manifest or a new version of the code each
miss the cache, and nothing else does. Entries are pickles under
`RAPPORT_HOME/cache/{docs,facts}/`, written atomically; the oldest are
pruned past CACHE_LIMIT bytes. A corrupt or unreadable entry is a miss.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

CACHE_LIMIT = 2 << 30  # bytes per kind; oldest (by access) removed beyond it
_FORMAT = 2  # bump when what is pickled changes shape
_lock = threading.Lock()


def rapport_home() -> Path:
    return Path(os.environ.get("RAPPORT_HOME", Path.home() / ".cache" / "rapport"))


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _tree_hash(*packages: str) -> str:
    """sha256 over the relative paths and bytes of every file under the given rapport sub-packages."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for pkg in packages:
        for p in sorted((root / pkg).rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"):
                h.update(str(p.relative_to(root)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=1)
def documents_version() -> str:
    """What a Document depends on besides the file: the corpus layer's code and data."""
    return f"{_FORMAT}:{_tree_hash('corpus')}"


@lru_cache(maxsize=1)
def facts_version() -> str:
    """What a document's facts depend on: corpus, pipeline, models (patterns, heads, config), spaCy, the model stamp."""
    from importlib.metadata import version

    from rapport.models.build_embedder import STAMP, default_model_dir

    try:
        stamp = (default_model_dir() / STAMP).read_text(encoding="utf-8")
    except OSError:
        stamp = ""
    return f"{_FORMAT}:{version('spacy')}:{_tree_hash('corpus', 'pipeline', 'models')}:{stamp}"


@lru_cache(maxsize=1)
def passages_version() -> str:
    """What an index key depends on besides the documents, the model and the settings: the code
    that cuts passages and names the key (`rapport/index/**`, `rapport/corpus/**`)."""
    return f"{_FORMAT}:{_tree_hash('corpus', 'index')}"


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _meta_key(meta) -> str:
    return json.dumps(None if meta is None else [meta.region, meta.kind, meta.period, meta.source])


class Store:
    """One cache folder of pickles keyed by hex strings."""

    def __init__(self, kind: str, root: Path | None = None):
        self.dir = (root or rapport_home()) / "cache" / kind

    def get(self, key: str):
        p = self.dir / f"{key}.pkl"
        try:
            with open(p, "rb") as f:
                value = pickle.load(f)
            os.utime(p)  # recently used: pruned last
            return value
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a damaged or foreign entry is a miss, and is replaced
            p.unlink(missing_ok=True)
            return None

    def put(self, key: str, value) -> None:
        tmp = None
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key}.", dir=self.dir)
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.dir / f"{key}.pkl")
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            # a read-only or full cache, or an unpicklable value, must not fail the work it would have saved
            if tmp:
                Path(tmp).unlink(missing_ok=True)
            return
        self.prune()

    def prune(self, limit: int = CACHE_LIMIT) -> None:
        """Drop the least recently used entries past `limit` bytes, and temp files a killed writer left."""
        now = time.time()
        for p in self.dir.glob(".*"):
            try:
                if now - p.stat().st_mtime > 3600:
                    p.unlink()
            except OSError:
                pass
        try:
            entries = sorted((p.stat().st_mtime, p.stat().st_size, p) for p in self.dir.glob("*.pkl"))
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        for _, size, p in entries:
            if total <= limit:
                break
            p.unlink(missing_ok=True)
            total -= size


def find_inputs(paths, manifest=None) -> tuple[list[Path], dict, list[str]]:
    """(report files in reading order, manifest entries by file name, error lines) for `paths`."""
    from rapport.corpus import meta as corpus_meta
    from rapport.corpus.readers import find_report_files

    paths = [Path(p) for p in paths]
    files, errors = find_report_files(paths)
    man = {}
    manifests = [Path(manifest)] if manifest else [p / "MANIFEST.tsv" for p in paths if p.is_dir()]
    for m in manifests:
        if m.exists():
            man.update(corpus_meta.read_manifest(m))
    return files, man, errors


def load_one(f: Path, man: dict, root: Path | None = None):
    """(Document, None) for one report file, from the cache when unchanged, or (None, error line)."""
    from rapport.corpus import ReadError, load_document

    try:
        sha = file_sha256(f)
    except OSError as e:
        return None, f"{f}: cannot read ({e.strerror or e})"
    store = Store("docs", root)
    key = _key(documents_version(), sha, f.name, _meta_key(man.get(f.name)))
    doc = store.get(key)
    if doc is None:
        try:
            doc = load_document(f, man)
        except ReadError as e:
            return None, str(e)
        store.put(key, doc)
    doc.path = str(f)  # the same bytes may sit at another path now
    doc.sha256 = sha
    return doc, None


def load_documents(paths, manifest=None, show_progress: bool = False, root: Path | None = None):
    """`rapport.corpus.load_corpus`, reading each unchanged report from the cache.

    Returns (documents, error lines) exactly as load_corpus does; `Document.meta`
    still comes from the manifest of this call (it is part of the key).
    """
    files, man, errors = find_inputs(paths, manifest)
    docs = []
    for f in _progress(files, show_progress, "reading reports"):
        doc, error = load_one(f, man, root)
        if error:
            errors.append(error)
        else:
            docs.append(doc)
    return docs, errors


def _generation_memo_key(docs, fingerprint: str, config_signature: dict) -> str:
    rows = sorted([d.name, getattr(d, "sha256", None) or file_sha256(d.path), _meta_key(d.meta)] for d in docs)
    return _key(passages_version(), fingerprint, json.dumps(config_signature, sort_keys=True), json.dumps(rows))


def known_generation(docs, fingerprint: str, config_signature: dict, root: Path | None = None) -> str | None:
    """The index key these documents made last time (rapport.index.store.index_key), or None.

    Computing the key means cutting every report into passages and hashing them
    (0.2-0.4 s for the five shared reports) on every search; the key is a pure
    function of the documents (their cache key), the passage code, the model and
    the settings, so it is remembered under those.
    """
    value = Store("index-keys", root).get(_generation_memo_key(docs, fingerprint, config_signature))
    return value if isinstance(value, str) else None


def remember_generation(docs, fingerprint: str, config_signature: dict, key: str, root: Path | None = None) -> None:
    Store("index-keys", root).put(_generation_memo_key(docs, fingerprint, config_signature), key)


QUERY_STORE_ENV = "RAPPORT_QUERY_CACHE"  # "0": never store or read query vectors (bench_app's new-query figures)


def query_store_on() -> bool:
    return os.environ.get(QUERY_STORE_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


class QueryVectors:
    """The embedder as the searcher sees it, with query vectors remembered on disk by their text.

    One query vector costs a fresh process ~1 s of CPU before it is computed: the
    250k-piece tokenizer (0.6 s, holding the GIL) and the ONNX session. A query asked
    before, by this user or another with the same model (the same words with another
    --k, filter, grouping or --json), is read back from the vector store instead
    (rapport.models.vectors, kind "query", keyed by model fingerprint and text), and
    nothing is loaded; a new query is encoded as before and stored. Everything else is
    the wrapped embedder's. A store that cannot be used is no store (encode as before).
    """

    def __init__(self, embedder, root: Path | None = None):
        self._inner = embedder
        self._root = root
        self._store = None
        self._store_lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def _vectors(self):
        import sqlite3

        from rapport.models.vectors import VectorCache

        if self._store is None:
            try:
                root = self._root if self._root is not None else rapport_home() / "vectors"
                self._store = VectorCache(self._inner.fingerprint, self._inner.dim, root=root)
            except (OSError, sqlite3.Error):
                self._store = False
        return None if self._store is False else self._store  # (an empty store is falsy: it has a __len__)

    def has_query(self, text: str) -> bool:
        """Whether `text`'s vector is stored (then encoding it loads no model)."""
        import sqlite3

        from rapport.models.vectors import text_key

        with self._store_lock:
            store = self._vectors()
            try:
                return store is not None and bool(store.get_many([text_key("query", text)]))
            except sqlite3.Error:
                return False

    def encode_queries(self, texts, batch_size: int = 32, show_progress: bool = False):
        import sqlite3

        from rapport.models.vectors import encode_cached

        texts = [texts] if isinstance(texts, str) else list(texts)

        def encode(todo):
            return self._inner.encode_queries(todo, batch_size=batch_size, show_progress=show_progress)

        with self._store_lock:
            store = self._vectors()
            try:
                return encode_cached(texts, "query", encode, store)
            except sqlite3.Error:  # a locked or damaged store: the vectors, uncached
                self._store = False
                return encode_cached(texts, "query", encode, None)


@dataclass
class Facts:
    """What the pipeline found (rapport.pipeline.run.Extraction's fields, without importing spaCy to read it)."""

    records: dict[str, list] = field(default_factory=dict)
    unlinked: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def extract_documents(docs, show_progress: bool = False, root: Path | None = None):
    """`rapport.pipeline.run.extract` over `docs`, reusing each unchanged document's facts.

    spaCy and the pipeline are loaded only when some document is not cached.
    """
    store, version = Store("facts", root), facts_version()
    parts: dict[int, Facts] = {}
    todo = []
    for i, d in enumerate(docs):
        key = _key(version, getattr(d, "sha256", None) or file_sha256(d.path), d.name, _meta_key(d.meta))
        part = store.get(key)
        if part is None:
            todo.append((i, key, d))
        else:
            parts[i] = part
    if todo:
        from rapport.pipeline.nlp import shared_nlp
        from rapport.pipeline.run import extract as run_extract

        with _lock:
            nlp = shared_nlp()
        for i, key, d in _progress(todo, show_progress, "extracting"):
            ex = run_extract(nlp, [d], show_progress)  # a long report shows its pieces
            part = Facts(dict(ex.records), list(ex.unlinked), list(ex.warnings), list(ex.errors), ex.seconds)
            if not part.errors:  # a failure is retried next time, not remembered
                store.put(key, part)
            parts[i] = part
    return merge_facts([parts[i] for i in range(len(docs))])


def merge_facts(parts) -> Facts:
    """One Facts from per-document parts, in the documents' order whatever came from the cache
    (so two runs, or two engines, write the same lines in the same order)."""
    from rapport.pipeline.records import OUTPUTS

    out = Facts({k: [] for k in OUTPUTS})
    for part in parts:
        _merge(out, part)
    return out


def _merge(out, part) -> None:
    for kind, rows in part.records.items():
        out.records.setdefault(kind, []).extend(rows)
    out.unlinked += part.unlinked
    out.warnings += part.warnings
    out.errors += part.errors
    out.seconds += part.seconds


def _progress(items, show: bool, desc: str):
    if not show or not items:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="report")
