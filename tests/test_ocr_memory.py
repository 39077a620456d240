"""Memory of a page worker's OCR engine: text detection runs on a trimmed heap with an arena it
gives back (`ocr.engines.ArenaShrinkingSession`), reading exactly as without."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

import ocr.page
from ocr.engines import ARENA_SHRINKAGE, ArenaShrinkingSession, OcrOptions, RapidOcrEngine
from ocr.page import rasterize_pdf_page
from tests.fixtures import scans


class RecordingSession:
    """Stands in for an onnxruntime session: keeps the arguments of each run."""

    def __init__(self) -> None:
        self.runs: list[tuple[object, object, object]] = []

    def run(self, output_names: object, input_feed: object, run_options: object = None) -> list:
        self.runs.append((output_names, input_feed, run_options))
        return ["out"]

    def get_inputs(self) -> list[str]:
        return ["x"]


def test_detection_runs_on_a_trimmed_heap_and_shrinks_its_arena(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trims: list[int] = []
    monkeypatch.setattr(ocr.page, "release_memory", lambda: trims.append(1) or True)
    inner = RecordingSession()
    session = ArenaShrinkingSession(inner)

    assert session.run(["y"], {"x": 1}) == ["out"]
    assert trims == [1]
    (names, feed, options) = inner.runs[0]
    assert (names, feed) == (["y"], {"x": 1})
    assert isinstance(options, ort.RunOptions)
    assert options.get_run_config_entry(ARENA_SHRINKAGE[0]) == ARENA_SHRINKAGE[1]
    # run options given by the caller are passed as they are
    given = ort.RunOptions()
    session.run(["y"], {"x": 2}, given)
    assert inner.runs[1][2] is given and trims == [1, 1]
    # everything else is the wrapped session's
    assert session.get_inputs() == ["x"]


def test_detection_with_a_shrinking_arena_finds_the_same_boxes(tmp_path: Path) -> None:
    engine = RapidOcrEngine(OcrOptions(threads=1))
    det = engine._ocr.text_det
    wrapped = det.session.session
    assert isinstance(wrapped, ArenaShrinkingSession)
    assert wrapped.session.get_session_options().enable_cpu_mem_arena
    pdf = scans.render_pdf(tmp_path / "n.pdf", [scans.numbers_page_spec(("2028年12月底", "95"))])
    page = rasterize_pdf_page(pdf, 0, 200)
    band = np.ascontiguousarray(page[: page.shape[0] // 3])
    boxes = engine.detect(band)

    plain = ort.SessionOptions()
    plain.intra_op_num_threads = 1
    plain.enable_cpu_mem_arena = False  # rapidocr's own setting
    det.session.session = ort.InferenceSession(
        wrapped.session._model_path, plain, providers=["CPUExecutionProvider"]
    )
    assert boxes and engine.detect(band) == boxes
