"""`perfbudget`: the command line behind `make run` and the auditors' SQL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.settings import RunOptions


def _cmd_run(args: argparse.Namespace) -> int:
    from flows.pipeline import ingest

    options = RunOptions.from_env(
        raw_dir=args.raw, warehouse=args.warehouse, progress=sys.stderr.isatty()
    )
    summary = ingest(options)
    print("\n".join(summary.lines()))
    print(f"warehouse at {options.warehouse}")
    return 0


def _read_query(args: argparse.Namespace) -> str:
    if args.file:
        return Path(args.file).read_text(encoding="utf-8")
    if args.query and args.query != "-":
        return args.query
    return sys.stdin.read()


def _cmd_sql(args: argparse.Namespace) -> int:
    from flows.query import QueryRefused, format_result, run_query

    options = RunOptions.from_env(warehouse=args.warehouse)
    query = _read_query(args)
    try:
        columns, rows = run_query(options.warehouse, query)
    except QueryRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bad query is the auditor's to fix: say what DuckDB said
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(format_result(columns, rows, args.format))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="perfbudget", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="ingest data/raw into the warehouse and build the marts")
    run.add_argument("--raw", type=Path, help="folder of source documents (default data/raw)")
    run.add_argument("--warehouse", type=Path, help="DuckDB file (default data/warehouse/…)")
    run.set_defaults(func=_cmd_run)

    sql = sub.add_parser("sql", help="run a read-only query against the warehouse")
    sql.add_argument("query", nargs="?", help="SQL text; '-' or nothing reads stdin")
    sql.add_argument("-f", "--file", help="read the query from this file")
    sql.add_argument("--warehouse", type=Path, help="DuckDB file (default data/warehouse/…)")
    sql.add_argument("--format", choices=("table", "csv", "json", "markdown"), default="table")
    sql.set_defaults(func=_cmd_sql)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
