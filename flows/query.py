"""Read-only SQL for auditors: the warehouse opened read-only, results as text."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb


class QueryRefused(RuntimeError):
    """The query would change the warehouse, or the warehouse does not exist yet."""


def run_query(warehouse: Path, query: str) -> tuple[list[str], list[tuple]]:
    """Run `query` on a read-only connection: DuckDB itself refuses any write."""
    if not warehouse.exists():
        raise QueryRefused(f"no warehouse at {warehouse}; run `perfbudget run` first")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        try:
            cur = con.execute(query)
        except duckdb.Error as exc:
            if "read-only" in str(exc).lower():
                raise QueryRefused(
                    "the warehouse is read-only for queries; it changes only through "
                    "`perfbudget run`"
                ) from exc
            raise
        if cur.description is None:
            return [], []
        columns = [d[0] for d in cur.description]
        return columns, cur.fetchall()
    finally:
        con.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _width(text: str) -> int:
    """Display width: CJK characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_result(columns: list[str], rows: list[tuple], fmt: str = "table") -> str:
    """Render rows as an aligned table, CSV, JSON lines or a markdown table."""
    cells = [[_cell(v) for v in row] for row in rows]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return buf.getvalue().rstrip("\n")
    if fmt == "json":
        return json.dumps(
            [dict(zip(columns, row, strict=True)) for row in cells], ensure_ascii=False, indent=1
        )
    if fmt == "markdown":
        out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(out)
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True))

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(o.rstrip() for o in out)
