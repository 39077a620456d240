"""The page workers hold one Prefect API client each, used by every task (page) they run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.extract.workers import PageWorkers, hold_api_client


@task(cache_policy=NO_CACHE)
def client_seen_before() -> tuple[int, bool]:
    """This worker's pid, and whether the API client this task got had served a task before
    (a client built for the task is new, unmarked)."""
    from prefect.client.orchestration import get_client

    client = get_client(sync_client=True)
    seen = getattr(client, "_served_a_test_task", False)
    client._served_a_test_task = True  # type: ignore[attr-defined]
    return os.getpid(), seen


@flow(task_runner=PageWorkers(1))
def three_pages() -> list[tuple[int, bool]]:
    return [client_seen_before.submit().result() for _ in range(3)]


def test_a_page_worker_reuses_one_api_client_for_every_task(prefect_harness: None) -> None:
    runs = three_pages()
    pids = {pid for pid, _ in runs}
    assert len(pids) == 1 and os.getpid() not in pids  # one worker process, not the flow's
    assert [seen for _, seen in runs] == [False, True, True]


def test_no_api_no_client_held(monkeypatch) -> None:
    """Without an API named anywhere, a worker opens nothing (an ephemeral server would start)."""
    from prefect.context import SyncClientContext
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        hold_api_client(None)
        assert SyncClientContext.get() is None


def test_page_workers_events_go_to_the_named_api_and_start_no_server(
    prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process pool forwards its workers' events from a thread of its own, which sees the
    settings Prefect read from the environment, not the flow's settings context: with the API
    named in the context only (a test harness), that thread started an ephemeral Prefect server
    in the test process. Under xdist the session's server is named in the environment from the
    workers' start (tests/conftest.py `start_shared_prefect_server`), as `perfbudget serve`
    names its own; a serial run's harness is named in the context only, so it cannot tell."""
    import prefect.server.api.server as server_module
    from prefect.settings import PREFECT_API_URL

    if os.environ.get("PREFECT_API_URL") != PREFECT_API_URL.value():
        pytest.skip("the test harness's API is not named in the environment (a serial run)")
    started: list[object] = []
    real_start = server_module.SubprocessASGIServer.start

    def start(self: object, *args: object, **kwargs: object) -> None:
        started.append(self)
        real_start(self, *args, **kwargs)

    monkeypatch.setattr(server_module.SubprocessASGIServer, "start", start)
    assert [seen for _, seen in three_pages()] == [False, True, True]
    assert started == []


@flow(task_runner=PageWorkers(1))
def pages_then_release() -> tuple[bool, bool]:
    """Whether the worker process that read a page is alive before and after the release."""
    from flows.extract.workers import release_page_workers

    pid, _ = client_seen_before.submit().result()
    before = _alive(pid)
    release_page_workers()
    return before, _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_page_workers_end_when_released(prefect_harness: None) -> None:
    """Released once the pages are read, the workers' processes end within the flow (their
    memory is not held beside the marts build)."""
    assert pages_then_release() == (True, False)


def test_the_flow_module_loads_no_library_a_night_of_scans_never_calls() -> None:
    """Every page worker unpickles the flow, so it imports `flows.pipeline` as the flow's own
    process does: camelot (text layers only), pandas (landing only), DuckDB (the warehouse's
    stages, never a worker's) and OpenCV with the page pipeline (page workers, when they read
    a page) are loaded by the stage that calls them. A fresh interpreter, since this test
    session has them all loaded."""
    import subprocess
    import sys

    probe = (
        "import sys, flows.pipeline, flows.extract.documents as d, ocr; "
        "print(sorted(m for m in ('camelot', 'pandas', 'duckdb', 'cv2', 'ocr.page', 'ocr.grid') "
        "if m in sys.modules)); print(d.MAX_PIXELS == ocr.MAX_PIXELS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out == ["[]", "True"]


def test_the_ocr_package_names_resolve_where_they_are_defined() -> None:
    """`ocr.<name>` is looked up on first use (PEP 562): the same objects as before, and an
    unknown name is still an AttributeError."""
    import ocr
    import ocr.engines
    import ocr.page

    assert ocr.ocr_page is ocr.page.ocr_page
    assert ocr.OcrOptions is ocr.engines.OcrOptions
    assert ocr.page.MAX_PIXELS == ocr.MAX_PIXELS == 100_000_000
    with pytest.raises(AttributeError):
        ocr.no_such_name  # noqa: B018


def test_opencv_threads_are_each_workers_share_of_the_cores() -> None:
    from flows.extract.workers import opencv_threads

    assert opencv_threads(2, 2) == 1
    assert opencv_threads(2, 8) == 4
    assert opencv_threads(3, 8) == 2
    assert opencv_threads(4, 2) == 1  # never none


def test_a_page_worker_runs_opencv_on_its_share(monkeypatch: pytest.MonkeyPatch) -> None:
    """The initializer sets OpenCV's threads (OpenCV's default is one per core) and still
    holds the API client."""
    import cv2

    from flows.extract import workers

    held: list[str | None] = []
    monkeypatch.setattr(workers, "hold_api_client", held.append)
    # restored after the test: this process is no page worker (its flows' runners start pools)
    monkeypatch.setattr(workers, "_in_page_worker", False)
    before = cv2.getNumThreads()
    try:
        workers.start_page_worker("http://127.0.0.1:1/api", 1)
        assert cv2.getNumThreads() == 1
        assert held == ["http://127.0.0.1:1/api"]
        assert workers._in_page_worker is True
    finally:
        cv2.setNumThreads(before)


@task(cache_policy=NO_CACHE)
def engine_was_loaded(key: str) -> tuple[int, bool]:
    """This worker's pid, and whether the OCR engine for `key` was loaded before this task."""
    import ocr.page

    return os.getpid(), key in ocr.page._ENGINE_CACHE


@flow(task_runner=PageWorkers(1))
def one_page_on_a_warm_worker(key: str) -> tuple[int, bool]:
    return engine_was_loaded.submit(key).result()


def test_workers_started_before_the_flow_are_adopted_with_their_engine_loaded(
    prefect_harness: None,
) -> None:
    """`perfbudget run` starts the page workers before the flow (flows/extract/early_workers):
    the flow's runner adopts that pool (the page runs in the worker spawned before the flow)
    and the worker loaded the OCR engine for the run's options before its first page."""
    from prefect.settings import get_current_settings

    from flows.extract import early_workers
    from flows.settings import RunOptions

    ocr = RunOptions().ocr_options()
    pool = early_workers.start(1, get_current_settings().api.url, ocr)
    try:
        pool.executor.submit(int).result(timeout=600)  # the worker is up, its initializer done
        [started] = pool.executor._processes
        pid, warm = one_page_on_a_warm_worker(ocr.engine_key())
        assert (pid, warm) == (started, True)
        assert early_workers._waiting is None  # taken by the flow's runner
        assert not _alive(started)  # and ended with it
    finally:
        early_workers.discard()


def test_a_pool_started_for_another_runner_is_ended_not_adopted() -> None:
    """A pool of another size (or API) than the flow's runner is ended when the runner asks;
    the runner then starts its own."""
    from flows.extract import early_workers
    from flows.settings import RunOptions

    pool = early_workers.start(1, "http://127.0.0.1:1/api", RunOptions().ocr_options())
    pids = list(pool.executor._processes)
    assert len(pids) == 1
    assert early_workers.take(2, "http://127.0.0.1:1/api") is None
    assert early_workers._waiting is None
    assert [_alive(pid) for pid in pids] == [False]


def test_an_unadopted_pool_is_ended_by_discard() -> None:
    """Workers nobody adopted (a night read in the flow's process) are killed even while they
    are still loading models or waiting for an API that does not answer."""
    from flows.extract import early_workers
    from flows.settings import RunOptions

    pool = early_workers.start(2, "http://127.0.0.1:1/api", RunOptions().ocr_options())
    pids = list(pool.executor._processes)
    assert len(pids) == 2  # both spawned now, not on the first pages
    early_workers.discard()
    assert early_workers._waiting is None
    assert [_alive(pid) for pid in pids] == [False, False]


RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
TEXT_PDF = RAW / "平罗县委政法委_2024年项目支出绩效目标表.pdf"
SCAN_PDF = RAW / "平罗县农业农村局_2024年项目支出绩效目标表_扫描件.pdf"


def test_the_pool_is_wanted_as_the_flow_would_use_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pool_wanted` applies the flow's rule (`extract_in_process`) before any file is opened
    by the flow: text-layer pages up to IN_PROCESS_PAGES are read in the flow's process; a
    scan, an image or more pages take the pool; an unreadable file counts no page."""
    import pypdfium2 as pdfium
    from PIL import Image

    from flows.extract import documents
    from flows.extract.early_workers import pool_wanted

    png = tmp_path / "photo.png"
    Image.new("L", (40, 30), 255).save(png)
    junk = tmp_path / "notes.pdf"
    junk.write_bytes(b"not a document")
    pages = len(pdfium.PdfDocument(str(TEXT_PDF)))

    assert pool_wanted([]) is False
    assert pool_wanted([TEXT_PDF, junk, tmp_path / "gone.pdf"]) is False
    assert pool_wanted([TEXT_PDF, SCAN_PDF]) is True
    assert pool_wanted([junk, png]) is True
    monkeypatch.setattr(documents, "IN_PROCESS_PAGES", pages)
    assert pool_wanted([TEXT_PDF]) is False
    assert pool_wanted([TEXT_PDF, TEXT_PDF]) is True


def test_a_worker_stops_waiting_for_the_api_when_its_run_is_gone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker started before the flow waits for Prefect's server; when the run that started it
    dies (the worker is handed to another parent) it stops waiting at once instead of living on
    for the server's whole start-up timeout."""
    from flows.extract import workers

    parents = iter([100, 100, 1])
    monkeypatch.setattr(workers.os, "getppid", lambda: next(parents))
    assert workers.wait_for_api("http://127.0.0.1:1/api", poll=0.01) is False
    assert next(parents, None) is None  # asked once more after the first failed check, then out


def test_a_failed_early_start_leaves_the_night_to_the_flows_own_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Starting the page workers ahead of the flow only saves time: when it raises (here the
    second worker cannot be spawned) `perfbudget run` says so in one line, ends the worker that
    did start and goes on, so the flow's runner finds no pool waiting and starts its own."""
    from concurrent.futures import ProcessPoolExecutor

    from flows import cli, inventory
    from flows.extract import early_workers
    from flows.settings import RunOptions

    started: list[int] = []

    class NoSecondWorker(ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self._processes:  # the first worker is spawned: the second one fails
                started.extend(self._processes)
                raise OSError(11, "Resource temporarily unavailable")
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(inventory, "unrecorded", lambda raw, warehouse: [SCAN_PDF])
    monkeypatch.setattr(early_workers, "ProcessPoolExecutor", NoSecondWorker)
    # spawned: a worker per call (a forked pool starts all on the first: no second to refuse)
    monkeypatch.setattr(early_workers, "start_method", lambda fork: "spawn")
    options = RunOptions(raw_dir=tmp_path, warehouse=tmp_path / "w.duckdb", runner="process")

    cli._start_page_workers(options, None, tmp_path)  # no exception: the run goes on

    assert early_workers._waiting is None  # nothing for the runner to adopt: it starts its own
    assert len(started) == 1 and not _alive(started[0])
    assert capsys.readouterr().err == (
        "warning: page workers not started ahead of the flow (BlockingIOError: [Errno 11] "
        "Resource temporarily unavailable); the flow starts its own\n"
    )


def test_workers_are_forked_only_from_a_process_without_other_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page workers are forked (sharing the imports the run made for its flow) only when
    the caller allows it (the CLI), those imports are done and no thread but the main one
    runs; a thread that might hold a lock at the fork (Prefect's loop threads) makes them
    spawn."""
    import sys
    import threading

    from flows.extract import early_workers

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert early_workers.start_method(fork=True) == "fork"  # this process imported both
    assert early_workers.start_method(fork=False) == "spawn"  # the caller may run threads
    monkeypatch.delitem(sys.modules, "flows.pipeline")
    assert early_workers.start_method(fork=True) == "spawn"  # nothing imported to share
    monkeypatch.undo()
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert early_workers.start_method(fork=True) == "spawn"


def test_a_run_forks_its_page_workers_with_the_flow_imported(tmp_path: Path) -> None:
    """`perfbudget run`'s start of the page workers, in a process of its own as the CLI runs
    it: the flow's modules are imported first and the two workers are forked from this process
    (its children, `flows.pipeline` and rapidocr's modules already in them) with the OCR engine
    loaded and without the copy of the waiting pool the fork gave them (a page task adopting it
    hung the night)."""
    import json
    import subprocess
    import sys

    script = f"""
import json, os, sys
from pathlib import Path
from flows import cli
from flows.extract import early_workers, read_ahead
from flows.settings import RunOptions

def report():
    from ocr.page import _ENGINE_CACHE
    return os.getppid(), sorted(_ENGINE_CACHE) != [], early_workers._waiting is None

raw, warehouse = Path({str(SCAN_PDF.parent)!r}), Path({str(tmp_path / "w.duckdb")!r})
options = RunOptions(raw_dir=raw, warehouse=warehouse, runner="process", workers=2)
read_ahead.ROUNDS = 0  # no page read ahead: this test is about the fork
cli._start_page_workers(options, None, Path({str(tmp_path)!r}))
pool = early_workers._waiting
answers = {{pool.executor.submit(report).result(timeout=600) for _ in range(4)}}
shared = [m in sys.modules for m in ("rapidocr.main", "rapidocr.ch_ppocr_rec", "onnxruntime")]
method = pool.executor._mp_context.get_start_method()
print(json.dumps([method, os.getpid(), sorted(answers), shared]))
early_workers.discard()
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=900
    )
    method, pid, answers, shared = json.loads(out.stdout.strip().splitlines()[-1])
    assert method == "fork"
    # the engine's rapidocr modules were imported by the run before the fork, onnxruntime not
    assert shared == [True, True, False]
    # the workers' parent is the run; each has its engine, and no copy of the run's pool to
    # adopt when a page task enters the flow's task runner in the worker
    assert answers == [[pid, True, True]]
