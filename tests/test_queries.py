"""The standard auditor queries in queries/*.sql: each runs read-only on the sample warehouse and
returns exactly what the seed says; each is documented and named by a dbt exposure. The sample
night also reads the self-evaluation sample (tests/conftest.py): a query's rows are read on the
seed's documents where they name them, else the whole night's, as the seed's plus theirs."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import yaml

from flows.settings import PROJECT_ROOT
from tests.conftest import SEED_PDF, SampleRun
from tests.test_self_eval_models import SELF_EVAL_RULES

QUERIES = PROJECT_ROOT / "queries"
EXPOSURES = PROJECT_ROOT / "dbt_project" / "models" / "exposures.yml"

P1 = "创新社会治理、国家安全、反邪教工作经费"
P2 = "扫黑除恶及政法队伍教育整顿工作经费"
P3 = "司法救助资金"
P4 = "网格员工作补贴及绩效"
P5 = "社会治安综合治理工作经费"
S5 = "平安建设工作考核、人民满意度、社会治安综合治理效能"  # P5's 满意度 indicator
SEED = SEED_PDF.name
A1 = "农村人居环境整治经费"  # the 农业农村局 scan's projects (the self-evaluation sample)
A2 = "动物疫病防控经费"
A3 = "高标准农田建设项目管理经费"


def run(sample_run: SampleRun, name: str) -> list[tuple]:
    return sample_run.query((QUERIES / f"{name}.sql").read_text(encoding="utf-8"))


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERIES.glob("*.sql"))


def test_there_are_four_to_seven_queries_each_named_by_an_exposure() -> None:
    names = query_names()
    assert 4 <= len(names) <= 7
    exposures = yaml.safe_load(EXPOSURES.read_text(encoding="utf-8"))["exposures"]
    by_name = {e["name"]: e for e in exposures}
    assert sorted(by_name) == names
    for name, exposure in by_name.items():
        assert exposure["config"]["meta"]["query_file"] == f"queries/{name}.sql"
        assert exposure["depends_on"], name
        assert exposure["owner"], name
        assert re.search(r"[\u4e00-\u9fff]", exposure["description"]), name
        assert re.search(r" / [A-Z]", exposure["description"]), name


@pytest.mark.parametrize("name", query_names())
def test_query_has_bilingual_header_and_lower_case_sql(name: str) -> None:
    lines = (QUERIES / f"{name}.sql").read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("--")]
    assert lines[0].startswith("-- ") and re.search(r"[\u4e00-\u9fff]", lines[0]), name
    assert any(re.search(r"^-- [A-Z][a-z]", line) for line in header), name
    code = "\n".join(line for line in lines if not line.startswith("--"))
    code = re.sub(r"'[^']*'", "''", code)  # string literals may hold anything
    assert not re.search(r"\b(SELECT|FROM|WHERE|JOIN|GROUP BY|ORDER BY)\b", code), name


def test_funds_per_project(sample_run: SampleRun) -> None:
    d = Decimal
    assert [row for row in run(sample_run, "funds_per_project") if row[-1] == SEED] == [
        (2024, P4, d("148.796"), d("148.796"), d("0"), SEED),
        (2024, P5, d("30"), d("30"), d("0"), SEED),
        (2024, P2, d("20"), d("20"), d("0"), SEED),
        (2024, P1, d("15"), d("15"), d("0"), SEED),
        (2024, P3, d("10"), d("10"), d("0"), SEED),
    ]


def test_indicators_by_category(sample_run: SampleRun) -> None:
    seed = {
        ("产出指标", "数量指标"): (17, 17, 17, 5),
        ("产出指标", "成本指标"): (5, 5, 5, 5),
        ("产出指标", "时效指标"): (5, 5, 0, 5),
        ("产出指标", "质量指标"): (5, 5, 0, 5),
        ("效益指标", "可持续影响指标"): (5, 5, 0, 5),
        ("效益指标", "社会效益指标"): (5, 5, 0, 5),
        ("满意度指标", "服务对象满意度指标"): (7, 7, 0, 5),
    }
    agri = {  # the 农业农村局 scan's 37 indicators of three projects
        ("产出指标", "数量指标"): (10, 10, 10, 3),
        ("产出指标", "成本指标"): (5, 5, 5, 3),
        ("产出指标", "时效指标"): (3, 3, 0, 3),
        ("产出指标", "质量指标"): (6, 6, 0, 3),
        ("效益指标", "可持续影响指标"): (3, 3, 0, 3),
        ("效益指标", "社会效益指标"): (3, 3, 0, 3),
        ("效益指标", "生态效益指标"): (2, 1, 0, 2),
        ("效益指标", "经济效益指标"): (2, 2, 0, 2),
        ("满意度指标", "服务对象满意度指标"): (3, 3, 0, 3),
    }
    both = {
        key: tuple(a + b for a, b in zip(seed.get(key, (0,) * 4), agri[key], strict=True))
        for key in agri
    }
    assert run(sample_run, "indicators_by_category") == [
        (*key, *both[key])
        for key in (
            ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "成本指标"),
            ("产出指标", "时效指标"), ("效益指标", "可持续影响指标"), ("效益指标", "社会效益指标"),
            ("效益指标", "生态效益指标"), ("效益指标", "经济效益指标"),
            ("满意度指标", "服务对象满意度指标"),
        )
    ]  # fmt: skip


def test_audit_findings_per_project(sample_run: SampleRun) -> None:
    """The seed's own findings (P5: 1 medium, 2 low), and those of the self-evaluation sample:
    a project of a department that self-evaluated others has a low targets_without_self_evaluation
    (P1, P2, P5, A1, A2); P3's self-evaluation a high and a medium, A3's a medium, and A1's plan a
    medium (tests/test_self_eval_golden.py)."""
    assert run(sample_run, "audit_findings_per_project") == [
        (2024, P5, 0, 1, 2 + 1, 3 + 1),
        (2024, A1, 0, 1, 1, 2),
        (2024, P3, 1, 1, 0, 2),
        (2024, P1, 0, 0, 1, 1),
        (2024, A2, 0, 0, 1, 1),
        (2024, P2, 0, 0, 1, 1),
        (2024, A3, 0, 1, 0, 1),
        (2024, P4, 0, 0, 0, 0),
    ]


def test_audit_findings_detail(sample_run: SampleRun) -> None:
    rows = [  # the seed's own findings (its self-evaluation's are tests/test_self_eval_golden's)
        row
        for row in run(sample_run, "audit_findings_detail")
        if row[4] == SEED and row[1] not in SELF_EVAL_RULES
    ]
    assert [row[:6] for row in rows] == [
        ("medium", "timeliness_target_other_year", P5, "2023 年全年", SEED, 10),
        ("low", "satisfaction_target_not_percentage", P5, S5, SEED, 10),
        ("low", "timeliness_target_not_a_date", P5, "2023 年全年", SEED, 10),
    ]  # fmt: skip
    assert [row[6] for row in rows] == [
        "时效指标“2023 年全年”（指标值“100%”）写的是 2023 年，不是本表年度 2024 年 / "
        "timeliness indicator “2023 年全年” (target “100%”) names 2023, table year is 2024",
        f"满意度指标“{S5}”的指标值“有效提升”不是百分比 / "
        f"satisfaction target “有效提升” of “{S5}” is not a percentage",
        "时效指标“2023 年全年”的指标值“100%”不是日期或期限 / "
        "timeliness target “100%” of “2023 年全年” is not a date or deadline",
    ]


def test_timeliness_deadlines(sample_run: SampleRun) -> None:
    end_2024 = date(2024, 12, 31)
    seed = (P1, P2, P3, P4, P5)
    assert [row for row in run(sample_run, "timeliness_deadlines") if row[1] in seed] == [
        (2024, P1, "本年度内完成", "2024年底", end_2024, True, 2),
        (2024, P3, "本年度完成", "2024 年", end_2024, True, 6),
        (2024, P2, "项目完成时限", "2024年12月", end_2024, True, 4),
        (2024, P5, "2023 年全年", "100%", None, False, 10),
        (2024, P4, "本年度完成", "2024年12月底", end_2024, True, 8),
    ]


def test_documents_and_errors(sample_run: SampleRun) -> None:
    rows = [
        row for row in run(sample_run, "documents_and_errors") if row[0] in sample_run.seed_night
    ]
    assert [row[:5] for row in rows] == [
        (SEED, "ingested", 10, 0, 5),
        ("big.pdf", "failed", 1, 0, 0),
        ("empty.pdf", "failed", None, 0, 0),
        ("meeting_minutes.pdf", "failed", 1, 0, 0),
        ("损坏的 文件.pdf", "failed", None, 0, 0),
    ]
    errors = [row[5] for row in rows]
    assert errors[:4] == [
        None,
        "extract: page 1 cannot be read: page 1 of big.pdf would rasterise to more than "
        "100,000,000 pixels at 200 dpi",
        "read: the file is empty (0 bytes)",
        "parse: no 绩效目标表 found in 1 page(s); 1 page(s) have no ruled table",
    ]
    # the tail of this one quotes PDFium's own message
    assert errors[4].startswith("open: the PDF cannot be opened; it is damaged or truncated")
