"""`perfbudget sql`: read-only, readable output, query from argument, file or stdin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SampleRun


def perfbudget(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sql_prints_a_table(sample_run: SampleRun) -> None:
    out = perfbudget(
        "sql", "--warehouse", str(sample_run.warehouse),
        "select project_name, total_funds_wan from dim_project join fct_project_funds"
        " using (project_id, year) where total_funds_wan > 100",
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
    out = perfbudget(
        "sql", "--warehouse", str(sample_run.warehouse), "--format", "json", stdin=query
    )
    assert json.loads(out.stdout) == [{"n": "49"}]
    q = tmp_path / "q.sql"
    q.write_text(query, encoding="utf-8")
    out = perfbudget(
        "sql", "--warehouse", str(sample_run.warehouse), "-f", str(q), "--format", "csv"
    )
    assert out.stdout.splitlines() == ["n", "49"]


def test_sql_without_warehouse_says_what_to_do(tmp_path: Path) -> None:
    out = perfbudget("sql", "--warehouse", str(tmp_path / "none.duckdb"), "select 1")
    assert out.returncode == 2
    assert "run `perfbudget run` first" in out.stderr
