"""project_id tells apart two counties' departments that print the same code and project name.

Each county numbers its own budget units, so 平罗县委政法委 and 贺兰县委政法委 may both print
075001, and both fund a 司法救助资金 in 2024. Keyed by code and name alone, the two were one
project: dim_project kept one of them (the other only a `sources_disagree` finding) and a
self-evaluation of either joined whichever plan was chosen. Hand-landed rows (as in
tests/test_self_eval_models.py), then `dbt build`; every value is checked exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from flows import landing
from flows.marts import dbt_build
from flows.models import DocumentExtraction, FundsBlock, IndicatorRow, ProjectForm, SourcedValue
from flows.publish import working_copy_path
from tests.conftest import SampleRun
from tests.test_self_eval_models import DEPARTMENT, RELIEF, pid, v

CODE = "075001"
OTHER_DEPARTMENT = "贺兰县委政法委"  # another county's department, printing the same code
PLAN_A = "平罗县_2024年项目支出绩效目标表.pdf"
PLAN_B = "贺兰县_2024年项目支出绩效目标表.pdf"
EVAL_B = "贺兰县_2024年项目支出绩效自评表.pdf"
ID_A = pid(CODE, DEPARTMENT, RELIEF)
ID_B = pid(CODE, OTHER_DEPARTMENT, RELIEF)


def read_as(scanned: bool) -> Callable[[str], SourcedValue]:
    """A printed value as a text layer gives it, or as OCR reads it (at 0.9)."""
    if scanned:
        return lambda text: v(text, confidence=0.9, extractor="rapidocr")
    return v


def indicator_row(value: Callable[[str], SourcedValue], target: str) -> IndicatorRow:
    """产出指标 | 数量指标 | 司法救助人数 | target."""
    return IndicatorRow(*(value(text) for text in ("产出指标", "数量指标", "司法救助人数", target)))


def plan(
    file: str, sha: str, department: str, total: str, target: str, scanned: bool = False
) -> DocumentExtraction:
    """One department's 绩效目标表 of 司法救助资金: one indicator, the code printed; read from
    a text layer, or by OCR when `scanned`."""
    value = read_as(scanned)
    fields = {
        "year": value("2024"),
        "project_name": value(RELIEF),
        "department_code": value(CODE),
        "department_name": value(department),
    }
    row = indicator_row(value, target)
    form = ProjectForm(
        fields=fields, funds=FundsBlock(total=value(total), fiscal=value(total), other=value("")),
        indicators=[row], first_page=1,
    )  # fmt: skip
    return DocumentExtraction(
        source_file=file, sha256=sha, file_size=1, page_count=1, kind="pdf", projects=[form]
    )


def land_eval(
    con,  # noqa: ANN001 - a duckdb connection
    file: str = EVAL_B,
    department: str = OTHER_DEPARTMENT,
    code: str | None = CODE,
    indicator: tuple[str, str] = ("30人以上", "31人"),
    scanned: bool = False,
    indicator_name: str = "司法救助人数",
) -> None:
    """A self-evaluation of 司法救助资金 (by default 贺兰县's: 主管部门 printed as a name and
    code), one indicator (its target, its actual; named `indicator_name`, by default as its
    plan prints it); `code` None prints none; read by OCR (at 0.9) when `scanned`."""
    value = read_as(scanned)
    fields = {
        "year": "2024年度", "project_name": RELIEF, "department_name": department,
        "funds_unit": "万元", "total_budget_initial": "20",
        "total_budget_full_year": "20", "total_executed": "19", "total_weight": "10",
        "total_execution_rate": "95%", "total_score": "9.5", "overall_weight": "100",
        "overall_score": "95", **({"department_code": code} if code else {}),
    }  # fmt: skip
    target, actual = indicator
    form = ProjectForm(
        fields={k: value(val) for k, val in fields.items()},
        funds=FundsBlock(),
        indicators=[
            IndicatorRow(*(value(t) for t in ("产出指标", "数量指标", indicator_name, target)))
        ],
        first_page=1,
        form="project_self_eval",
    )
    sha = "f" * 64
    landing.land_document(
        con,
        DocumentExtraction(
            source_file=file, sha256=sha, file_size=1, page_count=1, kind="pdf", projects=[form]
        ),
    )
    read = value("")
    extra = [
        (sha, file, 1, "project_self_eval", "indicator", 1, field, printed, 1,
         0, 1, 5, 10.0, 10.0, 50.0, 20.0, read.confidence, read.extractor)
        for field, printed in (("actual", actual), ("weight", "90"), ("score", "90"))
    ]  # fmt: skip
    con.executemany(f"insert into raw.extracted_values values ({', '.join('?' * 18)})", extra)


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> SampleRun:
    root = tmp_path_factory.mktemp("project_ids")
    warehouse = working_copy_path(root / "perfbudget.duckdb")
    con = landing.connect(warehouse)
    landing.land_document(con, plan(PLAN_A, "d" * 64, DEPARTMENT, "10", "20人以上"))
    landing.land_document(con, plan(PLAN_B, "e" * 64, OTHER_DEPARTMENT, "20", "30人以上"))
    land_eval(con)
    con.close()
    dbt_build(warehouse)
    return SampleRun(raw=Path(root), warehouse=warehouse, summary=None, bad={})


def test_same_code_and_name_of_two_departments_are_two_projects(marts: SampleRun) -> None:
    rows = marts.query(
        "select p.project_id, p.department_name, f.total_funds_wan, p.source_file "
        "from dim_project p join fct_project_funds f using (project_id, year) "
        "order by p.source_file"
    )
    assert rows == [
        (ID_A, DEPARTMENT, Decimal(10), PLAN_A),
        (ID_B, OTHER_DEPARTMENT, Decimal(20), PLAN_B),
    ]
    assert ID_A != ID_B
    # two projects, not one project printed twice: nothing to disagree about
    assert marts.query("select count(*) from audit_findings where rule = 'sources_disagree'") == [
        (0,)
    ]


def test_self_evaluation_joins_its_own_departments_plan(marts: SampleRun) -> None:
    assert marts.query("select project_id, source_file from fct_project_execution") == [
        (ID_B, EVAL_B)
    ]
    assert marts.query(
        "select project_id, plan_target_raw, eval_target_raw, actual_raw, plan_source_file "
        "from fct_target_vs_actual"
    ) == [(ID_B, "30人以上", "30人以上", "31人", PLAN_B)]


def test_another_countys_self_evaluations_leave_a_plan_unflagged(marts: SampleRun) -> None:
    """贺兰县 published its self-evaluations of 2024; 平罗县, printing the same code, has not:
    its plan is no `targets_without_self_evaluation` of 贺兰县's year (a code does not tell the
    two departments apart, their names do)."""
    assert (
        marts.query(
            "select project_id, rule from audit_findings "
            "where rule in ('targets_without_self_evaluation', 'self_evaluation_without_targets')"
        )
        == []
    )
