"""A night's own warm dbt, started while its last pages are read (flows/dbt_ahead.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows import dbt_ahead, dbt_server
from flows.processes import end_process


def sleeper(script: str = "import time; time.sleep(60)") -> subprocess.Popen:
    """A stand-in for the dbt server's process (stdout piped as `dbt_server.launch`'s)."""
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, Path, Path | None]]:
    """`dbt_server.launch` recorded, a sleeping process started in its place; no warm dbt
    named (an unserved night)."""
    calls: list[tuple[Path, Path, Path | None]] = []

    def launch(socket: Path, warehouse: Path, cwd: Path | None = None) -> subprocess.Popen:
        calls.append((socket, warehouse, cwd))
        return sleeper()

    monkeypatch.setattr(dbt_server, "launch", launch)
    monkeypatch.delenv(dbt_server.SERVER_ENV, raising=False)
    return calls


def test_the_warm_dbt_starts_in_the_last_rounds_of_pages_in_the_warehouse_folder(
    tmp_path: Path, launches: list
) -> None:
    warehouse = tmp_path / "wh.duckdb"
    with dbt_ahead.DbtAhead(warehouse, lead_pages=4) as dbt:
        dbt.start_when(9)
        dbt.start_when(5)
        assert launches == []
        dbt.start_when(4)
        dbt.start_when(1)  # launched once
        [(socket, given, cwd)] = launches
        assert (given, cwd) == (warehouse, tmp_path)
        assert socket.parent.name.startswith("perfbudget-dbt-") and socket.parent.is_dir()
        proc = dbt.proc
        assert proc is not None and proc.poll() is None
    assert proc.poll() is not None  # ended with the night
    assert not socket.parent.exists()


def test_a_served_night_or_one_without_marts_starts_none(
    tmp_path: Path, launches: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    with dbt_ahead.DbtAhead(tmp_path / "wh.duckdb", lead_pages=4, wanted=False) as dbt:
        dbt.start_when(0)
        assert dbt.ready() is False
    monkeypatch.setenv(dbt_server.SERVER_ENV, "/tmp/served.sock")
    with dbt_ahead.DbtAhead(tmp_path / "wh.duckdb", lead_pages=4) as dbt:
        dbt.start_when(0)
    assert launches == []
    assert os.environ[dbt_server.SERVER_ENV] == "/tmp/served.sock"  # the served one stays


def test_ready_names_the_warm_dbt_to_the_build_until_the_night_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(dbt_server.SERVER_ENV, raising=False)
    ready = "print('ready', flush=True); import time; time.sleep(60)"
    monkeypatch.setattr(dbt_server, "launch", lambda *a, **k: sleeper(ready))
    with dbt_ahead.DbtAhead(tmp_path / "wh.duckdb", lead_pages=4) as dbt:
        dbt.start_when(0)
        assert dbt.ready() is True
        assert os.environ[dbt_server.SERVER_ENV] == str(dbt.socket)
    assert dbt_server.SERVER_ENV not in os.environ


def test_a_warm_dbt_that_fails_to_start_leaves_the_build_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(dbt_server.SERVER_ENV, raising=False)
    monkeypatch.setattr(dbt_server, "launch", lambda *a, **k: sleeper("raise SystemExit(1)"))
    with dbt_ahead.DbtAhead(tmp_path / "wh.duckdb", lead_pages=4) as dbt:
        dbt.start_when(0)
        proc = dbt.proc
        assert dbt.ready() is False
        assert dbt.proc is None and proc is not None and proc.poll() == 1
        assert dbt_server.SERVER_ENV not in os.environ


def test_the_profile_gets_the_warehouse_by_name_in_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a one-shot build is given it (`flows.marts._run_dbt`): the two share dbt's partial
    parse only while the profile renders the same."""
    wh = str(tmp_path / "perfbudget.duckdb.building")
    monkeypatch.chdir(tmp_path)
    assert dbt_server.profile_path(wh) == "perfbudget.duckdb.building"
    monkeypatch.chdir(tmp_path.parent)
    assert dbt_server.profile_path(wh) == wh


def test_a_warm_build_writes_dbts_json_artifacts_only_when_its_run_asks() -> None:
    """A warm dbt builds with `--no-write-json` (it writes run_results.json itself, manifest.json
    only for a failed build); a run that sets DBT_WRITE_JSON gets dbt's own writing. The parse
    that precedes a night's build never writes them: the build's would replace them unread."""
    assert dbt_server.json_artifacts_args(None) == ["--no-write-json"]
    assert dbt_server.json_artifacts_args({"DBT_RESOURCE_TYPES": "model"}) == ["--no-write-json"]
    assert dbt_server.json_artifacts_args({"DBT_WRITE_JSON": "true"}) == []
    args = ["build", "--project-dir", "/p", "--target-path", "/p/target", "--quiet"]
    assert dbt_server.target_path(args) == Path("/p/target")
    assert dbt_server._parse_args(args) == [
        "--project-dir", "/p", "--target-path", "/p/target",
        "--quiet", "--no-use-colors", "--no-write-json",
    ]  # fmt: skip
    assert "DBT_WRITE_JSON" in dbt_server.BUILD_ONLY_ENV  # no parse of its own for it


def test_an_unserved_night_builds_its_marts_on_its_own_warm_dbt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
) -> None:
    """A night with pages and no warm dbt named (`perfbudget run`, not served) sends its build
    to the dbt it started during its pages, and ends it with the night."""
    from flows.pipeline import ingest
    from flows.settings import RunOptions
    from tests.fixtures.build_seed_pdf import build_seed_pdf
    from tests.fixtures.seed_truth import SEED_PROJECTS

    raw = tmp_path / "raw"
    raw.mkdir()
    build_seed_pdf(raw / "a.pdf", projects=[SEED_PROJECTS[2]])
    monkeypatch.delenv(dbt_server.SERVER_ENV, raising=False)
    asked: list[str] = []
    real_request = dbt_server.request

    def request(socket_path: str, args: list[str], warehouse: Path, **kw: object) -> dict:
        asked.append(socket_path)
        return real_request(socket_path, args, warehouse, **kw)

    monkeypatch.setattr(dbt_server, "request", request)
    summary = ingest(RunOptions(raw_dir=raw, warehouse=tmp_path / "wh" / "perfbudget.duckdb"))
    assert (summary.documents_ingested, summary.documents_failed, summary.projects) == (1, 0, 1)
    [socket] = asked
    assert Path(socket).parent.name.startswith("perfbudget-dbt-")
    assert not Path(socket).parent.exists()
    assert dbt_server.SERVER_ENV not in os.environ


def test_a_warm_dbt_ended_by_the_night_exits_as_sys_exit_does(tmp_path: Path) -> None:
    """SIGTERM ends the server through `sys.exit` (exit 0), so its exit unlinks dbt's spawn
    semaphores; before, the signal's default action (exit -15) left them to the resource
    tracker's "leaked semaphore objects" warning at every night's end."""
    script = (
        "import time; from flows.dbt_server import exit_on_sigterm; exit_on_sigterm(); "
        "print('ready', flush=True); time.sleep(60)"
    )
    proc = sleeper(script)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    end_process(proc, grace=30)
    assert proc.returncode == 0
    proc.stdout.close()
