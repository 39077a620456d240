"""Incremental dbt builds (dbt_project/macros/incremental.sql) equal a full rebuild, row for row.

A night rebuilds only the documents that changed and the projects they touch (issue #12). This
lands real extractions of the two text PDFs (a 绩效目标表 and its 自评表) under several names
through flows.landing, builds incrementally through a sequence of nights — new documents, a second
source of a project, a self-evaluation that moves to a project published later, a changed
document, a deleted one, a quarantined one — and compares every table the build makes with a
`dbt build --full-refresh` of the same landed rows.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from flows import landing
from flows.marts import built_fingerprint, dbt_build, project_fingerprint
from flows.models import DocumentExtraction, ProjectForm
from flows.publish import working_copy_path
from flows.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from tests.conftest import query_warehouse as query

RAW = PROJECT_ROOT / "data" / "raw"
TARGET_PDF = RAW / "平罗县委政法委_2024年项目支出绩效目标表.pdf"
SELF_EVAL_PDF = RAW / "平罗县委政法委_2024年项目支出绩效自评表.pdf"
# the build's own bookkeeping differs by design between an incremental and a full build
BOOKKEEPING = {"int_build_changed_documents", "int_build_changes", "int_build_affected_projects"}


@pytest.fixture(scope="module")
def templates() -> tuple[DocumentExtraction, DocumentExtraction]:
    """The 绩效目标表 and the 自评表 as the text-layer extractor and the form reader read them."""
    from flows.extract.documents import extract_document
    from flows.forms import read_forms

    target, self_eval = (read_forms(extract_document(p, RAW)) for p in (TARGET_PDF, SELF_EVAL_PDF))
    assert {p.form for p in target.projects} == {"project_target"}
    assert {p.form for p in self_eval.projects} == {"project_self_eval"}
    return target, self_eval


def variant(
    template: DocumentExtraction, name: str, series: int, edit: str = "", extra_field: bool = False
) -> DocumentExtraction:
    """`template` landed as file `name`: its projects renamed for `series` (a department's own
    projects), bytes of its own (`edit` changes them and the first overall goal), and with
    `extra_field` a field no form description knows (a data test quarantines it)."""

    def project(p: ProjectForm, k: int) -> ProjectForm:
        fields = dict(p.fields)
        old = fields["project_name"]
        fields["project_name"] = replace(old, value=f"{old.value}（{series}）")
        if edit and k == 0 and "overall_goal" in fields:
            goal = fields["overall_goal"]
            fields["overall_goal"] = replace(goal, value=f"{goal.value}（{edit}）")
        if extra_field and k == 0:
            fields["department_nickname"] = replace(old, value="政法委")
        return replace(p, fields=fields)

    sha = hashlib.sha256(f"{template.sha256}|{name}|{series}|{edit}".encode()).hexdigest()
    projects = [project(p, k) for k, p in enumerate(template.projects)]
    return replace(template, sha256=sha, source_file=name, projects=projects, errors=[])


def night_warehouse(folder: Path) -> Path:
    """A warehouse file named as a night's working copy (`perfbudget.duckdb.building`): the
    worker's warm dbt keeps a parsed manifest per file name, and the nights built on that worker
    parsed this one already (a name of its own cost a parse: ~11 CPU-s per name)."""
    folder.mkdir(parents=True, exist_ok=True)
    return working_copy_path(folder / "perfbudget.duckdb")


def land(warehouse: Path, *docs: DocumentExtraction) -> None:
    con = landing.connect(warehouse)
    try:
        landing.land_documents(con, [(d, None) for d in docs])
    finally:
        con.close()


def remove(warehouse: Path, *docs: DocumentExtraction) -> None:
    """A file gone from the raw folder for good (or its old bytes, replaced): its rows go."""
    con = landing.connect(warehouse)
    try:
        for table in landing.RAW_TABLES:
            con.execute(
                f"delete from raw.{table} where document_sha256 in (select unnest(?::varchar[]))",
                [[d.sha256 for d in docs]],
            )
    finally:
        con.close()


def built_tables(warehouse: Path) -> list[str]:
    return [
        t
        for (t,) in query(
            warehouse,
            "select table_name from duckdb_tables() where schema_name = 'main' order by 1",
        )
        if t not in BOOKKEEPING
    ]


def differences(incremental: Path, full: Path) -> dict[str, tuple[int, int]]:
    """Per table: rows only the incremental build has, rows only the full build has (as
    multisets, so a duplicated row counts)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{incremental}' as inc (read_only)")
        con.execute(f"attach '{full}' as full_build (read_only)")
        out = {}
        for table in built_tables(full):
            only_inc, only_full = (
                con.execute(
                    f"select count(*) from (select * from {a}.main.{table}"
                    f" except all select * from {b}.main.{table})"
                ).fetchone()[0]
                for a, b in (("inc", "full_build"), ("full_build", "inc"))
            )
            if only_inc or only_full:
                out[table] = (only_inc, only_full)
        return out
    finally:
        con.close()


def test_incremental_nights_equal_a_full_rebuild(
    tmp_path: Path, templates: tuple[DocumentExtraction, DocumentExtraction]
) -> None:
    target, self_eval = templates
    wh = night_warehouse(tmp_path / "incremental")
    t1, e1 = variant(target, "t1.pdf", 1), variant(self_eval, "e1.pdf", 1)

    # night 1: the first build is a full one, and remembers the dbt project it was built by
    land(wh, t1, e1)
    assert dbt_build(wh) == []
    assert built_fingerprint(wh) == project_fingerprint(DBT_PROJECT_DIR)
    projects_1 = query(wh, "select count(*) from dim_project")[0][0]
    assert projects_1 == len(target.projects)

    # night 2: a second department; a second source of t1 (sources_disagree); a self-evaluation
    # whose 绩效目标表 is not published yet
    t2, e2 = variant(target, "t2.pdf", 2), variant(self_eval, "e2.pdf", 2)
    t1_copy = variant(target, "t1_copy.pdf", 1, edit="修订")
    e3 = variant(self_eval, "e3.pdf", 3)
    land(wh, t2, e2, t1_copy, e3)
    assert dbt_build(wh) == []
    assert query(wh, "select document_sha256 from int_build_changed_documents order by 1") == [
        (d.sha256,) for d in sorted((t2, e2, t1_copy, e3), key=lambda d: d.sha256)
    ]
    unplanned = "select count(*) from audit_findings where rule = 'self_evaluation_without_targets'"
    assert query(wh, unplanned) == [(len(self_eval.projects),)]
    assert query(wh, "select count(*) from audit_findings where rule = 'sources_disagree'")[0][0]

    # night 3: e3's 绩效目标表 arrives (e3 moves to its project); t2 is replaced by new bytes;
    # e1 is deleted; a document a data test refuses is quarantined
    t3 = variant(target, "t3.pdf", 3)
    t2_new = variant(target, "t2.pdf", 2, edit="调整")
    bad = variant(target, "bad.pdf", 4, extra_field=True)
    # t1 is landed again in the same batch (same bytes, a new landing): its rows are replaced,
    # not doubled, beside the batch's new documents
    remove(wh, t2, e1)
    land(wh, t3, t2_new, bad, t1)
    quarantined = dbt_build(wh)
    assert {q.source_file for q in quarantined} == {"bad.pdf"}
    assert query(wh, unplanned) == [(0,)]
    # the sample's 绩效目标表 prints only its department's code: its 年度资金总额, the
    # self-evaluation's 年初预算数, tells the department's plan (int_self_eval_projects_pivoted)
    assert query(
        wh, "select distinct project_id_source from int_self_eval_projects_pivoted order by 1"
    ) == [("target_table_amount",)]
    assert query(wh, "select count(*) from dim_project")[0][0] == 3 * projects_1
    # only what changed was rebuilt: t1, its copy, e2 and e3 kept their rows
    changed = {r[0] for r in query(wh, "select document_sha256 from int_build_changed_documents")}
    assert changed == {t3.sha256, t2_new.sha256, bad.sha256, t2.sha256, e1.sha256, t1.sha256}

    # the same landed rows built from scratch: every table equal, row for row
    full = night_warehouse(tmp_path / "full")
    shutil.copyfile(wh, full)
    assert dbt_build(full, full_refresh=True, quarantine=False) == []
    assert built_tables(wh) == built_tables(full)
    assert differences(wh, full) == {}
    landed = {d.sha256 for d in (t1, e2, t1_copy, e3, t3, t2_new, bad)}
    assert {r[0] for r in query(full, "select * from int_build_changed_documents")} == landed


def test_a_batch_lands_in_one_transaction_and_a_bad_document_costs_only_itself(
    tmp_path: Path, templates: tuple[DocumentExtraction, DocumentExtraction]
) -> None:
    """landing.land_batch: the night's documents land together; a document landed before has its
    rows replaced (not doubled); one whose rows cannot be landed (two rows for one page break
    raw.pages' key) is left out with an ingest error of stage `land` while the rest of its batch
    lands, and with no raw.documents row it is new again next night."""
    target, self_eval = templates
    wh = tmp_path / "perfbudget.duckdb"
    t1, e1 = variant(target, "t1.pdf", 1), variant(self_eval, "e1.pdf", 1)
    land(wh, t1)
    per_doc = {
        table: query(wh, f"select count(*) from raw.{table}")[0][0] for table in landing.RAW_TABLES
    }
    bad = variant(target, "bad.pdf", 2)
    bad = replace(bad, pages=[*bad.pages, bad.pages[0]])  # page 1 twice
    con = landing.connect(wh)
    try:
        refused = landing.land_batch(con, [(t1, None), (bad, None), (e1, None)])
    finally:
        con.close()
    assert [(doc.source_file, why.split(":")[0]) for doc, why in refused] == [
        ("bad.pdf", "its rows could not be landed")
    ]
    landed = query(wh, "select source_file from raw.documents order by 1")
    assert landed == [("e1.pdf",), ("t1.pdf",)]
    assert query(wh, "select count(*) from raw.cells where document_sha256 = ?", [t1.sha256]) == [
        (per_doc["cells"],)
    ]
    assert query(
        wh, "select count(*) from raw.extracted_values where document_sha256 = ?", [t1.sha256]
    ) == [(per_doc["extracted_values"],)]
    assert query(wh, "select count(*) from raw.pages where document_sha256 = ?", [bad.sha256]) == [
        (0,)
    ]
    errors = query(wh, "select source_file, document_sha256, stage from raw.ingest_errors")
    assert errors == [("bad.pdf", bad.sha256, "land")]


def test_a_night_lands_its_documents_as_one_batch_and_goes_on_past_one_that_cannot_land(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
) -> None:
    """The flow lands a night's parsed documents in batches (pipeline.LANDING_BATCH per
    transaction), not one transaction per document; a document whose rows cannot be landed is
    that document's failure (an ingest error of stage `land`), never the run's. (Its nights run
    on the session's Prefect API: without one a flow starts an ephemeral server, ~12 CPU-s.)"""
    from flows import pipeline
    from flows.settings import RunOptions

    raw, wh = tmp_path / "raw", tmp_path / "wh" / "perfbudget.duckdb"
    raw.mkdir()
    shutil.copy(TARGET_PDF, raw / "target.pdf")
    shutil.copy(SELF_EVAL_PDF, raw / "self_eval.pdf")
    batches: list[list[str]] = []
    land_batch, land_documents = landing.land_batch, landing.land_documents

    def recorded(con: duckdb.DuckDBPyConnection, docs: list) -> list:
        batches.append(sorted(doc.source_file for doc, _ in docs))
        return land_batch(con, docs)

    def refusing(con: duckdb.DuckDBPyConnection, docs: list) -> None:
        if any(doc.source_file == "self_eval.pdf" for doc, _ in docs):
            raise duckdb.ConstraintException("a row this warehouse refuses")
        land_documents(con, docs)

    monkeypatch.setattr(landing, "land_batch", recorded)
    monkeypatch.setattr(landing, "land_documents", refusing)
    monkeypatch.setattr(pipeline, "dbt_build", lambda building: [])
    summary = pipeline.ingest(RunOptions(raw_dir=raw, warehouse=wh))
    assert batches == [["self_eval.pdf", "target.pdf"]]
    assert (summary.documents_new, summary.documents_ingested, summary.documents_failed) == (
        2,
        1,
        1,
    )
    assert [(f, stage) for f, stage, _ in summary.errors] == [("self_eval.pdf", "land")]
    assert query(wh, "select source_file from raw.documents") == [("target.pdf",)]
    assert query(wh, "select source_file, stage from raw.ingest_errors") == [
        ("self_eval.pdf", "land")
    ]

    monkeypatch.setattr(landing, "land_documents", land_documents)  # the fault is gone
    batches.clear()
    summary = pipeline.ingest(RunOptions(raw_dir=raw, warehouse=wh))
    assert (summary.documents_new, summary.documents_ingested) == (1, 1)  # landed this time
    assert batches == [["self_eval.pdf"]]
    assert query(wh, "select count(*) from raw.ingest_errors") == [(0,)]


def test_an_unchanged_night_rebuilds_marts_built_by_an_older_dbt_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
) -> None:
    """No document changed, but the marts were built by another version of the dbt project: the
    night builds them (dbt_build sees the stale fingerprint and refreshes); with the current
    fingerprint an unchanged night builds nothing."""
    from flows import pipeline
    from flows.marts import FINGERPRINT_KEY, marts_current, record_fingerprint
    from flows.settings import RunOptions

    raw, wh = tmp_path / "raw", tmp_path / "wh" / "perfbudget.duckdb"
    raw.mkdir()
    con = landing.connect(wh)
    try:
        con.execute("create table main.fct_indicator (indicator_id varchar)")
    finally:
        con.close()
    assert marts_current(wh) is False  # marts, but no fingerprint of who built them
    record_fingerprint(wh, "0000000000000000")
    assert marts_current(wh) is False  # built by another dbt project

    builds: list[Path] = []

    def fake_build(building: Path) -> list:
        builds.append(building)
        record_fingerprint(building, project_fingerprint(DBT_PROJECT_DIR))
        return []

    monkeypatch.setattr(pipeline, "dbt_build", fake_build)
    options = RunOptions(raw_dir=raw, warehouse=wh, allow_empty_raw=True)
    summary = pipeline.ingest(options)
    assert (summary.documents_seen, summary.documents_new, summary.documents_removed) == (0, 0, 0)
    assert [b.name for b in builds] == ["perfbudget.duckdb.building"]
    assert marts_current(wh) is True
    assert query(wh, f"select value from raw.meta where key = '{FINGERPRINT_KEY}'") == [
        (project_fingerprint(DBT_PROJECT_DIR),)
    ]

    pipeline.ingest(options)  # unchanged again, and the marts are this project's: no build
    assert len(builds) == 1


def test_a_small_text_layer_night_is_extracted_without_starting_the_worker_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Few pages, all with a text layer: the flow's own process extracts them (the pool's start-up
    would cost more than the pages); a scan, an image or a large night goes to the workers."""
    from flows.extract.documents import IN_PROCESS_PAGES, extract_in_process, open_document

    scan = RAW / "平罗县农业农村局_2024年项目支出绩效目标表_扫描件.pdf"
    text = open_document(TARGET_PDF, RAW)
    assert text.kind == "pdf" and 0 < (text.page_count or 0) <= IN_PROCESS_PAGES
    assert extract_in_process([(TARGET_PDF, text)]) is True
    assert extract_in_process([(TARGET_PDF, text), (scan, open_document(scan, RAW))]) is False
    assert extract_in_process([]) is True  # nothing to extract: no pool either

    # a document that could not be opened has no pages: it does not decide the night
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert extract_in_process([(TARGET_PDF, text), (empty, open_document(empty, tmp_path))])

    # an image is OCRed: the workers
    png = tmp_path / "page.png"
    from PIL import Image

    Image.new("RGB", (40, 40), "white").save(png)
    assert extract_in_process([(png, open_document(png, tmp_path))]) is False

    # too many pages: the pool, decided from the page counts alone (nothing is opened)
    many = [(tmp_path / f"gone{i}.pdf", text) for i in range(IN_PROCESS_PAGES // 10 + 1)]
    assert sum(d.page_count or 0 for _, d in many) > IN_PROCESS_PAGES
    assert extract_in_process(many) is False

    # a page pdfium cannot load: the workers extract it (and record its error), no crash here
    import pypdfium2 as pdfium

    from flows.extract import documents

    def unloadable(page: object) -> bool:
        raise pdfium.PdfiumError("Failed to load page.")

    monkeypatch.setattr(documents, "has_text_layer", unloadable)
    assert extract_in_process([(TARGET_PDF, text)]) is False


def _literal(duck_type: str, avoid: list | None = None) -> str:
    """A SQL value of `duck_type` (not among `avoid`): what a broken row carries."""
    t = duck_type.upper()
    if t.startswith(("VARCHAR", "TEXT")):
        return "'__broken__'"
    if t == "BOOLEAN":
        return "false" if True in (avoid or []) else "true"
    if t in ("DATE", "TIMESTAMP"):
        return f"cast('1999-01-01' as {t})"
    return f"cast(-987654 as {t})"


def _broken_rows(con: duckdb.DuckDBPyConnection, relation: str, check: str, spec) -> str:
    """Rows that break `check` on `relation` and nothing the check does not read: the relation's
    first row (one the check's `where` holds) with the checked column made null, duplicated, or
    given a value outside its accepted values or without a parent."""
    spec = {"column": spec} if isinstance(spec, str) else spec
    where = f"where {spec['where']}" if spec.get("where") else ""
    types = dict(
        con.execute(f"select column_name, column_type from (describe {relation})").fetchall()
    )
    base = f"(select * from {relation} {where} limit 1)"
    if not con.execute(f"select count(*) from {base}").fetchone()[0]:
        base = "(select " + ", ".join(f"{_literal(t)} as {c}" for c, t in types.items()) + ")"
    column = spec.get("column")
    if check == "not_null":
        return f"select * replace (null as {column}) from {base}"
    if check in ("unique", "unique_combination_of_columns"):
        if column is not None:  # a duplicate of a value that is there
            value = f"coalesce({column}, {_literal(types[column])})"
            base = f"(select * replace ({value} as {column}) from {base})"
        return f"select * from {base} union all select * from {base}"
    outside = _literal(types[column], spec.get("values"))
    return f"select * replace ({outside} as {column}) from {base}"


def test_a_grouped_data_test_fails_for_each_check_it_groups(
    tmp_path: Path,
    templates: tuple[DocumentExtraction, DocumentExtraction],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One `checks` test per model (dbt_project/macros/checks.sql) replaced ~190 test nodes:
    every check it groups must still fail on rows that break it, and name itself. Each check of
    every grouped test of a full build is broken in turn (a row added to the tested relation) and
    the grouped test's compiled SQL run: the broken check is among its failing rows, and marts'
    split of the compiled test finds it under the name a test of its own had."""
    import re

    from flows.build_results import GROUPED_TEST, failed_tests
    from flows.quarantine import failing_checks

    target, self_eval = templates
    wh = night_warehouse(tmp_path)
    land(wh, variant(target, "t1.pdf", 1), variant(self_eval, "e1.pdf", 1))
    land(wh, variant(target, "t1_copy.pdf", 1, edit="修订"))
    # dbt's own manifest.json, which a warm build that succeeds leaves unwritten
    monkeypatch.setenv("DBT_WRITE_JSON", "true")
    assert dbt_build(wh, full_refresh=True, quarantine=False) == []

    run_dir = DBT_PROJECT_DIR / "target"
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((run_dir / "run_results.json").read_text(encoding="utf-8"))["results"]
    compiled = {r["unique_id"]: r["compiled_code"] for r in results if r.get("compiled_code")}
    grouped = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if (node.get("test_metadata") or {}).get("name") == GROUPED_TEST
    }
    assert len(grouped) >= 35  # one per tested model, seed and source table
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    assert len(tests) < 70  # was 212 test nodes

    relations = {
        uid: n.get("relation_name") for uid, n in (manifest["nodes"] | manifest["sources"]).items()
    }
    con = duckdb.connect(str(wh), read_only=True)
    broken = 0
    try:
        for uid, node in grouped.items():
            sql = compiled[uid]
            tested = relations[node["attached_node"] or node["depends_on"]["nodes"][0]]
            assert con.execute(f"select count(*) from ({sql})").fetchone()[0] == 0, uid
            kwargs = node["test_metadata"]["kwargs"]
            specs = [(c, s) for c, specs in kwargs.items() if c != "model" for s in specs]
            assert len(specs) == sql.count("/* end check */"), uid
            for check, spec in specs:
                rows = _broken_rows(con, tested, check, spec)
                with_broken = f"(select * from {tested} union all {rows})"
                mutated = re.sub(re.escape(tested), lambda _, r=with_broken: r, sql)
                failing = set(
                    con.execute(f"select distinct check_name, checked from ({mutated})").fetchall()
                )
                column = spec if isinstance(spec, str) else spec.get("column", "")
                assert (check, column) in failing, (uid, check, spec)
                broken += 1
    finally:
        con.close()
    assert broken >= 180

    # marts splits a failed grouped test into its checks and keeps the failing ones, by name
    results_file = run_dir / "run_results.json"
    saved = results_file.read_text(encoding="utf-8")
    try:
        uid = next(
            u for u, n in grouped.items() if n["attached_node"].endswith(".stg_raw__documents")
        )
        for r in results:
            r["status"] = "fail" if r["unique_id"] == uid else "pass"
        results_file.write_text(json.dumps({"results": results}), encoding="utf-8")
        failed, other = failed_tests(run_dir)
        assert other == [] and len(failed) == compiled[uid].count("/* end check */")
        assert "not_null on stg_raw__documents.document_sha256" in {t.name for t in failed}
        assert failing_checks(wh, failed) == []  # the landed rows break none of them
    finally:
        results_file.write_text(saved, encoding="utf-8")


def test_a_served_night_builds_on_the_warm_dbt_and_gets_its_warehouse_back(
    tmp_path: Path,
    templates: tuple[DocumentExtraction, DocumentExtraction],
    monkeypatch: pytest.MonkeyPatch,
    warm_dbt: str | None,
) -> None:
    """With a warm dbt (flows/dbt_server.py, started by `perfbudget serve`) no build starts a dbt
    of its own, and after each build the flow's process can write the warehouse again (the
    server closed its DuckDB connection); a quarantine works through it as through a child.

    The warm dbt is the worker's (tests/conftest.py `warm_dbt`, started as serve starts one),
    and the warehouse is named like a night's working copy, whose parse that server keeps: a
    server of the test's own cost ~20 CPU-s more (dbt imported, the project parsed twice).
    Under PERFBUDGET_TEST_DBT=one-shot there is none, and the test starts its own."""
    import subprocess

    from flows import dbt_server

    target, self_eval = templates
    wh = tmp_path / "perfbudget.duckdb.building"
    land(wh, variant(target, "t1.pdf", 1))
    server = None if warm_dbt else dbt_server.start(tmp_path / "dbt.sock", wh)
    assert os.environ[dbt_server.SERVER_ENV] == (warm_dbt or str(tmp_path / "dbt.sock"))
    try:

        def no_child(*args: object, **kwargs: object) -> None:
            raise AssertionError(f"a dbt of its own was started: {args}")

        monkeypatch.setattr(subprocess, "run", no_child)
        run_dir = DBT_PROJECT_DIR / "target"
        (run_dir / "manifest.json").write_text("{}", encoding="utf-8")  # an earlier night's
        assert dbt_build(wh) == []
        # a warm build that succeeds writes run_results.json and no manifest.json (the stale one
        # is gone); the quarantine below reads the one its failing build writes
        results = json.loads((run_dir / "run_results.json").read_text(encoding="utf-8"))
        statuses = {r["status"] for r in results["results"]}
        assert {"success", "pass"} <= statuses and not statuses & {"error", "fail"}
        assert not (run_dir / "manifest.json").exists()
        land(wh, variant(self_eval, "e1.pdf", 1), variant(target, "bad.pdf", 4, extra_field=True))
        quarantined = dbt_build(wh)
        assert [(q.source_file, q.test) for q in quarantined] == [
            ("bad.pdf", "assert_extracted_fields_are_in_form_descriptions")
        ]
        assert query(wh, "select count(*) from dim_project") == [(len(target.projects),)]
        assert query(wh, "select count(*) from fct_indicator_result")[0][0] > 0
    finally:
        if server is not None:
            dbt_server.stop(server)
