"""`perfbudget`: the command line behind `make run` and the auditors' tools (sql, show, export,
docs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from flows.settings import ConfigurationError, RunOptions, shown

if TYPE_CHECKING:
    from flows.prefect_api import TemporaryApi

# `perfbudget run`'s exit status when the night was published but cut short: the page workers
# died too often (`RunOptions.max_pool_deaths`) and some documents were left for the next night
NIGHT_CUT_SHORT = 3


def _cmd_run(args: argparse.Namespace) -> int:
    from flows.preflight import preflight  # without Prefect: a refusal costs no flow import

    try:
        options = RunOptions.from_env(
            raw_dir=args.raw,
            warehouse=args.warehouse,
            progress=sys.stderr.isatty(),
            runner=args.runner,
            dask_address=args.dask_address,
            ocr_engine=args.ocr_engine,
            allow_empty_raw=args.allow_empty_raw or None,
            full_check=args.full_check or None,
        )
        preflight(options)  # before Prefect starts: one sentence, nothing touched
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from flows import prefect_api

    # Prefect's temporary server boots in its own process, launched before this one imports
    # Prefect, while the page workers load their models and this one imports the flow
    api = prefect_api.launch_if_wanted()
    from flows.extract.spool import night_spool

    # the pages the workers read ahead wait here for their tasks (flows.extract.read_ahead)
    with night_spool() as spool:
        _start_page_workers(options, api, spool)
        from flows.extract import early_workers
        from flows.pipeline import run_ingest

        try:
            with prefect_api.serving(api):
                summary = run_ingest(options)
        finally:
            early_workers.discard()  # a pool the flow did not adopt
    print("\n".join(summary.lines()))
    print(f"warehouse at {shown(options.warehouse)}")
    return 0 if summary.cut_short is None else NIGHT_CUT_SHORT


def _start_page_workers(options: RunOptions, api: TemporaryApi | None, spool: Path) -> None:
    """Start the flow's page workers now when tonight's unrecorded files will need them
    (`flows.extract.early_workers`): they load their models and read tonight's first pages into
    `spool` while Prefect's server boots (`flows.extract.read_ahead`), and report to `api`
    (else the configured API) once it answers.

    Starting them early only saves time, so it must never cost the night: whatever it raises
    (the warehouse's file map unreadable, a file the sniffing trips on, no process to spawn) is
    one warning line, any half-started pool is ended, and the flow starts its own pool on its
    first pages as it would without this (its own errors then say what is wrong, per document)."""
    from flows.extract import early_workers

    if options.runner != "process":
        return
    try:
        _start_early_pool(options, api, spool)
    except Exception as exc:  # not a document's fault: the flow's own pool reads the night
        early_workers.discard()
        print(
            f"warning: page workers not started ahead of the flow ({type(exc).__name__}: {exc});"
            " the flow starts its own",
            file=sys.stderr,
        )


def _start_early_pool(options: RunOptions, api: TemporaryApi | None, spool: Path) -> None:
    """`early_workers.start` for tonight's unrecorded files when they will take the pool, their
    first pages read ahead into `spool`; the flow's modules are imported first, in this process
    that runs the flow anyway, and the OCR engine's (`ocr.engines.engine_modules`), so that the
    workers are forked with them (`early_workers.start_method`) and import them once, not once
    each."""
    import importlib

    from flows.extract import early_workers, read_ahead
    from flows.inventory import unrecorded
    from ocr.engines import engine_modules

    paths = unrecorded(options.raw_dir, options.warehouse)
    if not early_workers.pool_wanted(paths):
        return
    if api is not None:
        api_url: str | None = api.api_url
    else:
        from prefect.settings import get_current_settings

        api_url = get_current_settings().api.url
    for name in (*early_workers.WORKER_MODULES, *engine_modules(options.ocr_options())):
        importlib.import_module(name)
    pages = early_workers.first_pages(paths, read_ahead.ROUNDS * options.workers)
    ahead = read_ahead.ReadAhead(spool, pages)
    early_workers.start(options.workers, api_url, options.ocr_options(), fork=True, ahead=ahead)


def _cmd_serve(args: argparse.Namespace) -> int:
    from flows.deploy import serve

    try:
        serve(port=args.port)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _read_query(args: argparse.Namespace) -> str:
    """The SQL text from -f, the argument or stdin; NoQuery when there is none."""
    from flows.query import NoQuery

    if args.file:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise NoQuery(f"cannot read the query file {args.file}: {reason}") from None
    elif args.query and args.query != "-":
        text = args.query
    else:
        text = sys.stdin.read()
    if not text.strip():
        raise NoQuery("no query given: pass SQL text, -f FILE or SQL on stdin")
    return text


def _cmd_sql(args: argparse.Namespace) -> int:
    from flows.query import NoQuery, QueryRefused, format_result, interactive, run_queries

    options = RunOptions.from_env(warehouse=args.warehouse)
    if not args.file and not args.query and sys.stdin.isatty():
        return interactive(options.warehouse, args.format)
    try:
        query = _read_query(args)
        for n, (columns, rows) in enumerate(run_queries(options.warehouse, query)):
            if n:
                print()  # a blank line between the results of several statements
            print(format_result(columns, rows, args.format) if columns else "ok")
    except NoQuery as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except QueryRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bad query is the auditor's to fix: say what DuckDB said
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from flows.show import ShowError, show

    options = RunOptions.from_env(raw_dir=args.raw, warehouse=args.warehouse)
    try:
        text, _crops, problems = show(
            options.warehouse, args.id.strip(), options.raw_dir, args.out, args.year
        )
    except ShowError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(text)
    return 1 if problems else 0


def _cmd_export(args: argparse.Namespace) -> int:
    from flows.export import ExportError, export

    options = RunOptions.from_env(warehouse=args.warehouse)
    try:
        paths = export(options.warehouse, args.format, args.out)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(str(p) for p in paths))
    return 0


def _cmd_docs(args: argparse.Namespace) -> int:
    from flows.docs_site import DocsError, generate, serve

    options = RunOptions.from_env(warehouse=args.warehouse)
    try:
        site = generate(options.warehouse, args.target)
    except DocsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.no_serve:
        print(f"dbt docs in {site}")
        return 0
    try:
        serve(site, args.host, args.port)
    except OSError as exc:  # the port is taken, most likely
        print(f"error: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="perfbudget", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="ingest data/raw into the warehouse and build the marts")
    run.add_argument("--raw", type=Path, help="folder of source documents (default data/raw)")
    run.add_argument("--warehouse", type=Path, help="DuckDB file (default data/warehouse/…)")
    run.add_argument("--runner", choices=("process", "dask"), help="where pages are extracted")
    run.add_argument("--dask-address", help="Dask scheduler for --runner dask (tcp://HOST:PORT)")
    run.add_argument(
        "--ocr-engine",
        choices=("rapidocr", "paddleocr"),
        help="OCR engine for scans (default rapidocr; env PERFBUDGET_OCR_ENGINE)",
    )
    run.add_argument(
        "--full-check",
        action="store_true",
        help="hash every file again, not only those whose size, mtime or inode changed",
    )
    run.add_argument(
        "--allow-empty-raw",
        action="store_true",
        help="run even when the raw folder is missing or empty although the warehouse holds "
        "documents (marks them all removed)",
    )
    run.set_defaults(func=_cmd_run)

    serve = sub.add_parser("serve", help="start a local Prefect server and serve nightly-ingest")
    serve.add_argument("--port", type=int, default=4200)
    serve.set_defaults(func=_cmd_serve)

    sql = sub.add_parser("sql", help="run a read-only query against the warehouse")
    sql.add_argument("query", nargs="?", help="SQL text; '-' or nothing reads stdin")
    sql.add_argument("-f", "--file", help="read the query from this file")
    sql.add_argument("--warehouse", type=Path, help="DuckDB file (default data/warehouse/…)")
    sql.add_argument("--format", choices=("table", "csv", "json", "markdown"), default="table")
    sql.set_defaults(func=_cmd_sql)

    show = sub.add_parser(
        "show", help="trace an indicator or project to its page: provenance and a PNG of the cell"
    )
    show.add_argument("id", help="fct_indicator.indicator_id or dim_project.project_id")
    show.add_argument("--out", type=Path, default=Path("."), help="folder for the PNG (default .)")
    show.add_argument("--raw", type=Path, help="folder of source documents (default data/raw)")
    show.add_argument("--warehouse", type=Path, help="DuckDB file (default data/warehouse/…)")
    show.add_argument("--year", type=int, help="for a project: only this budget year")
    show.set_defaults(func=_cmd_show)

    export = sub.add_parser("export", help="write the auditor marts as xlsx, parquet or csv")
    export.add_argument("--format", choices=("xlsx", "parquet", "csv"), default="xlsx")
    export.add_argument("--out", type=Path, default=Path("export"), help="folder (default export)")
    export.add_argument("--warehouse", type=Path, help="DuckDB file (default data/warehouse/…)")
    export.set_defaults(func=_cmd_export)

    docs = sub.add_parser("docs", help="generate the dbt docs site and serve it on localhost")
    docs.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    docs.add_argument("--host", default="127.0.0.1")
    docs.add_argument("--no-serve", action="store_true", help="generate only")
    docs.add_argument("--warehouse", type=Path, help="DuckDB file (default data/warehouse/…)")
    docs.add_argument(
        "--target", type=Path, help="folder for the generated site (default dbt_project/target)"
    )
    docs.set_defaults(func=_cmd_docs)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigurationError as exc:  # a setting no command can run with (PERFBUDGET_*): one line
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
