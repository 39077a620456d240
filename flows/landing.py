"""Landing: one document's extraction → long-format rows in DuckDB schema `raw`, in one transaction.

A document is keyed by its content hash; landing it again replaces its earlier rows, so a re-run
never duplicates and a crash mid-landing leaves the previous rows untouched (the transaction rolls
back).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.models import DocumentExtraction, ProjectForm, SourcedValue

SCHEMA_SQL = (Path(__file__).with_name("raw_schema.sql")).read_text(encoding="utf-8")
RAW_TABLES = ("documents", "pages", "cells", "extracted_values")


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A writable connection with the raw schema in place."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    con.execute(SCHEMA_SQL)
    return con


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _bbox(v: SourcedValue) -> tuple:
    return v.bbox if v.bbox is not None else (None, None, None, None)


def value_rows(doc: DocumentExtraction) -> Iterator[tuple]:
    """raw.extracted_values rows: every header field and every indicator value of every project."""

    def row(seq: int, kind: str, ind: int | None, name: str, v: SourcedValue) -> tuple:
        return (
            doc.sha256, doc.source_file, seq, kind, ind, name, v.value, v.page,
            v.table_index, v.row, v.col, *_bbox(v), v.confidence, v.extractor,
        )  # fmt: skip

    for seq, project in enumerate(doc.projects, start=1):
        for name, v in _header_values(project):
            yield row(seq, "field", None, name, v)
        for i, ind in enumerate(project.indicators, start=1):
            for name, v in (
                ("level1", ind.level1),
                ("level2", ind.level2),
                ("indicator_name", ind.name),
                ("target", ind.target),
            ):
                yield row(seq, "indicator", i, name, v)


def _header_values(project: ProjectForm) -> Iterator[tuple[str, SourcedValue]]:
    yield from project.fields.items()
    for name, v in (
        ("total_funds", project.funds.total),
        ("fiscal_funds", project.funds.fiscal),
        ("other_funds", project.funds.other),
    ):
        if v is not None:
            yield name, v


def land_document(con: duckdb.DuckDBPyConnection, doc: DocumentExtraction) -> None:
    """Replace this document's rows (by hash) and its file's earlier errors in one transaction."""
    landed_at = _now()
    con.execute("begin transaction")
    try:
        for table in RAW_TABLES:
            con.execute(f"delete from raw.{table} where document_sha256 = ?", [doc.sha256])
        con.execute("delete from raw.ingest_errors where source_file = ?", [doc.source_file])
        status = "failed" if doc.failed else "ingested"
        if doc.sha256 is not None:
            con.execute(
                "insert into raw.documents values (?, ?, ?, ?, ?, ?)",
                [doc.sha256, doc.source_file, doc.file_size, doc.page_count, status, landed_at],
            )
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
                f"insert into raw.extracted_values values ({', '.join('?' * 17)})", values
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
