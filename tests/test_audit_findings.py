"""audit_findings: the exact findings on the seed, and sources_disagree when one project arrives in
two documents that differ in one target."""

from __future__ import annotations

import re

from tests.conftest import SEED_PDF, RevisionsRun, SampleRun
from tests.test_self_eval_models import SELF_EVAL_RULES

PROJECT_5 = "社会治安综合治理工作经费"
SATISFACTION_5 = "平安建设工作考核、人民满意度、社会治安综合治理效能"

#: What the rules find in the seed, checked by hand against shared/seed/000_af1064454d8faf59.txt:
#: funds add up in all five tables (other funds blank), every 成本指标 equals 年度资金总额
#: (15万, 20万, 10 万元, 148.796万, 30 万), all seven mandatory categories are present, no
#: (level2, name, target) repeats, the text layer reads at confidence 1.0. Only project 5 has
#: slips: its 时效指标 is "2023 年全年" → "100%" in a 2024 table, and its 满意度 target is
#: "有效提升".
#: (司法救助资金's "2024 年" sits under 质量指标, not 时效指标: not a timeliness finding.)
SEED_FINDINGS = [
    (PROJECT_5, "satisfaction_target_not_percentage", "low", 10, SATISFACTION_5),
    (PROJECT_5, "timeliness_target_not_a_date", "low", 10, "2023 年全年"),
    (PROJECT_5, "timeliness_target_other_year", "medium", 10, "2023 年全年"),
]

# The sample night also reads the self-evaluation sample (tests/conftest.py): the seed's own
# findings are those on its file by the rules of a plan alone (its self-evaluation's findings, and
# the other documents', are tests/test_self_eval_golden.py's).
SEED_ONLY = f"a.source_file = '{SEED_PDF.name}' and a.rule not in {SELF_EVAL_RULES}"
FINDINGS_SQL = f"""
    select p.project_name, a.rule, a.severity, a.page, i.indicator_name
    from audit_findings a
    join dim_project p using (project_id, year)
    left join fct_indicator i using (indicator_id)
    where {SEED_ONLY}
    order by p.project_name, a.rule
"""


def test_seed_findings_are_exactly_the_printed_slips(sample_run: SampleRun) -> None:
    assert sample_run.query(FINDINGS_SQL) == SEED_FINDINGS
    files = sample_run.query(
        "select distinct source_file from audit_findings where list_contains(?, source_file)",
        [list(sample_run.seed_night)],
    )
    assert files == [(SEED_PDF.name,)]  # none on the bad files


def test_every_finding_has_a_bilingual_detail(sample_run: SampleRun) -> None:
    every = sample_run.query("select rule, detail from audit_findings order by rule")
    rows = sample_run.query(f"select rule, detail from audit_findings a where {SEED_ONLY}")
    assert len(rows) == len(SEED_FINDINGS)
    for rule, detail in every:  # the whole night's, the self-evaluation sample's too
        chinese, sep, english = detail.partition(" / ")
        assert sep, f"{rule}: no ' / ' between Chinese and English in {detail!r}"
        assert re.search(r"[\u4e00-\u9fff]", chinese), f"{rule}: no Chinese in {detail!r}"
        assert re.search(r"[A-Za-z]{3,}", english), f"{rule}: no English in {detail!r}"
    details = dict(rows)
    assert details["timeliness_target_other_year"] == (
        "时效指标“2023 年全年”（指标值“100%”）写的是 2023 年，不是本表年度 2024 年 / "
        "timeliness indicator “2023 年全年” (target “100%”) names 2023, table year is 2024"
    )
    assert "有效提升" in details["satisfaction_target_not_percentage"]


def test_finding_ids_are_unique_and_md5_based(sample_run: SampleRun) -> None:
    rows = sample_run.query("select finding_id from audit_findings")
    ids = [r[0] for r in rows]
    assert len(set(ids)) == len(ids) == len(SEED_FINDINGS) + 9  # the self-evaluation sample's 9
    seed = sample_run.query(f"select finding_id from audit_findings a where {SEED_ONLY}")
    assert len(seed) == len(SEED_FINDINGS)
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)


def test_two_sources_of_one_project_that_disagree(
    revisions_run: RevisionsRun, sample_run: SampleRun
) -> None:
    """司法救助资金 arrives again in a revised PDF whose 满意度 target reads ≥85% instead of ≥90%:
    one sources_disagree finding naming both files and values; dim_project lists both files.
    (The same warehouse holds that project's next-year table: never a source of this year's.)"""
    run, copy_name = revisions_run, revisions_run.revised

    projects = run.query(
        "select project_name, source_file, source_files from dim_project where year = 2024"
        " order by project_name"
    )
    assert len(projects) == 5
    for name, source_file, source_files in projects:
        assert source_file == SEED_PDF.name
        expected = f"{SEED_PDF.name}; {copy_name}" if name == "司法救助资金" else SEED_PDF.name
        assert source_files == expected, name

    disagreements = run.query(
        """
        select p.project_name, a.severity, a.source_file, a.page, i.indicator_name, a.detail
        from audit_findings a
        join dim_project p using (project_id, year)
        left join fct_indicator i using (indicator_id)
        where a.rule = 'sources_disagree'
        """
    )
    assert len(disagreements) == 1
    project, severity, source_file, page, indicator, detail = disagreements[0]
    assert (project, severity, source_file, page, indicator) == (
        "司法救助资金", "medium", SEED_PDF.name, 6, "人民群众满意度",
    )  # fmt: skip
    chinese, _, english = detail.partition(" / ")
    for half in (chinese, english):
        for text in (SEED_PDF.name, copy_name, "≥90%", "≥85%"):
            assert text in half, (text, half)

    # the other findings of this year are the seed's, with the same ids as in the sample run
    others = run.query(
        "select finding_id from audit_findings where rule <> 'sources_disagree'"
        " and source_file <> ? order by 1",
        [run.next_year],
    )
    assert others == sample_run.query(
        f"select finding_id from audit_findings a where {SEED_ONLY} order by 1"
    )
