"""The bench's self-evaluation scoring: a self-evaluated project whose 绩效目标表 did not land
(no dim_project row) still has its indicator results scored, by the name its own execution
row prints, as its execution block already is."""

from __future__ import annotations

from pathlib import Path

import duckdb

from bench.layoutgen.score import Warehouse, report_selfeval, score_selfeval_doc


def _warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create table dim_project (project_id varchar, project_name varchar, year int)")
    con.execute("create table fct_project_funds (project_id varchar, year int)")
    con.execute("create table fct_indicator (project_id varchar, source_file varchar)")
    con.execute(
        "create table fct_project_execution (project_id varchar, year int, project_name varchar,"
        " source_file varchar, budget_initial_wan double, budget_full_year_wan double,"
        " executed_wan double, funds_weight double, funds_score double, total_score double,"
        " execution_rate double)"
    )
    con.execute(
        "insert into fct_project_execution values"
        " ('p1', 2025, '农作物病虫害防治', 'se.pdf', 6.4, 6.4, 6.28, 10, 9.81, 95, 98.1)"
    )
    con.execute(
        "create table fct_indicator_result (project_id varchar, year int,"
        " indicator_name varchar, actual_raw varchar, weight double, score double,"
        " source_file varchar)"
    )
    con.execute(
        "insert into fct_indicator_result values"
        " ('p1', 2025, '防治面积', '1385亩', 6, 6, 'se.pdf'),"
        " ('p1', 2025, '验收合格率', '96%', 6, 5.5, 'se.pdf')"
    )
    con.execute("create table fct_target_vs_actual (project_id varchar)")
    con.close()


def _truth() -> dict:
    funds = {"initial": 6.4, "full_year": 6.4, "executed": 6.28, "weight": 10}
    funds |= {"rate": 98.1, "score": 9.81}
    return {
        "file": "se.pdf",
        "pages": 1,
        "projects": [
            {
                "year": 2025,
                "project_name": "农作物病虫害防治",
                "funds": funds,
                "total_score": 95,
                "indicators": [
                    {"name": "防治面积", "actual_raw": "1385亩", "weight": 6, "score": 6},
                    {"name": "验收合格率", "actual_raw": "96%", "weight": 6, "score": 6},
                ],
            }
        ],
    }


def test_results_of_a_project_without_plan_are_scored(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    _warehouse(path)
    t = score_selfeval_doc(_truth(), Warehouse(path), [])
    assert (t.se_projects, t.se_found, t.exec_ok, t.se_ind) == (1, 1, 1, 2)
    assert dict(t.se_field_ok) == {"actual_raw": 2, "weight": 2, "score": 1}
    assert t.misses == ["se.pdf: 农作物病虫害防治 / 验收合格率 score 5.5 ≠ 6"]


def test_an_unknown_target_changed_is_not_counted_right(tmp_path: Path) -> None:
    """A null target_changed (the reader could not tell) is no answer: the independent sample's
    scorer counts it wrong, and so does the bench, whatever the truth."""
    path = tmp_path / "w.duckdb"
    _warehouse(path)
    con = duckdb.connect(str(path))
    con.execute("drop table fct_target_vs_actual")
    con.execute(
        "create table fct_target_vs_actual (project_id varchar, year int, indicator_name varchar,"
        " plan_target_raw varchar, target_changed boolean)"
    )
    con.execute(
        "insert into fct_target_vs_actual values"
        " ('p1', 2025, '防治面积', '≥1385亩', null), ('p1', 2025, '验收合格率', '≥95%', false)"
    )
    con.close()
    truth = _truth()
    for ind in truth["projects"][0]["indicators"]:
        ind["target_changed"] = False
    t = score_selfeval_doc(truth, Warehouse(path), [])
    assert (t.tc_n, t.tc_ok) == (2, 1)


def test_an_invented_indicator_row_counts_against_each_field(tmp_path: Path) -> None:
    """A row the reader invents (here a seal's glyphs read as an indicator line) prints no
    indicator of the truth: it is counted, named in the misses, and lowers actual, weight and
    score as a printed row read wrong does (2 right of 2 printed + 1 invented → 2/3)."""
    path = tmp_path / "w.duckdb"
    _warehouse(path)
    con = duckdb.connect(str(path))
    con.execute(
        "insert into fct_indicator_result values ('p1', 2025, '专用章', '', null, null, 'se.pdf')"
    )
    con.close()
    truth = _truth()
    truth["projects"][0]["indicators"][1]["score"] = 5.5
    groups = {"all": score_selfeval_doc(truth, Warehouse(path), [])}
    t = groups["all"]
    assert (t.se_ind, t.se_extra, dict(t.se_field_ok)) == (
        2,
        1,
        {"actual_raw": 2, "weight": 2, "score": 2},
    )
    assert t.misses == ["se.pdf: indicator result invented 农作物病虫害防治 / 专用章"]
    row = report_selfeval(groups, [])[2].split()
    assert row[5:9] == ["2", "1", "0.667", "0.667"]
