"""The OCR benchmarks' page runner (`bench.bench_ocr`, `bench.bench_photos`): one job a page,
spread over forked worker processes or run here.

A worker builds its engine once, on its first page and before that page's clock starts
(`worker_engine`), as a page worker of the nightly run does: the pages' times are reading only.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Sequence
from typing import TypeVar

from ocr.engines import OcrEngine, OcrOptions, get_engine

Job = TypeVar("Job")
Result = TypeVar("Result")

_ENGINES: dict[str, OcrEngine] = {}


def worker_engine(options: OcrOptions) -> OcrEngine:
    """This process's engine for `options` (one per `OcrOptions.engine_key`), built on first use:
    a job calls it before timing its page, so building the engine (seconds of CPU) is no page's."""
    key = options.engine_key()
    if key not in _ENGINES:
        _ENGINES[key] = get_engine(options.engine, options)
    return _ENGINES[key]


def run_pages(work: Callable[[Job], Result], jobs: Sequence[Job], workers: int) -> list[Result]:
    """`work` of every job, in the jobs' order. With more than one worker, forked processes take
    one page at a time (a slow page holds up one worker, not a batch); with one, the pages run in
    this process, where a profiler or a debugger sees them."""
    if workers > 1:
        with mp.get_context("fork").Pool(workers) as pool:
            return pool.map(work, jobs, chunksize=1)
    return [work(job) for job in jobs]
