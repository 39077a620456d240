"""`perfbudget export`: the auditor marts as an Excel workbook, Parquet files or CSV files."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import duckdb
from openpyxl import load_workbook

from flows.export import MARTS
from tests.conftest import SampleRun
from tests.test_cli import perfbudget


def _export(run: SampleRun, fmt: str, out: Path) -> list[Path]:
    res = perfbudget(
        "export", "--format", fmt, "--out", str(out), "--warehouse", str(run.warehouse)
    )
    assert res.returncode == 0, res.stderr
    return [Path(line) for line in res.stdout.splitlines()]


def test_export_xlsx_has_a_sheet_per_mart(sample_run: SampleRun, tmp_path: Path) -> None:
    [path] = _export(sample_run, "xlsx", tmp_path)
    assert path == tmp_path / "perfbudget.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == [*MARTS, "columns"]
    for mart in MARTS:
        ws = wb[mart]
        [(n,)] = sample_run.query(f"select count(*) from {mart}")
        assert ws.max_row == n + 1, mart
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1])

    ws = wb["fct_project_funds"]
    header = [c.value for c in ws[1]]
    funds = [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(2)]
    assert max(f["total_funds_wan"] for f in funds) == 148.796  # a number, not text
    assert isinstance(funds[0]["fiscal_funds_wan"], float | int)

    ws = wb["fct_indicator"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(2)]
    cost = next(r for r in rows if r["target_raw"] == "148.796万")
    assert cost["indicator_name"] == "工作补贴及绩效"
    assert cost["level2_printed"] == "成本指标（必填硬性指标）"
    assert cost["target_value"] == 148.796 and cost["page"] == 8 and cost["is_hard"] is True
    assert "指标值所在页" in ws.cell(1, header.index("page") + 1).comment.text

    projects = [c.value for c in wb["dim_project"]["C"][1:]]
    assert "网格员工作补贴及绩效" in projects
    meaning = {(r[0], r[1]): r[2] for r in wb["columns"].iter_rows(2, values_only=True)}
    assert "1-based page of the printed target value" in meaning[("fct_indicator", "page")]


def test_export_parquet_keeps_types(sample_run: SampleRun, tmp_path: Path) -> None:
    paths = _export(sample_run, "parquet", tmp_path)
    assert paths == [tmp_path / f"{mart}.parquet" for mart in MARTS]
    con = duckdb.connect()
    for mart, path in zip(MARTS, paths, strict=True):
        assert (
            con.execute(f"select count(*) from '{path}'").fetchone()
            == sample_run.query(f"select count(*) from {mart}")[0]
        )
    row = con.execute(
        f"select indicator_name, target_value, target_date from '{paths[2]}'"
        " where target_raw = '148.796万'"
    ).fetchone()
    assert row == ("工作补贴及绩效", Decimal("148.796"), None)
    [(type_,)] = con.execute(
        f"select column_type from (describe select * from '{paths[1]}')"
        " where column_name = 'total_funds_wan'"
    ).fetchall()
    assert type_ == "DECIMAL(18,6)"


def test_export_csv_is_utf8_with_bom(sample_run: SampleRun, tmp_path: Path) -> None:
    paths = _export(sample_run, "csv", tmp_path)
    assert paths == [tmp_path / f"{mart}.csv" for mart in MARTS]
    for path in paths:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path  # Excel reads it as UTF-8
    with paths[0].open(encoding="utf-8-sig", newline="") as fh:
        projects = list(csv.DictReader(fh))
    assert len(projects) == 5 + 3  # the seed's and the 农业农村局 scan's (tests/conftest.py)
    with paths[1].open(encoding="utf-8-sig", newline="") as fh:
        funds = list(csv.DictReader(fh))
    assert sorted(f["total_funds_wan"] for f in funds)[0:1] == ["10"]
    assert "148.796" in {f["total_funds_wan"] for f in funds}
    name = {p["project_id"]: p["project_name"] for p in projects}
    assert "网格员工作补贴及绩效" in name.values()


def test_export_without_warehouse(tmp_path: Path) -> None:
    res = perfbudget("export", "--format", "csv", "--warehouse", str(tmp_path / "none.duckdb"))
    assert res.returncode == 2
    assert "run `perfbudget run` first" in res.stderr


def test_export_lists_projects_and_indicators_in_print_order(
    sample_run: SampleRun, tmp_path: Path
) -> None:
    _export(sample_run, "csv", tmp_path)
    with (tmp_path / "fct_indicator.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    projects = [r["project_id"] for r in rows]
    blocks = [p for i, p in enumerate(projects) if i == 0 or projects[i - 1] != p]
    assert len(blocks) == len(set(projects))  # each project's indicators together
    for project in blocks:
        seqs = [int(r["indicator_seq"]) for r in rows if r["project_id"] == project]
        assert seqs == sorted(seqs)
    files = [next(r["source_file"] for r in rows if r["project_id"] == p) for p in blocks]
    assert files == sorted(files)  # by document
    for file in set(files):  # in each document, its projects in print order
        first_pages = [
            min(int(r["page"]) for r in rows if r["project_id"] == p)
            for p, f in zip(blocks, files, strict=True)
            if f == file
        ]
        assert first_pages == sorted(first_pages), file
    with (tmp_path / "dim_project.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert [r["project_id"] for r in csv.DictReader(fh)] == blocks
