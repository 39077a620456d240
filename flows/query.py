"""Read-only SQL for auditors: the warehouse opened read-only, results as text, one query at a
time or in an interactive session."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import sys
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

READ_ONLY_MESSAGE = (
    "the warehouse is read-only for queries; it changes only through `perfbudget run`"
)
OUTSIDE_MESSAGE = (
    "the warehouse is read-only for queries and they see nothing else: files, URLs, other "
    "databases and extensions are off"
)
LOCKED_MESSAGE = (
    "the warehouse is read-only for queries and its settings are locked (log, profiling and "
    "file settings would write files)"
)
FORMATS = ("table", "csv", "json", "markdown")

# DuckDB's own guards, not a list of statements to refuse: with external access off no query
# reads or writes a file, a URL or another database (read_csv, read_text, read_blob, glob, COPY,
# EXPORT, ATTACH, INSTALL); extensions are neither installed nor loaded behind a query's back;
# and once the connection is set up its configuration is locked, so `set log_query_path`,
# `set profiling_output` or `call enable_logging(storage='file')` cannot write files either.
GUARDS = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


class QueryRefused(RuntimeError):
    """The query would change the warehouse or reach past it, or there is no warehouse yet."""


class NoQuery(ValueError):
    """No SQL to run: an empty input, only `;`, or a query file that cannot be read."""


def connect_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only, behind DuckDB's guards, configuration locked."""
    if not warehouse.exists():
        raise QueryRefused(f"no warehouse at {warehouse}; run `perfbudget run` first")
    con = duckdb.connect(str(warehouse), read_only=True, config=dict(GUARDS))
    con.execute("set lock_configuration = true")
    return con


def _refusal(exc: duckdb.Error) -> QueryRefused | None:
    """DuckDB's refusal as one sentence an auditor understands; None for an ordinary error."""
    text = str(exc)
    detail = text.splitlines()[0] if text else type(exc).__name__
    if isinstance(exc, duckdb.PermissionException):
        return QueryRefused(f"{OUTSIDE_MESSAGE} ({detail})")
    if "configuration has been locked" in text:
        return QueryRefused(f"{LOCKED_MESSAGE} ({detail})")
    if "read-only" in text.lower():
        return QueryRefused(READ_ONLY_MESSAGE)
    return None


def split_statements(query: str) -> list[str]:
    """`query` as its statements, so each result is printed; whole when it does not parse (DuckDB
    then says what is wrong)."""
    try:
        pieces = [s.query.strip() for s in duckdb.extract_statements(query)]
    except duckdb.Error:
        return [query]
    return [p for p in pieces if p]


def run_queries(warehouse: Path, query: str) -> Iterator[tuple[list[str], list[tuple]]]:
    """Each statement's (columns, rows) in turn, on one guarded read-only connection; stops with
    QueryRefused at the first statement DuckDB refuses."""
    statements = split_statements(query)
    if not statements:
        raise NoQuery("no query given: pass SQL text, -f FILE or SQL on stdin")
    con = connect_read_only(warehouse)
    try:
        for statement in statements:
            try:
                cur = con.execute(statement)
            except duckdb.Error as exc:
                refused = _refusal(exc)
                if refused is not None:
                    raise refused from exc
                raise
            if cur.description is None:
                yield [], []
            else:
                yield [d[0] for d in cur.description], cur.fetchall()
    finally:
        con.close()


def run_query(warehouse: Path, query: str) -> tuple[list[str], list[tuple]]:
    """The last statement's result (a single query's, usually)."""
    results = list(run_queries(warehouse, query))
    return results[-1]


def display_value(value: object) -> str:
    """A value as an auditor reads it: decimals without trailing zeros, ISO dates, blank null."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def json_value(value: object) -> str:
    """One value as JSON with its type kept: numbers as numbers (a DECIMAL's exact digits, not a
    float's), null as null, dates as ISO strings, lists and structs as arrays and objects."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return json.dumps(value) if math.isfinite(value) else "null"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else "null"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(json_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = (
            f"{json.dumps(str(k), ensure_ascii=False)}: {json_value(v)}" for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if isinstance(value, bytes):
        return json.dumps(value.hex())
    return json.dumps(display_value(value), ensure_ascii=False)


def json_rows(columns: list[str], rows: list[tuple]) -> str:
    """Rows as a JSON array of objects, one object per line."""
    if not rows:
        return "[]"
    names = [json.dumps(c, ensure_ascii=False) for c in columns]
    lines = [
        " {" + ", ".join(f"{n}: {json_value(v)}" for n, v in zip(names, row, strict=True)) + "}"
        for row in rows
    ]
    return "[\n" + ",\n".join(lines) + "\n]"


def _width(text: str) -> int:
    """Display width: CJK characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_result(columns: list[str], rows: list[tuple], fmt: str = "table") -> str:
    """Render rows as an aligned table, CSV, JSON lines or a markdown table."""
    cells = [[display_value(v) for v in row] for row in rows]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return buf.getvalue().rstrip("\n")
    if fmt == "json":
        return json_rows(columns, rows)
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


# --------------------------------------------------------------------------- interactive session

PROMPT = "perfbudget> "
CONTINUATION = "       ...> "
HISTORY_FILE = "~/.perfbudget_history"
HELP = """\
Statements end with ';' and may span lines; results print as --format says.
  .tables           the warehouse's tables and views
  .format NAME      table | csv | json | markdown
  .help             this text
  .quit, .exit      leave (so does Ctrl-D); Ctrl-C drops the statement being typed"""


def _statements(text: str) -> list[str]:
    """`text` split into statements, so each result is printed; one piece if it does not parse."""
    return split_statements(text) or [text]


class _History:
    """readline history in ~/.perfbudget_history; a no-op where readline is missing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            import readline
        except ImportError:  # pragma: no cover - Windows without pyreadline
            self.readline = None
            return
        self.readline = readline
        readline.set_history_length(2000)
        if path.exists():
            with contextlib.suppress(OSError):
                readline.read_history_file(str(path))

    def squash(self, n_lines: int, text: str) -> None:
        """A statement typed over several lines becomes one history entry, recalled whole."""
        rl = self.readline
        if rl is None or n_lines < 2:
            return
        length = rl.get_current_history_length()
        for pos in range(length - 1, max(length - n_lines, 0) - 1, -1):
            rl.remove_history_item(pos)
        rl.add_history(" ".join(line.strip() for line in text.splitlines()))

    def save(self) -> None:
        if self.readline is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.readline.write_history_file(str(self.path))
            self.path.chmod(0o600)  # queries can name what is being audited
        except OSError:
            pass


def interactive(warehouse: Path, fmt: str = "table", history: Path | None = None) -> int:
    """A read-only SQL prompt. Each statement opens its own read-only connection, so an idle
    session never holds the file lock that the nightly `perfbudget run` needs."""
    if not warehouse.exists():
        print(f"refused: no warehouse at {warehouse}; run `perfbudget run` first", file=sys.stderr)
        return 2
    hist = _History((history or Path(HISTORY_FILE)).expanduser())
    print(f"perfbudget sql: read-only session on {warehouse}")
    print("End statements with ';'. .help for help, .quit or Ctrl-D to leave.")
    buffer: list[str] = []
    try:
        while True:
            try:
                line = input(CONTINUATION if buffer else PROMPT)
            except EOFError:
                print()
                break
            except KeyboardInterrupt:
                print()
                buffer.clear()
                continue
            if not buffer and line.strip().startswith("."):
                words = line.split()
                if words[0] in (".quit", ".exit", ".q"):
                    break
                fmt = _dot_command(words, warehouse, fmt)
                continue
            if not buffer and not line.strip():
                continue
            buffer.append(line)
            text = "\n".join(buffer)
            if not text.rstrip().endswith(";"):
                continue
            hist.squash(len(buffer), text)
            buffer.clear()
            for statement in _statements(text):
                _run_and_print(warehouse, statement, fmt)
    finally:
        hist.save()
    return 0


def _run_and_print(warehouse: Path, statement: str, fmt: str) -> None:
    try:
        columns, rows = run_query(warehouse, statement)
    except QueryRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return
    except Exception as exc:  # the auditor fixes the query and types it again
        print(f"error: {exc}", file=sys.stderr)
        return
    print(format_result(columns, rows, fmt) if columns else "ok")


def _dot_command(words: list[str], warehouse: Path, fmt: str) -> str:
    """Run a dot command; returns the (possibly changed) output format."""
    if words[0] == ".help":
        print(HELP)
    elif words[0] == ".tables":
        _run_and_print(
            warehouse,
            "select table_schema as schema, table_name as name, lower(table_type) as type"
            " from information_schema.tables order by table_schema <> 'main', table_name",
            fmt,
        )
    elif words[0] == ".format" and len(words) == 2 and words[1] in FORMATS:
        return words[1]
    elif words[0] == ".format":
        print(f"format is {fmt}; choose one of {', '.join(FORMATS)}")
    else:
        print(f"unknown command {words[0]}; .help lists them")
    return fmt
