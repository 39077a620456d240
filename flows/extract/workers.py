"""The page workers: the process pool the flow fans a night's pages out to.

Prefect's task engine, in a worker process, opens a new API client for every task it runs (one
when it rebuilds the flow's context, one for the task run), and each client builds a TLS context
from certifi's bundle even for the plain-HTTP local API: 0.068 of the 0.089 CPU-s a no-op task
cost a worker (40 tasks, cProfile and /proc). A page is a task, so that was paid per page. A
client held for the worker's life (`hold_api_client`) is found by both and reused, with its open
connection: 0.087 → 0.041 CPU-s per no-op task on the worker.

Each worker also runs OpenCV on its share of the cores (`opencv_threads`): the pool already
puts one worker on each core, and OpenCV's own thread pool (one thread per core by default)
put two threads of each worker on the same two cores.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Self

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner

if TYPE_CHECKING:
    from flows.extract.read_ahead import ReadAhead
    from ocr.engines import OcrOptions

log = logging.getLogger(__name__)

# set in a page worker as it starts (`start_page_worker`): there the flow's runner starts no pool
_in_page_worker = False

# how long a restarted pool's workers may take to start (spawned: Prefect, the flow's module and
# the OCR engine imported and loaded, ~2-4 CPU-s each) before the start counts as a death
START_UP_SECONDS = 120.0


def hold_api_client(api_url: str | None) -> None:
    """Worker initializer: open one Prefect API client to the flow's API for this process's
    life, so that every task the worker runs uses it (`SyncClientContext.get_or_create` and
    `get_client` find it) instead of building its own.

    The API is `api_url` (the flow's settings when the pool started: a test harness sets it
    there), else the worker's own (PREFECT_API_URL, which `share_api_with_workers` sets inside
    the flow before the first page spawns a worker). Without either nothing is opened (a client
    without an API would start a Prefect server in the worker) and tasks open their clients as
    Prefect does by default."""
    from prefect.context import SyncClientContext
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    api_url = api_url or get_current_settings().api.url
    if not api_url:
        return
    try:
        with temporary_settings({PREFECT_API_URL: api_url}):
            SyncClientContext().__enter__()  # left open: it lives as long as the worker
    except Exception as exc:  # the API not answering: tasks open their own, as before
        log.warning("page worker keeps no API client of its own: %s", exc)


def opencv_threads(workers: int, cores: int | None = None) -> int:
    """OpenCV threads for each of `workers` page workers sharing `cores` (the machine's): an
    equal share, at least one.

    Why: a page worker's OpenCV calls (connected components, morphology, warps: ~40% of a scan
    page's CPU beside recognition) ran on OpenCV's default pool of one thread per core, so two
    workers kept four threads busy on two cores. On one thread the same 31 dev scan/image pages
    read to identical grids with 4-8% less CPU per page (cProfile: morphology 0.84 → 0.51 CPU-s,
    dilation 0.22 → 0.11 over 12 pages); recognition already runs on one onnxruntime thread per
    worker (`flows.settings.RunOptions.ocr_options`)."""
    cores = cores if cores is not None else (os.cpu_count() or 1)
    return max(1, cores // max(1, workers))


def start_page_worker(
    api_url: str | None,
    cv_threads: int,
    ocr: OcrOptions | None = None,
    ahead: ReadAhead | None = None,
) -> None:
    """Worker initializer: OpenCV on `cv_threads` threads (`opencv_threads`), then one API
    client held for the worker's life (`hold_api_client`). Run after Prefect's own initializer,
    which forwards the worker's events to the flow: on the run's temporary server nothing reads
    them and they are not sent (`flows.prefect_api.mute_unread_events`).

    With `ocr` (a pool started before the flow, `flows.extract.early_workers`) the worker also
    loads what its first page would (the OCR engine for `ocr`, the flow's module every task
    unpickles), reads the pages of `ahead` nobody has claimed (`flows.extract.read_ahead`) and
    waits for the API to answer before holding its client: the server may still be booting."""
    import cv2

    from flows.prefect_api import mute_unread_events

    global _in_page_worker
    _in_page_worker = True
    cv2.setNumThreads(cv_threads)
    mute_unread_events()
    if ocr is not None:
        import flows.pipeline  # noqa: F401  (each page task is unpickled from it)
        from ocr.page import warm_engine

        warm_engine(ocr)
        if ahead is not None:
            from flows.extract import read_ahead

            read_ahead.read(ahead, ocr)
        if api_url:
            wait_for_api(api_url)
    hold_api_client(api_url)


def wait_for_api(api_url: str, poll: float = 0.1) -> bool:
    """Until the API at `api_url` answers its health check, for as long as Prefect waits for
    its temporary server to start; whether it answered. A worker whose parent (the run) died
    meanwhile stops waiting at once: it would otherwise outlive a killed run by that long."""
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    from flows.prefect_api import api_healthy

    parent = os.getppid()
    deadline = time.monotonic() + PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
    while not api_healthy(api_url):
        if time.monotonic() > deadline or os.getppid() != parent:
            return False
        time.sleep(poll)
    return True


def workers_started(executor: ProcessPoolExecutor, workers: int, timeout: float) -> bool:
    """Whether all `workers` of `executor` ran their initializer within `timeout`: one trivial
    call each, submitted at once (a pool starts a worker per call until it is full), waited for
    in turn. False when the pool broke meanwhile (a worker died starting) or was too slow."""
    try:
        calls = [executor.submit(os.getpid) for _ in range(workers)]
        for call in calls:
            call.result(timeout=timeout)
    except (RuntimeError, TimeoutError):  # BrokenProcessPool is a RuntimeError
        return False
    return True


class PageWorkers(ProcessPoolTaskRunner):
    """The process pool of page workers, each holding one client to the flow's API
    (`hold_api_client`) and running OpenCV on its share of the cores (`opencv_threads`). The
    URL is read when the pool starts, inside the flow: a test harness or
    `share_api_with_workers` may set it after this runner was made."""

    def __init__(self, max_workers: int | None = None) -> None:
        super().__init__(max_workers=max_workers, initializer=start_page_worker)
        self._start_ocr: OcrOptions | None = None

    def __enter__(self) -> Self:
        """Adopt the pool `perfbudget run` started before the flow (`early_workers`) when it
        has this runner's size and API; else start one as Prefect does, its workers spawned on
        the first pages."""
        from prefect.settings import get_current_settings

        from flows.extract import early_workers

        if _in_page_worker:
            # Prefect's worker enters the flow's runner around every task it runs (its
            # `hydrated_context` rebuilds the flow's context); a page task submits nothing, and
            # a pool here cost each page a spawn-context queue and executor (8 POSIX semaphores,
            # pipes, two threads), whose semaphores a worker that died mid-page leaked: the
            # resource tracker's "leaked semaphore objects" warning at the night's end
            TaskRunner.__enter__(self)
            return self
        api_url = get_current_settings().api.url
        early = early_workers.take(self._max_workers, api_url)
        if early is None:
            self._initargs = (api_url, opencv_threads(self._max_workers))
            return super().__enter__()
        # what ProcessPoolTaskRunner.__enter__ sets up, around the adopted executor and queue
        TaskRunner.__enter__(self)
        self._forward_from(early.queue)
        self._executor = early.executor
        self._resolver_executor = ThreadPoolExecutor(max_workers=self._max_workers)
        return self

    def _forward_from(self, queue: Any) -> None:
        """Forward the workers' logs and events from `queue`, as Prefect's runner does."""
        self._subprocess_message_queue = queue
        self._message_forwarding_thread = threading.Thread(
            target=self._forward_subprocess_messages,
            name="ProcessPoolTaskRunnerMessageForwarder",
            daemon=True,
        )
        self._message_forwarding_thread.start()

    def load_on_start(self, ocr: OcrOptions) -> None:
        """The OCR options whose engine a restarted pool's workers load as they start
        (`restart`), so that a worker failing there dies at its start, not on a page."""
        self._start_ocr = ocr

    def restart(self, kill: bool = False) -> list[int | None]:
        """Replace a broken pool (a worker died) or one holding a hung page (`kill`: its
        workers are killed first) by a new one of the same size, its workers started as this
        runner's own (spawned; the OCR engine of `load_on_start` loaded as they start); the old
        workers' exit codes (`flows.extract.page_recovery`). The message queue is new too: a
        worker killed while writing to the old one may have left its lock held."""
        import multiprocessing

        from prefect.settings import get_current_settings
        from prefect.task_runners import _initialize_process_pool_worker

        codes = self.stop(kill)
        context = multiprocessing.get_context("spawn")
        self._forward_from(context.Queue())
        api_url = get_current_settings().api.url
        self._executor = ProcessPoolExecutor(
            max_workers=self._max_workers,
            mp_context=context,
            initializer=_initialize_process_pool_worker,
            initargs=(
                self._subprocess_message_queue,
                start_page_worker,
                (api_url, opencv_threads(self._max_workers), self._start_ocr),
            ),
        )
        return codes

    def start_up(self, timeout: float = START_UP_SECONDS) -> list[int | None] | None:
        """None once a worker of a restarted pool has started (`workers_started`): the one the
        suspects are read on, one at a time (the others start on demand, as the pages lost
        with the pool are submitted again); else the pool is ended (`stop`) and its workers'
        exit codes come back: a death at start-up (an engine that cannot load), no page's."""
        if self._executor is not None and workers_started(self._executor, 1, timeout):
            return None
        return self.stop(kill=True)

    def stop(self, kill: bool = False) -> list[int | None]:
        """End the pool (its workers killed first when `kill`) and its log forwarding, and
        return the workers' exit codes; the shut-down executor stays, so that a page submitted
        after it fails as a pool's failure (`page_recovery._pool_failure`)."""
        old = self._executor
        processes = list(old._processes.values()) if old and old._processes else []
        if kill:
            for process in processes:
                process.kill()
        if old is not None:
            old.shutdown(wait=True, cancel_futures=True)
        self._settle_submissions()
        codes = [process.exitcode for process in processes]
        # A worker that died while its queue feeder sent a log held the old queue's shared write
        # lock: the stop's sentinel then never leaves this process's feeder thread, and at exit
        # multiprocessing joins that thread for ever (a published night that never exited, seen
        # once in 'make test'). Nothing waits for the old queue's feeder.
        if self._subprocess_message_queue is not None:
            self._subprocess_message_queue.cancel_join_thread()
        self._stop_message_forwarding()
        return codes

    def _settle_submissions(self) -> None:
        """Let every page submitted before the pool ended reach it (and fail there, as a pool's
        failure), so that none lands on the pool started next.

        Why: Prefect's runner hands each page to the pool from a thread of its own (its
        `_resolver_executor`), which reads the runner's executor only when it gets to that
        page. On a loaded machine that thread was seconds behind the flow: a page submitted to
        a broken pool reached the restarted one instead and ran beside the suspect the recovery
        was reading alone (`flows.extract.page_recovery`). When that page was the one that
        kills its worker, the suspect died with it and was blamed: a good document quarantined
        (tests/test_page_recovery.py's read-ahead night, failing under load). The threads are
        drained here, the ended executor still in place, and new ones made for the next pool."""
        resolver = self._resolver_executor
        if resolver is None:
            return
        resolver.shutdown(wait=True)
        self._resolver_executor = ThreadPoolExecutor(max_workers=self._max_workers)

    def crashed(self, futures: Sequence[Any], reason: str) -> None:
        """Set the task runs of pages a dead pool lost Crashed with `reason`: their workers
        died before reporting an end, and Prefect's UI showed them Running for ever. A page
        whose run was never recorded (still queued when the pool died) has nothing to end;
        the API failing costs a warning, never the night."""
        from prefect.client.orchestration import get_client
        from prefect.exceptions import ObjectNotFound
        from prefect.states import Crashed

        ids = [f.task_run_id for f in futures if getattr(f, "task_run_id", None) is not None]
        if not ids:
            return
        try:
            with get_client(sync_client=True) as client:
                for task_run_id in ids:
                    try:
                        run = client.read_task_run(task_run_id)
                    except ObjectNotFound:
                        continue
                    if run.state is None or not run.state.is_final():
                        client.set_task_run_state(task_run_id, Crashed(message=reason), force=True)
        except Exception as exc:  # the UI's view only: the pages are read again regardless
            log.warning("the dead page workers' task runs keep their state: %s", exc)

    def release(self) -> None:
        """End the worker processes now, before the runner exits: once a night's pages are
        read nothing is submitted to them, and two idle workers (~320 MiB each, their OCR
        engines loaded) sat beside the marts build's dbt process, which made the night's
        peak (1,432 MiB of the tree at the dbt stage against the 1.5 GB budget)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


def release_page_workers() -> None:
    """Release the running flow's page workers (`PageWorkers.release`); a Dask cluster's
    workers (`--runner dask`) are the cluster's and stay."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    runner = context.task_runner if context is not None else None
    if isinstance(runner, PageWorkers):
        runner.release()
