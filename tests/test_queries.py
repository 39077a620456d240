"""The standard auditor queries in queries/*.sql: each runs read-only on the sample warehouse and
returns exactly what the seed says; each is documented and named by a dbt exposure."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import yaml

from flows.settings import PROJECT_ROOT
from tests.conftest import SEED_PDF, SampleRun

QUERIES = PROJECT_ROOT / "queries"
EXPOSURES = PROJECT_ROOT / "dbt_project" / "models" / "exposures.yml"

P1 = "创新社会治理、国家安全、反邪教工作经费"
P2 = "扫黑除恶及政法队伍教育整顿工作经费"
P3 = "司法救助资金"
P4 = "网格员工作补贴及绩效"
P5 = "社会治安综合治理工作经费"
S5 = "平安建设工作考核、人民满意度、社会治安综合治理效能"  # P5's 满意度 indicator
SEED = SEED_PDF.name


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
    assert run(sample_run, "funds_per_project") == [
        (2024, P4, d("148.796"), d("148.796"), d("0"), SEED),
        (2024, P5, d("30"), d("30"), d("0"), SEED),
        (2024, P2, d("20"), d("20"), d("0"), SEED),
        (2024, P1, d("15"), d("15"), d("0"), SEED),
        (2024, P3, d("10"), d("10"), d("0"), SEED),
    ]


def test_indicators_by_category(sample_run: SampleRun) -> None:
    assert run(sample_run, "indicators_by_category") == [
        ("产出指标", "数量指标", 17, 17, 17, 5),
        ("产出指标", "成本指标", 5, 5, 5, 5),
        ("产出指标", "时效指标", 5, 5, 0, 5),
        ("产出指标", "质量指标", 5, 5, 0, 5),
        ("效益指标", "可持续影响指标", 5, 5, 0, 5),
        ("效益指标", "社会效益指标", 5, 5, 0, 5),
        ("满意度指标", "服务对象满意度指标", 7, 7, 0, 5),
    ]


def test_audit_findings_per_project(sample_run: SampleRun) -> None:
    assert run(sample_run, "audit_findings_per_project") == [
        (2024, P5, 0, 1, 2, 3),
        (2024, P1, 0, 0, 0, 0),
        (2024, P3, 0, 0, 0, 0),
        (2024, P2, 0, 0, 0, 0),
        (2024, P4, 0, 0, 0, 0),
    ]


def test_audit_findings_detail(sample_run: SampleRun) -> None:
    rows = run(sample_run, "audit_findings_detail")
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
    assert run(sample_run, "timeliness_deadlines") == [
        (2024, P1, "本年度内完成", "2024年底", end_2024, True, 2),
        (2024, P3, "本年度完成", "2024 年", end_2024, True, 6),
        (2024, P2, "项目完成时限", "2024年12月", end_2024, True, 4),
        (2024, P5, "2023 年全年", "100%", None, False, 10),
        (2024, P4, "本年度完成", "2024年12月底", end_2024, True, 8),
    ]


def test_documents_and_errors(sample_run: SampleRun) -> None:
    rows = run(sample_run, "documents_and_errors")
    assert [row[:5] for row in rows] == [
        (SEED, "ingested", 10, 0, 5),
        ("empty.pdf", "failed", None, 0, 0),
        ("meeting_minutes.pdf", "failed", 1, 0, 0),
        ("损坏的 文件.pdf", "failed", None, 0, 0),
    ]
    errors = [row[5] for row in rows]
    assert errors[:3] == [
        None,
        "read: the file is empty (0 bytes)",
        "parse: no 绩效目标表 found in 1 page(s); 1 page(s) have no ruled table",
    ]
    # the tail of this one quotes PDFium's own message
    assert errors[3].startswith("open: the PDF cannot be opened; it is damaged or truncated")
