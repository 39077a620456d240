"""`perfbudget sql`: read-only, readable output, query from argument, file or stdin, and an
interactive session on a terminal."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from flows.settings import PROJECT_ROOT
from tests.conftest import SampleRun


@dataclass
class Finished:
    """What a `perfbudget` command left: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def perfbudget(*args: str, stdin: str = "") -> Finished:
    """`perfbudget ARGS` as flows.cli.main runs it, in this process: a child paid ~0.5 CPU-s
    for the interpreter and imports on every call. The entry point itself (`python -m
    flows.cli`) runs in a child in `perfbudget_child` and on the pseudo-terminal below."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        _stdin(io.StringIO(stdin)),
    ):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's refusals
            code = exc.code if isinstance(exc.code, int) else 2
    return Finished(code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _stdin(stream: io.StringIO) -> Iterator[None]:
    saved, sys.stdin = sys.stdin, stream
    try:
        yield
    finally:
        sys.stdin = saved


def perfbudget_child(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT_ROOT,
    )


def test_sql_prints_a_table(sample_run: SampleRun) -> None:
    # one project over 130 in the sample night (the 农业农村局 scan's largest is 120.5)
    out = perfbudget(
        "sql", "--warehouse", str(sample_run.warehouse),
        "select project_name, total_funds_wan from dim_project join fct_project_funds"
        " using (project_id, year) where total_funds_wan > 130",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["project_name", "total_funds_wan"]
    assert lines[2].split() == ["网格员工作补贴及绩效", "148.796"]
    assert lines[-1] == "(1 row)"


def test_sql_refuses_writes_and_changes_nothing(sample_run: SampleRun) -> None:
    before = sample_run.query("select count(*) from fct_indicator")
    out = perfbudget("sql", "--warehouse", str(sample_run.warehouse), "delete from fct_indicator")
    assert out.returncode == 2
    assert "read-only" in out.stderr
    assert sample_run.query("select count(*) from fct_indicator") == before


def test_sql_reads_stdin_and_file_and_formats_json(sample_run: SampleRun, tmp_path: Path) -> None:
    query = "select count(*) as n from fct_indicator"
    out = perfbudget_child(  # a real pipe on stdin, through the module's entry point
        "sql", "--warehouse", str(sample_run.warehouse), "--format", "json", stdin=query
    )
    # the sample night's: the seed's 49 and the 农业农村局 scan's 37 (tests/conftest.py)
    assert json.loads(out.stdout) == [{"n": 86}]  # a number stays a number
    q = tmp_path / "q.sql"
    q.write_text(query, encoding="utf-8")
    out = perfbudget(
        "sql", "--warehouse", str(sample_run.warehouse), "-f", str(q), "--format", "csv"
    )
    assert out.stdout.splitlines() == ["n", "86"]


def test_sql_without_warehouse_says_what_to_do(tmp_path: Path) -> None:
    out = perfbudget("sql", "--warehouse", str(tmp_path / "none.duckdb"), "select 1")
    assert out.returncode == 2
    assert "run `perfbudget run` first" in out.stderr


def _warehouse_state(run: SampleRun) -> list[tuple]:
    """Every table and view with its row count: what a refused statement must leave alone."""
    con = duckdb.connect(str(run.warehouse), read_only=True)
    try:
        objects = con.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
        return [
            (schema, name, con.execute(f'select count(*) from {schema}."{name}"').fetchone())
            for schema, name in objects
        ]
    finally:
        con.close()


@pytest.mark.parametrize(
    "statement",
    [
        "delete from fct_indicator",
        "insert into dim_document select * from dim_document",
        "create table scratch as select 1 as x",
        "attach '{tmp}/other.duckdb' as other; create table other.t as select * from fct_indicator",
        "copy fct_indicator to '{tmp}/leak.csv'",
        "copy (select * from dim_project) to '{tmp}/leak.parquet' (format parquet)",
        "export database '{tmp}/dump'",
        "select 1; drop table fct_indicator",
    ],
)
def test_sql_refuses_every_write(sample_run: SampleRun, tmp_path: Path, statement: str) -> None:
    before = _warehouse_state(sample_run)
    out = perfbudget(
        "sql", "--warehouse", str(sample_run.warehouse), statement.format(tmp=tmp_path)
    )
    assert out.returncode == 2, out.stdout + out.stderr
    assert "refused: the warehouse is read-only" in out.stderr
    assert _warehouse_state(sample_run) == before
    assert list(tmp_path.iterdir()) == []  # no file written, no database attached


class Terminal:
    """A child process on a pseudo-terminal: what an auditor types and sees."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=PROJECT_ROOT
        )
        os.close(slave)
        self.screen = ""

    def expect(self, text: str, timeout: float = 60) -> str:
        """Read until `text` shows; returns what was printed since the last expect."""
        start = len(self.screen)
        deadline = time.monotonic() + timeout
        while text not in self.screen[start:]:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not shown; screen so far:\n{self.screen}")
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the child closed the terminal
                    chunk = b""
                self.screen += chunk.decode("utf-8", errors="replace").replace("\r\n", "\n")
        return self.screen[start:]

    def type(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=30)
        finally:
            os.close(self.master)


def test_sql_on_a_terminal_is_an_interactive_session(sample_run: SampleRun, tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "TERM": "xterm"}
    term = Terminal(
        [sys.executable, "-m", "flows.cli", "sql", "--warehouse", str(sample_run.warehouse)], env
    )
    try:
        term.expect("perfbudget> ")
        term.type("select project_name, total_funds_wan")  # a statement over three lines
        term.expect("...> ")
        term.type("from dim_project join fct_project_funds using (project_id, year)")
        term.expect("...> ")
        term.type("where total_funds_wan > 130;")
        shown = term.expect("perfbudget> ")
        lines = [line.split() for line in shown.splitlines()]
        assert ["project_name", "total_funds_wan"] in lines
        assert ["网格员工作补贴及绩效", "148.796"] in lines
        assert ["(1", "row)"] in lines

        term.type("delete from fct_indicator;")
        assert "refused: the warehouse is read-only" in term.expect("perfbudget> ")
        term.type("select nosuchcolumn;")
        assert "error:" in term.expect("perfbudget> ")  # a bad query does not end the session
        term.type(".format csv")
        term.expect("perfbudget> ")
        term.type("select count(*) as n from fct_indicator; select 2 as two;")
        shown = term.expect("two\n2\n")
        assert "n\n86\n" in shown
        term.type(".quit")
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    history = (tmp_path / ".perfbudget_history").read_text(encoding="utf-8")
    # the three typed lines are one entry, recalled whole with the up arrow
    assert (
        "select project_name, total_funds_wan from dim_project join fct_project_funds"
        " using (project_id, year) where total_funds_wan > 130;"
    ) in history.splitlines()
    assert sample_run.query("select count(*) from fct_indicator") == [(86,)]


def test_sql_session_ends_on_ctrl_d(sample_run: SampleRun, tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "TERM": "xterm"}
    term = Terminal(
        [sys.executable, "-m", "flows.cli", "sql", "--warehouse", str(sample_run.warehouse)], env
    )
    try:
        term.expect("perfbudget> ")
        os.write(term.master, b"\x04")  # Ctrl-D on an empty line
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
