"""Memory of a page worker's OCR engine: text detection runs on a trimmed heap with an arena it
gives back (`ocr.engines.ArenaShrinkingSession`), reading exactly as without."""

from __future__ import annotations

import mmap
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


class FakeLibc:
    """Counts `malloc_trim` calls; each trim brings the fake resident size down to `after`."""

    def __init__(self, sizes: list[float], after: float) -> None:
        self.sizes, self.after, self.trims = sizes, after, 0

    def malloc_trim(self, pad: int) -> int:
        self.trims += 1
        self.sizes[0] = self.after
        return 1


def test_the_heap_is_trimmed_only_past_what_a_page_may_keep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first call trims and records the size left; later calls trim only when the worker
    holds HEAP_KEPT_MIB more than the least size a trim left (speed29)."""
    size = [500.0]
    libc = FakeLibc(size, after=300.0)
    monkeypatch.setattr(ocr.page, "_libc", lambda: libc)
    monkeypatch.setattr(ocr.page, "resident_mib", lambda: size[0])
    monkeypatch.setattr(ocr.page, "_trimmed_mib", [])
    kept = ocr.page.HEAP_KEPT_MIB
    assert ocr.page.release_memory() is True and libc.trims == 1 and size == [300.0]
    size[0] = 300.0 + kept - 1  # a page's heap kept for the next page
    assert ocr.page.release_memory() is False and libc.trims == 1
    size[0] = 300.0 + kept  # more than that goes back
    libc.after = 320.0
    assert ocr.page.release_memory() is True and libc.trims == 2
    # the least size a trim left stays the mark: 300, not 320
    assert ocr.page._trimmed_mib == [300.0]
    size[0] = 300.0 + kept - 1
    assert ocr.page.release_memory() is False and libc.trims == 2


def _status_rss_mib() -> float:
    """The kernel's own VmRSS line of /proc/self/status, in MiB: a second reading to check by."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS line")


def test_resident_size_is_read_from_the_process() -> None:
    """The size is the process's own, and it follows pages touched. An anonymous mapping touched
    page by page, not `np.ones`: a block the allocator had resident already (an xdist worker
    reusing freed memory) once left the reading unchanged and failed this test at random."""
    before = ocr.page.resident_mib()
    assert before is not None and 10 < before < 10_000
    assert abs(before - _status_rss_mib()) < 8
    block = mmap.mmap(-1, 128 * 2**20)  # a fresh anonymous mapping: no page resident yet
    for offset in range(0, len(block), mmap.PAGESIZE):
        block[offset] = 1
    assert ocr.page.resident_mib() >= before + 100  # type: ignore[operator]
    block.close()
