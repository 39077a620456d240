"""What a failed `dbt build` left in its target folder: the data tests that failed (a grouped
`checks` test split into its checks, each with its own SQL), the models that failed at run time,
and the documents the build was rebuilding. Reads dbt's run_results.json and manifest.json."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.culprits import ModelError

FAILED_BUILD_NODES = ("model", "seed", "snapshot")  # a node whose error stops its descendants
CHANGE_SET = "int_build_changed_documents"  # the documents a build rebuilds (incremental.sql)
GROUPED_TEST = "checks"  # the generic test that runs a model's column checks as one query
CHECK_MARK = re.compile(r"/\* check (\w+) (\S*) \*/(.*?)/\* end check \*/", re.S)


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
    if not any(res["status"] == "error" for res in results):
        return []  # the manifest is not needed, and a warm build that erred in nothing wrote none
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


def _test_name(node: dict) -> str:
    """`accepted_values on stg_raw__extracted_values.field_name`, or a singular test's name."""
    meta = node.get("test_metadata") or {}
    attached = (node.get("attached_node") or "").rsplit(".", 1)[-1]
    if not meta or not attached:
        return node.get("name", node.get("unique_id", "?"))
    column = node.get("column_name")
    return f"{meta['name']} on {attached}{'.' + column if column else ''}"


def suspects(warehouse: Path, target: Path) -> list[str]:
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
