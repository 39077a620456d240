"""A page that ends or hangs its page worker costs that page, never the night
(`flows.extract.page_recovery`): a pool of two forked workers with a stub reader."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import SimpleNamespace

import pytest

from flows.extract.page_recovery import LostPage, NightPages, PageCall, exit_description
from flows.extract.workers import PageWorkers, workers_started


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


def stub_start(marks: str) -> None:
    """A stub worker's start: a `start-dies` mark file ends it there, as an engine that cannot
    load would (`start-dies-once` for the first start only)."""
    once = Path(marks) / "start-dies-once"
    if once.exists():
        once.unlink()
        os._exit(71)
    if (Path(marks) / "start-dies").exists():
        os._exit(71)


class StubPool:
    """Forked workers and a restart, start-up and stop like `PageWorkers`'; counts what ran and
    which lost pages were reported crashed."""

    def __init__(self, marks: Path, workers: int = 2) -> None:
        self.marks = marks
        self.workers = workers
        self.submitted: list[tuple[str, int]] = []
        self.crashes: list[tuple[int, str]] = []
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=stub_start,
            initargs=(str(self.marks),),
        )

    def submit(self, call: PageCall) -> SimpleNamespace:
        self.submitted.append((call.path.name, call.page))
        try:
            future = self.executor.submit(stub_read, call, str(self.marks))
        except RuntimeError as exc:  # Prefect's runner submits in a thread: its future fails
            future = Future()
            future.set_exception(exc)
        return SimpleNamespace(wrapped_future=future)

    def stop(self, kill: bool) -> list[int | None]:
        processes = list((self.executor._processes or {}).values())
        if kill:
            for process in processes:
                process.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)
        return [process.exitcode for process in processes]

    def restart(self, kill: bool) -> list[int | None]:
        codes = self.stop(kill)
        self.executor = self._start()
        return codes

    def start_up(self) -> list[int | None] | None:
        return None if workers_started(self.executor, 1, 30.0) else self.stop(True)

    def crashed(self, futures: list[SimpleNamespace], reason: str) -> None:
        self.crashes.append((len(futures), reason))

    def close(self) -> None:
        self.stop(kill=True)


@pytest.fixture
def pool(tmp_path: Path):
    stub = StubPool(tmp_path)
    yield stub
    stub.close()


def _night(
    pool: StubPool, pages: list[tuple[str, int]], timeout: float = 30.0, max_deaths: int = 10
):
    night = NightPages(pool.submit, pool, pool.workers, timeout, max_deaths)
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
    assert night.deaths == 2  # the break, then the culprit's second death alone
    # every page read to its end once; the dead pool's pages submitted again, none lost
    assert pool.submitted.count(("dies.png", 1)) == 2
    assert pool.submitted.count(("ok-c.png", 1)) == 2
    # the task runs each dead pool lost are ended: the four pages not yet in (slow-a's worker
    # ended with the pool), then the culprit
    assert pool.crashes == [
        (4, "the page workers died (exit code 70)"),
        (1, "the page workers died (exit code 70)"),
    ]
    assert night.cut_short is None


def test_a_page_that_killed_its_worker_once_is_read_when_alone(pool: StubPool) -> None:
    pages = [("ok-a.png", 1), ("dies-once.png", 1), ("ok-b.png", 1)]
    night, outcomes = _night(pool, pages)
    assert outcomes == ["ok-a.png p1", "dies-once.png p1", "ok-b.png p1"]
    assert night.deaths == 1


def test_a_hung_page_is_retried_alone_then_lost(pool: StubPool) -> None:
    pages = [("ok-a.png", 1), ("hangs.png", 2), ("ok-b.png", 1)]
    night, outcomes = _night(pool, pages, timeout=1.0)
    assert outcomes == [
        "ok-a.png p1",
        "page 2 gave no result within 1 s, twice (the second time read alone): its worker "
        "was ended",
        "ok-b.png p1",
    ]
    assert night.deaths == 2


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
    night = NightPages(pool.submit, pool, pool.workers, 30.0, 10)
    handle = night.submit(PageCall(Path("raises.png"), 1, "image"))
    future = night.result(handle).wrapped_future
    assert str(future.exception()) == "raises.png cannot be unpickled"
    assert night.deaths == 0 and pool.submitted == [("raises.png", 1)]


CUT = (
    "not read: the night was cut short: the page workers died 3 times in a row, no page read "
    "between (RunOptions.max_pool_deaths), the last: {how}; read again next night"
)


def test_a_night_where_every_page_kills_its_worker_is_cut_short(pool: StubPool) -> None:
    """Before, each page that killed its worker cost a restart or two and the night went on
    (six dying pages: 8 restarts, 15 pages submitted; a broken engine on a night of
    thousands of pages: hours). Now the third death ends the pool: the two pages that died
    alone are named, the four not read are left for the next night, and nothing more is
    submitted."""
    pages = [("dies.png", n) for n in range(1, 7)]
    night, outcomes = _night(pool, pages, max_deaths=3)
    assert (
        outcomes
        == [
            "worker died reading page 1 (exit code 70)",
            "worker died reading page 2 (exit code 70)",
        ]
        + [CUT.format(how="exit code 70")] * 4
    )
    assert night.deaths == 3
    assert night.cut_short == (
        "the night was cut short: the page workers died 3 times in a row, no page read between "
        "(RunOptions.max_pool_deaths), the last: exit code 70"
    )
    assert len(pool.submitted) == 8  # the six, then pages 1 and 2 alone
    assert pool.executor._shutdown_thread  # ended, no new pool started


def test_bad_pages_among_good_ones_do_not_cut_the_night(pool: StubPool) -> None:
    """The allowance counts deaths in a row: three pages that kill their worker, each followed by
    pages that read, cost six deaths against an allowance of three and the night still reads
    every good page (a cap on the night's total would have left the last pages for tomorrow)."""
    pages = [("dies.png", 1), ("ok-a.png", 1), ("ok-b.png", 1), ("dies.png", 2)]
    pages += [("ok-c.png", 1), ("ok-d.png", 1), ("dies.png", 3), ("ok-e.png", 1)]
    night = NightPages(pool.submit, pool, pool.workers, 30.0, 3)
    outcomes = []
    for name, page in pages:  # one at a time: which pages one break holds is then fixed
        result = night.result(night.submit(PageCall(Path(name), page, "image")))
        lost = isinstance(result, LostPage)
        outcomes.append(result.message if lost else result.wrapped_future.result().split(" pid")[0])
    died = "worker died reading page {} (exit code 70)"
    assert outcomes == [
        died.format(1), "ok-a.png p1", "ok-b.png p1",
        died.format(2), "ok-c.png p1", "ok-d.png p1",
        died.format(3), "ok-e.png p1",
    ]  # fmt: skip
    assert night.deaths == 6 and night.cut_short is None


def test_pages_in_before_the_cut_are_kept(pool: StubPool) -> None:
    night = NightPages(pool.submit, pool, pool.workers, 30.0, 1)
    first = night.result(night.submit(PageCall(Path("ok-a.png"), 1, "image")))
    assert first.wrapped_future.result().startswith("ok-a.png p1")
    handles = [0] + [
        night.submit(PageCall(Path(n), p, "image")) for n, p in [("dies.png", 2), ("slow-b.png", 3)]
    ]
    assert [night.result(h) for h in handles[1:]] == [
        LostPage(CUT.format(how="exit code 70").replace("3 times", "1 time"), cut=True)
    ] * 2
    assert night.result(handles[0]) is first


@pytest.fixture
def one_worker(tmp_path: Path):
    """A pool of one forked worker: a forked pool starts all its workers at once, a spawned one
    (`PageWorkers`') one per call, so one worker is what the start-up check sees either way."""
    stub = StubPool(tmp_path, workers=1)
    yield stub
    stub.close()


def test_a_death_while_starting_blames_no_page(one_worker: StubPool) -> None:
    """The restarted pool's first start dies (an engine that cannot load): before, its suspect
    page was read on it and blamed (`worker died reading page 2`) and its document lost. Now the
    start-up is its own death and the page is read on the next pool."""
    pool = one_worker
    assert pool.start_up() is None
    (pool.marks / "start-dies-once").touch()  # after the first pool's start
    pages = [("ok-a.png", 1), ("dies-once.png", 2), ("ok-b.png", 3)]
    night, outcomes = _night(pool, pages)
    assert outcomes == ["ok-a.png p1", "dies-once.png p2", "ok-b.png p3"]
    assert night.deaths == 2 and night.cut_short is None


def test_a_pool_that_never_starts_cuts_the_night(one_worker: StubPool) -> None:
    """Every restarted pool dies starting (a broken model file): no page is blamed, the night
    ends at the cap, its pages left for the next."""
    pool = one_worker
    pages = [("dies-once.png", 1), ("slow-a.png", 2)]
    assert pool.start_up() is None
    (pool.marks / "start-dies").touch()  # after the first pool's start
    night, outcomes = _night(pool, pages, max_deaths=3)
    assert outcomes == [CUT.format(how="exit code 71, while starting")] * 2
    assert pool.submitted == [("dies-once.png", 1), ("slow-a.png", 2)]


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
        assert new._initargs[1:] == (start_page_worker, (api_url, opencv_threads(1), None))
    finally:
        runner._executor.shutdown(wait=True)
        runner._stop_message_forwarding()


def test_a_page_handed_over_late_fails_with_its_pool_not_on_the_next() -> None:
    """Prefect's runner hands a page to the pool from its resolver thread, which reads the
    runner's executor only when it gets there. Before, a page the thread reached after a
    restart (a loaded machine: the thread seconds behind the flow) ran on the new pool beside
    the suspect read alone, and a page that killed its worker there got the suspect blamed: the
    read-ahead night below quarantined a.png under load. Now the restart lets every page
    submitted before it reach the old pool first, and fail there as that pool's loss."""
    runner = PageWorkers(1)
    old = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    runner._executor = old
    runner._resolver_executor = resolver = ThreadPoolExecutor(1)

    def hand_over_late() -> Future:
        time.sleep(0.5)  # the flow restarts the pool meanwhile
        return runner._executor.submit(os.getpid)

    late = resolver.submit(hand_over_late)
    try:
        runner.restart(kill=True)
        assert isinstance(late.exception(timeout=30), RuntimeError)  # the old pool's failure
        assert runner._executor is not old and not runner._executor._pending_work_items
        assert runner._resolver_executor is not resolver  # threads for the new pool
    finally:
        runner._executor.shutdown(wait=True)
        runner._resolver_executor.shutdown(wait=True)
        runner._stop_message_forwarding()


def _perfbudget_run(raw: Path, wh: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`perfbudget run` in its own process (its workers forked as it starts, as a night's),
    reporting to the session's Prefect test server, with `env` added. The timeout only stops a
    hung run: the read-ahead night took 290-322 s at a load average of 30-36 on two cores
    (60 s at 17), and 300 s failed it there."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value() or "", **env}
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--raw", str(raw), "--warehouse", str(wh)],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def test_perfbudget_run_lands_the_night_when_a_page_read_ahead_kills_its_worker(
    two_images: Path, tmp_path: Path, prefect_harness: None
) -> None:
    """`perfbudget run`: its workers forked as it starts read the first pages ahead, and the
    worker reading b.png dies there (in the pool's initializer), breaking the pool before any
    page task ran. Before, the run failed (exit 1, a BrokenProcessPool traceback, nothing
    published); now both pages are read again on a restarted pool, b.png's alone."""
    from tests.conftest import query_warehouse as query

    wh = tmp_path / "perfbudget.duckdb"
    done = _perfbudget_run(two_images, wh, PERFBUDGET_FAULT="extract-dies:b.png#1#")
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


def test_a_night_cut_short_exits_3_and_its_flow_run_ends_failed(
    two_images: Path, tmp_path: Path, prefect_harness: None
) -> None:
    """Every page kills its worker and one death is allowed: the night is cut short. Before,
    `perfbudget run` exited 3 but the flow run ended Completed, so Prefect's UI and alerts
    showed a night that left both documents unread as a good one. Now the run ends Failed with
    the reason, and what the night did (both documents quarantined, read next night) is
    published as on any night."""
    from prefect.client.orchestration import get_client

    from tests.conftest import query_warehouse as query

    wh = tmp_path / "perfbudget.duckdb"
    done = _perfbudget_run(
        two_images, wh, PERFBUDGET_FAULT="extract-dies:.png#1#", PERFBUDGET_MAX_POOL_DEATHS="1"
    )
    assert done.returncode == 3, done.stderr[-2000:]
    assert query(wh, "select source_file, status from dim_document order by 1") == [
        ("a.png", "quarantined"),
        ("b.png", "quarantined"),
    ]
    with get_client(sync_client=True) as client:
        runs = [
            r
            for r in client.read_flow_runs()
            if r.parameters.get("options", {}).get("warehouse") == str(wh)
        ]
    assert [(r.state.name, r.state.message) for r in runs] == [
        (
            "Failed",
            "the night was cut short: the page workers died 1 time in a row, no page read "
            "between (RunOptions.max_pool_deaths), the last: exit code 70",
        )
    ]


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


def test_a_dead_pools_task_runs_are_set_crashed(prefect_harness: None) -> None:
    """Before, the task run of a page whose worker died stayed `Running` in Prefect's UI for
    ever (its worker never reported an end). `PageWorkers.crashed` ends it with the death's
    reason; a page never started (no run recorded) and a run already ended are left alone."""
    from uuid import uuid4

    from prefect import task
    from prefect.client.orchestration import get_client
    from prefect.states import Completed, Running

    @task
    def page() -> None:
        pass

    with get_client(sync_client=True) as client:
        running = client.create_task_run(page, None, "running", state=Running())
        done = client.create_task_run(page, None, "done", state=Completed())
        futures = [SimpleNamespace(task_run_id=i) for i in (running.id, done.id, uuid4())]
        PageWorkers(1).crashed(futures, "the page workers died (exit code 70)")
        crashed = client.read_task_run(running.id).state
        assert (crashed.name, crashed.message) == (
            "Crashed",
            "the page workers died (exit code 70)",
        )
        assert client.read_task_run(done.id).state.name == "Completed"


def test_a_cut_nights_document_has_one_error_and_the_summary_says_why() -> None:
    """The pages a night cut short did not read give their document one `ingest_errors` line
    (quarantined: read next night), not one per page; the summary's last line says why."""
    from flows.models import DocumentExtraction
    from flows.pipeline import RunSummary, _collect_pages

    cut = LostPage("not read: the night was cut short: …; read again next night", cut=True)
    pool = SimpleNamespace(result=lambda handle: [_Done("p1"), cut, cut][handle])
    doc = DocumentExtraction("e.pdf", "ef" * 32, 10, 3, "pdf")
    assert _collect_pages(doc, [0, 1, 2], None, Path("/raw/e.pdf"), pool) == (None, True)
    assert doc.errors == [("extract", cut.message)]
    summary = RunSummary(cut_short="the night was cut short: the page workers died 10 times")
    assert summary.lines()[-1] == (
        "the night was cut short: the page workers died 10 times: the documents above left "
        "unread are read next night"
    )
    assert "**the night was cut short" in summary.markdown()


def test_a_page_worker_entering_the_flows_runner_starts_no_pool(monkeypatch) -> None:
    """Prefect's worker enters the flow's runner around every task. Before, that made a spawn
    pool's queue and executor per page (8 semaphores registered with the resource tracker,
    leaked when the worker died mid-page: "There appear to be 80 leaked semaphore objects" at
    the end of a night of 10 deaths). In a page worker it now starts nothing."""
    from multiprocessing import resource_tracker

    from flows.extract import workers

    registered: list[str] = []
    monkeypatch.setattr(resource_tracker, "register", lambda name, rtype: registered.append(name))
    monkeypatch.setattr(workers, "_in_page_worker", True)
    runner = PageWorkers(2).duplicate()
    with runner:
        assert runner._executor is None and runner._subprocess_message_queue is None
        assert runner._message_forwarding_thread is None
    assert registered == []
