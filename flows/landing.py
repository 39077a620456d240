"""Landing: one document's extraction → long-format rows in DuckDB schema `raw`, in one transaction.

A document is keyed by its content hash; landing it again replaces its earlier rows, so a re-run
never duplicates and a crash mid-landing leaves the previous rows untouched (the transaction rolls
back).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows import EXTRACTION_VERSION
from flows.inventory import FileChanges, Inventory
from flows.models import DocumentExtraction, ProjectForm, SourcedValue

SCHEMA_SQL = (Path(__file__).with_name("raw_schema.sql")).read_text(encoding="utf-8")
SCHEMA_VERSION = hashlib.sha256(SCHEMA_SQL.encode()).hexdigest()[:16]
RAW_TABLES = ("documents", "pages", "cells", "extracted_values")
FILE_COLUMNS = [
    "source_file", "document_sha256", "is_present", "first_seen_at", "last_seen_at",
    "file_size", "file_mtime_ns", "file_inode",
]  # fmt: skip


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A writable connection with the current raw schema in place.

    A warehouse landed under another raw schema is started afresh (its documents are extracted
    again): the raw rows are a cache of the source files, which stay in the raw folder."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    try:
        found = con.execute("select value from raw.meta where key = 'schema_version'").fetchall()
    except duckdb.CatalogException:
        found = []
    if found != [(SCHEMA_VERSION,)]:
        con.execute("drop schema if exists raw cascade")
        con.execute(SCHEMA_SQL)
        con.execute("create table raw.meta (key varchar primary key, value varchar)")
        con.execute("insert into raw.meta values ('schema_version', ?)", [SCHEMA_VERSION])
    return con


_NIGHT: dict[Path, duckdb.DuckDBPyConnection] = {}  # the open connection of a night, by warehouse


@contextmanager
def night(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """One writable connection for a whole night's landing, shared by every `session` on the same
    warehouse inside it; closed at the end (dbt, in another process, needs the file to itself).

    Opening the warehouse costs more as it grows (its catalog and schema check, ~0.1-0.4 s at
    10,000 documents): paid once a night, not once per document. Each document still lands in its
    own transaction, so one that fails to land leaves the others landed."""
    key = warehouse.resolve()
    if key in _NIGHT:  # nested: the outer night owns the connection
        yield _NIGHT[key]
        return
    con = connect(warehouse)
    _NIGHT[key] = con
    try:
        yield con
    finally:
        del _NIGHT[key]
        con.close()


@contextmanager
def session(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The night's connection when one is open on this warehouse in this process, else a
    connection of its own for the duration (a task run on another worker, a test)."""
    key = warehouse.resolve()
    if key in _NIGHT:
        yield _NIGHT[key]
        return
    con = connect(warehouse)
    try:
        yield con
    finally:
        con.close()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _bbox(v: SourcedValue) -> tuple:
    return v.bbox if v.bbox is not None else (None, None, None, None)


def value_rows(doc: DocumentExtraction) -> Iterator[tuple]:
    """raw.extracted_values rows: every header field and every indicator value of every form's
    table, field names as the form descriptions (flows/forms/spec.py) give them."""

    def row(p: ProjectForm, seq: int, kind: str, ind: int | None, name: str, v: SourcedValue):
        return (
            doc.sha256, doc.source_file, seq, p.form, kind, ind, name, v.value, v.page,
            v.table_index, v.row, v.col, *_bbox(v), v.confidence, v.extractor,
        )  # fmt: skip

    for seq, project in enumerate(doc.projects, start=1):
        for name, v in _header_values(project):
            yield row(project, seq, "field", None, name, v)
        for i, ind in enumerate(project.indicators, start=1):
            for name, v in (
                ("level1", ind.level1),
                ("level2", ind.level2),
                ("indicator_name", ind.name),
                ("target", ind.target),
                *ind.extra.items(),
            ):
                yield row(project, seq, "indicator", i, name, v)


def _header_values(project: ProjectForm) -> Iterator[tuple[str, SourcedValue]]:
    yield from project.fields.items()
    for name, v in (
        ("total_funds", project.funds.total),
        ("fiscal_funds", project.funds.fiscal),
        ("other_funds", project.funds.other),
    ):
        if v is not None:
            yield name, v


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Append rows (in the table's column order) to `raw.<table>` as one columnar insert.

    Row-by-row `executemany` costs ~0.4 ms a row in DuckDB, seconds for one OCRed document and
    hours for a province's backlog; a DataFrame scan inserts the same rows in milliseconds."""
    if not rows:
        return
    columns = [
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'raw' and table_name = ? order by ordinal_position",
            [table],
        ).fetchall()
    ]
    import pandas as pd  # on first landing: page workers import this module and never land

    frame = pd.DataFrame.from_records(rows, columns=columns)
    con.register("_landing_rows", frame)
    try:
        con.execute(f"insert into raw.{table} select * from _landing_rows")
    finally:
        con.unregister("_landing_rows")


def land_document(
    con: duckdb.DuckDBPyConnection, doc: DocumentExtraction, status: str | None = None
) -> None:
    """Replace this document's rows (by hash) and its file's earlier errors in one transaction."""
    land_documents(con, [(doc, status)])


def land_documents(
    con: duckdb.DuckDBPyConnection, docs: list[tuple[DocumentExtraction, str | None]]
) -> None:
    """Replace several documents' rows in one transaction (each with its status, or None to
    derive it): one delete and one columnar insert per table, whatever the number of documents,
    so landing a backlog costs the rows it writes, not a scan of the warehouse per document."""
    landed_at = _now()
    shas = [doc.sha256 for doc, _ in docs if doc.sha256 is not None]
    files = [doc.source_file for doc, _ in docs]
    con.execute("begin transaction")
    try:
        # Only a document landed before has rows to replace: it has a raw.documents row (its
        # key), and the other raw tables hold rows of landed documents only. A night's new
        # documents (almost all of them) then delete nothing, and the deletes that remain scan
        # the large tables (millions of cells at 10,000 documents) once per batch, not per file.
        landed_before = [
            sha
            for (sha,) in con.execute(
                "select document_sha256 from raw.documents"
                " where document_sha256 in (select unnest(?::varchar[]))",
                [shas],
            ).fetchall()
        ]
        for table in RAW_TABLES if landed_before else ():
            con.execute(
                f"delete from raw.{table} where document_sha256 in (select unnest(?::varchar[]))",
                [landed_before],
            )
        con.execute(
            "delete from raw.ingest_errors where source_file in (select unnest(?::varchar[]))",
            [files],
        )
        insert_rows(
            con,
            "documents",
            [
                (doc.sha256, doc.source_file, doc.file_size, doc.page_count,
                 status or ("failed" if doc.failed else "ingested"), landed_at, EXTRACTION_VERSION)
                for doc, status in docs
                if doc.sha256 is not None
            ],
        )  # fmt: skip
        insert_rows(
            con,
            "pages",
            [
                (doc.sha256, p.page, p.width, p.height, p.bbox_unit, p.has_text_layer,
                 str(p.status), p.extractor, len(p.tables))
                for doc, _ in docs
                for p in doc.pages
            ],
        )  # fmt: skip
        insert_rows(
            con,
            "cells",
            [
                (doc.sha256, p.page, ti, c.row, c.col, c.rowspan, c.colspan, c.text, *c.bbox,
                 c.confidence, t.extractor)
                for doc, _ in docs
                for p in doc.pages
                for ti, t in enumerate(p.tables)
                for c in t.cells
            ],
        )  # fmt: skip
        insert_rows(con, "extracted_values", [row for doc, _ in docs for row in value_rows(doc)])
        insert_rows(
            con,
            "ingest_errors",
            [
                (doc.source_file, doc.sha256, stage, msg, landed_at)
                for doc, _ in docs
                for stage, msg in doc.errors
            ],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def land_batch(
    con: duckdb.DuckDBPyConnection, docs: list[tuple[DocumentExtraction, str | None]]
) -> list[tuple[DocumentExtraction, str]]:
    """Land a night's batch of documents in one transaction (`land_documents`); when the batch
    cannot be landed, each document alone, so one bad document costs only itself: its rows stay
    out, an ingest_errors row (stage `land`) says why, and with no raw.documents row it is new
    again next night. Returns the documents that could not be landed, each with its error."""
    try:
        land_documents(con, docs)
        return []
    except Exception:  # noqa: BLE001 - which document it was is found below, one by one
        pass
    refused: list[tuple[DocumentExtraction, str]] = []
    for doc, status in docs:
        try:
            land_documents(con, [(doc, status)])
        except Exception as exc:  # noqa: BLE001 - that document's problem, not the night's
            why = f"its rows could not be landed: {type(exc).__name__}: {exc}"
            record_error(con, doc.source_file, doc.sha256, "land", why)
            refused.append((doc, why))
    return refused


def record_error(
    con: duckdb.DuckDBPyConnection, source_file: str, sha256: str | None, stage: str, error: str
) -> None:
    """An error that happened outside a document's landing (e.g. landing itself failed)."""
    con.execute(
        "insert into raw.ingest_errors values (?, ?, ?, ?, ?)",
        [source_file, sha256, stage, error, _now()],
    )


FILES_SEEN_KEY = "files_seen_at"  # raw.meta: when the inventory last saw the raw folder


def record_files(con: duckdb.DuckDBPyConnection, inv: Inventory | FileChanges) -> None:
    """Bring the file-name map up to date: new names and names whose bytes or stat changed,
    vanished names marked not present, the rows of a name's replaced bytes retired, renamed
    documents renamed.

    A name the map already holds with the same hash, size, mtime and inode is not written: an
    unchanged night writes one row (`files_seen_at` in raw.meta, the night's time), not a row per
    file (10,000 names cost 5 s a night). So a present name's `last_seen_at` is the night its
    state was last recorded; when the folder was last seen is `files_seen_at`
    (stg_raw__document_files shows it as a present file's last_seen_at), and a vanished name's
    `last_seen_at` becomes the last night that saw it."""
    changes = inv.file_changes() if isinstance(inv, Inventory) else inv
    now = _now()
    con.execute("begin transaction")
    try:
        seen = [
            (e.source_file, e.sha256, True, now, now, *(e.stat or (None,) * 3))
            for e in changes.to_record
        ]
        if seen:  # one upsert for the names that changed, not a statement per file
            import pandas as pd

            con.register("_seen_files", pd.DataFrame.from_records(seen, columns=FILE_COLUMNS))
            try:
                con.execute(
                    """
                    insert into raw.document_files select * from _seen_files
                    on conflict (source_file) do update
                    set document_sha256 = excluded.document_sha256, is_present = true,
                        last_seen_at = excluded.last_seen_at, file_size = excluded.file_size,
                        file_mtime_ns = excluded.file_mtime_ns, file_inode = excluded.file_inode
                    """
                )
            finally:
                con.unregister("_seen_files")
        if changes.removed:
            con.execute(
                """
                update raw.document_files
                set is_present = false,
                    last_seen_at = coalesce(
                        (select try_cast(value as timestamp) from raw.meta where key = ?),
                        last_seen_at)
                where source_file in (select unnest(?::varchar[]))
                """,
                [FILES_SEEN_KEY, changes.removed],
            )
        con.execute(
            "insert or replace into raw.meta values (?, ?)", [FILES_SEEN_KEY, now.isoformat()]
        )
        for old in changes.retired:
            for table in RAW_TABLES:  # replaced bytes: no present file carries them any more
                con.execute(f"delete from raw.{table} where document_sha256 = ?", [old])
        for entry in changes.renamed:  # a document whose only file was renamed takes the new name
            con.execute(
                """
                update raw.documents set source_file = ?
                where document_sha256 = ? and source_file in (select unnest(?::varchar[]))
                """,
                [entry.source_file, entry.sha256, changes.removed],
            )
            con.execute(
                """
                update raw.extracted_values set source_file = ?
                where document_sha256 = ? and source_file in (select unnest(?::varchar[]))
                """,
                [entry.source_file, entry.sha256, changes.removed],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def record_run(con: duckdb.DuckDBPyConnection, row: dict[str, object]) -> None:
    """One row in raw.runs for this run."""
    columns = ", ".join(row)
    con.execute(
        f"insert into raw.runs ({columns}) values ({', '.join('?' * len(row))})", list(row.values())
    )
