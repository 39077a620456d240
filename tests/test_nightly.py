"""Nightly operations: incremental by content hash, crash-safe publishing, readers never blocked,
quarantine, the schedule and the Dask runner."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from flows.pipeline import RunSummary, ingest, run_ingest
from flows.preflight import RawFolderMissing
from flows.settings import PROJECT_ROOT, RunOptions
from tests.conftest import query_warehouse as query
from tests.fixtures.build_seed_pdf import build_seed_pdf
from tests.fixtures.seed_truth import SEED_PROJECTS

MARTS = ("dim_project", "fct_project_funds", "fct_indicator", "dim_document", "ingest_errors")


@pytest.fixture(scope="module")
def small_docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three short documents (one project each) and a changed version of the first."""
    root = tmp_path_factory.mktemp("docs")
    a, b, c = SEED_PROJECTS[2], SEED_PROJECTS[4], SEED_PROJECTS[0]
    return {
        "a": build_seed_pdf(root / "a.pdf", projects=[a]),
        "a_changed": build_seed_pdf(
            root / "a_changed.pdf",
            projects=[dataclasses.replace(a, total_funds="12", fiscal_funds="12")],
        ),
        "b": build_seed_pdf(root / "b.pdf", projects=[b]),
        "c": build_seed_pdf(root / "c.pdf", projects=[c]),
    }


def run(raw: Path, warehouse: Path) -> RunSummary:
    return ingest(RunOptions(raw_dir=raw, warehouse=warehouse))


def marts_dump(warehouse: Path) -> dict[str, list[tuple]]:
    """Every mart's rows, timestamps included."""
    return {mart: query(warehouse, f"select * from {mart} order by all") for mart in MARTS}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclasses.dataclass
class Published:
    """Document a's first night in a fresh warehouse."""

    raw: Path
    warehouse: Path
    summary: RunSummary
    marts: dict[str, list[tuple]]
    flow_run_id: object  # the night's Prefect flow run: its artifact is read by this id


@pytest.fixture(scope="module")
def published(
    tmp_path_factory: pytest.TempPathFactory, small_docs: dict[str, Path], prefect_harness: None
) -> Published:
    """Document a's first night: the run whose summary, `runs` row and artifact the tests read,
    the published warehouse the crash and reader tests copy, and the state the incremental chain
    goes on from. One run (and one dbt build) instead of one per test. Tests never write to it."""
    root = tmp_path_factory.mktemp("published")
    raw = root / "raw"
    raw.mkdir()
    shutil.copy(small_docs["a"], raw / "a.pdf")
    wh = root / "perfbudget.duckdb"
    state = ingest(RunOptions(raw_dir=raw, warehouse=wh), return_state=True)
    summary = state.result()
    return Published(
        raw=raw,
        warehouse=wh,
        summary=summary,
        marts=marts_dump(wh),
        flow_run_id=state.state_details.flow_run_id,
    )


def test_first_run_ingests_the_new_document(published: Published) -> None:
    first = published.summary
    assert (first.documents_new, first.pages_extracted, first.projects) == (1, 2, 1)


def test_incremental_by_content_hash(
    tmp_path: Path, small_docs: dict[str, Path], published: Published, models_only: None
) -> None:
    """Goes on from the published first night in its own raw folder (the same files, so the
    unchanged run meets the stat data the file map holds) and a copy of its warehouse. The only
    test that uses that raw folder, so it may change it. Its nights build without the data tests
    (the published night data-tests document a; a_changed differs in its funds only)."""
    raw, wh = published.raw, tmp_path / "wh" / "perfbudget.duckdb"
    wh.parent.mkdir()
    shutil.copy(published.warehouse, wh)
    before = published.marts
    assert marts_dump(wh) == before

    # unchanged folder: nothing re-extracted, marts the same
    again = run(raw, wh)
    assert (again.documents_new, again.documents_unchanged, again.pages_extracted) == (0, 1, 0)
    assert marts_dump(wh) == before

    # a renamed copy is not ingested twice
    shutil.copy(small_docs["a"], raw / "a 的副本.pdf")
    copy = run(raw, wh)
    assert (copy.documents_new, copy.pages_extracted) == (0, 0)
    assert query(wh, "select count(*) from raw.documents") == [(1,)]
    assert query(wh, "select file_names from dim_document") == [("a 的副本.pdf; a.pdf",)]
    assert query(wh, "select count(*) from dim_project") == [(1,)]

    # a changed file replaces its earlier rows
    (raw / "a 的副本.pdf").unlink()
    shutil.copy(small_docs["a_changed"], raw / "a.pdf")
    changed = run(raw, wh)
    assert (changed.documents_changed, changed.pages_extracted) == (1, 2)
    assert query(wh, "select count(*) from raw.documents") == [(1,)]
    assert query(wh, "select total_funds_wan from fct_project_funds") == [(Decimal(12),)]

    # a deleted file's rows are kept and marked as no longer present; the folder is then empty,
    # which the operator must confirm (else it is refused: an unmounted share looks the same)
    (raw / "a.pdf").unlink()
    with pytest.raises(RawFolderMissing, match="is empty but the warehouse holds 1 document"):
        run(raw, wh)
    gone = ingest(RunOptions(raw_dir=raw, warehouse=wh, allow_empty_raw=True))
    assert gone.documents_removed == 1
    assert query(wh, "select source_file, is_present from dim_document") == [("a.pdf", False)]
    assert query(wh, "select project_name from dim_project") == [("司法救助资金",)]
    assert [r[0] for r in query(wh, "select documents_new from runs order by started_at")] == [
        1, 0, 0, 0, 0,
    ]  # fmt: skip


def _api_env() -> dict[str, str]:
    """The environment for a child `perfbudget run` that talks to the test's Prefect API."""
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value() or ""}


READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("select count(*) from dim_project").fetchall()[0][0], flush=True)
    sys.stdin.readline()  # hold the connection open while the nightly run goes on
    print(con.execute("select count(*) from dim_project").fetchall()[0][0], flush=True)
    """
)


def _killed_run(raw: Path, wh: Path, stage: str, log: Path) -> None:
    """`perfbudget run` in a child process, SIGKILLed by its failpoint at `stage`."""
    with log.open("wb") as out:
        killed = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "run", "--raw", str(raw), "--warehouse", str(wh)],
            env={**_api_env(), "PERFBUDGET_FAILPOINT": stage},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            assert killed.wait(timeout=300) == -9, log.read_text()[-2000:]
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(killed.pid, signal.SIGKILL)  # its orphaned page workers


def test_killed_runs_leave_the_warehouse_intact_a_reader_is_not_blocked_a_failing_document_waits(
    tmp_path: Path,
    published: Published,
    small_docs: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    models_only: None,
) -> None:
    """A run killed in extraction, in landing or before dbt leaves the published warehouse byte
    for byte as it was, each time; then the next run completes the work while a reader holds a
    connection to the published file, which neither fails nor blocks it. In that same night a
    document whose page fails on every retry is quarantined and the run goes on; the next night,
    the fault gone, it is retried and lands. (The quarantine had two nights of its own: one night
    less, with every assertion kept.)

    One completion run after the three kills (not one per kill): each kill is checked to leave
    the same published bytes, so the completion run starts from that state plus whatever the
    killed runs left beside it. Its nights build without the data tests (a quarantine by
    extraction, not by a data test; documents a and b are data-tested by the published and the
    Dask nights, c as part of the seed by the sample night)."""
    raw, wh = tmp_path / "raw", tmp_path / "perfbudget.duckdb"
    raw.mkdir()
    shutil.copy(published.warehouse, wh)
    shutil.copy(small_docs["a"], raw / "a.pdf")
    shutil.copy(small_docs["b"], raw / "b.pdf")
    before = sha256(wh)
    for stage in ("extract", "land", "dbt"):
        _killed_run(raw, wh, stage, tmp_path / f"killed_{stage}.log")
        assert sha256(wh) == before, stage  # byte for byte what was published
        assert query(wh, "select count(*) from dim_project") == [(1,)], stage

    shutil.copy(small_docs["c"], raw / "broken.pdf")
    monkeypatch.setenv("PERFBUDGET_FAULT", "extract:broken.pdf")
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(wh)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "1"
        summary = run(raw, wh)  # the next run completes the work; the reader holds its connection
        assert (summary.documents_new, summary.documents_unchanged) == (2, 1)
        assert (summary.documents_ingested, summary.documents_failed) == (1, 1)
        out, err = reader.communicate("next\n", timeout=60)
        assert reader.returncode == 0, err
        assert out.strip() == "1"  # the open session still sees the previous complete state
    finally:
        reader.kill()
    assert query(wh, "select count(*) from dim_project") == [(2,)]  # a new query sees the new one
    assert query(wh, "select source_file, status from dim_document order by 1") == [
        ("a.pdf", "ingested"),
        ("b.pdf", "ingested"),
        ("broken.pdf", "quarantined"),
    ]
    errors = query(wh, "select source_file, stage, error from ingest_errors order by error")
    assert [e[:2] for e in errors] == [("broken.pdf", "extract")] * 2
    assert errors[0][2].startswith("page 1 failed after retries")

    # the fault is gone next night: the quarantined document is retried and lands
    monkeypatch.delenv("PERFBUDGET_FAULT")
    summary = run(raw, wh)
    assert summary.documents_ingested == 1
    assert query(wh, "select count(*) from ingest_errors") == [(0,)]
    assert query(wh, "select count(*) from dim_project") == [(3,)]


def test_dbt_gets_the_warehouse_by_name_in_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dbt re-parses its whole project (~8 s of CPU) when the profile's connection details differ
    from its last parse's: given by name, run in the warehouse's folder, the working copies of
    nights in different folders (every test's) look alike to dbt and keep one parse. The project
    and target paths stay absolute, whatever folder they were given from."""
    from flows import marts

    seen: list[tuple[str, Path, list[str]]] = []

    def child(cmd: list[str], env: dict[str, str], cwd: Path, **kw) -> object:
        seen.append((env["PERFBUDGET_WAREHOUSE"], cwd, cmd))
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(marts.subprocess, "run", child)
    monkeypatch.delenv("PERFBUDGET_DBT_SERVER", raising=False)  # the one-shot path, not warm dbt
    monkeypatch.chdir(PROJECT_ROOT)
    for night in ("first", "second"):
        (tmp_path / night).mkdir()
        building = tmp_path / night / "perfbudget.duckdb.building"
        marts._run_dbt(building, Path("dbt_project"), Path("dbt_project/target"), False)
    assert [(name, cwd) for name, cwd, _ in seen] == [
        ("perfbudget.duckdb.building", tmp_path / "first"),
        ("perfbudget.duckdb.building", tmp_path / "second"),
    ]
    cmd = seen[0][2]
    for option in ("--project-dir", "--profiles-dir", "--log-path", "--target-path"):
        assert cmd[cmd.index(option) + 1].startswith(str(PROJECT_ROOT / "dbt_project")), option


def test_nightly_deployment_schedule_and_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.deploy import deployment_spec, nightly_deployment

    for env in ("PERFBUDGET_RAW_DIR", "PERFBUDGET_WAREHOUSE", "PERFBUDGET_OCR_ENGINE"):
        monkeypatch.delenv(env, raising=False)
    dep = nightly_deployment()
    assert dep.name == "nightly-ingest"
    (schedule,) = dep.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 2 * * *", "Asia/Shanghai")
    assert schedule.active
    assert dep.parameters == {  # prefect.yaml's relative paths mean the checkout
        "options": {
            "raw_dir": str(PROJECT_ROOT / "data/raw"),
            "warehouse": str(PROJECT_ROOT / "data/warehouse/perfbudget.duckdb"),
        }
    }
    assert deployment_spec()["entrypoint"] == "flows/pipeline.py:ingest"
    options = RunOptions(**dep.parameters["options"])
    assert options.raw_dir.is_absolute() and options.raw_dir.name == "raw"


def test_dask_runner_reads_a_text_pdf_and_its_scan_into_one_project_with_both_sources(
    tmp_path: Path, small_docs: dict[str, Path], prefect_harness: None
) -> None:
    """On a Dask cluster, text-layer and OCR pages alike: a text PDF and a scan of it make one
    dim_project row listing both files, the values taken from the text layer, and no
    disagreement when the scan reads the same. (One run for the runner and the scan join.)"""
    from distributed import LocalCluster

    from tests.fixtures.scans import rasterize, write_scanned_pdf

    raw, wh = tmp_path / "raw", tmp_path / "perfbudget.duckdb"
    raw.mkdir()
    shutil.copy(small_docs["b"], raw / "b.pdf")
    images = [rasterize(small_docs["b"], i, 200) for i in range(2)]
    write_scanned_pdf(images, raw / "b_scan.pdf", 200)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        options = RunOptions(
            raw_dir=raw, warehouse=wh, runner="dask", dask_address=cluster.scheduler_address
        )
        summary = run_ingest(options)
    assert (summary.pages_extracted, summary.projects, summary.indicators) == (4, 1, 10)
    assert (summary.documents_ingested, summary.pages_ocred) == (2, 2)
    assert query(wh, "select source_file, source_files from dim_project") == [
        ("b.pdf", "b.pdf; b_scan.pdf")
    ]
    assert query(wh, "select distinct source_file, ocr_confidence from fct_indicator") == [
        ("b.pdf", 1.0)
    ]
    assert query(wh, "select count(*) from audit_findings where rule = 'sources_disagree'") == [
        (0,)
    ]


def test_run_publishes_a_summary_artifact_and_a_runs_row(published: Published) -> None:
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    wh, summary = published.warehouse, published.summary
    assert query(wh, "select run_id, documents_new, pages_extracted from runs") == [
        (summary.run_id, 1, 2)
    ]
    # each stage's time is recorded, and the stages account for the run (up to Prefect's own)
    (stages,) = query(
        wh,
        "select inventory_seconds, extraction_seconds, landing_seconds, dbt_seconds,"
        " publish_seconds, duration_seconds from runs",
    )
    assert all(s > 0 for s in stages[1:4]) and stages[0] >= 0 and stages[4] >= 0
    assert sum(stages[:5]) <= stages[5]

    async def of_this_night() -> list:
        """The summary artifacts of this night's flow run: the Prefect server is the whole
        session's, where other nights (the hard night's one project of 8 too) publish theirs."""
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    key=ArtifactFilterKey(any_=["nightly-ingest-summary"]),
                    flow_run_id=ArtifactFilterFlowRunId(any_=[published.flow_run_id]),
                )
            )

    artifacts = asyncio.run(of_this_night())
    assert len(artifacts) == 1
    assert "| projects / indicators | 1 / 8 |" in (artifacts[0].data or "")
