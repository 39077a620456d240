"""A page that ends or hangs its page worker costs that page, never the night
(`flows.extract.page_recovery`): a pool of two forked workers with a stub reader."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import SimpleNamespace

import pytest

from flows.extract.page_recovery import LostPage, NightPages, PageCall, exit_description
from flows.extract.workers import PageWorkers


def stub_read(call: PageCall, marks: str) -> str:
    """A page's 'reading': what its file name says it does. `dies` ends the worker as a native
    crash would, `hangs` never returns, `dies-once` ends the first worker that reads it only
    (a mark file remembers it), `slow` takes a moment (a page beside a dying one), `raises`
    fails its future without harming the pool."""
    name = call.path.name
    if name.startswith("dies-once"):
        mark = Path(marks) / f"{name}-{call.page}"
        if not mark.exists():
            mark.touch()
            os._exit(70)
    elif name.startswith("dies"):
        os._exit(70)
    elif name.startswith("hangs"):
        time.sleep(600)
    elif name.startswith("slow"):
        time.sleep(0.3)
    elif name.startswith("raises"):
        raise ValueError(f"{name} cannot be unpickled")  # a failure of the page, not the pool
    return f"{name} p{call.page} pid{os.getpid()}"


class StubPool:
    """Two forked workers and a restart like `PageWorkers.restart`'s; counts what ran."""

    def __init__(self, marks: Path, workers: int = 2) -> None:
        self.marks = marks
        self.workers = workers
        self.submitted: list[tuple[str, int]] = []
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))

    def submit(self, call: PageCall) -> SimpleNamespace:
        self.submitted.append((call.path.name, call.page))
        future = self.executor.submit(stub_read, call, str(self.marks))
        return SimpleNamespace(wrapped_future=future)

    def restart(self, kill: bool) -> list[int | None]:
        processes = list(self.executor._processes.values())
        if kill:
            for process in processes:
                process.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = self._start()
        return [process.exitcode for process in processes]

    def close(self) -> None:
        for process in list((self.executor._processes or {}).values()):
            process.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)


@pytest.fixture
def pool(tmp_path: Path):
    stub = StubPool(tmp_path)
    yield stub
    stub.close()


def _night(pool: StubPool, pages: list[tuple[str, int]], timeout: float = 30.0):
    night = NightPages(pool.submit, pool.restart, pool.workers, timeout)
    handles = [night.submit(PageCall(Path(name), page, "image")) for name, page in pages]
    outcomes = []
    for handle in handles:
        result = night.result(handle)
        if isinstance(result, LostPage):
            outcomes.append(result.message)
        else:
            outcomes.append(result.wrapped_future.result().split(" pid")[0])
    return night, outcomes


def test_a_dead_pool_fails_every_page_it_held(tmp_path: Path) -> None:
    """What the flow met before: one page ending its worker broke the pool, and every page
    still in it (the next document's too) failed with BrokenProcessPool, the first wait raised.
    One worker, so the pages after the dying one are still queued whatever the machine's load
    (with two, a loaded machine may let the other worker finish one first)."""
    stub = StubPool(tmp_path, workers=1)
    try:
        futures = [stub.submit(PageCall(Path(n), 1, "image")).wrapped_future
                   for n in ("dies.png", "ok-b.png", "ok-c.png")]  # fmt: skip
        with pytest.raises(BrokenProcessPool):
            futures[0].result(timeout=30)
        assert all(isinstance(f.exception(timeout=30), BrokenProcessPool) for f in futures)
    finally:
        stub.close()


def test_a_page_that_kills_its_worker_twice_is_lost_alone(pool: StubPool) -> None:
    pages = [("slow-a.png", 1), ("dies.png", 1), ("ok-b.png", 1), ("ok-c.png", 1)]
    night, outcomes = _night(pool, pages)
    assert outcomes == [
        "slow-a.png p1",
        "worker died reading page 1 (exit code 70)",
        "ok-b.png p1",
        "ok-c.png p1",
    ]
    assert night.restarts == 2  # the break, then the culprit's second death alone
    # every page read to its end once; the dead pool's pages submitted again, none lost
    assert pool.submitted.count(("dies.png", 1)) == 2
    assert pool.submitted.count(("ok-c.png", 1)) == 2


def test_a_page_that_killed_its_worker_once_is_read_when_alone(pool: StubPool) -> None:
    pages = [("ok-a.png", 1), ("dies-once.png", 1), ("ok-b.png", 1)]
    night, outcomes = _night(pool, pages)
    assert outcomes == ["ok-a.png p1", "dies-once.png p1", "ok-b.png p1"]
    assert night.restarts == 1


def test_a_hung_page_is_retried_alone_then_lost(pool: StubPool) -> None:
    pages = [("ok-a.png", 1), ("hangs.png", 2), ("ok-b.png", 1)]
    night, outcomes = _night(pool, pages, timeout=1.0)
    assert outcomes == [
        "ok-a.png p1",
        "page 2 gave no result within 1 s, twice (the second time read alone): its worker "
        "was ended",
        "ok-b.png p1",
    ]
    assert night.restarts == 2


def test_pages_read_before_the_break_are_kept_not_read_again(pool: StubPool) -> None:
    """A page whose result was in before the pool broke keeps it: nothing lands twice."""
    pages = [("ok-a.png", 1), ("ok-a.png", 2), ("slow-x.png", 1), ("dies.png", 3)]
    pool_first = _night(pool, pages[:2])[1]
    assert pool_first == ["ok-a.png p1", "ok-a.png p2"]
    night, outcomes = _night(pool, pages[2:])
    assert outcomes == ["slow-x.png p1", "worker died reading page 3 (exit code 70)"]
    assert pool.submitted.count(("ok-a.png", 1)) == 1


def test_a_page_failing_on_its_own_restarts_nothing(pool: StubPool) -> None:
    """Only the pool's failures (broken, shut down: RuntimeError) restart it; a page's own
    failure comes back to the flow as it did before."""
    night = NightPages(pool.submit, pool.restart, pool.workers, 30.0)
    handle = night.submit(PageCall(Path("raises.png"), 1, "image"))
    future = night.result(handle).wrapped_future
    assert str(future.exception()) == "raises.png cannot be unpickled"
    assert night.restarts == 0 and pool.submitted == [("raises.png", 1)]


def test_how_a_worker_ended_is_told_by_code_or_signal() -> None:
    assert exit_description([-signal.SIGTERM, 70]) == "exit code 70"
    assert exit_description([-signal.SIGKILL, -signal.SIGTERM]) == "signal 9 (SIGKILL)"
    assert exit_description([-signal.SIGTERM, -signal.SIGTERM]) == "signal 15 (SIGTERM)"
    assert exit_description([]) == "exit code unknown"


@pytest.fixture(scope="module")
def two_images(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two one-page image documents (a seed PDF's page rendered), read on the page workers."""
    import pypdfium2 as pdfium

    from tests.fixtures.build_seed_pdf import build_seed_pdf
    from tests.fixtures.seed_truth import SEED_PROJECTS

    root = tmp_path_factory.mktemp("two_images")
    raw = root / "raw"
    raw.mkdir()
    for name, project in (("a", SEED_PROJECTS[2]), ("b", SEED_PROJECTS[4])):
        pdf = pdfium.PdfDocument(str(build_seed_pdf(root / f"{name}.pdf", projects=[project])))
        pdf[0].render(scale=150 / 72).to_pil().save(raw / f"{name}.png")
        pdf.close()
    return raw


def test_the_runner_restarts_its_pool_killing_a_hung_worker() -> None:
    """`PageWorkers.restart(kill=True)`: the worker stuck in a page is killed, its exit code
    returned, its page failed by the old pool, and a new pool of the runner's size stands ready
    with the page workers' initializer (its workers start on the first page submitted: the
    end-to-end test below reads pages on one)."""
    from prefect.settings import get_current_settings
    from prefect.task_runners import _initialize_process_pool_worker

    from flows.extract.workers import opencv_threads, start_page_worker

    runner = PageWorkers(1)
    old = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    runner._executor = old
    hung = old.submit(time.sleep, 600)
    while not hung.running():
        time.sleep(0.01)
    (worker,) = old._processes.values()
    try:
        assert runner.restart(kill=True) == [-signal.SIGKILL]
        assert isinstance(hung.exception(timeout=30), BrokenProcessPool)
        assert not worker.is_alive()
        new = runner._executor
        assert new is not old and new._max_workers == 1
        assert new._initializer is _initialize_process_pool_worker
        assert new._initargs[0] is runner._subprocess_message_queue
        api_url = get_current_settings().api.url  # the suite's shared server under xdist
        assert new._initargs[1:] == (start_page_worker, (api_url, opencv_threads(1)))
    finally:
        runner._executor.shutdown(wait=True)
        runner._stop_message_forwarding()


def test_perfbudget_run_lands_the_night_when_a_page_read_ahead_kills_its_worker(
    two_images: Path, tmp_path: Path, prefect_harness: None
) -> None:
    """`perfbudget run`: its workers forked as it starts read the first pages ahead, and the
    worker reading b.png dies there (in the pool's initializer), breaking the pool before any
    page task ran. Before, the run failed (exit 1, a BrokenProcessPool traceback, nothing
    published); now both pages are read again on a restarted pool, b.png's alone."""
    import subprocess
    import sys

    from prefect.settings import PREFECT_API_URL

    from tests.conftest import query_warehouse as query

    wh = tmp_path / "perfbudget.duckdb"
    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value() or "",
        "PERFBUDGET_FAULT": "extract-dies:b.png#1#",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--raw", str(two_images), "--warehouse",
         str(wh)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "  ! b.png [extract] worker died reading page 1 (exit code 70)" in done.stdout
    assert query(wh, "select source_file, status from dim_document order by 1") == [
        ("a.png", "ingested"),
        ("b.png", "quarantined"),
    ]
    assert query(wh, "select source_file, stage, error from ingest_errors") == [
        ("b.png", "extract", "worker died reading page 1 (exit code 70)")
    ]
    assert query(wh, "select count(*) from dim_project") == [(1,)]


def test_the_page_timeout_is_a_run_option() -> None:
    from pydantic import ValidationError

    from flows.settings import RunOptions

    assert RunOptions().page_timeout_seconds == 300.0
    assert RunOptions(page_timeout_seconds=20).page_timeout_seconds == 20.0
    with pytest.raises(ValidationError):
        RunOptions(page_timeout_seconds=0)


class _Done:
    """A page task's finished future, as the flow reads it."""

    def __init__(self, grid: str) -> None:
        self.grid = grid
        self.state = SimpleNamespace(is_completed=lambda: True)

    def wait(self) -> None:
        pass

    def result(self) -> str:
        return self.grid


def test_a_document_with_a_lost_page_lands_none_of_its_pages() -> None:
    """Its other pages read, a document missing a page gives no pages (`_collect_pages` None:
    not parsed, no rows) and one error, transient (quarantined, read again next night)."""
    from flows.models import DocumentExtraction
    from flows.pipeline import _collect_pages

    outcomes = [_Done("p1"), LostPage("worker died reading page 2 (exit code 70)"), _Done("p3")]
    pool = SimpleNamespace(result=lambda handle: outcomes[handle])
    doc = DocumentExtraction("c.pdf", "ab" * 32, 10, 3, "pdf")
    assert _collect_pages(doc, [0, 1, 2], None, Path("/raw/c.pdf"), pool) == (None, True)
    assert doc.errors == [("extract", "worker died reading page 2 (exit code 70)")]
    whole = DocumentExtraction("d.pdf", "cd" * 32, 10, 2, "pdf")
    pool = SimpleNamespace(result=lambda handle: [_Done("p1"), _Done("p2")][handle])
    assert _collect_pages(whole, [0, 1], None, Path("/raw/d.pdf"), pool) == (["p1", "p2"], False)
    assert whole.errors == []
