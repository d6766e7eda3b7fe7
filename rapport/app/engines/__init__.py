"""Where batch work runs: "local" (this process, as always) or "ray" (Ray Data pipelines).

Both engines read, extract and embed with the same functions (rapport.app.cache per
report, the same embedder backend and batch plan), and both write through the same
writers, so their outputs are the same files with the same lines and the same vectors.
The Ray engine starts a small local Ray by default (the machine's cores, a small object
store) or joins a cluster at `address`, keeps each report's failure its own (a report
that crashes a worker is named, the others finish) and shows progress with a label.
"""
from __future__ import annotations

from pathlib import Path

ENGINES = ("local", "ray")


class EngineError(ValueError):
    """A bad --engine/--address, or a Ray that cannot be started or reached; the message is one line."""


def check_engine(engine: str, address: str | None) -> None:
    if engine not in ENGINES:
        raise EngineError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if address and engine != "ray":
        raise EngineError("--address needs --engine ray")
    if engine == "ray":
        try:
            import ray  # noqa: F401
            import ray.data  # noqa: F401
        except ImportError:
            raise EngineError("--engine ray needs Ray Data: pip install 'ray[data]'") from None


def extract(paths=None, out=None, manifest=None, show_progress: bool = False, *, engine: str = "local",
            address: str | None = None):
    """`rapport.app.api.extract` on the chosen engine → api.ExtractResult."""
    from rapport.app import api

    check_engine(engine, address)
    if engine == "local":
        return api.extract(paths, out=out, manifest=manifest, show_progress=show_progress)
    from . import ray_engine

    corpus = ray_engine.extract_corpus(paths or [api.sample_corpus()], manifest, show_progress, address)
    return api.extract(out=out, corpus=corpus)


def index(paths=None, manifest=None, show_progress: bool = False, *, engine: str = "local",
          address: str | None = None, index_dir: str | Path | None = None, model=None, log=None):
    """Build or refresh the search index of `paths` (the folder `rapport search` reads) → (manifest, errors)."""
    from rapport.app import api
    from rapport.index.store import build_index
    from rapport.models.embedder import LazyEmbedder

    check_engine(engine, address)
    if engine == "ray":
        man, _, errors = ray_index(paths, manifest, show_progress, address=address, index_dir=index_dir, model=model,
                                   log=log)
        return man, errors
    paths = list(paths or [api.sample_corpus()])
    docs, errors = api.ingest(paths, manifest=manifest, show_progress=show_progress)
    target = Path(index_dir) if index_dir else api.index_dir_for(paths)
    return (build_index(docs, target, LazyEmbedder(model), show_progress=show_progress, log=log) if docs else None), errors


def ray_index(paths=None, manifest=None, show_progress: bool = False, *, address: str | None = None,
              index_dir: str | Path | None = None, model=None, log=None):
    """Read the reports and embed their passages on Ray, writing the index the local engine would
    → (manifest or None, documents, errors)."""
    from rapport.app import api
    from rapport.index.store import build_index
    from rapport.models.embedder import LazyEmbedder

    from . import ray_engine

    check_engine("ray", address)
    paths = list(paths or [api.sample_corpus()])
    target = Path(index_dir) if index_dir else api.index_dir_for(paths)
    with ray_engine.session(address):
        docs, errors = ray_engine.ingest(paths, manifest, show_progress)
        if not docs:
            return None, docs, errors
        embedder = ray_engine.RayEmbedder(LazyEmbedder(model))
        return build_index(docs, target, embedder, show_progress=show_progress, log=log), docs, errors
