"""End to end: `perfbudget run` on the seed PDF and bad files → marts equal the committed golden.
The sample night also reads the self-evaluation sample (tests/conftest.py): what is asserted here
is read on the seed's documents."""

from __future__ import annotations

import csv
from decimal import Decimal

from tests.conftest import GOLDEN, SEED_PDF, RevisionsRun, SampleRun


def golden(name: str) -> list[dict[str, str]]:
    with (GOLDEN / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_run_summary_counts_ingested_and_failed(sample_run: SampleRun) -> None:
    s = sample_run.summary
    # the seed and its bad files (1 + 4), and the self-evaluation sample (3, all ingested)
    assert (s.documents_seen, s.documents_ingested, s.documents_failed) == (5 + 3, 1 + 3, 4)
    assert (s.projects, s.indicators) == (5 + 3, 49 + 37)  # the seed's and the 农业农村局 scan's


def test_projects_and_funds_match_golden(sample_run: SampleRun) -> None:
    rows = sample_run.query(
        """
        select p.project_name, p.year, p.department_code, p.implementing_unit,
               p.project_attribute, p.project_period, f.total_funds_wan, f.fiscal_funds_wan,
               f.other_funds_wan, p.overall_goal, p.source_file
        from dim_project p join fct_project_funds f using (project_id, year)
        where p.source_file = ?
        order by f.total_funds_wan, p.project_name
        """,
        [SEED_PDF.name],
    )
    expected = sorted(golden("seed_projects.csv"), key=lambda r: Decimal(r["total_funds"]))
    assert len(rows) == 5
    for row, exp in zip(rows, expected, strict=True):
        assert row[:6] == (
            exp["project_name"],
            int(exp["year"]),
            exp["department_code"],
            exp["implementing_unit"],
            exp["project_attribute"],
            exp["project_period"],
        )
        # a blank 其他资金 is 0 when the total equals 财政拨款
        assert row[6:9] == (Decimal(exp["total_funds"]), Decimal(exp["fiscal_funds"]), Decimal(0))
        assert row[9] == exp["overall_goal"]
        assert row[10] == SEED_PDF.name
    assert sorted(r[6] for r in rows) == [Decimal(x) for x in ("10", "15", "20", "30", "148.796")]


def test_indicators_match_golden(sample_run: SampleRun) -> None:
    rows = sample_run.query(
        """
        select p.project_name, i.level1, i.level2, i.indicator_name, i.target_raw,
               i.is_mandatory, i.is_hard, i.level2_printed
        from fct_indicator i join dim_project p using (project_id, year)
        where i.source_file = ?
        order by i.source_file, i.page, i.indicator_seq
        """,
        [SEED_PDF.name],
    )
    expected = [
        (
            r["project_name"], r["level1"], r["level2"], r["indicator_name"], r["target"],
            r["is_mandatory"] == "true", r["is_hard"] == "true", r["level2_printed"],
        )
        for r in golden("seed_indicators.csv")
    ]  # fmt: skip
    assert rows == expected
    counts = sample_run.query(
        "select project_name, count(*) from fct_indicator i"
        " join dim_project using (project_id, year) where i.source_file = ? group by all",
        [SEED_PDF.name],
    )
    assert sorted(n for _, n in counts) == [8, 9, 10, 10, 12]


def test_every_indicator_traces_to_its_page(sample_run: SampleRun) -> None:
    rows = sample_run.query(
        "select page, source_file, ocr_confidence from fct_indicator where indicator_name = ?",
        ["专职网格员"],
    )
    assert rows == [(8, SEED_PDF.name, 1.0)]  # continued on page 8 after the break
    missing = sample_run.query(
        "select count(*) from raw.extracted_values where x0 is null and field <> 'year'"
    )
    assert missing == [(0,)]


def test_each_bad_document_yields_one_clear_error(sample_run: SampleRun) -> None:
    rows = sample_run.query(
        "select source_file, stage, error from ingest_errors order by source_file"
    )  # the whole night's: the self-evaluation sample has none
    assert {r[0]: r[1] for r in rows} == sample_run.bad
    assert len(rows) == len(sample_run.bad)
    messages = {r[0]: r[2] for r in rows}
    assert messages["empty.pdf"] == "the file is empty (0 bytes)"
    assert messages["损坏的 文件.pdf"].startswith("the PDF cannot be opened; it is damaged")
    assert messages["meeting_minutes.pdf"] == (
        "no 绩效目标表 found in 1 page(s); 1 page(s) have no ruled table"
    )
    assert messages["big.pdf"] == (
        "page 1 cannot be read: page 1 of big.pdf would rasterise to more than 100,000,000 "
        "pixels at 200 dpi"
    )
    docs = sample_run.query(
        "select source_file, status from dim_document where list_contains(?, source_file)",
        [list(sample_run.seed_night)],
    )
    assert dict(docs) == {
        SEED_PDF.name: "ingested",
        "big.pdf": "failed",  # deterministic: tried again only when its bytes change
        "empty.pdf": "failed",
        "meeting_minutes.pdf": "failed",
        "损坏的 文件.pdf": "failed",
    }


def test_project_id_is_stable_across_years(revisions_run: RevisionsRun) -> None:
    """The same department code and project name in another year's table → the same project_id,
    so a year-over-year comparison is one join. (The build also ran dbt's unit tests, which the
    nightly build leaves out: all pass.)"""
    assert len(revisions_run.unit_tests) >= 10 and set(revisions_run.unit_tests) == {"pass"}
    run = revisions_run
    rows = run.query(
        """
        select p.project_name, a.total_funds_wan, b.total_funds_wan
        from fct_project_funds a
        join fct_project_funds b on a.project_id = b.project_id and b.year = a.year + 1
        join dim_project p on p.project_id = a.project_id and p.year = a.year
        """
    )
    assert rows == [("司法救助资金", Decimal("10"), Decimal("12"))]
