"""The self-evaluation marts on hand-landed rows: a 绩效目标表 and a 项目支出绩效自评表 of one
department landed through flows.landing (the indicator values the target form does not have —
actual, weight, score, deviation_reason — written to raw.extracted_values by the contract), then
`dbt build`. Every mart value and every finding is checked exactly, so this runs without the
reader's support for the form."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from flows import landing
from flows.marts import dbt_build
from flows.models import DocumentExtraction, FundsBlock, IndicatorRow, ProjectForm
from flows.models import SourcedValue as SV
from flows.publish import working_copy_path
from flows.settings import PROJECT_ROOT
from tests.conftest import SampleRun

PLAN_FILE = "政法委_2024年项目支出绩效目标表.pdf"
EVAL_FILE = "政法委_2024年项目支出绩效自评表.pdf"
EVAL_SCAN = "政法委_2024年项目支出绩效自评表_扫描件.pdf"
RELIEF = "司法救助资金"
GRID = "网格员工作补贴及绩效"
ANTI_FRAUD = "反诈宣传经费"
D = Decimal


DEPARTMENT = "平罗县委政法委"


def pid(code: str, department: str, name: str) -> str:
    """project_id as the macro project_id computes it (for keys `normalize_label` leaves as
    they are)."""
    return hashlib.md5(f"{code}|{department}|{name}".encode()).hexdigest()[:16]


RELIEF_ID = pid("075001", DEPARTMENT, RELIEF)
GRID_ID = pid("075001", DEPARTMENT, GRID)
ANTI_FRAUD_ID = pid("", DEPARTMENT, ANTI_FRAUD)  # no target table, no printed code

#: (一级, 二级 as printed, 三级, 指标值) of the plan
PLAN_INDICATORS = [
    ("产出指标", "数量指标（必填硬性指标）", "司法救助人数", "20人以上"),
    ("产出指标", "质量指标（必填）", "救助资金发放准确率", "100%"),
    ("产出指标", "时效指标（必填）", "及时救助及时支付", "2024年"),
    ("产出指标", "成本指标（必填硬性指标）", "司法救助经费预算金额", "10万元"),
    ("效益指标", "社会效益指标（必填）", "保障社会公平正义", "明显提高"),
    ("效益指标", "可持续影响指标（必填）", "长效救助机制", "长期"),
    ("满意度指标", "服务对象满意度指标（必填）", "人民群众满意度", "≥90%"),
]

#: (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因) of the self-evaluation: one
#: target raised (20 → 25人以上), one target missed with full marks (98% of 100%), one indicator
#: never planned (宣传活动次数), one planned indicator left out (长效救助机制)
EVAL_INDICATORS = [
    ("产出指标", "数量指标", "司法救助人数", "25人以上", "26人", "20", "20", ""),
    ("产出指标", "质量指标", "救助资金发放准确率", "100%", "98%", "10", "10", ""),
    ("产出指标", "时效指标", "及时救助及时支付", "2024 年", "2024年12月", "10", "10", ""),
    ("产出指标", "成本指标", "司法救助经费预算金额", "10万元", "9.5万元", "10", "10", ""),
    ("效益指标", "社会效益指标", "保障社会公平正义", "明显提高", "有效提升", "15", "14",
     "个别案件办理周期较长"),
    ("满意度指标", "服务对象满意度指标", "人民群众满意度", "≥90%", "92%", "10", "10", ""),
    ("产出指标", "数量指标", "宣传活动次数", "4次", "3次", "15", "12", "疫情影响，改为线上宣传"),
]  # fmt: skip


def v(text: str, page: int = 1, confidence: float = 1.0, extractor: str = "camelot") -> SV:
    return SV(
        value=text, page=page, table_index=0, row=0, col=0, bbox=(10.0, 10.0, 50.0, 20.0),
        confidence=confidence, extractor=extractor,
    )  # fmt: skip


def plan_document() -> DocumentExtraction:
    def project(name: str, total: str, indicators: list[tuple[str, str, str, str]]) -> ProjectForm:
        fields = {
            "year": v("2024"),
            "project_name": v(name),
            "department_code": v("075001"),
            "department_name": v("平罗县委政法委"),
        }
        rows = [IndicatorRow(v(a), v(b), v(c), v(d, page=2)) for a, b, c, d in indicators]
        funds = FundsBlock(total=v(total), fiscal=v(total), other=v(""))
        return ProjectForm(fields=fields, funds=funds, indicators=rows, first_page=1)

    grid = [("产出指标", "数量指标（必填硬性指标）", "网格员人数", "150人")]
    return DocumentExtraction(
        source_file=PLAN_FILE, sha256="a" * 64, file_size=1, page_count=3, kind="pdf",
        projects=[project(RELIEF, "10", PLAN_INDICATORS), project(GRID, "148.796", grid)],
    )  # fmt: skip


def eval_projects(confidence: float, extractor: str) -> list[tuple[ProjectForm, list[tuple]]]:
    """The two self-evaluated projects and their indicator rows (with the columns the target form
    lacks). The second is in 元, prints its rate as a fraction, and has no target table."""

    def sv(text: str, page: int = 1) -> SV:
        return v(text, page, confidence, extractor)

    relief = {
        "year": "（2024年度）", "project_name": RELIEF, "department_name": "平罗县委政法委",
        "implementing_unit": "平罗县委政法委", "overall_goal": "及时救助困难当事人",
        "overall_goal_actual": "全年救助26人", "funds_unit": "万元",
        "total_budget_initial": "10", "total_budget_full_year": "12", "total_executed": "11.4",
        "total_weight": "10", "total_execution_rate": "95%", "total_score": "9.5",
        "fiscal_budget_initial": "10", "fiscal_budget_full_year": "12", "fiscal_executed": "11.4",
        "carryover_budget_initial": "/", "overall_weight": "100", "overall_score": "96",
    }  # fmt: skip
    anti_fraud = {
        "year": "2024年度", "project_name": ANTI_FRAUD, "department_name": "平罗县委政法委",
        "funds_unit": "元", "total_budget_initial": "100,000", "total_budget_full_year": "100,000",
        "total_executed": "80,000", "total_weight": "10", "total_execution_rate": "0.9",
        "total_score": "11", "overall_weight": "100", "overall_score": "91",
    }  # fmt: skip
    anti_fraud_indicators = [("产出指标", "数量指标", "宣传场次", "≥10场", "12场", "90", "80", "")]
    out = []
    for fields, indicators in ((relief, EVAL_INDICATORS), (anti_fraud, anti_fraud_indicators)):
        form = ProjectForm(
            fields={k: sv(val) for k, val in fields.items()},
            funds=FundsBlock(),
            indicators=[
                IndicatorRow(sv(a), sv(b), sv(c), sv(d, 2)) for a, b, c, d, *_ in indicators
            ],
            first_page=1,
            form="project_self_eval",
        )
        out.append((form, indicators))
    return out


def land_self_eval(con, source_file: str, sha: str, confidence: float, extractor: str) -> None:
    projects = eval_projects(confidence, extractor)
    doc = DocumentExtraction(
        source_file=source_file, sha256=sha, file_size=1, page_count=2, kind="pdf",
        projects=[form for form, _ in projects],
    )  # fmt: skip
    landing.land_document(con, doc)
    extra = []
    for seq, (_, indicators) in enumerate(projects, start=1):
        for i, (*_, actual, weight, score, deviation) in enumerate(indicators, start=1):
            for field, value in (
                ("actual", actual), ("weight", weight), ("score", score),
                ("deviation_reason", deviation),
            ):  # fmt: skip
                extra.append(
                    (sha, source_file, seq, "project_self_eval", "indicator", i, field, value, 2,
                     0, i, 5, 10.0, 10.0, 50.0, 20.0, confidence, extractor)
                )  # fmt: skip
    con.executemany(f"insert into raw.extracted_values values ({', '.join('?' * 18)})", extra)


EVAL_NO_YEAR = "禁毒委_自评表_年度行缺失.pdf"
NO_YEAR = "禁毒宣传经费"
NO_YEAR_ID = pid("", "平罗县禁毒委", NO_YEAR)


def land_self_eval_without_year(con) -> None:
    """A 自评表 whose year line was lost (a faded scan): its project has no year."""
    fields = {
        "project_name": v(NO_YEAR), "department_name": v("平罗县禁毒委"), "funds_unit": v("万元"),
        "total_budget_full_year": v("5"), "total_executed": v("5"),
    }  # fmt: skip
    form = ProjectForm(
        fields=fields, funds=FundsBlock(), indicators=[], first_page=1, form="project_self_eval"
    )
    doc = DocumentExtraction(
        source_file=EVAL_NO_YEAR, sha256="d" * 64, file_size=1, page_count=1, kind="pdf",
        projects=[form],
    )  # fmt: skip
    landing.land_document(con, doc)


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> SampleRun:
    root = tmp_path_factory.mktemp("self_eval")
    # named as a night's working copy: the worker's warm dbt parsed that name for its nights
    # already (a name of its own cost a parse: 10.5 → 6.7 CPU-s of dbt for this build)
    warehouse = working_copy_path(root / "perfbudget.duckdb")
    con = landing.connect(warehouse)
    landing.land_document(con, plan_document())
    land_self_eval(con, EVAL_FILE, "b" * 64, 1.0, "camelot")
    # the same self-evaluation scanned: read at 0.9, never chosen over the text layer
    land_self_eval(con, EVAL_SCAN, "c" * 64, 0.9, "rapidocr")
    land_self_eval_without_year(con)
    con.close()
    dbt_build(warehouse)
    return SampleRun(raw=Path(root), warehouse=warehouse, summary=None, bad={})


def test_project_execution_takes_the_plans_project_id(marts: SampleRun) -> None:
    rows = marts.query(
        """
        select project_id, year, project_name, budget_initial_wan, budget_full_year_wan,
               executed_wan, execution_rate, funds_weight, funds_score, total_score,
               source_file, page
        from fct_project_execution order by project_name
        """
    )
    assert rows == [
        (ANTI_FRAUD_ID, 2024, ANTI_FRAUD, D(10), D(10), D(8), D(90), D(10), D(11), D(91),
         EVAL_FILE, 1),
        (RELIEF_ID, 2024, RELIEF, D(10), D(12), D("11.4"), D(95), D(10), D("9.5"), D(96),
         EVAL_FILE, 1),
        (NO_YEAR_ID, None, NO_YEAR, None, D(5), D(5), None, None, None, None, EVAL_NO_YEAR, 1),
    ]  # fmt: skip
    # the plan's project and the evaluation's join on (project_id, year)
    joined = marts.query(
        "select p.project_name from dim_project p "
        "join fct_project_execution e using (project_id, year)"
    )
    assert joined == [(RELIEF,)]


def test_indicator_results_exactly_as_printed(marts: SampleRun) -> None:
    rows = marts.query(
        """
        select level1, level2, indicator_name, target_raw, actual_raw, weight, score,
               deviation_reason, source_file, page, ocr_confidence
        from fct_indicator_result where project_id = ? order by indicator_seq
        """,
        [RELIEF_ID],
    )
    assert rows == [
        (l1, l2, name, target, actual, D(w), D(s), dev, EVAL_FILE, 2, 1.0)
        for l1, l2, name, target, actual, w, s, dev in EVAL_INDICATORS
    ]
    parsed = marts.query(
        "select actual_value, actual_unit from fct_indicator_result where project_id = ? "
        "order by indicator_seq",
        [RELIEF_ID],
    )
    assert parsed == [
        (D(26), "人"), (D(98), "%"), (None, "date"), (D("9.5"), "万元"), (None, None),
        (D(92), "%"), (D(3), "次"),
    ]  # fmt: skip


def test_target_vs_actual_join(marts: SampleRun) -> None:
    rows = marts.query(
        """
        select indicator_name, plan_target_raw, eval_target_raw, actual_raw, target_changed,
               achieved, match_method, plan_source_file, eval_source_file
        from fct_target_vs_actual where project_id = ? order by indicator_seq
        """,
        [RELIEF_ID],
    )
    plan = PLAN_FILE
    assert rows == [
        ("司法救助人数", "20人以上", "25人以上", "26人", True, True, "name_level2", plan,
         EVAL_FILE),
        ("救助资金发放准确率", "100%", "100%", "98%", False, False, "name_level2", plan, EVAL_FILE),
        ("及时救助及时支付", "2024年", "2024 年", "2024年12月", False, True, "name_level2", plan,
         EVAL_FILE),
        ("司法救助经费预算金额", "10万元", "10万元", "9.5万元", False, True, "name_level2", plan,
         EVAL_FILE),
        ("保障社会公平正义", "明显提高", "明显提高", "有效提升", False, None, "name_level2", plan,
         EVAL_FILE),
        ("人民群众满意度", "≥90%", "≥90%", "92%", False, True, "name_level2", plan, EVAL_FILE),
        ("宣传活动次数", None, "4次", "3次", None, False, None, None, EVAL_FILE),
    ]  # fmt: skip
    # each matched row names the planned indicator of fct_indicator
    ids = marts.query(
        """
        select count(*) from fct_target_vs_actual t join fct_indicator i using (indicator_id)
        where t.indicator_name = i.indicator_name and t.plan_target_raw = i.target_raw
        """
    )
    assert ids == [(6,)]


SELF_EVAL_RULES = (
    "target_changed_at_year_end", "indicator_not_evaluated", "indicator_not_planned",
    "full_score_target_missed", "execution_rate_mismatch", "funds_score_above_weight",
    "funds_score_inconsistent_with_rate", "total_score_mismatch", "weights_not_100",
    "targets_without_self_evaluation", "self_evaluation_without_targets",
)  # fmt: skip


def test_self_evaluation_findings(marts: SampleRun) -> None:
    rows = marts.query(
        f"""
        select project_id, rule, severity, source_file, page, detail
        from audit_findings where rule in {SELF_EVAL_RULES}
        order by project_id, rule, detail
        """
    )
    expected = [
        (ANTI_FRAUD_ID, "execution_rate_mismatch", "medium", EVAL_FILE, 1,
         "执行率印为“0.9”，全年执行数 8 / 全年预算数 10 = 80.00% / the execution rate is printed "
         "“0.9” but executed 8 / budget 10 = 80.00%"),
        (ANTI_FRAUD_ID, "funds_score_above_weight", "high", EVAL_FILE, 1,
         "预算执行得分 11 高于其分值 10 / the budget execution score 11 is above its weight 10"),
        (ANTI_FRAUD_ID, "self_evaluation_without_targets", "low", EVAL_FILE, 1,
         f"项目“{ANTI_FRAUD}”有 2024 年自评表，但仓库中没有它的绩效目标表 / project “{ANTI_FRAUD}” "
         "has a self-evaluation for 2024 but no target table in the warehouse"),
        (NO_YEAR_ID, "self_evaluation_without_targets", "low", EVAL_NO_YEAR, 1,
         f"项目“{NO_YEAR}”有年度未印的自评表，但仓库中没有它的绩效目标表 / project “{NO_YEAR}” "
         "has a self-evaluation with no year printed but no target table in the warehouse"),
        (GRID_ID, "targets_without_self_evaluation", "low", PLAN_FILE, 1,
         f"项目“{GRID}”有 2024 年绩效目标表，但本部门已发布的自评表中没有它 / project “{GRID}” has "
         "targets for 2024 but no self-evaluation among those its department published"),
        (RELIEF_ID, "full_score_target_missed", "high", EVAL_FILE, 2,
         "指标“救助资金发放准确率”实际完成值“98%”未达到目标“100%”，却得满分 10/10 / indicator "
         "“救助资金发放准确率” claims the full score 10/10 although its actual “98%” misses the "
         "target “100%”"),
        (RELIEF_ID, "indicator_not_evaluated", "medium", PLAN_FILE, 2,
         "绩效目标表的指标“长效救助机制”（指标值“长期”）在自评表中没有自评 / planned indicator "
         "“长效救助机制” (target “长期”) is missing from the self-evaluation"),
        (RELIEF_ID, "indicator_not_planned", "medium", EVAL_FILE, 2,
         "自评指标“宣传活动次数”（年度指标值“4次”）不在绩效目标表中 / self-evaluated indicator "
         "“宣传活动次数” (target “4次”) was never planned in the target table"),
        (RELIEF_ID, "target_changed_at_year_end", "medium", EVAL_FILE, 2,
         "指标“司法救助人数”的年度指标值“25人以上”与绩效目标表的指标值“20人以上”不同 / "
         "the year-end target “25人以上” of “司法救助人数” differs from the planned target "
         "“20人以上”"),
        (RELIEF_ID, "total_score_mismatch", "medium", EVAL_FILE, 1,
         "总分 96 不等于各项得分之和 95.5（预算执行 9.5 + 指标 86） / "
         "the total score 96 is not the sum of the scores 95.5 (budget execution 9.5 + "
         "indicators 86)"),
    ]  # fmt: skip
    assert rows == sorted(expected)


def test_a_self_evaluation_without_a_year_still_lands(marts: SampleRun) -> None:
    """A null year once made the finding's detail null, audit_findings' contract failed and the
    document was quarantined; its finding now says the year was not printed."""
    assert marts.query(
        "select rule, year, detail from audit_findings where project_id = ?", [NO_YEAR_ID]
    ) == [
        ("self_evaluation_without_targets", None,
         f"项目“{NO_YEAR}”有年度未印的自评表，但仓库中没有它的绩效目标表 / project “{NO_YEAR}” "
         "has a self-evaluation with no year printed but no target table in the warehouse"),
    ]  # fmt: skip
    assert marts.query("select source_file from ingest_errors where stage = 'validate'") == []


def test_findings_point_at_the_indicators(marts: SampleRun) -> None:
    rows = marts.query(
        """
        select a.rule, i.indicator_name, r.indicator_name
        from audit_findings a
        left join fct_indicator i using (indicator_id)
        left join fct_indicator_result r using (indicator_result_id)
        where a.project_id = ? and a.rule in ('target_changed_at_year_end',
            'indicator_not_evaluated', 'indicator_not_planned', 'full_score_target_missed')
        order by a.rule
        """,
        [RELIEF_ID],
    )
    assert rows == [
        ("full_score_target_missed", "救助资金发放准确率", "救助资金发放准确率"),
        ("indicator_not_evaluated", "长效救助机制", None),
        ("indicator_not_planned", None, "宣传活动次数"),
        ("target_changed_at_year_end", "司法救助人数", "司法救助人数"),
    ]


def test_rules_that_hold_stay_silent(marts: SampleRun) -> None:
    """司法救助资金's rate (11.4 / 12 = 95%), its funds score (10 × 95%) and its weights (100)
    are right; 反诈宣传经费's weights and total (80 + 11 = 91) too."""
    rows = marts.query(
        """
        select rule from audit_findings
        where rule in ('weights_not_100', 'funds_score_inconsistent_with_rate')
           or (rule in ('execution_rate_mismatch', 'total_score_mismatch') and project_id = ?)
           or (rule = 'total_score_mismatch' and project_id = ?)
        """,
        [RELIEF_ID, ANTI_FRAUD_ID],
    )
    assert rows == [("total_score_mismatch",)]  # 司法救助资金's 96 ≠ 95.5 only


def test_promised_vs_reported_query(marts: SampleRun) -> None:
    """queries/promised_vs_reported.sql (named by an exposure, checked for style with the other
    queries in tests/test_queries.py): one row per planned project, self-evaluated or not."""
    sql = (PROJECT_ROOT / "queries" / "promised_vs_reported.sql").read_text(encoding="utf-8")
    assert marts.query(sql) == [
        (2024, RELIEF, D(10), D("11.4"), D(95), 7, 7, 1, 2, D(96), PLAN_FILE, EVAL_FILE),
        (2024, GRID, D("148.796"), None, None, 1, None, None, None, None, PLAN_FILE, None),
    ]


# ---------------------------------------------------------------- the parse macros, in DuckDB

MACROS = PROJECT_ROOT / "dbt_project" / "macros"
PARSE_MACROS = (
    "nfkc_chars.sql",
    "normalize_label.sql",
    "parse_decimal.sql",
    "parse_amount_wan.sql",
    "target_comparators.sql",
    "parse_target.sql",
)


def run_macro(name: str, values: list[str | None], *args: str) -> list[object]:
    """Render one parse macro with jinja (as dbt does) over a column `x` and run it in DuckDB:
    the macros' SQL is checked without a dbt build."""
    import duckdb
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(MACROS)))
    source = "".join((MACROS / f).read_text(encoding="utf-8") for f in PARSE_MACROS)
    expr = str(getattr(env.from_string(source).make_module(), name)("x", *args))
    con = duckdb.connect()
    rows = con.execute(
        f"select {expr} from unnest(?::varchar[]) with ordinality as t(x, i) order by i", [values]
    ).fetchall()
    return [r[0] for r in rows]


def test_amounts_take_the_form_descriptions_units() -> None:
    """parse_amount_wan divides an amount by its printed unit's divisor from the form description
    (AMOUNT_UNIT_DIVISORS, through the generated macros), else by the funds unit the table
    prints, else reads 万元."""
    from flows.forms.spec import AMOUNT_UNIT_DIVISORS

    printed = [f"1,487,960{u}" for u in AMOUNT_UNIT_DIVISORS] + ["1487960"]
    assert run_macro("parse_amount_wan", printed) == [
        D(1487960) / AMOUNT_UNIT_DIVISORS[u] for u in AMOUNT_UNIT_DIVISORS
    ] + [D(1487960)]
    assert AMOUNT_UNIT_DIVISORS == {"万元": 1, "万": 1, "元": 10_000}
    in_yuan = run_macro("parse_amount_wan", ["1,487,960", "12万元", "30万"], "'元'")
    assert in_yuan == [D("148.796"), D(12), D(30)]


def parsed_targets(values: list[str]) -> list[tuple[object, ...]]:
    """(kind, comparator, value, unit) of parse_target_ctes over printed targets."""
    import duckdb
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(MACROS)))
    source = "".join((MACROS / f).read_text(encoding="utf-8") for f in PARSE_MACROS)
    ctes = str(env.from_string(source).make_module().parse_target_ctes("src", "x", "lv", "t"))
    sql = (
        "with src as (select x, '数量指标' as lv, i from unnest(?::varchar[]) with ordinality"
        f" as u(x, i)), {ctes} select t_kind, t_comparator, t_value, t_unit from t_interpreted"
        " order by i"
    )
    return duckdb.connect().execute(sql, [values]).fetchall()


def test_numbers_printed_apart_are_never_glued() -> None:
    """`100 95.77` (a 总分 and its score OCR put in one cell) and `5 6 2` are refused, while
    thousands groups (`1 487 960`, full-width too) and a spaced unit (`≥ 90 %`) still parse."""
    printed = ["100 95.77", "5 6 2", "1 487 960", "１ ４８７ ９６０", "2 000.5", "95.77", "20 13"]
    printed.append(None)
    assert run_macro("digits_apart", printed) == [
        True, True, False, False, False, False, True, None,
    ]  # fmt: skip
    assert run_macro("parse_decimal", printed) == [
        None, None, D(1487960), D(1487960), D("2000.5"), D("95.77"), None, None,
    ]  # fmt: skip
    amounts = ["100 95.77", "1 487 960元", "1,487,960元", "12 3456", "168.659"]
    assert run_macro("parse_amount_wan", amounts) == [
        None, D("148.796"), D("148.796"), None, D("168.659"),
    ]  # fmt: skip
    assert parsed_targets(["≥ 90 %", "100 95", "1 487 960元", "5 6 2人"]) == [
        ("number", ">=", D(90), "%"),
        ("text", None, None, None),
        ("number", "=", D(1487960), "元"),
        ("text", None, None, None),
    ]


def achieved(pairs: list[tuple[str, str, str]]) -> list[object]:
    """target_met over (二级指标, 年度指标值, 实际完成值), both sides read by parse_target_ctes as
    int_self_eval_indicators_parsed reads them."""
    import duckdb
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(MACROS)))
    source = "".join((MACROS / f).read_text(encoding="utf-8") for f in PARSE_MACROS)
    module = env.from_string(source).make_module()
    sql = (
        "with src as (select p[1] as lv, p[2] as tx, p[3] as ax, i from unnest(?::varchar[][])"
        f" with ordinality as u(p, i)), {module.parse_target_ctes('src', 'tx', 'lv', 't')},"
        f" {module.parse_target_ctes('t_interpreted', 'ax', 'lv', 'a')}"
        f" select {module.target_met('t', 'a', 'lv')} from a_interpreted order by i"
    )
    rows = duckdb.connect().execute(sql, [[list(p) for p in pairs]]).fetchall()
    return [r[0] for r in rows]


def test_money_targets_without_a_comparator() -> None:
    """A plain amount is a ceiling under 成本指标 and a floor elsewhere (the domain scores a
    positive indicator 实际/目标 × 分值); 元 and 万元 are compared in 万元, other units never."""
    assert achieved(
        [
            ("成本指标", "≤ 168.66万元", "160.2万元"),
            ("成本指标", "168.66万元", "160.2万元"),
            ("成本指标", "168.66万元", "170万元"),
            ("经济效益指标", "168.66万元", "160.2万元"),
            ("成本指标", "10万元", "95000元"),
            ("成本指标", "10万元", "120,000元"),
            ("数量指标", "5次", "6"),
            ("成本指标", "10万元", "95000人"),
        ]
    ) == [True, True, False, False, True, False, True, None]
