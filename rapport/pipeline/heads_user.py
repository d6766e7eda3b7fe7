"""Loading the learned heads into a component, and the rules-only switch.

Apart from pipeline/heads.py (what the heads read and how they decide) because loading is about
folders, the set-up model and one warning per process, not about features.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from rapport.models.heads import Heads


class HeadsUser:
    """`initialize` / `loaded_heads` for a component with a `heads` setting (a folder name)."""

    heads: str = ""
    _heads: Heads | None = None
    _heads_from: str | None = None
    encoder = None  # None: the project's e5 (tests put a stand-in here)

    def initialize(self, get_examples=None, *, nlp=None, heads: str | None = None) -> None:
        """Load the learned heads (spaCy calls this from `nlp.initialize()`; the first call does too).

        `heads` overrides the configured folder; "" switches them off (rules only). A folder
        that is missing or whose weights fail their manifest hash is a HeadsError naming it."""
        from rapport.models.heads import load_heads, resolve_folder

        if heads is not None:
            self.heads = heads
        folder = resolve_folder(self.heads)
        self._heads = load_heads(folder) if folder is not None else None
        self._heads_from = self.heads

    def loaded_heads(self) -> Heads | None:
        """The heads to use on this Doc, or None for the rules.

        Heads need the e5 model they were trained on; where it is not built (a fresh
        RAPPORT_HOME, a test home with the tiny model) the component runs its rules, and the
        process says so once (`embedder_ready`). A stand-in `encoder` (tests) needs no model."""
        if self._heads_from != self.heads:
            self.initialize()
        if self._heads is None or self.encoder is not None:
            return self._heads
        return self._heads if embedder_ready(self._heads.embedder) else None


def embedder_ready(expect: str) -> bool:
    """Whether the set-up embedding model is there and is the one heads were trained on.

    Cheap (the build stamp only, no hashing, no loading), so it is asked per Doc and follows
    RAPPORT_HOME; the answer for one model folder and stamp is remembered with the warning."""
    from rapport.models.build_embedder import STAMP, default_model_dir

    folder = default_model_dir()
    try:
        stamp_time = (folder / STAMP).stat().st_mtime_ns
    except OSError:
        stamp_time = 0
    return _ready(str(folder), expect, stamp_time)


@lru_cache(maxsize=16)
def _ready(folder: str, expect: str, stamp_time: int) -> bool:
    """One warning line per model folder (and stamp) when the heads fall back to the rules."""
    from rapport.models.build_embedder import read_stamp
    from rapport.models.embedder import is_available

    name = (read_stamp(Path(folder)) or {}).get("name") if stamp_time else None
    if is_available(folder) and (not expect or name == expect):
        return True
    why = f"{folder} holds {name}, not {expect}" if name else f"no embedding model at {folder}"
    logging.getLogger("rapport.pipeline").warning(
        "learned heads off, extraction uses its rules: %s (build it with `make setup`)", why)
    return False


def rules_only(nlp):
    """Switch every head-using component of `nlp` to its rules (tests of the rules, baselines)."""
    for _, pipe in nlp.pipeline:
        if isinstance(pipe, HeadsUser):
            pipe.initialize(heads="")
    return nlp
