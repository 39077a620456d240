"""dbt: build the staging → intermediate → marts models on the warehouse file.

A data problem in one document must never cost the night. When `dbt build` fails on data tests
(read from dbt's results by flows/build_results.py), each failing test is run again on one
document's rows at a time (flows/quarantine.py): a document that fails it alone is quarantined —
its landed values leave the build, an `ingest_errors` row names the test and the page — and the
build runs again on the rest.

When a model fails at run time (a cast, a contract's not-null, DuckDB's error()), no row is named:
the documents the build was rebuilding are held aside and given back half by half until each
document whose rows alone make a model fail is found (flows/culprits.py, at most
MODEL_ERROR_BUILDS builds a night); it is quarantined the same way, its message naming the model,
the database's error and, when the model's own SQL fails on a prefix of its pages, the page. A
failure no single document explains (a model that fails with every suspect held aside, a mart
contract or a test over documents) still fails the build: the marts would be wrong, so nothing is
published.

The build is incremental (dbt_project/macros/incremental.sql): the models that grow with the
warehouse rebuild only the documents that changed since the last successful build and the projects
they touch. A first build, a warehouse built by another version of the dbt project (its fingerprint
is kept in raw.meta) or an operator's `full_refresh` rebuilds every table from scratch.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows import dbt_server, held_aside
from flows.build_results import (
    failed_tests,
    model_errors,
    suspects,
)
from flows.culprits import ModelError, Search, Unexplained
from flows.quarantine import (
    ModelQuarantine,
    Quarantined,
    attribute,
    failing_checks,
    model_pages,
    quarantine_documents,
    source_files,
)
from flows.settings import DBT_PROJECT_DIR, dbt_project_args

MAX_ROUNDS = 3  # quarantine rounds per run: each takes out at least one document or stops
# dbt builds spent finding the documents that make a model fail, per run (~7-11 s each on a
# small night): one culprit among N suspects costs about log2(N) + 1
MODEL_ERROR_BUILDS = 16
FINGERPRINT_KEY = "dbt_project_fingerprint"  # raw.meta: the dbt project the tables were built by
BUILT_BY = ("dbt_project.yml", "models", "macros", "seeds")  # what decides the tables' contents


class DbtBuildError(RuntimeError):
    """`dbt build` failed: a model, a data test, a unit test or a contract."""


def build_args(
    project_dir: Path,
    target: Path | None = None,
    unit_tests: bool = False,
    full_refresh: bool = False,
    models_only: bool = False,
) -> list[str]:
    """The arguments of a night's `dbt build` (`models_only`: models and seeds, no test)."""
    return [
        "build",
        *dbt_project_args(project_dir, target),
        # dbt.log at info: each node's start and result with its time. At debug (dbt's default)
        # every node also logs its full SQL and each statement, which the event system formats
        # and writes on the node's critical path: ~1 MB a build for 250 nodes.
        "--log-level-file", "info",
        *([] if unit_tests else ["--exclude-resource-type", "unit_test"]),
        *(["--full-refresh"] if full_refresh else []),
        *(["--resource-type", "model", "--resource-type", "seed"] if models_only else []),
    ]  # fmt: skip


def _run_dbt(
    warehouse: Path,
    project_dir: Path,
    target: Path,
    unit_tests: bool,
    full_refresh: bool = False,
    models_only: bool = False,
) -> subprocess.CompletedProcess:
    """`dbt build`, without dbt's unit tests unless asked: on the served process's warm dbt
    (flows/dbt_server.py) when `perfbudget serve` started one, else in a child process.

    Unit tests check the SQL, not the night's data: they run in `make test`
    (tests/test_pipeline.py), and leaving them out of the nightly build saves ~50 nodes a night.

    Never dbtRunner in this process: dbt-duckdb keeps its DuckDB connection open after the
    build, and DuckDB refuses a second connection with another configuration in the same
    process, so the flow could not read its own warehouse afterwards.

    The child runs in the warehouse's folder and is given the file by name: dbt re-parses the
    whole project (~8 s of CPU: 13 instead of 5.5) whenever the profile's connection details
    differ from the last parse's, and with an absolute path every warehouse folder (every
    test's) did; every night's `<name>.building` now keeps the parse."""
    warehouse, project_dir, target = warehouse.resolve(), project_dir.resolve(), target.resolve()
    args = build_args(project_dir, target, unit_tests, full_refresh, models_only)
    server = os.environ.get(dbt_server.SERVER_ENV)
    if server:
        try:
            answer = dbt_server.request(server, args, warehouse)
            return subprocess.CompletedProcess(args, answer["returncode"], answer["output"], "")
        except OSError:
            pass  # the server is gone: a build of its own, as an unserved run does
    env = {**os.environ, "PERFBUDGET_WAREHOUSE": warehouse.name}
    cmd = [sys.executable, "-c", "from dbt.cli.main import cli; cli()", *args]
    return subprocess.run(
        cmd, env=env, cwd=warehouse.parent, capture_output=True, text=True, check=False
    )


@dataclass
class _Builds:
    """The builds of one `dbt_build` call: whether the next one must refresh from scratch, and
    the documents whose rows were moved aside and back (rebuilt by every build after)."""

    warehouse: Path
    project_dir: Path
    unit_tests: bool
    refresh: bool  # until a build has built every model in this project's shape
    fingerprint: str
    moved: set[str]

    @property
    def target(self) -> Path:
        return self.project_dir / "target"

    def run(self, models_only: bool = False) -> subprocess.CompletedProcess:
        """One `dbt build`; records the project's fingerprint when it succeeds."""
        if self.moved:
            held_aside.forget_built(self.warehouse, self.moved)
        (self.target / "run_results.json").unlink(missing_ok=True)  # never read a stale one
        unit_tests = self.unit_tests and not models_only
        proc = _run_dbt(
            self.warehouse, self.project_dir, self.target, unit_tests, self.refresh, models_only
        )
        if (self.target / "run_results.json").exists() and not model_errors(self.target):
            self.refresh = False  # every table is in this project's shape now: incremental
        if proc.returncode == 0 and not models_only:
            record_fingerprint(self.warehouse, self.fingerprint)
        return proc

    def model_errors(self) -> tuple[ModelError, ...]:
        """One build for the culprit search, of the models alone (their data tests are half a
        build's time and tell the search nothing): the models that failed in it. Safe for the
        tests: every document the search moves is rebuilt, and so tested, by each build after
        (`moved`)."""
        proc = self.run(models_only=True)
        if not (self.target / "run_results.json").exists():
            raise Unexplained(f"dbt build failed (exit {proc.returncode}):\n{_detail(proc)}")
        return tuple(model_errors(self.target))


def _detail(proc: subprocess.CompletedProcess) -> str:
    return (proc.stdout + proc.stderr).strip()[-4000:]


def dbt_build(
    warehouse: Path,
    project_dir: Path = DBT_PROJECT_DIR,
    quarantine: bool = True,
    unit_tests: bool = False,
    full_refresh: bool | None = None,
) -> list[Quarantined]:
    """Build the marts; quarantine the documents whose rows alone fail a data test or make a
    model fail.

    `full_refresh` None rebuilds from scratch only when the tables were built by another version
    of the dbt project (or never); otherwise the build is incremental.

    Returns the quarantined documents (already recorded in the warehouse). Raises DbtBuildError
    when the build fails for any other reason, or when `quarantine` is off; documents held aside
    to find a failing model's culprit are back in raw by then."""
    fingerprint = project_fingerprint(project_dir)
    if full_refresh is None:
        full_refresh = built_fingerprint(warehouse) != fingerprint
    held_aside.restore_all(warehouse)  # rows a killed build (not a night's copy) left aside
    builds = _Builds(warehouse, project_dir, unit_tests, full_refresh, fingerprint, set())
    target = builds.target
    budget = MODEL_ERROR_BUILDS
    taken: list[Quarantined] = []
    for attempt in range(MAX_ROUNDS + 1):
        proc = builds.run()
        if proc.returncode == 0:
            if builds.moved:
                held_aside.drop(warehouse)  # the culprits' side schema, empty by now
            return taken
        detail = _detail(proc)
        if not quarantine or not (target / "run_results.json").exists():
            raise DbtBuildError(f"dbt build failed (exit {proc.returncode}):\n{detail}")
        if errors := model_errors(target):
            if attempt == MAX_ROUNDS:
                break
            found, budget = _model_culprits(builds, errors, budget, detail)
            taken += found
            continue
        failed, other = failed_tests(target)
        failed = failing_checks(warehouse, failed)
        if other or not failed:
            raise DbtBuildError(f"dbt build failed (exit {proc.returncode}):\n{detail}")
        found = attribute(warehouse, failed)
        explained = {q.test for q in found}
        unexplained = [t.name for t in failed if t.name not in explained]
        if unexplained:
            raise DbtBuildError(
                f"dbt build failed: data tests fail that no single document explains "
                f"({', '.join(unexplained)}):\n{detail}"
            )
        if attempt == MAX_ROUNDS:
            break
        quarantine_documents(warehouse, found)
        taken += found
    raise DbtBuildError(f"dbt build still fails after {MAX_ROUNDS} rounds of quarantine")


def _model_culprits(
    builds: _Builds, errors: list[ModelError], budget: int, detail: str
) -> tuple[list[ModelQuarantine], int]:
    """The documents whose rows make a model fail, found by builds without them (at most
    `budget`) and quarantined as each is found, with the builds left."""
    warehouse = builds.warehouse
    rebuilt = suspects(warehouse, builds.target)
    builds.moved.update(rebuilt)
    names = source_files(warehouse)
    taken: list[ModelQuarantine] = []

    def quarantine_now(sha: str, errs: tuple[ModelError, ...]) -> None:
        found = ModelQuarantine(names[sha], sha, errs, model_pages(warehouse, errs, sha))
        quarantine_documents(warehouse, [found])
        taken.append(found)

    search = Search(warehouse, builds.model_errors, budget, quarantine_now)
    try:
        search.culprits(rebuilt, tuple(errors))
    except Unexplained as exc:
        failing = ", ".join(dict.fromkeys(e.name for e in errors))
        raise DbtBuildError(
            f"dbt build failed: {failing} fails and no single document explains it ({exc}):\n"
            f"{detail}"
        ) from exc
    return sorted(taken, key=lambda q: q.source_file), budget - search.builds


def project_fingerprint(project_dir: Path) -> str:
    """A hash of everything that decides the tables' contents (models, macros, seeds, the project
    file): an incremental build is only right on tables the same project built."""
    digest = hashlib.sha256()
    for top in BUILT_BY:
        root = project_dir / top
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file():
                digest.update(str(path.relative_to(project_dir)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def built_fingerprint(warehouse: Path) -> str | None:
    """The fingerprint of the dbt project that last built this warehouse's tables, if any."""
    if not warehouse.exists():
        return None
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute("select value from raw.meta where key = ?", [FINGERPRINT_KEY]).fetchone()
        return row[0] if row else None
    except duckdb.Error:
        return None
    finally:
        con.close()


def marts_current(warehouse: Path, project_dir: Path = DBT_PROJECT_DIR) -> bool:
    """Whether the warehouse holds marts built by this version of the dbt project.

    An unchanged night skips dbt only then: a warehouse built by an older dbt project (its SQL
    changed since) is rebuilt on the next night even when no document changed. Costs hashing the
    project's files (milliseconds) and read-only looks at the warehouse."""
    if built_fingerprint(warehouse) != project_fingerprint(project_dir):
        return False
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        marts = "select 1 from duckdb_tables() where table_name = 'fct_indicator'"
        return bool(con.execute(marts).fetchall())
    except duckdb.Error:
        return False
    finally:
        con.close()


def record_fingerprint(warehouse: Path, fingerprint: str) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create table if not exists raw.meta (key varchar primary key, value varchar)")
        con.execute("insert or replace into raw.meta values (?, ?)", [FINGERPRINT_KEY, fingerprint])
    finally:
        con.close()
