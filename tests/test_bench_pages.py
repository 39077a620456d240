"""`bench.pages`, the page runner the OCR benchmarks share: results in the jobs' order, pages in
forked workers or in this process, one engine a worker per engine setting."""

from __future__ import annotations

import os

from bench.pages import run_pages, worker_engine
from ocr.engines import OcrOptions


def _pid_of(job: int) -> tuple[int, int]:
    return job, os.getpid()


def test_results_come_in_the_jobs_order_from_forked_workers() -> None:
    got = run_pages(_pid_of, [5, 3, 9, 1], workers=2)
    assert [job for job, _ in got] == [5, 3, 9, 1]
    assert os.getpid() not in {pid for _, pid in got}


def test_one_worker_reads_the_pages_in_this_process() -> None:
    assert run_pages(_pid_of, [2, 7], workers=1) == [(2, os.getpid()), (7, os.getpid())]


def test_a_worker_builds_one_engine_for_settings_that_differ_only_around_it() -> None:
    # dpi is a setting of the page pipeline (`OcrOptions.PAGE_ONLY`), not of the engine
    engine = worker_engine(OcrOptions(threads=1))
    assert worker_engine(OcrOptions(threads=1, dpi=300)) is engine
