"""dbt: build the staging → intermediate → marts models on the warehouse file.

A data problem in one document must never cost the night. When `dbt build` fails on data tests,
each failing test is run again on one document's rows at a time (the compiled test with every
relation it reads narrowed to that document): a document that fails it alone is quarantined — its
landed values leave the build, an `ingest_errors` row names the test and the page — and the build
runs again on the rest. Nothing here knows which fields or values are legal: that stays in the
dbt yml.

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
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows import dbt_server, held_aside
from flows.culprits import ModelError, Search, Unexplained
from flows.settings import DBT_PROJECT_DIR

MAX_ROUNDS = 3  # quarantine rounds per run: each takes out at least one document or stops
# dbt builds spent finding the documents that make a model fail, per run (~7-11 s each on a
# small night): one culprit among N suspects costs about log2(N) + 1
MODEL_ERROR_BUILDS = 16
FAILED_BUILD_NODES = ("model", "seed", "snapshot")  # a node whose error stops its descendants
CHANGE_SET = "int_build_changed_documents"  # the documents a build rebuilds (incremental.sql)
FINGERPRINT_KEY = "dbt_project_fingerprint"  # raw.meta: the dbt project the tables were built by
BUILT_BY = ("dbt_project.yml", "models", "macros", "seeds")  # what decides the tables' contents


class DbtBuildError(RuntimeError):
    """`dbt build` failed: a model, a data test, a unit test or a contract."""


@dataclass(frozen=True)
class Quarantine:
    """One document taken out of the build because a data test fails on its rows alone."""

    source_file: str
    sha256: str
    test: str  # e.g. accepted_values on stg_raw__extracted_values.field_name
    pages: tuple[int, ...]  # where the failure is printed; () when the rows carry no page
    example: str = ""  # the test's first failing row, e.g. "value_field=department_nickname"

    @property
    def message(self) -> str:
        where = f" on page {', '.join(map(str, self.pages))}" if self.pages else ""
        example = f" ({self.example})" if self.example else ""
        return (
            f"the data test {self.test} fails{where}{example}; the document is quarantined and "
            "its rows are left out of the marts"
        )


@dataclass(frozen=True)
class ModelQuarantine:
    """One document taken out of the build because a model fails at run time on its rows."""

    source_file: str
    sha256: str
    errors: tuple[ModelError, ...]  # of the build that proved it
    pages: tuple[int, ...] = ()  # where the model's SQL starts to fail; () when not known

    @property
    def message(self) -> str:
        models = list(dict.fromkeys(e.name for e in self.errors))
        what = (
            f"the model {models[0]} fails"
            if len(models) == 1
            else (f"the models {', '.join(models)} fail")
        )
        where = f" on page {', '.join(map(str, self.pages))}" if self.pages else ""
        errors = "; ".join(dict.fromkeys(e.error for e in self.errors))
        errors = errors if len(errors) <= 200 else errors[:199] + "…"
        return (
            f"{what} on this document's rows{where} ({errors}); the document is quarantined and "
            "its rows are left out of the marts"
        )


Quarantined = Quarantine | ModelQuarantine


@dataclass(frozen=True)
class FailedTest:
    """A data test that failed, with what is needed to run it again on one document.

    A model's grouped `checks` test (dbt_project/macros/checks.sql) is one dbt node for all its
    column checks: it is split into one FailedTest per check it groups (`grouped`), each with that
    check's own SQL and name, so a quarantine names the check as a test of its own would have
    been named; `failing_checks` keeps only the checks that fail."""

    unique_id: str
    name: str
    sql: str  # compiled: selects the failing rows
    relations: tuple[str, ...]  # relation names the test reads, as they appear in `sql`
    grouped: bool = False  # one check of a grouped test: whether it fails is still to be seen


GROUPED_TEST = "checks"  # the generic test that runs a model's column checks as one query
CHECK_MARK = re.compile(r"/\* check (\w+) (\S*) \*/(.*?)/\* end check \*/", re.S)


def build_args(
    project_dir: Path,
    target: Path | None = None,
    unit_tests: bool = False,
    full_refresh: bool = False,
    models_only: bool = False,
) -> list[str]:
    """The arguments of a night's `dbt build` (`models_only`: models and seeds, no test)."""
    target = target or project_dir / "target"
    return [
        "build",
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--log-path", str(project_dir / "logs"),
        "--target-path", str(target),
        "--quiet", "--no-use-colors",
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
    suspects = _suspects(warehouse, builds.target)
    builds.moved.update(suspects)
    names = _source_files(warehouse)
    taken: list[ModelQuarantine] = []

    def quarantine_now(sha: str, errs: tuple[ModelError, ...]) -> None:
        found = ModelQuarantine(names[sha], sha, errs, _model_pages(warehouse, errs, sha))
        quarantine_documents(warehouse, [found])
        taken.append(found)

    search = Search(warehouse, builds.model_errors, budget, quarantine_now)
    try:
        search.culprits(suspects, tuple(errors))
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


def failed_tests(target: Path) -> tuple[list[FailedTest], list[str]]:
    """The data tests that failed in the last build, and every other node that failed or
    errored (those stop the run)."""
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    relations = {
        uid: node.get("relation_name")
        for uid, node in (manifest["nodes"] | manifest["sources"]).items()
    }
    failed: list[FailedTest] = []
    other: list[str] = []
    for res in results:
        uid, status = res["unique_id"], res["status"]
        node = manifest["nodes"].get(uid, {})
        if status == "fail" and node.get("resource_type") == "test" and res.get("compiled_code"):
            reads = tuple(
                r for d in node["depends_on"]["nodes"] if (r := relations.get(d)) is not None
            )
            if (node.get("test_metadata") or {}).get("name") == GROUPED_TEST:
                failed += _grouped_checks(uid, node, res["compiled_code"], reads)
            else:
                failed.append(FailedTest(uid, _test_name(node), res["compiled_code"], reads))
        elif status in ("fail", "error", "runtime error"):
            other.append(uid)  # a model, a unit test or a contract: no document to blame
    return failed, other


def model_errors(target: Path) -> list[ModelError]:
    """The models (seeds, snapshots) that failed at run time in the last build; the nodes dbt
    skipped after them are not causes."""
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    nodes = manifest["nodes"]
    relations = {uid: n.get("relation_name") for uid, n in (nodes | manifest["sources"]).items()}
    errors = []
    for res in results:
        node = nodes.get(res["unique_id"], {})
        if res["status"] != "error" or node.get("resource_type") not in FAILED_BUILD_NODES:
            continue
        reads = tuple(
            r for d in node.get("depends_on", {}).get("nodes", []) if (r := relations.get(d))
        )
        errors.append(
            ModelError(
                res["unique_id"],
                node.get("name", res["unique_id"]),
                _first_line(res.get("message") or "", node),
                res.get("compiled_code") or "",
                reads,
            )
        )
    return errors


def _first_line(message: str, node: dict) -> str:
    """The database's own first line of dbt's message, without dbt's `Runtime Error in model
    <name> (<path>)` heading."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    path = node.get("original_file_path")
    if len(lines) > 1 and path and lines[0].endswith(f"({path})"):
        lines = lines[1:]
    return lines[0] if lines else "no message"


def _suspects(warehouse: Path, target: Path) -> list[str]:
    """The documents the last build was rebuilding (its change set, when that model built;
    else every document), present in raw.documents, in source file order."""
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    change_set = next(
        (
            manifest["nodes"][r["unique_id"]]["relation_name"]
            for r in results
            if r["unique_id"].rsplit(".", 1)[-1] == CHANGE_SET
            and r["unique_id"].startswith("model.")
            and r["status"] == "success"
        ),
        None,
    )
    where = f"where document_sha256 in (select document_sha256 from {change_set})"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [
            sha
            for (sha,) in con.execute(
                "select document_sha256 from raw.documents "
                f"{where if change_set else ''} order by source_file, document_sha256"
            ).fetchall()
        ]
    finally:
        con.close()


def _source_files(warehouse: Path) -> dict[str, str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return _source_files_in(con)
    finally:
        con.close()


def _source_files_in(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each landed document's source file, by hash."""
    return dict(con.execute("select document_sha256, source_file from raw.documents").fetchall())


def _document_relations(
    con: duckdb.DuckDBPyConnection, relations: tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """Of the relations a test or model reads, those keyed by document, and of those the ones
    with a page: what narrowing to one document (and its pages) rewrites."""
    cols = {r: _columns(con, r) for r in relations}
    keyed = [r for r in relations if "document_sha256" in cols[r]]
    return keyed, [r for r in keyed if "page" in cols[r]]


def _grouped_checks(uid: str, node: dict, sql: str, reads: tuple[str, ...]) -> list[FailedTest]:
    """Every check a grouped test holds, named like a test of its own
    (`not_null on stg_raw__extracted_values.indicator_seq`), with its own marked SQL."""
    attached = (node.get("attached_node") or "").rsplit(".", 1)[-1]
    if not attached:  # a source table's checks: `raw.documents`
        attached = ".".join((node.get("sources") or [[node.get("name", uid)]])[0])
    return [
        FailedTest(uid, f"{check} on {attached}{'.' + column if column else ''}", body, reads, True)
        for check, column, body in CHECK_MARK.findall(sql)
    ]


def failing_checks(warehouse: Path, failed: list[FailedTest]) -> list[FailedTest]:
    """The failed tests with each grouped test narrowed to the checks in it that fail."""
    if not any(t.grouped for t in failed):
        return failed
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [t for t in failed if not t.grouped or _fails(con, t.sql)]
    finally:
        con.close()


def _test_name(node: dict) -> str:
    """`accepted_values on stg_raw__extracted_values.field_name`, or a singular test's name."""
    meta = node.get("test_metadata") or {}
    attached = (node.get("attached_node") or "").rsplit(".", 1)[-1]
    if not meta or not attached:
        return node.get("name", node.get("unique_id", "?"))
    column = node.get("column_name")
    return f"{meta['name']} on {attached}{'.' + column if column else ''}"


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    return {d[0] for d in con.execute(f"select * from {relation} limit 0").description}


def _narrowed(sql: str, where: dict[str, str]) -> str:
    """A test's or model's SQL with each relation it reads replaced by that relation's rows
    `where` says."""
    if not where:
        return sql
    pattern = re.compile("|".join(re.escape(r) for r in where))
    return pattern.sub(lambda m: f"(select * from {m[0]} where {where[m[0]]})", sql)


def _fails(con: duckdb.DuckDBPyConnection, sql: str) -> bool:
    return con.execute(f"select count(*) from ({sql}) as t").fetchall()[0][0] > 0


def attribute(warehouse: Path, failed: list[FailedTest]) -> list[Quarantine]:
    """For each failing test, the documents that fail it on their own rows, and where."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        documents = _source_files_in(con)
        found: list[Quarantine] = []
        for test in failed:
            keyed, paged = _document_relations(con, test.relations)
            keyed = [r for r in keyed if r in test.sql]  # a grouped check reads some of them
            by_file = _keyed_by_file(con, test, keyed)
            if not keyed and not by_file:
                continue  # rows that belong to no document: nothing to quarantine
            for sha, source_file in sorted(documents.items(), key=lambda d: d[1]):
                where = dict.fromkeys(keyed, f"document_sha256 = '{sha}'")
                quoted = source_file.replace("'", "''")
                where |= dict.fromkeys(by_file, f"source_file = '{quoted}'")
                narrowed = _narrowed(test.sql, where)
                if not _fails(con, narrowed):
                    continue
                pages = _pages(con, test, where, paged, sha)
                found.append(
                    Quarantine(source_file, sha, test.name, pages, _example(con, narrowed))
                )
        return found
    finally:
        con.close()


def _keyed_by_file(con: duckdb.DuckDBPyConnection, test: FailedTest, keyed: list[str]) -> list[str]:
    """The relations a test's SQL reads that name their document by its source file only (a
    mart with one row per project, `dim_project`): narrowed to a document by that file. Without
    them a check of such a mart read nothing a document could be told by, and one document's
    slip (a project read with no name) failed every document alike."""
    return [
        r
        for r in test.relations
        if r in test.sql
        and r not in keyed
        and "source_file" in _columns(con, r)
        and "document_sha256" not in _columns(con, r)
    ]


def _example(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The first failing row as `column=value` pairs (document hashes left out), for the
    operator reading ingest_errors."""
    cur = con.execute(f"select * from ({sql}) as t limit 1")
    row = cur.fetchone()
    if row is None:
        return ""
    pairs = [
        f"{d[0]}={'null' if v is None else v}"
        for d, v in zip(cur.description, row, strict=True)
        if d[0] != "document_sha256"
    ]
    text = ", ".join(pairs)
    return text if len(text) <= 200 else text[:199] + "…"


def _pages(
    con: duckdb.DuckDBPyConnection,
    test: FailedTest,
    document: dict[str, str],
    paged: list[str],
    sha: str,
) -> tuple[int, ...]:
    """The pages whose rows alone fail the test (`document`: each relation's condition on the
    document); else the page at which the document's rows, read in page order, first fail it (a
    duplicate printed on two pages: the second one)."""
    paged = [r for r in paged if r in document]
    if not paged:
        return ()

    def fails_on(cond: str) -> bool:
        where = {r: f"{w} and page {cond}" if r in paged else w for r, w in document.items()}
        return _fails(con, _narrowed(test.sql, where))

    return _first_pages(_printed_pages(con, paged, sha), fails_on)


def _printed_pages(con: duckdb.DuckDBPyConnection, paged: list[str], sha: str) -> list[int]:
    found = {
        page
        for r in paged
        for (page,) in con.execute(
            f"select distinct page from {r} where document_sha256 = ?", [sha]
        ).fetchall()
    }
    return sorted(found - {None})


def _first_pages(pages: list[int], fails_on: Callable[[str], bool]) -> tuple[int, ...]:
    """The pages that fail alone, else the first page at which the pages up to it fail
    (`fails_on` takes a condition on `page`: `= 3`, `<= 3`)."""
    alone = tuple(p for p in pages if fails_on(f"= {int(p)}"))
    if alone:
        return alone
    return next(((p,) for p in pages if fails_on(f"<= {int(p)}")), ())


def _model_pages(warehouse: Path, errors: tuple[ModelError, ...], sha: str) -> tuple[int, ...]:
    """Where a held-aside document's rows make a failing model's own SQL fail. () when that SQL
    does not fail on them (the error came from a contract, or from a model it reads)."""
    con = duckdb.connect(str(warehouse))
    try:
        return next((p for e in errors if e.sql and (p := _error_pages(con, e, sha))), ())
    finally:
        con.close()


def _error_pages(con: duckdb.DuckDBPyConnection, error: ModelError, sha: str) -> tuple[int, ...]:
    """Each look restores the document's rows in a transaction that is rolled back."""
    keyed, paged = _document_relations(con, error.relations)
    doc = f"document_sha256 = '{sha}'"

    def raises(cond: str | None) -> bool:
        where = {r: f"{doc} and page {cond}" if cond and r in paged else doc for r in keyed}
        con.execute("begin transaction")
        try:
            held_aside.restore_in(con, [sha])
            try:
                con.execute(f"select count(*) from ({_narrowed(error.sql, where)}) as t")
            except duckdb.Error:
                return True
            return False
        finally:
            con.execute("rollback")

    if not paged or not raises(None):
        return ()
    con.execute("begin transaction")
    try:
        held_aside.restore_in(con, [sha])
        pages = _printed_pages(con, paged, sha)
    finally:
        con.execute("rollback")
    return _first_pages(pages, raises)


def quarantine_documents(warehouse: Path, found: Sequence[Quarantined]) -> None:
    """Take each document's rows out of the build (held-aside rows too), mark it quarantined
    (extracted again next run) and say why in raw.ingest_errors, all in one transaction."""
    now = datetime.now(UTC).replace(tzinfo=None)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("begin transaction")
        for sha in {q.sha256 for q in found}:
            for table in held_aside.LANDED_TABLES:
                con.execute(f"delete from raw.{table} where document_sha256 = ?", [sha])
            con.execute(
                "update raw.documents set status = ? where document_sha256 = ?",
                [held_aside.QUARANTINED, sha],
            )
        held_aside.discard(con, {q.sha256 for q in found})
        con.executemany(
            "insert into raw.ingest_errors values (?, ?, 'validate', ?, ?)",
            [(q.source_file, q.sha256, q.message, now) for q in found],
        )
        con.execute("commit")
    finally:
        con.close()
