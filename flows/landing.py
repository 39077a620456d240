"""Landing: one document's extraction → long-format rows in DuckDB schema `raw`, in one transaction.

A document is keyed by its content hash; landing it again replaces its earlier rows, so a re-run
never duplicates and a crash mid-landing leaves the previous rows untouched (the transaction rolls
back).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows import EXTRACTION_VERSION
from flows.inventory import Inventory
from flows.models import DocumentExtraction, ProjectForm, SourcedValue

SCHEMA_SQL = (Path(__file__).with_name("raw_schema.sql")).read_text(encoding="utf-8")
SCHEMA_VERSION = hashlib.sha256(SCHEMA_SQL.encode()).hexdigest()[:16]
RAW_TABLES = ("documents", "pages", "cells", "extracted_values")


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


def land_document(
    con: duckdb.DuckDBPyConnection, doc: DocumentExtraction, status: str | None = None
) -> None:
    """Replace this document's rows (by hash) and its file's earlier errors in one transaction."""
    landed_at = _now()
    con.execute("begin transaction")
    try:
        for table in RAW_TABLES:
            con.execute(f"delete from raw.{table} where document_sha256 = ?", [doc.sha256])
        con.execute("delete from raw.ingest_errors where source_file = ?", [doc.source_file])
        status = status or ("failed" if doc.failed else "ingested")
        if doc.sha256 is not None:
            con.execute(
                "insert into raw.documents values (?, ?, ?, ?, ?, ?, ?)",
                [doc.sha256, doc.source_file, doc.file_size, doc.page_count, status, landed_at,
                 EXTRACTION_VERSION],
            )  # fmt: skip
        if doc.pages:
            con.executemany(
                "insert into raw.pages values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (doc.sha256, p.page, p.width, p.height, p.bbox_unit, p.has_text_layer,
                     str(p.status), p.extractor, len(p.tables))
                    for p in doc.pages
                ],
            )  # fmt: skip
        cells = [
            (doc.sha256, p.page, ti, c.row, c.col, c.rowspan, c.colspan, c.text, *c.bbox,
             c.confidence, t.extractor)
            for p in doc.pages
            for ti, t in enumerate(p.tables)
            for c in t.cells
        ]  # fmt: skip
        if cells:
            con.executemany(f"insert into raw.cells values ({', '.join('?' * 14)})", cells)
        values = list(value_rows(doc))
        if values:
            con.executemany(
                f"insert into raw.extracted_values values ({', '.join('?' * 18)})", values
            )
        if doc.errors:
            con.executemany(
                "insert into raw.ingest_errors values (?, ?, ?, ?, ?)",
                [(doc.source_file, doc.sha256, stage, msg, landed_at) for stage, msg in doc.errors],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def record_error(
    con: duckdb.DuckDBPyConnection, source_file: str, sha256: str | None, stage: str, error: str
) -> None:
    """An error that happened outside a document's landing (e.g. landing itself failed)."""
    con.execute(
        "insert into raw.ingest_errors values (?, ?, ?, ?, ?)",
        [source_file, sha256, stage, error, _now()],
    )


def record_files(con: duckdb.DuckDBPyConnection, inv: Inventory) -> None:
    """Bring the file-name map up to date: present names with their hashes, vanished names marked
    not present, the rows of a name's replaced bytes retired, renamed documents renamed."""
    now = _now()
    con.execute("begin transaction")
    try:
        for entry in inv.present:
            con.execute(
                """
                insert into raw.document_files values (?, ?, true, ?, ?)
                on conflict (source_file) do update
                set document_sha256 = excluded.document_sha256, is_present = true,
                    last_seen_at = excluded.last_seen_at
                """,
                [entry.source_file, entry.sha256, now, now],
            )
        for name in inv.removed:
            con.execute(
                "update raw.document_files set is_present = false where source_file = ?", [name]
            )
        carried = {e.sha256 for e in inv.present}
        for old in set(inv.replaced.values()) - carried:
            for table in RAW_TABLES:  # replaced bytes: no present file carries them any more
                con.execute(f"delete from raw.{table} where document_sha256 = ?", [old])
        for entry in inv.copies:  # a document whose only file was renamed takes the new name
            con.execute(
                """
                update raw.documents set source_file = ?
                where document_sha256 = ? and source_file in (select unnest(?::varchar[]))
                """,
                [entry.source_file, entry.sha256, inv.removed],
            )
            con.execute(
                """
                update raw.extracted_values set source_file = ?
                where document_sha256 = ? and source_file in (select unnest(?::varchar[]))
                """,
                [entry.source_file, entry.sha256, inv.removed],
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
