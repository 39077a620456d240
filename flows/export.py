"""`perfbudget export`: the auditor marts as files for Excel, pandas or another warehouse.

Auditors work in Excel and attach files to working papers; they should not need DuckDB to read
the marts. One workbook (a sheet per mart), or one Parquet/CSV file per mart.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import yaml

from flows.query import _width
from flows.settings import DBT_PROJECT_DIR

MARTS = (
    "dim_project",
    "fct_project_funds",
    "fct_indicator",
    "fct_project_execution",
    "fct_indicator_result",
    "fct_target_vs_actual",
    "audit_findings",
    "dim_document",
    "ingest_errors",
)
FORMATS = ("xlsx", "parquet", "csv")

# Each mart in the order an auditor reads the tables: by document, then projects in print order
# (the page their table starts on), then indicators in print order.
_PROJECT_PAGE = (
    "(select min(i.page) from main.fct_indicator i "
    "where i.project_id = m.project_id and i.year = m.year)"
)
ORDER_BY = {
    "dim_project": f"m.source_file, {_PROJECT_PAGE}, m.year, m.project_name, m.project_id",
    "fct_project_funds": f"m.source_file, {_PROJECT_PAGE}, m.year, m.project_id",
    "fct_indicator": "m.source_file, "
    "min(m.page) over (partition by m.project_id, m.year), m.year, m.project_id, m.indicator_seq",
    "fct_project_execution": "m.source_file, m.page, m.year, m.project_id",
    "fct_indicator_result": "m.source_file, m.page, m.year, m.project_id, m.indicator_seq",
    "fct_target_vs_actual": "m.eval_source_file, m.eval_page, m.year, m.project_id, "
    "m.indicator_seq",
    "audit_findings": "m.source_file, m.page, m.project_id, m.rule, m.finding_id",
    "dim_document": "m.source_file, m.document_sha256",
    "ingest_errors": "m.source_file, m.occurred_at, m.stage, m.error",
}
WORKBOOK_NAME = "perfbudget.xlsx"


class ExportError(RuntimeError):
    """No warehouse, or a mart missing from it."""


def _connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    if not warehouse.exists():
        raise ExportError(f"no warehouse at {warehouse}; run `perfbudget run` first")
    con = duckdb.connect(str(warehouse), read_only=True)
    present = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall()
    }
    missing = [m for m in MARTS if m not in present]
    if missing:
        con.close()
        raise ExportError(
            f"{warehouse} has no {', '.join(missing)}; run `perfbudget run` to build the marts"
        )
    return con


def _select(mart: str) -> str:
    """The mart's rows in reading order (ORDER_BY), so every format lists them alike."""
    return f'select m.* from main."{mart}" m order by {ORDER_BY[mart]}'


def _fetch(con: duckdb.DuckDBPyConnection, mart: str) -> tuple[list[str], list[tuple]]:
    cur = con.execute(_select(mart))
    return [d[0] for d in cur.description], cur.fetchall()


def column_docs(project_dir: Path = DBT_PROJECT_DIR) -> dict[str, dict[str, str]]:
    """mart → column → its bilingual description, from the dbt YAML (the one place they live)."""
    docs: dict[str, dict[str, str]] = {}
    for path in sorted((project_dir / "models" / "marts").glob("*.yml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in spec.get("models") or []:
            docs[model["name"]] = {
                c["name"]: " ".join(str(c.get("description") or "").split())
                for c in model.get("columns") or []
            }
    return docs


def export(warehouse: Path, fmt: str, out_dir: Path) -> list[Path]:
    """Write the marts in `fmt` under `out_dir`; returns the files written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    con = _connect(warehouse)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if fmt == "xlsx":
            return [_write_xlsx(con, out_dir / WORKBOOK_NAME)]
        if fmt == "parquet":
            return [_write_parquet(con, mart, out_dir / f"{mart}.parquet") for mart in MARTS]
        return [_write_csv(con, mart, out_dir / f"{mart}.csv") for mart in MARTS]
    finally:
        con.close()


def _write_parquet(con: duckdb.DuckDBPyConnection, mart: str, path: Path) -> Path:
    """DuckDB writes Parquet itself: DECIMAL, DATE and TIMESTAMP keep their types."""
    target = str(path).replace("'", "''")
    con.execute(f"copy ({_select(mart)}) to '{target}' (format parquet)")
    return path


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _write_csv(con: duckdb.DuckDBPyConnection, mart: str, path: Path) -> Path:
    """UTF-8 with a BOM: without it Excel opens the file as the local code page and the Chinese
    text is garbled."""
    columns, rows = _fetch(con, mart)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return path


def _xlsx_cell(value: object) -> object:
    """Numbers stay numbers (Excel can sum them); a long hash stays text."""
    if isinstance(value, Decimal):
        return float(value)  # 18,6 decimals of 万元 fit a double exactly enough for a sheet
    return value


def _number_format(values: list[object]) -> str | None:
    if any(isinstance(v, datetime) for v in values):
        return "yyyy-mm-dd hh:mm:ss"
    if any(isinstance(v, date) for v in values):
        return "yyyy-mm-dd"
    return None


def _write_xlsx(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """A sheet per mart: bold frozen header (hover it for the column's meaning), filters on,
    columns wide enough for the Chinese text; a last sheet lists every column's meaning."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    docs = column_docs()
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for mart in MARTS:
        columns, rows = _fetch(con, mart)
        ws = wb.create_sheet(mart)
        ws.append(columns)
        for row in rows:
            ws.append([_xlsx_cell(v) for v in row])
        for i, name in enumerate(columns, start=1):
            head = ws.cell(row=1, column=i)
            head.font = bold
            if docs.get(mart, {}).get(name):
                head.comment = Comment(docs[mart][name], "perfbudget", width=360, height=120)
            values = [r[i - 1] for r in rows]
            texts = [name] + [str(v) for v in values[:500] if v is not None]
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = min(60, max(8, max(map(_width, texts)) + 2))
            number_format = _number_format(values)
            if number_format:
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = number_format
        ws.freeze_panes = "A2"
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    meaning = wb.create_sheet("columns")
    meaning.append(["mart", "column", "description"])
    for cell in meaning[1]:
        cell.font = bold
    for mart in MARTS:
        for name, text in docs.get(mart, {}).items():
            meaning.append([mart, name, text])
    meaning.freeze_panes = "A2"
    for letter, width in (("A", 20), ("B", 20), ("C", 120)):
        meaning.column_dimensions[letter].width = width
    wb.save(path)
    return path
