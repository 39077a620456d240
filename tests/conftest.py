"""Shared fixtures: one Prefect test server and one end-to-end run per test session.

The server is a throwaway Prefect API (~20 CPU-s to start), so there is one per session: under
xdist the controller starts it for both workers, in a serial run `prefect_harness` starts a test
harness; the sample run (seed PDF plus deliberately bad files, and the self-evaluation sample)
is built once and read by every end-to-end test.

`make test` runs the suite on two pytest-xdist workers (`-n 2 --dist loadgroup`). Two things make
that safe and cheap:
- each worker builds the marts from its own copy of dbt_project/ (dbt writes its target/ and
  logs/ inside the project: two builds at once would overwrite each other's run_results.json,
  which the quarantine reads);
- tests that share an expensive session- or module-scoped fixture (a whole night's run, an OCRed
  document) are one xdist group, so that fixture is built once, on one worker.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import flows.settings
from flows.processes import end_process
from flows.settings import PROJECT_ROOT
from tests import cputimes

# Session-scoped fixtures cheap enough to start on each worker: they do not group their tests.
UNGROUPED_FIXTURES = frozenset({"prefect_harness", "tmp_path_factory", "worker_id", "warm_dbt"})


def _own_dbt_project(worker: str) -> Path:
    """A copy of dbt_project/ (sources only: no target/, logs/) for one xdist worker; set as
    flows.settings.DBT_PROJECT_DIR before flows.marts or flows.docs_site read it."""
    if "flows.marts" in sys.modules or "flows.docs_site" in sys.modules:
        raise RuntimeError("flows.marts was imported before the worker's dbt project was set")
    copy = Path(tempfile.mkdtemp(prefix=f"perfbudget-dbt-{worker}-")) / "dbt_project"
    shutil.copytree(
        flows.settings.DBT_PROJECT_DIR,
        copy,
        symlinks=True,
        ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"),
    )
    return copy


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "dear: the module's shared fixture costs minutes (OCR): started first"
    )
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        flows.settings.DBT_PROJECT_DIR = _own_dbt_project(worker)
    elif _distributing(config):  # the xdist controller: the workers (started later) inherit it
        fd, path = tempfile.mkstemp(prefix="perfbudget-xdist-groups-", suffix=".json")
        os.close(fd)
        os.environ[GROUPS_FILE_ENV] = path
        if importlib.util.find_spec("prefect") is not None:
            _SHARED_SERVER.append(start_shared_prefect_server())


def pytest_unconfigure(config: pytest.Config) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shutil.rmtree(flows.settings.DBT_PROJECT_DIR.parent, ignore_errors=True)
    elif _distributing(config):
        Path(os.environ.pop(GROUPS_FILE_ENV)).unlink(missing_ok=True)
        while _SHARED_SERVER:
            _SHARED_SERVER.pop().stop()


# --------------------------------------------------------------------------- one Prefect server

# The shared test server's API URL, for the workers: set by the xdist controller.
SHARED_API_ENV = "PERFBUDGET_TEST_PREFECT_API"


@dataclass
class SharedPrefectServer:
    """The Prefect API of a whole xdist session: one server for both workers, as
    prefect_test_harness runs it (uvicorn on Prefect's app factory, a throwaway SQLite
    database, no UI). A harness per worker started two servers (~20 CPU-s each, ~8 of them
    database migrations) for the same job."""

    proc: subprocess.Popen
    folder: Path
    api_url: str

    def cpu_seconds(self) -> float | None:
        """The server's CPU so far (its own and its waited-for children's), from /proc: no test
        counts it (tests/cputimes.py counts a worker's descendants; this is the controller's)."""
        stat = cputimes.proc_stat(self.proc.pid)
        return None if stat is None else stat[1] / cputimes.TICK

    def stop(self) -> None:
        end_process(self.proc)
        shutil.rmtree(self.folder, ignore_errors=True)


_SHARED_SERVER: list[SharedPrefectServer] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for server in _SHARED_SERVER:
        cpu = server.cpu_seconds()
        if cpu is not None:
            terminalreporter.write_line(f"shared Prefect test server: {cpu:.1f} CPU-s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Prefect's background services that no test relies on, off in the servers the suite starts:
# the suite reads flow-run states, artifacts and deployments through the API, never the task runs
# or events the services record from every state change, nor the runs the scheduler makes up
# ahead of time for a served deployment's cron schedule.
IDLE_PREFECT_SERVICES = (
    "SCHEDULER", "LATE_RUNS", "FOREMAN", "CANCELLATION_CLEANUP", "PAUSE_EXPIRATIONS",
    "REPOSSESSOR", "CLEANUP_RECONCILER", "DB_VACUUM", "EVENT_PERSISTER", "EVENT_LOGGER",
    "TRIGGERS", "TASK_RUN_RECORDER",
)  # fmt: skip
QUIET_PREFECT_SERVER_ENV = {
    "PREFECT_UI_ENABLED": "0",  # as prefect_test_harness's server
    **{f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in IDLE_PREFECT_SERVICES},
}


def start_shared_prefect_server() -> SharedPrefectServer:
    """Start the session's server without waiting for it (the workers collect meanwhile; the
    first `prefect_harness` waits for its health), and hand its URL to the workers."""
    folder = Path(tempfile.mkdtemp(prefix="perfbudget-prefect-"))
    port = _free_port()
    prefect_dir = Path(importlib.util.find_spec("prefect").origin).parent
    env = {
        **os.environ,
        **QUIET_PREFECT_SERVER_ENV,
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{folder}/prefect.db",
        "PREFECT_HOME": str(folder),
    }
    env.pop("PREFECT_API_URL", None)
    with (folder / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent),
                "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
                "--port", str(port), "--log-level", "error", "--lifespan", "on",
            ],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = SharedPrefectServer(proc, folder, f"http://127.0.0.1:{port}/api")
    os.environ[SHARED_API_ENV] = server.api_url
    # Named in the workers' environment from their start, before they import Prefect, as
    # `perfbudget serve` names its server to a night. Named only in the settings context
    # (`prefect_harness`), the API was missing where Prefect reads settings outside that context:
    # the process-pool task runner forwards its page workers' events from a thread of its own,
    # which sees the settings Prefect read from the environment at import. The first night with
    # page workers then started an ephemeral Prefect server in the test worker for those events
    # (its migrations, and its task-run recorder running to the session's end, where it logged
    # `FOREIGN KEY constraint failed`: the events were of flow runs it had never seen).
    os.environ["PREFECT_API_URL"] = server.api_url
    return server


def wait_for_api(api_url: str, timeout: float) -> None:
    """Return once the API answers its health check; fail with the server's log otherwise."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{api_url}/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the shared Prefect test server at {api_url} did not answer")
        time.sleep(0.2)


# The groups travel from a worker's collection to the controller's scheduler in a file: xdist's
# own loadgroup puts the group into the node id (`item._nodeid`), which pytest 9 no longer reads,
# so every test would be scheduled alone and each worker would build the sample run.
GROUPS_FILE_ENV = "PERFBUDGET_XDIST_GROUPS_FILE"


def _distributing(config: pytest.Config) -> bool:
    return config.pluginmanager.hasplugin("xdist") and config.getoption("dist", "no") != "no"


def _write_groups(items: list[pytest.Item]) -> None:
    """A worker's node id → group map, for the controller (both workers write the same map)."""
    path = os.environ.get(GROUPS_FILE_ENV)
    if not path or not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    groups = {item.nodeid: g for item in items if (g := shared_fixture(item)) is not None}
    tmp = Path(f"{path}.{os.environ['PYTEST_XDIST_WORKER']}")
    tmp.write_text(json.dumps(groups), encoding="utf-8")
    tmp.replace(path)


# optionalhook: the paddle environment (make test-paddle) has no xdist, yet loads this file.
@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """`--dist loadgroup`: xdist's scope scheduler, the scopes being our groups. Work units are
    handed out in collection order (with --no-loadscope-reorder: the order set below)."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:  # called once every worker has collected
                text = Path(os.environ[GROUPS_FILE_ENV]).read_text(encoding="utf-8")
                self.groups = json.loads(text) if text else {}
            if nodeid.rfind("@") > nodeid.rfind("]"):  # xdist's own suffix, where it works
                nodeid = nodeid.rsplit("@", 1)[0]
            return self.groups.get(nodeid, nodeid)

    return SharedFixtureScheduling(config, log)


def _fixture_defs(item: pytest.Item) -> dict[str, object]:
    """The item's fixtures that group tests (all but the cheap ones), by name."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return {}
    return {
        name: info.name2fixturedefs[name][-1]
        for name in info.names_closure
        if name in info.name2fixturedefs and name not in UNGROUPED_FIXTURES
    }


def _session_fixtures(item: pytest.Item) -> list[str]:
    return sorted(n for n, d in _fixture_defs(item).items() if d.scope == "session")


# Session fixture → its group: fixtures one test reads together are one group (set at collection).
_SESSION_GROUPS: dict[str, str] = {}


def _join_session_fixtures(items: list[pytest.Item]) -> None:
    """Session fixtures read by one test must be built on one worker: join them into groups
    (connected components over the tests), each named by its first fixture in name order."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    for item in items:
        names = _session_fixtures(item)
        for name in names[1:]:
            parent[root(name)] = root(names[0])
    members: dict[str, list[str]] = {}
    for name in parent:
        members.setdefault(root(name), []).append(name)
    _SESSION_GROUPS.clear()
    for names in members.values():
        _SESSION_GROUPS.update(dict.fromkeys(names, min(names)))


def shared_fixture(item: pytest.Item) -> str | None:
    """The expensive fixture an item shares with other tests, as an xdist group name.

    A session-scoped one wins, as its group (a test reading the sample run through a module
    fixture of its own still runs where the sample run is; two session fixtures one test reads
    are built on one worker); else the module-scoped one furthest downstream (the published
    night, not the documents it is made from), named with its module; else None."""
    defs = _fixture_defs(item)
    if not defs:
        return None

    def depth(name: str) -> int:
        deps = [d for d in defs[name].argnames if d in defs and d != name]
        return 1 + max((depth(d) for d in deps), default=0)

    session = _session_fixtures(item)
    if session:
        return _SESSION_GROUPS.get(session[0], session[0])
    module = sorted((n for n, d in defs.items() if d.scope == "module"), key=lambda n: -depth(n))
    return f"{item.module.__name__}::{module[0]}" if module else None


def weight(item: pytest.Item) -> int:
    """A rough cost class, to start the long work first (xdist hands out work in item order
    under --no-loadscope-reorder): a shared fixture marked `dear` (minutes of OCR) 3, so that it
    starts beside the sample run instead of after every night; a whole night (the Prefect
    harness) 2; another shared fixture 1; a lone test 0."""
    if item.get_closest_marker("dear") and shared_fixture(item):
        return 3
    names = getattr(getattr(item, "_fixtureinfo", None), "names_closure", ())
    if "prefect_harness" in names:
        return 2
    return 1 if shared_fixture(item) else 0


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which turns the groups into node ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist's loadgroup, keep the tests of one expensive shared fixture on one worker, and
    hand out the groups that cost most first (a group's cost class is its dearest test's)."""
    _join_session_fixtures(items)
    group_weight: dict[str, int] = {}
    for item in items:
        group = shared_fixture(item)
        if group is not None and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(group))
        key = group or item.nodeid
        group_weight[key] = max(group_weight.get(key, 0), weight(item))
    if os.environ.get("PYTEST_XDIST_WORKER"):  # a serial run keeps the file order
        order = {id(item): i for i, item in enumerate(items)}
        items.sort(key=lambda it: (-group_weight[shared_fixture(it) or it.nodeid], order[id(it)]))
        _write_groups(items)


@pytest.fixture
def models_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """During the test, every `dbt build` (flows.marts, in this process or a child) builds the
    models and seeds but runs no data test: dbt reads `--resource-type` from this variable.

    For nights whose documents a build elsewhere in the suite already data-tests, in tests that
    read the marts and not the data tests' verdicts (never where a test checks a quarantine by a
    data test). The data tests are ~60% of a small build's nodes and about half its time. A
    module- or session-scoped fixture the test reads is built before this one (pytest sets up
    wider scopes first), so it keeps its data tests."""
    monkeypatch.setenv("DBT_RESOURCE_TYPES", "model seed")


# The worker's warm dbt (flows/dbt_server.py): the socket every build of this process and of the
# runs it starts is sent to, while it runs.
_WARM_DBT: list[str] = []
ONE_SHOT_ENV = "PERFBUDGET_TEST_DBT"


@pytest.fixture(scope="session", autouse=True)
def warm_dbt() -> Iterator[str | None]:
    """One warm dbt per worker, as `perfbudget serve` keeps one: every `dbt build` of the suite
    (nights in this process, `perfbudget run` children, direct builds) goes to it, and builds of
    warehouses with one file name share one parse. A one-shot build paid ~14 CPU-s on the sample
    night (interpreter, dbt import, project load); a warm one ~7. Tests of the one-shot path
    unset PERFBUDGET_DBT_SERVER (monkeypatch). Not in the paddle environment (no dbt there), nor
    with PERFBUDGET_TEST_DBT=one-shot (every build a child of its own, as an unserved night)."""
    if importlib.util.find_spec("dbt") is None or os.environ.get(ONE_SHOT_ENV) == "one-shot":
        yield None
        return
    from flows import dbt_server

    # a short folder: a Unix socket's path is limited to ~100 bytes
    folder = Path(tempfile.mkdtemp(prefix="pb-dbt-"))
    server = dbt_server.start(folder / "dbt.sock")  # sets PERFBUDGET_DBT_SERVER
    _WARM_DBT.append(os.environ[dbt_server.SERVER_ENV])
    try:
        yield _WARM_DBT[0]
    finally:
        _WARM_DBT.clear()
        dbt_server.stop(server)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test: the warm dbt is this process's again (a test that started
    and stopped a server of its own took PERFBUDGET_DBT_SERVER away with it)."""
    if _WARM_DBT:
        os.environ["PERFBUDGET_DBT_SERVER"] = _WARM_DBT[0]


SEED_PDF = PROJECT_ROOT / "data" / "raw" / "平罗县委政法委_2024年项目支出绩效目标表.pdf"
GOLDEN = PROJECT_ROOT / "tests" / "golden"


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A Prefect API for the tests that run flows: under xdist the session's one server (started
    by the controller), else a test harness of this process's own."""
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # Generous: a busy machine (load ~30 was measured while five people shared it) took over
    # 120 s to answer.
    shared = os.environ.get(SHARED_API_ENV)
    if shared:
        wait_for_api(shared, timeout=600)
        with temporary_settings({PREFECT_API_URL: shared}):
            yield
        return
    with prefect_test_harness(server_startup_timeout=600):
        yield


def write_bad_documents(raw: Path) -> dict[str, str]:
    """The inputs a nightly run meets in the wild; returns file name → expected error stage.

    big.pdf is a scanned page too big to render (a 4000-point square page, ruled, no text
    layer, not blank): it goes to OCR and is refused there. It is here, in the night that OCRs
    the sample's scans anyway, and not in a night of text PDFs of its own: there it started the
    page-worker pool for that one page (~11 CPU-s)."""
    from reportlab.pdfgen.canvas import Canvas

    (raw / "empty.pdf").write_bytes(b"")
    (raw / "损坏的 文件.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00\x13garbage\xff" * 64)
    minutes = Canvas(str(raw / "meeting_minutes.pdf"), invariant=1)
    minutes.setFont("Helvetica", 12)
    minutes.drawString(72, 720, "Minutes of the budget meeting: no table on this page.")
    minutes.save()
    big = Canvas(str(raw / "big.pdf"), pagesize=(4000, 4000), invariant=1)
    steps = list(range(100, 3901, 200))  # a ruled grid, no text layer, not blank: OCR it
    big.grid(steps, steps)
    big.save()
    return {
        "empty.pdf": "read",
        "损坏的 文件.pdf": "open",
        "meeting_minutes.pdf": "parse",
        "big.pdf": "extract",
    }


@dataclass
class SampleRun:
    raw: Path
    warehouse: Path
    summary: object
    bad: dict[str, str]
    # the seed's night, the files the tests of `perfbudget run` on the seed are about: the seed
    # and the bad files (the night also holds the self-evaluation sample, SELF_EVAL_SAMPLE)
    seed_night: tuple[str, ...] = ()

    def query(self, sql: str, params: list | dict | None = None) -> list[tuple]:
        return query_warehouse(self.warehouse, sql, params)


def query_warehouse(warehouse: Path, sql: str, params: list | dict | None = None) -> list[tuple]:
    """Rows of one query on a warehouse file, read-only (as an auditor would open it)."""
    import duckdb  # lazily: the paddle test environment (make test-paddle) has no duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


RAW = PROJECT_ROOT / "data" / "raw"
# The sample's other department and the two departments' self-evaluations (read with the seed by
# tests/test_self_eval_golden.py): the 农业农村局 plan scan (tests/fixtures/build_agri_scan.py),
# the 政法委 text self-evaluation, the 农业农村局 scanned self-evaluation.
SELF_EVAL_SAMPLE = (
    RAW / "平罗县农业农村局_2024年项目支出绩效目标表_扫描件.pdf",
    RAW / "平罗县委政法委_2024年项目支出绩效自评表.pdf",
    RAW / "平罗县农业农村局_2024年项目支出绩效自评表_扫描件.pdf",
)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> SampleRun:
    """`perfbudget run` on the sample: the seed PDF, an empty, a corrupt and a table-less PDF,
    a page too big to render, and the self-evaluation sample (SELF_EVAL_SAMPLE). One night for
    both: two nights paid twice for a flow, a dbt build and the seed's extraction. The tests of
    the seed's night read the documents of `seed_night`."""
    from flows.pipeline import ingest
    from flows.settings import RunOptions

    root = tmp_path_factory.mktemp("sample")
    raw = root / "raw"
    raw.mkdir()
    for path in (SEED_PDF, *SELF_EVAL_SAMPLE):
        shutil.copy(path, raw / path.name)
    bad = write_bad_documents(raw)
    warehouse = root / "warehouse" / "perfbudget.duckdb"
    summary = ingest(RunOptions(raw_dir=raw, warehouse=warehouse))
    return SampleRun(raw, warehouse, summary, bad, seed_night=(SEED_PDF.name, *bad))


@dataclass
class RevisionsRun:
    """The seed beside a revision of its 司法救助资金 table (the same year, its 满意度 target
    lowered) and that project's table of the next year, built by one dbt build with the unit
    tests: sources_disagree (tests/test_audit_findings.py) and a project_id stable across years
    (tests/test_pipeline.py) read the same warehouse."""

    raw: Path
    warehouse: Path
    revised: str  # the revised table's file name
    next_year: str  # the next year's table's file name
    unit_tests: list[str]  # the status of every dbt unit test in that build

    def query(self, sql: str, params: list | dict | None = None) -> list[tuple]:
        return query_warehouse(self.warehouse, sql, params)


@pytest.fixture(scope="session")
def revisions_run(tmp_path_factory: pytest.TempPathFactory) -> RevisionsRun:
    """Landed without a night (no Prefect), then `dbt build` with dbt's unit tests, which the
    nightly build leaves out: their only run in the suite."""
    import dataclasses

    from flows import landing
    from flows.extract.documents import extract_document
    from flows.forms import read_forms
    from flows.marts import dbt_build
    from tests.fixtures.build_seed_pdf import build_seed_pdf
    from tests.fixtures.seed_truth import SEED_PROJECTS

    original = SEED_PROJECTS[2]
    satisfaction = original.indicators[-1]
    assert (original.project_name, satisfaction.target) == ("司法救助资金", "≥90%")
    revised = dataclasses.replace(
        original,
        indicators=(*original.indicators[:-1], dataclasses.replace(satisfaction, target="≥85%")),
    )
    next_year = dataclasses.replace(original, year=2025, total_funds="12", fiscal_funds="12")
    root = tmp_path_factory.mktemp("revisions")
    raw = root / "raw"
    # '.pdf' sorts before '_修订.pdf': with both on a text layer at confidence 1.0, the original
    # stays the chosen source
    revised_name = SEED_PDF.stem + "_修订.pdf"
    build_seed_pdf(raw / revised_name, projects=[revised])
    build_seed_pdf(raw / "2025.pdf", projects=[next_year])
    (raw / SEED_PDF.name).write_bytes(SEED_PDF.read_bytes())
    # named like a night's working copy: dbt is given the warehouse by name (flows.marts), so
    # this build keeps the parse of the nights built on this worker, and they keep its
    warehouse = root / "perfbudget.duckdb.building"
    con = landing.connect(warehouse)
    for path in sorted(raw.iterdir()):
        landing.land_document(con, read_forms(extract_document(path, raw)))
    con.close()
    # models, seeds and the unit tests, no data test (as `models_only`): the tests of this
    # warehouse read its marts and the unit tests' verdicts, never a data test's (they run on
    # the seed in `sample_run`, on built seed projects in other nights). At load ~50, one warm
    # dbt: 31.7 CPU-s with the data tests, 24.6 without (the unit tests ~26, a plain build 5.9).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DBT_RESOURCE_TYPES", "model seed unit_test")
        dbt_build(warehouse, unit_tests=True)
    target = flows.settings.DBT_PROJECT_DIR / "target"
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    unit = [r["status"] for r in results if r["unique_id"].startswith("unit_test.")]
    return RevisionsRun(raw, warehouse, revised_name, "2025.pdf", unit)
