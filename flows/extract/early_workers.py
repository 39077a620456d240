"""Page workers started as `perfbudget run` starts, before Prefect's server answers.

Why: the flow's process pool (`flows.extract.workers.PageWorkers`) spawned its workers on the
first page submitted, after Prefect's temporary server had booted (~10 CPU-s on one core) and
the flow had taken its inventory; each worker then imported Prefect and the flow and loaded
the OCR models (~3-5 CPU-s) before reading a page. Started here, the workers do all of that
while the server boots (one core was idle then: `bench.timeline`), and the flow's runner adopts
the pool when it starts (`PageWorkers.__enter__`). Everything else is the pool Prefect's
`ProcessPoolTaskRunner` would make: a spawn context, Prefect's worker initializer forwarding
logs and events through the pool's queue, then `start_page_worker`.

Whether a night will use the pool at all is guessed first (`pool_wanted`): an unchanged night
or a few text-layer pages (read in the flow's own process) must not pay for two workers. A
wrong guess costs time, never a result: workers nobody adopts are ended (`discard`), and a
night that needed them and got none starts its pool on the first page as before.

The workers are forked from the run's process once it has imported what they need
(`start_method`): spawned, each worker paid its own interpreter and the imports of Prefect's task
runner and `flows.pipeline` (~1.2 CPU-s of a worker's ~2 CPU-s start, measured: two spawned
workers 3.9-4.0 CPU-s to their first call, the run's process importing the same modules anyway),
where a fork shares the imports the run's process made for its flow. Only a process with no
thread but its main one is forked: a thread holding a lock at the fork (Prefect's loop threads,
a test harness's) would leave it held in the child. Anything else spawns, as Prefect does.

This module imports no Prefect: the CLI imports the flow before it starts the workers.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flows.extract.read_ahead import ReadAhead
    from ocr.engines import OcrOptions


@dataclass
class EarlyPool:
    """The started pool, waiting for the flow's runner: its executor, the queue its workers
    forward Prefect's logs and events through, its size and the API its workers report to."""

    executor: ProcessPoolExecutor
    queue: Any  # a multiprocessing Queue of the spawn context
    max_workers: int
    api_url: str | None


_waiting: EarlyPool | None = None


def initialize(
    queue: Any, api_url: str | None, max_workers: int, ocr: OcrOptions, ahead: ReadAhead | None
) -> None:
    """Worker initializer: Prefect's own (logs and events through `queue`, as its process
    pool's workers do), then the page worker's start with its models loaded and tonight's
    first pages read ahead (`flows.extract.workers.start_page_worker`), OpenCV on its share
    of the cores."""
    from prefect.task_runners import _initialize_process_pool_worker

    from flows.extract.workers import opencv_threads, start_page_worker

    # A forked worker is a copy of the run's process while it was starting this pool: the pool
    # waits in `_waiting`, its executor's lock held by the start. Each page task re-enters the
    # flow's task runner in the worker (Prefect hydrates the flow's context there), whose
    # `PageWorkers.__enter__` would adopt that copy and deadlock on the lock when the task ends
    # (measured: a forked night hung on its first page). The pool is the run's, never a worker's.
    global _waiting
    _waiting = None
    args = (api_url, opencv_threads(max_workers), ocr, ahead)
    _initialize_process_pool_worker(queue, start_page_worker, args)


def start(
    max_workers: int,
    api_url: str | None,
    ocr: OcrOptions,
    fork: bool = False,
    ahead: ReadAhead | None = None,
) -> EarlyPool:
    """Start `max_workers` page workers now, each loading the OCR engine for `ocr`, reading
    the pages of `ahead` (`flows.extract.read_ahead`) and reporting to `api_url` once it
    answers; the pool waits for `take`. `fork`: the caller's process may fork them
    (`start_method`), said by the CLI, whose process has started nothing else yet; a caller
    that may run other threads (a test, a served night) spawns them."""
    global _waiting
    discard()
    context = multiprocessing.get_context(start_method(fork))
    queue = context.Queue()
    executor = ProcessPoolExecutor(
        max_workers=max_workers,
        mp_context=context,
        initializer=initialize,
        initargs=(queue, api_url, max_workers, ocr, ahead),
    )
    # waiting before its workers start: a start that fails halfway leaves `discard` a pool to end
    _waiting = pool = EarlyPool(executor, queue, max_workers, api_url)
    # a spawn pool starts a worker per submitted call while none is idle: one call per worker
    # starts them all now (each is still in its initializer when the next call comes)
    for _ in range(max_workers):
        executor.submit(int)
    return pool


def start_method(fork: bool) -> str:
    """Fork (`"fork"`) when the caller allows it (`start`), this process runs no Python thread
    but its main one and it has imported what a page worker runs (Prefect's task runner,
    `flows.pipeline`: the CLI imports them first), so the workers inherit the imports; else
    spawn, as Prefect's ProcessPoolTaskRunner does. The CLI's process has one native thread
    more at that point, numpy's OpenBLAS pool, which is fork-aware (its fork handler stops the
    pool and the child starts its own)."""
    import sys
    import threading

    imported = all(name in sys.modules for name in WORKER_MODULES)
    return "fork" if fork and imported and threading.active_count() == 1 else "spawn"


# what a page worker imports before its first page, imported by the run's process before it
# forks the workers (`start_method`)
WORKER_MODULES = ("prefect.task_runners", "flows.pipeline")


def take(max_workers: int, api_url: str | None) -> EarlyPool | None:
    """The waiting pool for a runner of `max_workers` workers reporting to `api_url`; a pool of
    another size or API is ended (the runner starts its own) and None is returned."""
    global _waiting
    pool = _waiting
    if pool is None:
        return None
    if (pool.max_workers, pool.api_url) != (max_workers, api_url):
        discard()
        return None
    _waiting = None
    return pool


def discard() -> None:
    """End a pool no runner took: its workers are killed (they may still be loading models or
    waiting for the API) and its queue closed."""
    global _waiting
    pool, _waiting = _waiting, None
    if pool is None:
        return
    for process in list(pool.executor._processes.values()):  # no public way before 3.14
        process.terminate()
    pool.executor.shutdown(wait=True, cancel_futures=True)
    pool.queue.close()


def pool_wanted(paths: list[Path]) -> bool:
    """Whether extracting `paths` (tonight's files the warehouse has not recorded) will take the
    page workers: the flow's rule (`flows.extract.documents.pages_take_pool`, which
    `extract_in_process` applies once the files are opened), on the files' kinds from their
    first bytes and the PDFs' page counts. Unreadable files count no page."""
    from flows.extract.documents import pages_take_pool

    return pages_take_pool(_kinds_and_pages(paths))


def first_pages(paths: list[Path], count: int) -> tuple[tuple[Path, int, str], ...]:
    """The first `count` pages (path, number, kind) of `paths` in their order, the order the
    flow submits tonight's pages in: what the workers read ahead (`flows.extract.read_ahead`).
    An image counts its first page only (a TIFF's frames are counted when the flow opens it)."""
    pages: list[tuple[Path, int, str]] = []
    for path, kind, pages_in_file in _kinds_and_pages(paths):
        for number in range(1, pages_in_file + 1):
            if len(pages) == count:
                return tuple(pages)
            pages.append((path, number, kind))
    return tuple(pages)


def _kinds_and_pages(paths: list[Path]) -> Iterator[tuple[Path, str, int]]:
    """(path, kind, page count) of each file that opens as an image or a PDF, read one at a
    time as `pages_take_pool` asks (an image is one page: its kind decides already)."""
    import pypdfium2 as pdfium

    from flows.extract.documents import open_regular, sniff_kind

    for path in paths:
        try:
            with open_regular(path) as f:
                kind = sniff_kind(f.read(1024))
        except OSError:
            continue
        if kind == "image":
            yield path, kind, 1
            continue
        if kind != "pdf":
            continue
        try:
            pdf = pdfium.PdfDocument(str(path))
        except (pdfium.PdfiumError, OSError):
            continue
        try:
            count = len(pdf)
        finally:
            pdf.close()
        yield path, kind, count
