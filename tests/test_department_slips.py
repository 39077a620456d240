"""A department name OCR misread by one glyph is still its department: one project, one join.

project_id is md5 of the department code, the department name and the project name. A scan
reading 平罗县委政法委 as 平罗县委政泫委 gave the scan of a plan an id of its own beside its
text-layer copy: dim_project held the project twice (no `sources_disagree` between the two, for
they were two projects), and a self-evaluation scanned with the same slip joined the scan's
project, not the one the text layer names. Within one department code and year, an OCR spelling
one slip (labels.SLIP_GLYPHS) from a spelling read from a text layer or at a higher confidence,
printing a project of the same name and amount, is that department (int_department_spellings);
another county's department, more than a slip away, stays apart.

Hand-landed rows (as in tests/test_project_ids.py), built twice as two nights: the scans first,
then the text-layer plan, so the incremental build must move the scan's rows (and the
self-evaluation's) to the id the text layer now gives them. Every value is checked exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import landing
from flows.forms.labels import SLIP_GLYPHS
from flows.marts import dbt_build
from flows.publish import working_copy_path
from flows.settings import DBT_PROJECT_DIR
from tests.conftest import SampleRun
from tests.test_project_ids import CODE, land_eval, plan
from tests.test_project_ids import OTHER_DEPARTMENT as OTHER_COUNTY
from tests.test_self_eval_models import DEPARTMENT, RELIEF, pid

SLIPPED = "平罗县委政泫委"  # 法 read as 泫: one glyph of seven
INDICATOR = "司法救助人数"
INDICATOR_SLIPPED = "司法救助人薮"  # 数 read as 薮 on the scanned self-evaluation
# 贺兰县委政法委 (OTHER_COUNTY): two glyphs from 平罗县委政法委, another county's department
PLAN_TEXT = "平罗县委政法委_2024年项目支出绩效目标表.pdf"
PLAN_SCAN = "平罗县委政法委_2024年项目支出绩效目标表_扫描件.pdf"
PLAN_OTHER = "贺兰县委政法委_2024年项目支出绩效目标表_扫描件.pdf"
EVAL_SCAN = "平罗县委政法委_2024年项目支出绩效自评表_扫描件.pdf"
ID = pid(CODE, DEPARTMENT, RELIEF)
ID_OTHER = pid(CODE, OTHER_COUNTY, RELIEF)
ID_SLIPPED = pid(CODE, SLIPPED, RELIEF)  # the id the scan had on its own
TARGET = "20人以上"


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> SampleRun:
    root = tmp_path_factory.mktemp("department_slips")
    warehouse = working_copy_path(root / "perfbudget.duckdb")
    # night 1: the two counties' scans and the self-evaluation; the slipped spelling is the only
    # one its department has, and the self-evaluation joins the scan's project
    con = landing.connect(warehouse)
    landing.land_document(con, plan(PLAN_SCAN, "a" * 64, SLIPPED, "10", TARGET, scanned=True))
    landing.land_document(con, plan(PLAN_OTHER, "b" * 64, OTHER_COUNTY, "20", TARGET, scanned=True))
    # scanned with the scan's slip, no code printed, and its indicator's name read a slip off
    land_eval(
        con, EVAL_SCAN, SLIPPED, None, (TARGET, "21人"), scanned=True,
        indicator_name=INDICATOR_SLIPPED,
    )  # fmt: skip
    con.close()
    dbt_build(warehouse)
    run = SampleRun(raw=Path(root), warehouse=warehouse, summary=None, bad={})
    assert run.query("select project_id from dim_project order by project_id") == sorted(
        [(ID_SLIPPED,), (ID_OTHER,)]
    )
    assert run.query("select project_id from fct_project_execution") == [(ID_SLIPPED,)]
    # the scanned plan's name read at 0.9 is no surer than the self-evaluation's: its own stays
    assert run.query("select indicator_name, indicator_name_read from fct_indicator_result") == [
        (INDICATOR_SLIPPED, INDICATOR_SLIPPED)
    ]
    # night 2 (incremental): the text-layer copy arrives
    con = landing.connect(warehouse)
    landing.land_document(con, plan(PLAN_TEXT, "c" * 64, DEPARTMENT, "10", TARGET))
    con.close()
    dbt_build(warehouse)
    return run


def test_a_slipped_department_is_one_project_with_its_text_copy(marts: SampleRun) -> None:
    rows = marts.query(
        "select project_id, department_name, source_file, source_files from dim_project "
        "order by department_name"
    )
    assert rows == [
        (ID, DEPARTMENT, PLAN_TEXT, f"{PLAN_TEXT}; {PLAN_SCAN}"),
        (ID_OTHER, OTHER_COUNTY, PLAN_OTHER, PLAN_OTHER),
    ]
    # the scan's own id of night 1 is gone from every mart
    for mart in ("dim_project", "fct_project_funds", "fct_indicator", "audit_findings"):
        assert marts.query(f"select count(*) from {mart} where project_id = ?", [ID_SLIPPED]) == [
            (0,)
        ], mart


def test_both_spellings_are_one_finding_naming_files_and_pages(marts: SampleRun) -> None:
    rows = marts.query(
        "select project_id, rule, detail from audit_findings where rule = 'sources_disagree'"
    )
    assert len(rows) == 1
    project_id, _, detail = rows[0]
    assert project_id == ID
    for printed in (DEPARTMENT, SLIPPED, PLAN_TEXT, PLAN_SCAN):
        assert printed in detail


def test_the_self_evaluation_moves_with_the_scan_to_the_one_project(marts: SampleRun) -> None:
    assert marts.query(
        "select project_id, plan_target_raw, eval_target_raw, actual_raw, plan_source_file "
        "from fct_target_vs_actual"
    ) == [(ID, "20人以上", "20人以上", "21人", PLAN_TEXT)]
    assert marts.query("select project_id, source_file from fct_project_execution") == [
        (ID, EVAL_SCAN)
    ]
    # the plan and its result are one project: neither is flagged as lacking the other (nor is
    # 贺兰县's plan: that department published no self-evaluation of 2024)
    assert (
        marts.query(
            "select project_id, rule from audit_findings "
            "where rule in ('targets_without_self_evaluation', 'self_evaluation_without_targets')"
        )
        == []
    )


def test_an_indicator_name_read_a_slip_off_meets_its_plan(marts: SampleRun) -> None:
    """The scan's 司法救助人薮 is the plan's 司法救助人数 (match_method name_slip), and neither
    side is a planned/evaluated finding. Read at 0.9 against the text layer's 1, the name is the
    plan's; the reading stays in indicator_name_read and an indicator_name_from_plan finding
    names both (night 1's scanned plan, read at 0.9 too, changed nothing)."""
    assert marts.query(
        "select indicator_name, indicator_name_read, plan_indicator_name, match_method, "
        "target_changed from fct_target_vs_actual"
    ) == [(INDICATOR, INDICATOR_SLIPPED, INDICATOR, "name_slip", False)]
    assert marts.query("select indicator_name, indicator_name_read from fct_indicator_result") == [
        (INDICATOR, INDICATOR_SLIPPED)
    ]
    assert marts.query(
        "select project_id, rule, severity, detail, source_file, page from audit_findings "
        "where rule = 'indicator_name_from_plan'"
    ) == [
        (
            ID,
            "indicator_name_from_plan",
            "low",
            f"自评表指标名称读作“{INDICATOR_SLIPPED}”（置信度 0.9），与绩效目标表的“{INDICATOR}”"
            "（置信度 1）相差在误读界限内（每四字至多一处）且互为唯一候选，采用计划名称 / the "
            f"self-evaluation's indicator name read “{INDICATOR_SLIPPED}” (confidence 0.9) is "
            f"within the slip bound (a glyph in four) of the plan's “{INDICATOR}” (confidence 1), "
            "each the other's only candidate: the plan's name is taken",
            EVAL_SCAN,
            1,
        )
    ]
    assert (
        marts.query(
            "select rule from audit_findings "
            "where rule in ('indicator_not_planned', 'indicator_not_evaluated')"
        )
        == []
    )


def test_the_sql_slip_rule_is_the_form_readers() -> None:
    """The macro ocr_slip (department and indicator names) counts a slip per
    labels.SLIP_GLYPHS glyphs, as the header's nearest_labels does: one constant, written twice
    (SQL and Python)."""
    macro = (DBT_PROJECT_DIR / "macros" / "ocr_slip.sql").read_text(encoding="utf-8")
    assert f"length({{{{ reference }}}}) // {SLIP_GLYPHS}" in macro
