"""The OCR memo: a second reading of the same pixels by the same engine comes from the folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from ocr.engines import CropReading, OcrEngine, OcrLine
from ocr.memo import MEMO_ENV, MemoEngine, memoised


class CountingEngine(OcrEngine):
    """Reads every image as one line naming its mean pixel, and counts the calls."""

    name = "counting"
    recognises_crops = True

    def __init__(self) -> None:
        self.calls = 0

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        self.calls += 1
        quad = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))
        return [OcrLine(f"{image.mean():.1f}", quad, 0.9)]

    def read_crops_ranked(
        self, crops: list[np.ndarray], wanted: Sequence[bool] | None = None
    ) -> list[CropReading]:
        self.calls += 1
        return [
            CropReading(f"{c.mean():.1f}", 0.8, (("x", 0.5),))
            if wanted is None or wanted[i]
            else CropReading("", 0.0)
            for i, c in enumerate(crops)
        ]


def page(value: int) -> np.ndarray:
    return np.full((8, 12), value, dtype=np.uint8)


def test_same_pixels_are_read_once_across_engines(tmp_path: Path) -> None:
    first, second = CountingEngine(), CountingEngine()
    lines = MemoEngine(first, tmp_path, "k").recognize(page(7))
    again = MemoEngine(second, tmp_path, "k").recognize(page(7))
    assert again == lines
    assert (first.calls, second.calls) == (1, 0)


def test_other_pixels_shape_engine_or_method_read_afresh(tmp_path: Path) -> None:
    inner = CountingEngine()
    memo = MemoEngine(inner, tmp_path, "k")
    memo.recognize(page(7))
    memo.recognize(page(8))
    memo.recognize(page(7).reshape(12, 8))
    MemoEngine(inner, tmp_path, "other options").recognize(page(7))
    crops = memo.read_crops_ranked([page(7)])
    assert inner.calls == 5
    assert crops == [CropReading("7.0", 0.8, (("x", 0.5),))]
    assert memo.read_crops_ranked([page(7)]) == crops
    assert (memo.hits, memo.misses, inner.calls) == (1, 4, 5)


def test_a_damaged_entry_is_read_again(tmp_path: Path) -> None:
    inner = CountingEngine()
    MemoEngine(inner, tmp_path, "k").recognize(page(3))
    (entry,) = tmp_path.rglob("*.pkl")
    entry.write_bytes(b"not a pickle")
    lines = MemoEngine(inner, tmp_path, "k").recognize(page(3))
    assert lines[0].text == "3.0"
    assert inner.calls == 2


def test_memo_only_when_the_environment_names_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner = CountingEngine()
    monkeypatch.delenv(MEMO_ENV, raising=False)
    assert memoised(inner, "k") is inner
    monkeypatch.setenv(MEMO_ENV, str(tmp_path))
    memo = memoised(inner, "k")
    assert isinstance(memo, MemoEngine)
    assert (memo.name, memo.recognises_crops) == ("counting", True)


def test_a_reading_of_some_crops_is_kept_apart_from_one_of_all(tmp_path: Path) -> None:
    """A call that wanted some crops only (their others left blank) is never served to one
    reading them all, nor the other way round, nor to one wanting others."""
    inner = CountingEngine()
    memo = MemoEngine(inner, tmp_path, "k")
    some = memo.read_crops_ranked([page(7), page(8)], [True, False])
    assert [r.text for r in some] == ["7.0", ""]
    assert [r.text for r in memo.read_crops_ranked([page(7), page(8)])] == ["7.0", "8.0"]
    assert [r.text for r in memo.read_crops_ranked([page(7), page(8)], [False, True])] == [
        "",
        "8.0",
    ]
    assert memo.read_crops_ranked([page(7), page(8)], [True, False]) == some
    assert (memo.hits, memo.misses, inner.calls) == (1, 3, 3)
