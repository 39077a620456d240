"""A dbt model that fails at run time on one document's rows costs that document, not the night.

flows/marts.py finds the document by building without the night's documents (flows/culprits.py,
flows/held_aside.py), quarantines it and publishes the rest; an error no document explains still
fails the night and publishes nothing. Real nights, real dbt builds: each build costs ~10 s, so
the nights are few and share their documents.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows import landing, pipeline
from flows.marts import DbtBuildError, dbt_build
from flows.pipeline import RunSummary, ingest
from flows.publish import working_copy_path
from flows.quarantine import ModelQuarantine, quarantine_documents
from flows.settings import DBT_PROJECT_DIR, RunOptions
from tests.conftest import query_warehouse as query
from tests.fixtures.build_seed_pdf import build_seed_pdf
from tests.fixtures.seed_truth import SEED_PROJECTS

QUARANTINED = "; the document is quarantined and its rows are left out of the marts"
GOOD = ("a.pdf", "b.pdf", "d.pdf")
CULPRIT = "c.pdf"
UNKNOWN_FIELD = "e.pdf"  # a data test's culprit in the same night
# The 本级 and 上级 funds as an OCR that ran a cell's digits together could read them, with the
# 财政拨款 cell blank: int_projects_pivoted derives 财政拨款 as their sum and casts it to
# decimal(18, 6), which a sum of 1.1e12 万元 overflows (each part alone still parses).
GOOD_INDICATORS = (
    "select p.source_file, i.* from fct_indicator as i join dim_project as p using (project_id) "
    f"where p.source_file in {GOOD} order by all"
)
RUN_TOGETHER = {"local_fiscal_funds": "800000000000", "superior_funds": "300000000000"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_together(rows: Iterator[tuple], columns: dict[str, int]) -> tuple[list[tuple], int]:
    """A document's landed rows with its funds read run together, and the page of that row."""
    rows = [list(r) for r in rows]
    fiscal = next(r for r in rows if r[columns["field"]] == "fiscal_funds")
    fiscal[columns["value"]] = ""
    for field, value in RUN_TOGETHER.items():
        extra = list(fiscal)
        extra[columns["field"]], extra[columns["value"]] = field, value
        rows.append(extra)
    return [tuple(r) for r in rows], fiscal[columns["page"]]


@dataclasses.dataclass
class Nights:
    raw: Path
    warehouse: Path
    first: RunSummary  # the culprit's funds read run together, e.pdf with an unknown field
    first_marts: dict[str, list[tuple]]
    pages: dict[str, int]  # each spoiled document's page of the spoiled row
    builds: list[bool]  # the first night's dbt builds: whether each built the models alone
    second: RunSummary  # both read right: retried and landed


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Nights:
    """Night 1: five one-project documents; c.pdf lands funds that make a model fail, e.pdf a
    field no form description knows (a data test fails). Night 2: the same folder, read right."""
    import duckdb

    from flows import marts

    root = tmp_path_factory.mktemp("model_error")
    raw, wh = root / "raw", root / "perfbudget.duckdb"
    names = (*GOOD, CULPRIT, UNKNOWN_FIELD)
    for name, project in zip(names, SEED_PROJECTS[:5], strict=True):
        build_seed_pdf(raw / name, projects=[project])
    con = duckdb.connect()
    con.execute(landing.SCHEMA_SQL)
    description = con.execute("select * from raw.extracted_values limit 0").description
    columns = {d[0]: i for i, d in enumerate(description)}
    con.close()
    real_rows, real_dbt = landing.value_rows, marts._run_dbt
    pages: dict[str, int] = {}
    builds: list[bool] = []

    def misread(doc):
        if doc.source_file == CULPRIT:
            rows, pages[CULPRIT] = run_together(real_rows(doc), columns)
        elif doc.source_file == UNKNOWN_FIELD:
            rows = list(real_rows(doc))
            extra = list(rows[0])
            extra[columns["field"]] = "department_nickname"
            rows.append(tuple(extra))
            pages[UNKNOWN_FIELD] = extra[columns["page"]]
        else:
            return real_rows(doc)
        return iter(rows)

    def counted(*args, **kwargs):
        builds.append(bool(kwargs.get("models_only", args[5] if len(args) > 5 else False)))
        return real_dbt(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(landing, "value_rows", misread)
        mp.setattr(marts, "_run_dbt", counted)
        first = ingest(RunOptions(raw_dir=raw, warehouse=wh))
    first_marts = {
        "dim_document": query(wh, "select source_file, status from dim_document order by 1"),
        "dim_project": query(wh, "select source_file from dim_project order by 1"),
        "ingest_errors": query(
            wh, "select source_file, stage, error from ingest_errors order by 1"
        ),
        "fct_indicator": query(wh, GOOD_INDICATORS),
        "raw": query(wh, "select source_file, status from raw.documents order by 1"),
        "schemas": query(wh, "select schema_name from duckdb_schemas() order by 1"),
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DBT_RESOURCE_TYPES", "model seed")  # as `models_only`: night 1 tested them
        second = ingest(RunOptions(raw_dir=raw, warehouse=wh))
    return Nights(raw, wh, first, first_marts, pages, builds, second)


def test_a_model_failing_on_one_documents_rows_quarantines_it_and_the_night_is_published(
    nights: Nights,
) -> None:
    """The night is published with every good document in the marts; the model's culprit is
    quarantined with the model, the database's error and the page of its funds named, the data
    test's in the same night with its test; the next night extracts both again and, read right,
    they land."""
    marts = nights.first_marts
    assert marts["dim_document"] == [
        ("a.pdf", "ingested"),
        ("b.pdf", "ingested"),
        ("c.pdf", "quarantined"),
        ("d.pdf", "ingested"),
        ("e.pdf", "quarantined"),
    ]
    assert marts["dim_project"] == [(name,) for name in GOOD]
    # the good documents' indicators, row for row as a night without the culprit's error has them
    assert len(marts["fct_indicator"]) > 3
    assert marts["fct_indicator"] == query(nights.warehouse, GOOD_INDICATORS)
    model_message = (
        "the model int_projects_pivoted fails on this document's rows on page "
        f'{nights.pages[CULPRIT]} (Conversion Error: Casting value "1100000000000.000000" to '
        f"type DECIMAL(18,6) failed: value is out of range!){QUARANTINED}"
    )
    test_message = (
        "the data test assert_extracted_fields_are_in_form_descriptions fails on page "
        f"{nights.pages[UNKNOWN_FIELD]} (form=project_target, record_type=field, "
        f"field_name=department_nickname, n_values=1){QUARANTINED}"
    )
    errors = [(CULPRIT, "validate", model_message), (UNKNOWN_FIELD, "validate", test_message)]
    assert marts["ingest_errors"] == errors
    assert (nights.first.documents_ingested, nights.first.documents_failed) == (3, 2)
    assert nights.first.errors == errors
    # the failing build; then of the models alone: every suspect held aside, a and b back
    # (pass), c back (fails: the culprit), d and e back (pass); the build that fails e's data
    # test; the final build
    assert nights.builds == [False, True, True, True, True, False, False]
    assert ("held_aside",) not in marts["schemas"]  # nothing held aside is published

    # next night the quarantined documents are extracted again; read right, they land
    assert (nights.second.documents_new, nights.second.documents_unchanged) == (2, 3)
    assert (nights.second.documents_ingested, nights.second.documents_failed) == (2, 0)
    wh = nights.warehouse
    assert query(wh, "select source_file from dim_project order by 1") == [
        (n,) for n in sorted((*GOOD, CULPRIT, UNKNOWN_FIELD))
    ]
    assert query(wh, "select count(*) from ingest_errors") == [(0,)]


def test_a_model_error_no_document_explains_fails_the_night_and_publishes_nothing(
    nights: Nights, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, models_only: None
) -> None:
    """A model that fails whatever the documents (here: one casting a constant, in a copy of the
    dbt project) still fails the build, after one build with every document held aside; the
    published warehouse keeps its bytes and the working copy its landed rows, none held aside."""
    project = tmp_path / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    (project / "models" / "marts" / "broken.sql").write_text(
        "select cast('not a number' as integer) as n\n", encoding="utf-8"
    )
    raw, wh = tmp_path / "raw", tmp_path / "perfbudget.duckdb"
    shutil.copytree(nights.raw, raw)
    shutil.copy(nights.warehouse, wh)
    build_seed_pdf(raw / "f.pdf", projects=SEED_PROJECTS[:2])  # a new document beside them
    before = sha256(wh)
    monkeypatch.setattr(pipeline, "dbt_build", functools.partial(dbt_build, project_dir=project))
    with pytest.raises(
        DbtBuildError,
        match=r"broken fails with every document this build rebuilds held aside \(6\)",
    ):
        ingest(RunOptions(raw_dir=raw, warehouse=wh))
    assert sha256(wh) == before
    building = working_copy_path(wh)
    assert query(building, "select source_file, status from raw.documents order by 1") == [
        (n, "ingested") for n in sorted((*GOOD, CULPRIT, UNKNOWN_FIELD, "f.pdf"))
    ]
    assert query(building, "select count(distinct document_sha256) from raw.extracted_values") == [
        (6,)
    ]
    assert query(building, "select count(*) from raw.ingest_errors") == [(0,)]
    assert query(
        building, "select count(*) from duckdb_tables() where schema_name = 'held_aside'"
    ) == [(0,)]


# --------------------------------------------------------------------------- the search alone


def landed_warehouse(folder: Path, n: int) -> Path:
    """A warehouse of `n` documents (d00, d01 …) with one landed row in each table a build
    reads, two of them failed or quarantined before (their status must come back as it was)."""
    import duckdb

    wh = folder / "wh.duckdb"
    con = duckdb.connect(str(wh))
    con.execute(landing.SCHEMA_SQL)
    for i in range(n):
        sha = f"d{i:02}"
        status = {1: "failed", 2: "quarantined"}.get(i, "ingested")
        con.execute(
            "insert into raw.documents values (?, ?, 1, 1, ?, timestamp '2024-01-01', 'v')",
            [sha, f"{sha}.pdf", status],
        )
        con.execute(
            "insert into raw.pages values (?, 1, 1, 1, 'pt', true, 'extracted', null, 1)", [sha]
        )
        con.execute(
            "insert into raw.cells values (?, 1, 0, 0, 0, 1, 1, 'x', 0, 0, 1, 1, 1.0, 'camelot')",
            [sha],
        )
        con.execute(
            "insert into raw.extracted_values values (?, ?, 1, 'project_target', 'field', null,"
            " 'project_name', 'x', 1, 0, 0, 0, 0, 0, 1, 1, 1.0, 'camelot')",
            [sha, f"{sha}.pdf"],
        )
    con.close()
    return wh


def raw_rows(wh: Path) -> dict[str, list[tuple]]:
    return {t: query(wh, f"select * from raw.{t} order by all") for t in landing.RAW_TABLES}


def failing_while_landed(wh: Path, *together: set[str]):
    """A stand-in for `dbt build`: model m<i> fails while every document of together[i] has its
    rows landed (a set of one: that document's rows alone make it fail)."""
    from flows.culprits import ModelError

    def build() -> tuple[ModelError, ...]:
        landed = {r[0] for r in query(wh, "select distinct document_sha256 from raw.cells")}
        return tuple(
            ModelError(f"model.perfbudget.m{i}", f"m{i}", f"fails on {', '.join(sorted(docs))}")
            for i, docs in enumerate(together)
            if docs <= landed
        )

    return build


@pytest.mark.parametrize(
    ("culprits", "builds"),
    [
        # last of 16: each half tried first passes, the failure is in the other: 1 + log2(16)
        ({"d15"}, 5),
        # first of 16: each half tried fails and the other half is tried too: 1 + 2 log2(16)
        ({"d00"}, 9),
        # a failed and a quarantined document among them; d12 alone in its half of 16: each
        # half of 8 (2 builds), of 4 (3 + 2), of 2 (4 + 2 + 2 + 2)
        ({"d01", "d02", "d12"}, 15),
    ],
)
def test_the_search_finds_each_document_whose_rows_alone_make_a_model_fail(
    tmp_path: Path, culprits: set[str], builds: int
) -> None:
    """Each culprit is proved with its own model's error while held aside; every other document
    comes back with its rows and its status, and nothing stays held."""
    from flows import held_aside
    from flows.culprits import Search

    wh = landed_warehouse(tmp_path, 16)
    before = raw_rows(wh)
    build = failing_while_landed(wh, *({c} for c in sorted(culprits)))
    proved: dict[str, list[str]] = {}

    def found(sha: str, errors: tuple) -> None:
        assert sha in held_aside.held(wh)
        proved[sha] = [e.error for e in errors]
        quarantine_documents(wh, [ModelQuarantine(f"{sha}.pdf", sha, errors)])

    search = Search(wh, build, max_builds=20, found=found)
    assert sorted(search.culprits([f"d{i:02}" for i in range(16)], build())) == sorted(culprits)
    assert proved == {c: [f"fails on {c}"] for c in culprits}
    assert search.builds == builds
    assert held_aside.held(wh) == []
    after = raw_rows(wh)
    for table in ("pages", "cells", "extracted_values"):
        assert after[table] == [r for r in before[table] if r[0] not in culprits]
    assert after["documents"] == [
        (*r[:4], "quarantined" if r[0] in culprits else r[4], *r[5:]) for r in before["documents"]
    ]
    assert query(wh, "select source_file, stage, error from raw.ingest_errors order by 1") == [
        (
            f"{c}.pdf",
            "validate",
            f"the model m{i} fails on this document's rows (fails on {c}){QUARANTINED}",
        )
        for i, c in enumerate(sorted(culprits))
    ]


def test_a_failure_two_documents_make_together_is_blamed_on_the_one_returned_last(
    tmp_path: Path,
) -> None:
    """m0 fails only while d02 and d09 are both landed: d02 comes back with its half (the build
    passes), then d09's return makes it fail, so d09 is the culprit and d02 stays."""
    from flows.culprits import Search

    wh = landed_warehouse(tmp_path, 16)
    build = failing_while_landed(wh, {"d02", "d09"})
    search = Search(wh, build, max_builds=20, found=lambda sha, errors: None)
    assert search.culprits([f"d{i:02}" for i in range(16)], build()) == ["d09"]


@pytest.mark.parametrize("max_builds", [20, 3])
def test_an_error_the_search_cannot_pin_on_a_document_restores_every_row(
    tmp_path: Path, max_builds: int
) -> None:
    """A model failing with every suspect held aside (d00 and a constant), or a culprit not
    found within the limit on builds: Unexplained, and the warehouse's raw rows are as landed,
    byte for byte, with no side schema left."""
    from flows.culprits import ModelError, Search, Unexplained

    wh = landed_warehouse(tmp_path, 16)
    before = raw_rows(wh)
    doc_build = failing_while_landed(wh, {"d00"})
    always = ModelError("model.perfbudget.broken", "broken", "Conversion Error")
    build = (lambda: (*doc_build(), always)) if max_builds == 20 else doc_build
    search = Search(wh, build, max_builds=max_builds, found=lambda sha, errors: None)
    with pytest.raises(Unexplained):
        search.culprits([f"d{i:02}" for i in range(16)], build())
    assert search.builds == (1 if max_builds == 20 else 3)
    with pytest.raises(Unexplained, match="rebuilds no document"):
        search.culprits([], build())
    assert raw_rows(wh) == before
    assert query(wh, "select count(*) from duckdb_schemas() where schema_name = 'held_aside'") == [
        (0,)
    ]


def test_held_rows_come_back_after_an_interrupted_search_and_after_a_killed_one(
    tmp_path: Path,
) -> None:
    """An interrupt in the middle of the search (here from its third build) puts every held row
    back before it propagates. A process killed outright cannot: its rows stay in `held_aside`
    of that file, which a night never publishes (flows/publish.py) and which `dbt_build`
    restores first (`restore_all`) when it is given that file again."""
    from flows import held_aside
    from flows.culprits import Search

    wh = landed_warehouse(tmp_path, 16)
    before = raw_rows(wh)
    doc_build = failing_while_landed(wh, {"d00"})
    calls: list[int] = []

    def interrupted() -> tuple:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return doc_build()

    search = Search(wh, interrupted, max_builds=20, found=lambda sha, errors: None)
    with pytest.raises(KeyboardInterrupt):
        search.culprits([f"d{i:02}" for i in range(16)], doc_build())
    assert raw_rows(wh) == before

    held_aside.hold(wh, ["d03", "d07"])  # as a killed search leaves them
    assert held_aside.held(wh) == ["d03", "d07"]
    assert query(wh, "select count(*) from raw.cells") == [(14,)]
    held_aside.restore_all(wh)
    assert raw_rows(wh) == before
    assert held_aside.held(wh) == []
