"""Layout parameters: every way departments print the same form, drawn at random per document.

Why: the reader should be measured on the variety it meets, so each choice a typesetter makes is
one named field here (kept as data, listed by ``PARAMETERS``), drawn independently from the
document's seed. ``variants`` names the reader-relevant ones for per-variant scores.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields

from bench.layoutgen.fonts import FONTS

TITLE_WORDING = (
    "项目支出绩效目标表",
    "项目支出预算绩效目标表",
    "{year}年度项目支出绩效目标表",
    "项目支出绩效目标申报表",
)
TARGET_HEADING = ("指标值", "指标值（包含数字及文字描述）", "目标值", "年度指标值", "指标值及单位")
PERIOD_LABEL = ("项目期", "实施期")
DEPT_LAYOUT = ("one_cell", "code_only", "two_cells", "two_rows", "brackets")
FUNDS_LAYOUT = ("stacked", "one_row", "single_line", "split_local_upper")
EXTRA_COLUMNS = ((), ("绩效标准",), ("评分标准",), ("分值",), ("权重",), ("绩效标准", "分值"))
STANDARD_HEADING = ("绩效标准", "计划标准", "历史标准", "行业标准")
SE_BUDGET_HEADING = ("全年预算数", "调整后预算数")
SE_EXEC_HEADING = ("全年执行数", "预算执行数")
SE_WEIGHT_HEADING = ("分值", "权重")
SE_DEVIATION_HEADING = ("偏差原因分析及改进措施", "未完成原因分析")
BREAK_MODES = ("none", "header", "grid")


@dataclass
class LayoutParams:
    """One document's typesetting. Lengths in pt; fractions of the table width."""

    font: str  # 1 body font key of fonts.FONTS
    title_font: str  # 2
    font_size: float  # 3
    title_size: float  # 4
    landscape: bool  # 5
    margin_left: float  # 6
    margin_top: float  # 7
    margin_bottom: float  # 8
    table_width: float  # 9 fraction of the printable width
    line_width: float  # 10
    row_min_height: float  # 11
    cell_padding: float  # 12
    label_col: float  # 13 header label column fraction
    col_jitter: float  # 14 relative jitter of grid column widths
    title_wording: str  # 15
    annex_line: bool  # 16 "附件2：<dept>…" above the title
    unit_line: bool  # 17 "单位：万元" above the table
    target_heading: str  # 18
    period_label: str  # 19 项目期 / 实施期
    colon: str  # 20 '' / '：' / ':' after header labels
    qizhong: str  # 21 "其中：" / "其中:" / "" before 财政拨款
    dept_layout: str  # 22
    funds_layout: str  # 23
    thousands: bool  # 24 thousands separators
    in_yuan: bool  # 25 amounts printed in 元
    extra_columns: tuple[str, ...]  # 26 绩效标准 / 评分标准 / 分值 / 权重 after the value
    split_target: bool  # 27 指标性质 | 指标值 | 度量单位
    vertical_level1: bool  # 28 一级 typeset one character per line
    numbered: str  # 29 '' or '指标{k}：' / '指标{k}:' / '{k}.'
    name_column: bool  # 30 leading 名称 / 绩效指标 column
    break_mode: str  # 31 a forced page break inside the header block or the grid
    repeat_heading: bool  # 32 grid heading row repeated after a break
    new_page_per_table: bool  # 33 else several tables per page
    department_table: str  # 34 '' / 'before' / 'after'
    attribute_code: bool  # 35 项目属性 '0101-一年期项目' or '一年期项目'
    level2_style: int  # 36 bare / （必填） / (必填)
    page_numbers: bool  # 37
    years: tuple[int, ...]  # 38 one or two years in the document
    align_values_left: bool  # 39
    wrap_labels: bool  # 40 label column so narrow that labels wrap (主管部门及代 / 码)
    funds_label: str  # 41
    standard_heading: str  # 42
    repeat_split_labels: bool  # 43 a merged 一级/二级 cut by a break is printed on both pages
    goal_label: str  # 44
    # self-evaluation form
    se_budget_heading: str  # 45
    se_exec_heading: str  # 46
    se_weight_heading: str  # 47
    se_deviation_heading: str  # 48
    se_split_target: bool  # 49 指标性质 | 度量单位 columns in the 自评表 grid

    def variants(self) -> dict[str, object]:
        """The reader-relevant choices, for per-variant scores (truth ``layout.variants``)."""
        v: dict[str, object] = {}
        if self.extra_columns:
            v["extra_column"] = "+".join(self.extra_columns)
        if self.split_target:
            v["split_target"] = True
        if self.vertical_level1:
            v["vertical_level1"] = True
        if self.numbered:
            v["numbered_level3"] = self.numbered
        if self.name_column:
            v["name_column"] = True
        if self.period_label != "项目期":
            v["period_实施期"] = True
        if self.dept_layout not in ("one_cell",):
            v[f"dept_{self.dept_layout}"] = True
        if self.funds_layout != "stacked":
            v[f"funds_{self.funds_layout}"] = True
        if self.thousands:
            v["thousands"] = True
        if self.in_yuan:
            v["amounts_in_yuan"] = True
        if self.target_heading != "指标值":
            v["target_heading"] = self.target_heading
        if self.break_mode != "none":
            v[f"break_in_{self.break_mode}"] = "repeat" if self.repeat_heading else "no_repeat"
        if not self.new_page_per_table:
            v["tables_share_pages"] = True
        if self.department_table:
            v["department_table"] = self.department_table
        if len(self.years) > 1:
            v["two_years"] = list(self.years)
        if self.wrap_labels:
            v["wrapped_labels"] = True
        if self.colon:
            v["label_colon"] = self.colon
        if self.title_wording != TITLE_WORDING[0]:
            v["title_wording"] = self.title_wording
        if self.annex_line and "{year}" not in self.title_wording:
            v["year_only_in_annex_line"] = True
        return v


PARAMETERS = tuple(f.name for f in fields(LayoutParams))


def draw(rng: random.Random, kind: str) -> LayoutParams:
    """Every parameter independently at random (image documents stay on one page)."""
    year = rng.randint(2020, 2030)
    years = (
        (year,) if rng.random() < 0.75 else (year, min(2030, year + 1) if year < 2030 else year - 1)
    )
    fonts = sorted(FONTS)
    image = kind == "image"
    return LayoutParams(
        font=rng.choice(fonts),
        title_font=rng.choice(fonts),
        font_size=rng.choice((9.0, 9.5, 10.0, 10.5, 11.0, 12.0))
        if not image
        else rng.choice((9.0, 10.0)),
        title_size=rng.uniform(14, 20),
        landscape=rng.random() < 0.12 and not image,
        margin_left=rng.uniform(40, 80),
        margin_top=rng.uniform(40, 80),
        margin_bottom=rng.uniform(40, 70),
        table_width=rng.uniform(0.9, 1.0),
        line_width=rng.choice((0.5, 0.75, 1.0, 1.25)),
        row_min_height=rng.uniform(18, 30),
        cell_padding=rng.uniform(2.5, 5.0),
        label_col=rng.uniform(0.11, 0.2),
        col_jitter=rng.uniform(0.0, 0.25),
        title_wording=rng.choice(TITLE_WORDING),
        annex_line=rng.random() < 0.5,
        unit_line=rng.random() < 0.4,
        target_heading=rng.choice(TARGET_HEADING),
        period_label=rng.choice(PERIOD_LABEL),
        colon=rng.choice(("", "", "：", ":")),
        qizhong=rng.choice(("其中：", "其中:", "")),
        dept_layout=rng.choice(DEPT_LAYOUT),
        funds_layout=rng.choice(FUNDS_LAYOUT),
        thousands=rng.random() < 0.25,
        in_yuan=rng.random() < 0.15,
        extra_columns=rng.choice(EXTRA_COLUMNS) if rng.random() < 0.4 else (),
        split_target=rng.random() < 0.3,
        vertical_level1=rng.random() < 0.35,
        numbered=rng.choice(("指标{k}：", "指标{k}:", "{k}.")) if rng.random() < 0.25 else "",
        name_column=rng.random() < 0.35,
        break_mode=rng.choice(BREAK_MODES) if not image else "none",
        repeat_heading=rng.random() < 0.5,
        new_page_per_table=rng.random() < 0.5,
        department_table=rng.choice(("", "", "", "before", "after")) if not image else "",
        attribute_code=rng.random() < 0.5,
        level2_style=rng.choice((0, 1, 2)),
        page_numbers=rng.random() < 0.4,
        years=years if not image else (year,),
        align_values_left=rng.random() < 0.5,
        wrap_labels=rng.random() < 0.3,
        funds_label=rng.choice(
            ("项目资金（万元）", "项目资金\n（万元）", "资金情况（万元）", "项目资金")
        ),
        standard_heading=rng.choice(STANDARD_HEADING),
        repeat_split_labels=rng.random() < 0.5,
        goal_label=rng.choice(("年度总体目标", "年度绩效目标", "总体目标")),
        se_budget_heading=rng.choice(SE_BUDGET_HEADING),
        se_exec_heading=rng.choice(SE_EXEC_HEADING),
        se_weight_heading=rng.choice(SE_WEIGHT_HEADING),
        se_deviation_heading=rng.choice(SE_DEVIATION_HEADING),
        se_split_target=rng.random() < 0.25,
    )


def as_json(p: LayoutParams) -> dict[str, object]:
    d = asdict(p)
    d["variants"] = p.variants()
    return d
