"""An OCR memo for measurements: the same pixels read by the same engine give the same lines.

A change to the form reader (or to anything after recognition) is measured by running a night
the base already read; with `PERFBUDGET_OCR_MEMO=DIR` set, every recognition call whose input
(the image's or crops' bytes, shapes and dtypes) and engine (its options' `engine_key`, class
and model files) were seen before returns what was read then, so the second night costs the
grid finding and the reader, not the recogniser. A change that alters the pixels reaching the
engine (a new crop, another scale) misses the memo where they differ and reads them afresh.
Nightly runs never set it: it is a benchmark's tool, kept in `ocr/` because every page worker
builds its engine through `get_engine`.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from ocr.engines import CropReading, OcrEngine, OcrLine, Quad

MEMO_ENV = "PERFBUDGET_OCR_MEMO"

T = TypeVar("T")


class MemoEngine(OcrEngine):
    """An engine whose readings are kept in a folder, one pickle per distinct call, shared by
    every process that points at it (written to a temporary name, then renamed: a reader never
    sees half a file)."""

    def __init__(self, engine: OcrEngine, folder: Path, engine_key: str) -> None:
        self.engine = engine
        self.folder = folder
        self.name = engine.name
        self.recognises_crops = engine.recognises_crops
        models = [str(getattr(engine, a, "")) for a in ("det_model", "rec_model")]
        self._identity = "\x1f".join([type(engine).__name__, engine_key, *models]).encode()
        self.hits = 0
        self.misses = 0

    def _key(self, method: str, arrays: Sequence[np.ndarray]) -> str:
        h = hashlib.sha256(self._identity)
        h.update(method.encode())
        for a in arrays:
            a = np.ascontiguousarray(a)
            h.update(f"{a.shape}{a.dtype.str}".encode())
            h.update(a.tobytes())
        return h.hexdigest()

    def _memo(self, method: str, arrays: Sequence[np.ndarray], read: Callable[[], T]) -> T:
        key = self._key(method, arrays)
        path = self.folder / key[:2] / f"{key}.pkl"
        if path.exists():
            try:
                out: T = pickle.loads(path.read_bytes())
            except (OSError, EOFError, pickle.UnpicklingError):
                pass  # a damaged entry is read again and written afresh
            else:
                self.hits += 1
                return out
        self.misses += 1
        out = read()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        return out

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        return self._memo("recognize", [image], lambda: self.engine.recognize(image))

    def detect(self, image: np.ndarray) -> list[Quad]:
        return self._memo("detect", [image], lambda: self.engine.detect(image))

    def read_crops_ranked(
        self, crops: list[np.ndarray], wanted: Sequence[bool] | None = None
    ) -> list[CropReading]:
        if wanted is None:
            return self._memo("ranked", crops, lambda: self.engine.read_crops_ranked(crops))
        # a call reading only some crops is kept apart from one reading them all
        flags = np.array([bool(w) for w in wanted], dtype=bool)
        return self._memo(
            "ranked-wanted", [*crops, flags], lambda: self.engine.read_crops_ranked(crops, wanted)
        )

    def read_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        return self._memo("crops", crops, lambda: self.engine.read_crops(crops))


def memoised(engine: OcrEngine, engine_key: str) -> OcrEngine:
    """`engine` behind the memo named by `PERFBUDGET_OCR_MEMO`, or `engine` itself when unset."""
    folder = os.environ.get(MEMO_ENV, "").strip()
    if not folder:
        return engine
    return MemoEngine(engine, Path(folder), engine_key)
