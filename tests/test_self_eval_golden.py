"""Golden test of the sample self-evaluations: `perfbudget run` on the two sample 绩效目标表 (the
seed's text PDF and 农业农村局's scan) and the two sample 自评表 (政法委 text PDF, 农业农村局
scan) gives every printed value of the self-evaluation tables exactly, each one joined to its
planned indicator, and the findings the sample was written to show. The night is the sample run
(tests/conftest.py), which also reads the seed's bad files. The same night shows OCR
confidence reaching the marts on the 农业农村局 scan, and that scan's golden rows as the night read
and landed them (tests/test_scans.py OCRed the same six pages a second time for them).

These need the form reader's support for 项目支出绩效自评表 (flows.forms, branch "reader"): on a
branch without it the self-evaluation files are ingest errors and these tests fail; the marts
themselves are checked on hand-landed rows in tests/test_self_eval_models.py."""

from __future__ import annotations

import csv
from decimal import Decimal

from bench.match import loose
from tests.conftest import GOLDEN, SEED_PDF, SELF_EVAL_SAMPLE, SampleRun
from tests.fixtures.agri_truth import AGRI_PROJECTS
from tests.fixtures.build_agri_scan import DEFAULT_OUTPUT as AGRI_SCAN
from tests.fixtures.selfeval_truth import AGRI_SCAN_FILE, ZF_FILE


def golden(name: str) -> list[dict[str, str]]:
    with (GOLDEN / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def flag(text: str) -> bool | None:
    return {"true": True, "false": False, "": None}[text]


def test_every_document_is_read(sample_run: SampleRun) -> None:
    sample = [SEED_PDF.name, *(path.name for path in SELF_EVAL_SAMPLE)]
    errors = "select source_file, stage, error from ingest_errors"
    errors += " where list_contains(?, source_file)"
    assert sample_run.query(errors, [sample]) == []  # the night's bad files are test_pipeline's
    files = sample_run.query("select distinct source_file from fct_project_execution order by 1")
    assert files == sorted([(ZF_FILE,), (AGRI_SCAN_FILE,)])


def test_execution_block_exact(sample_run: SampleRun) -> None:
    rows = sample_run.query(
        """
        select e.source_file, p.project_name, e.year, e.budget_initial_wan,
               e.budget_full_year_wan, e.executed_wan, e.execution_rate, e.funds_weight,
               e.funds_score, e.total_score
        from fct_project_execution e join dim_project p using (project_id, year)
        order by e.source_file, p.project_name
        """
    )
    expected = [
        (r["source_file"], r["project_name"], int(r["year"]),
         *(Decimal(r[k]) for k in ("budget_initial_wan", "budget_full_year_wan", "executed_wan",
                                   "execution_rate", "funds_weight", "funds_score",
                                   "total_score")))
        for r in golden("selfeval_execution.csv")
    ]  # fmt: skip
    assert rows == sorted(expected)


def test_every_indicator_value_exact_and_joined(sample_run: SampleRun) -> None:
    rows = sample_run.query(
        """
        select r.source_file, p.project_name, r.indicator_seq, r.level1, r.level2,
               r.indicator_name, t.plan_target_raw, r.target_raw, r.actual_raw, r.weight,
               r.score, coalesce(r.deviation_reason, ''), t.target_changed, t.achieved
        from fct_indicator_result r
        join dim_project p using (project_id, year)
        join fct_target_vs_actual t using (indicator_result_id)
        order by r.source_file, p.project_name, r.indicator_seq
        """
    )
    expected = [
        (r["source_file"], r["project_name"], int(r["indicator_seq"]), r["level1"], r["level2"],
         r["indicator_name"], r["plan_target_raw"], r["target_raw"], r["actual_raw"],
         Decimal(r["weight"]), Decimal(r["score"]), r["deviation_reason"],
         flag(r["target_changed"]), flag(r["achieved"]))
        for r in golden("selfeval_indicators.csv")
    ]  # fmt: skip
    assert rows == sorted(expected)


def test_the_join_is_complete(sample_run: SampleRun) -> None:
    """Every self-evaluated indicator found its planned indicator on name and category, and every
    planned indicator of the three evaluated projects was evaluated."""
    unmatched = sample_run.query(
        "select indicator_name from fct_target_vs_actual "
        "where indicator_id is null or match_method != 'name_level2'"
    )
    assert unmatched == []
    counts = sample_run.query(
        """
        select
            (select count(*) from fct_target_vs_actual),
            (select count(distinct indicator_id) from fct_target_vs_actual),
            (select count(*) from fct_indicator
             where project_id in (select project_id from fct_project_execution))
        """
    )
    assert counts == [(30, 30, 30)]


def test_findings_show_the_changed_and_missed_targets(sample_run: SampleRun) -> None:
    rows = sample_run.query(
        """
        select p.project_name, a.rule, coalesce(r.indicator_name, ''), a.source_file
        from audit_findings a
        join dim_project p using (project_id, year)
        left join fct_indicator_result r using (indicator_result_id)
        where a.rule in ('target_changed_at_year_end', 'indicator_not_evaluated',
            'indicator_not_planned', 'full_score_target_missed', 'execution_rate_mismatch',
            'funds_score_above_weight', 'funds_score_inconsistent_with_rate',
            'total_score_mismatch', 'weights_not_100', 'targets_without_self_evaluation',
            'self_evaluation_without_targets')
        order by all
        """
    )
    seed = SEED_PDF.name
    agri = AGRI_SCAN.name
    assert rows == sorted([
        ("司法救助资金", "target_changed_at_year_end", "司法救助人数", ZF_FILE),
        ("司法救助资金", "full_score_target_missed", "人民群众满意度", ZF_FILE),
        ("高标准农田建设项目管理经费", "target_changed_at_year_end", "开展项目实地督导检查",
         AGRI_SCAN_FILE),
        # the department published self-evaluations, but not of these projects
        ("创新社会治理、国家安全、反邪教工作经费", "targets_without_self_evaluation", "", seed),
        ("扫黑除恶及政法队伍教育整顿工作经费", "targets_without_self_evaluation", "", seed),
        ("社会治安综合治理工作经费", "targets_without_self_evaluation", "", seed),
        ("农村人居环境整治经费", "targets_without_self_evaluation", "", agri),
        ("动物疫病防控经费", "targets_without_self_evaluation", "", agri),
    ])  # fmt: skip


def test_ocr_confidence_reaches_the_warehouse(sample_run: SampleRun) -> None:
    """Cell confidence → raw.extracted_values.confidence → fct_indicator.ocr_confidence (the min
    over the indicator's four printed values), so low-confidence reads are visible to auditors.
    Read on the 农业农村局 scan (AGRI_SCAN) as this night landed it."""
    [(sha,)] = sample_run.query(
        "select document_sha256 from raw.documents where source_file = ?", [AGRI_SCAN.name]
    )
    # every value carries the confidence of the cell it was read from (or the lower of two cells
    # for a value the page break cut in two)
    mismatched = sample_run.query(
        """
        select v.field, v.value, v.confidence, c.confidence
        from raw.extracted_values v
        join raw.cells c using (document_sha256, page, table_index, row, col)
        where v.document_sha256 = ?
          and (v.extractor <> 'rapidocr' or v.confidence > c.confidence
               or (v.value = c.text and v.confidence <> c.confidence))
        """,
        [sha],
    )
    assert mismatched == []
    values = sample_run.query(
        "select min(confidence), max(confidence) from raw.extracted_values"
        " where field <> 'year' and document_sha256 = ?",
        [sha],
    )
    assert 0 < values[0][0] < values[0][1] <= 1
    rows = sample_run.query(
        """
        with seqs as (
            select project_seq, value as project_name
            from raw.extracted_values where field = 'project_name' and document_sha256 = $sha
        )
        select i.indicator_name, i.ocr_confidence, min(v.confidence)
        from fct_indicator i
        join dim_project p using (project_id, year)
        join seqs s on s.project_name = p.project_name
        join raw.extracted_values v
          on v.project_seq = s.project_seq and v.indicator_seq = i.indicator_seq
         and v.record_type = 'indicator' and v.document_sha256 = $sha
        where i.source_file = $file
        group by all
        """,
        {"sha": sha, "file": AGRI_SCAN.name},
    )
    assert len(rows) == 37
    assert all(conf == raw_min for _, conf, raw_min in rows)
    assert all(conf < 1 for _, conf, _ in rows), [r for r in rows if r[1] >= 1]
    assert min(conf for _, conf, _ in rows) < 0.9


FUNDS = ("total_funds", "fiscal_funds", "other_funds")


def test_agri_scan_gives_golden_rows(sample_run: SampleRun) -> None:
    """The 农业农村局 scan (AGRI_SCAN) as this night OCRed and landed it: every page read by
    rapidocr, each project's header fields, its funds exact (including the printed 其他资金 of
    the first project, 50 = 45 + 5; a blank cell as ''), every indicator, and each table starting
    on an odd page and continuing on the next. Moved from tests/test_scans.py, where it was read
    on the extraction itself; here the same values are read where the night landed them."""
    [(sha,)] = sample_run.query(
        "select document_sha256 from raw.documents where source_file = ?", [AGRI_SCAN.name]
    )
    errors = "select stage, error from ingest_errors where source_file = ?"
    assert sample_run.query(errors, [AGRI_SCAN.name]) == []
    pages = sample_run.query(
        "select page, extractor, bbox_unit, has_text_layer, n_tables > 0 from raw.pages"
        " where document_sha256 = ? order by page",
        [sha],
    )
    assert pages == [
        (n, "rapidocr", "px", False, True) for n in range(1, 2 * len(AGRI_PROJECTS) + 1)
    ]
    cells = "select distinct extractor from raw.cells where document_sha256 = ?"
    assert sample_run.query(cells, [sha]) == [("rapidocr",)]
    fields: dict[int, dict[str, tuple[str, int]]] = {}
    indicators: dict[tuple[int, int], dict[str, tuple[str, int]]] = {}
    for seq, kind, ind, field, value, page in sample_run.query(
        "select project_seq, record_type, indicator_seq, field, value, page"
        " from raw.extracted_values where document_sha256 = ?",
        [sha],
    ):
        into = (
            fields.setdefault(seq, {}) if kind == "field" else indicators.setdefault((seq, ind), {})
        )
        into[field] = (value, page)

    def printed(values: dict[str, tuple[str, int]], key: str) -> str:
        return loose(values[key][0]) if key in values else ""

    expected = golden("agri_projects.csv")
    assert sorted(fields) == list(range(1, len(expected) + 1)) and len(expected) == 3
    for seq, exp in zip(sorted(fields), expected, strict=True):
        for key in (
            "project_name", "year", "department_code", "implementing_unit",
            "project_attribute", "project_period", "overall_goal",
        ):  # fmt: skip
            assert printed(fields[seq], key) == loose(exp[key]), key
        assert tuple(printed(fields[seq], k) for k in FUNDS) == tuple(exp[k] for k in FUNDS)
    assert tuple(printed(fields[1], k) for k in FUNDS) == ("50", "45", "5")
    names = [r["project_name"] for r in expected]
    got = [
        (printed(fields[seq], "project_name"),
         *(printed(values, k) for k in ("level1", "level2", "indicator_name", "target")))
        for (seq, _), values in sorted(indicators.items())
    ]  # fmt: skip
    assert got == [
        tuple(loose(r[k]) for k in ("project_name", "level1", "level2_printed", "indicator_name"))
        + (loose(r["target"]),)
        for r in golden("agri_indicators.csv")
        if r["project_name"] in names
    ]
    # each project's table starts on an odd page (its name is printed there) and continues on
    # the next
    assert [fields[seq]["project_name"][1] for seq in sorted(fields)] == [1, 3, 5]
    assert {values["target"][1] for values in indicators.values()} == set(range(1, 7))
