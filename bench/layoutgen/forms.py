"""The three forms as tables of merged cells, shaped by the layout parameters.

Why: one place says how 项目支出绩效目标表, 项目支出绩效自评表 and 部门整体绩效目标表 are printed
under each variant; the typesetter only knows cells. Each header row is its own block (their
column structures differ from row to row as in real forms); the indicator grid is one block so
its 一级/二级 labels can be merged down.
"""

from __future__ import annotations

import random
import re

from bench.layoutgen.content import DepartmentTable, Funds, Indicator, Project, Target, fmt_num
from bench.layoutgen.params import LayoutParams
from bench.layoutgen.render import Block, Cell, Row, Table

SCORING = (
    "完成得满分，未完成按比例扣分",
    "达到目标值得满分",
    "每低1个百分点扣0.5分",
    "未按时完成不得分",
)


def amount(x_wan: float, p: LayoutParams) -> str:
    """An amount as this document prints it: 万元 or 元, with or without thousands separators."""
    if p.in_yuan:
        yuan = round(x_wan * 10000, 2)
        s = f"{yuan:,.2f}" if p.thousands else f"{yuan:.2f}"
        return s[:-3] if s.endswith(".00") else s
    s = fmt_num(x_wan)
    if p.thousands and abs(x_wan) >= 1000:
        whole, _, frac = s.partition(".")
        s = f"{int(whole):,}" + (f".{frac}" if frac else "")
    return s


def _label(text: str, p: LayoutParams, colon: bool = True) -> Cell:
    return Cell(0, text + (p.colon if colon else ""), align="center")


NUMERIC = re.compile(r"[\d.,%/≥≤<>=+-]{1,14}")
NOWRAP_FIELDS = {"weight", "score", "target_value", "overall_weight", "overall_score"}


def _val(col: int, text: str, fld: str, p: LayoutParams, span: int = 1) -> Cell:
    """A value cell; amounts, weights, scores and short numbers never break inside."""
    numeric = bool(NUMERIC.fullmatch(text))
    nowrap = numeric and (fld.startswith(("funds_", "total_", "fiscal_", "carryover_", "other_")))
    nowrap = nowrap or (numeric and fld in NOWRAP_FIELDS | {"actual", "target"})
    align = "left" if p.align_values_left else "center"
    return Cell(col, text, span=span, field=fld, align=align, nowrap=nowrap)


def _cols(p: LayoutParams, rng: random.Random, weights: list[float]) -> list[float]:
    """Column fractions from nominal weights, jittered per document."""
    ws = [w * (1 + rng.uniform(-p.col_jitter, p.col_jitter)) for w in weights]
    s = sum(ws)
    return [w / s for w in ws]


def _label_frac(p: LayoutParams) -> float:
    return 0.085 if p.wrap_labels else p.label_col


def funds_unit(p: LayoutParams) -> str:
    return "元" if p.in_yuan else "万元"


def funds_label(p: LayoutParams) -> str:
    lab = p.funds_label
    if p.in_yuan:
        lab = lab.replace("万元", "元") if "万元" in lab else "项目资金（元）"
    return lab


def header_rows(pr: Project, p: LayoutParams, rng: random.Random) -> list[Block]:
    """项目名称 … 年度总体目标 of a 绩效目标表 as blocks."""
    L = _label_frac(p)
    four = [L, (1 - 2 * L) * 0.45, L, (1 - 2 * L) * 0.55]
    two = [L, 1 - L]
    blocks = [
        Block(two, [Row([_label("项目名称", p), _val(1, pr.name, "project_name", p)], "header")])
    ]
    unit = [_label("实施单位", p), _val(3, pr.implementing_unit, "implementing_unit", p)]
    unit[0].col = 2
    d = p.dept_layout
    if d == "two_rows":
        blocks.append(
            Block(
                two,
                [Row([_label("主管部门", p), _val(1, pr.department, "department", p)], "header")],
            )
        )
        blocks.append(
            Block(
                four,
                [
                    Row(
                        [
                            _label("部门代码", p),
                            _val(1, pr.department_code, "department_code", p),
                            *unit,
                        ],
                        "header",
                    )
                ],
            )
        )
    elif d == "two_cells":
        cols = [L, (1 - 2 * L) * 0.3, (1 - 2 * L) * 0.15, L, (1 - 2 * L) * 0.55]
        u = [Cell(3, "实施单位" + p.colon), _val(4, pr.implementing_unit, "implementing_unit", p)]
        blocks.append(
            Block(
                cols,
                [
                    Row(
                        [
                            _label("主管部门及代码", p),
                            _val(1, pr.department, "department", p),
                            _val(2, pr.department_code, "department_code", p),
                            *u,
                        ],
                        "header",
                    )
                ],
            )
        )
    else:
        text = {
            "one_cell": f"{pr.department} {pr.department_code}",
            "code_only": pr.department_code,
            "brackets": f"{pr.department}（{pr.department_code}）",
        }[d]
        blocks.append(
            Block(
                four,
                [
                    Row(
                        [_label("主管部门及代码", p), _val(1, text, "department_code", p), *unit],
                        "header",
                    )
                ],
            )
        )
    attr = f"{pr.attribute[0]}-{pr.attribute[1]}" if p.attribute_code else pr.attribute[1]
    per = [Cell(2, p.period_label + p.colon), _val(3, pr.period, "project_period", p)]
    blocks.append(
        Block(
            four,
            [Row([_label("项目属性", p), _val(1, attr, "project_attribute", p), *per], "header")],
        )
    )
    blocks.append(funds_block(pr.funds, p, rng))
    blocks.append(
        Block(
            two,
            [Row([_label(p.goal_label, p), _val(1, pr.overall_goal, "overall_goal", p)], "header")],
        )
    )
    return blocks


def funds_block(f: Funds, p: LayoutParams, rng: random.Random) -> Block:
    L = _label_frac(p)
    q = p.qizhong
    zero = rng.choice(("", "0", "0.00")) if not p.in_yuan else rng.choice(("", "0"))

    def amt(x: float) -> str:
        return zero if x == 0 else amount(x, p)

    lab = Cell(0, funds_label(p), align="center")
    if p.funds_layout == "one_row":
        cols = [L] + [(1 - L) / 6] * 6
        cells = [
            lab,
            Cell(1, "年度资金总额" + p.colon),
            _val(2, amt(f.total), "funds_total", p),
            Cell(3, f"{q}财政拨款"),
            _val(4, amt(f.fiscal), "funds_fiscal", p),
            Cell(5, "其他资金"),
            _val(6, amt(f.other), "funds_other", p),
        ]
        return Block(cols, [Row(cells, "funds")])
    cols = [L, (1 - L) * 0.35, (1 - L) * 0.65]
    if p.funds_layout == "single_line":
        return Block(
            cols,
            [
                Row(
                    [
                        lab,
                        Cell(1, "年度本级预算金额" + p.colon),
                        _val(2, amt(f.total), "funds_total", p),
                    ],
                    "funds",
                )
            ],
        )
    lines = [("年度资金总额" + p.colon, f.total, "funds_total")]
    if p.funds_layout == "split_local_upper":
        lines += [
            (f"{q}本级财政资金", f.fiscal_local, "funds_fiscal_local"),
            ("上级补助资金", f.fiscal_upper, "funds_fiscal_upper"),
        ]
    else:
        lines += [(f"{q}财政拨款", f.fiscal, "funds_fiscal")]
    lines += [("其他资金", f.other, "funds_other")]
    lab.rowspan = len(lines)
    rows = [
        Row(([lab] if k == 0 else []) + [Cell(1, t), _val(2, amt(v), fld, p)], "funds")
        for k, (t, v, fld) in enumerate(lines)
    ]
    return Block(cols, rows)


def _runs(values: list[str]) -> list[tuple[int, int]]:
    """(start, length) of runs of equal consecutive values."""
    out: list[tuple[int, int]] = []
    for i, v in enumerate(values):
        if out and values[out[-1][0]] == v:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((i, 1))
    return out


def printed_name(ind: Indicator, k: int, p: LayoutParams) -> str:
    return (p.numbered.format(k=k + 1) if p.numbered else "") + ind.name


def grid_block(
    inds: list[Indicator],
    p: LayoutParams,
    rng: random.Random,
    extras: tuple[str, ...],
    name_col: bool,
) -> tuple[Block, int]:
    """The indicator grid of a 绩效目标表 / 部门整体表; returns the block and its heading row."""
    heads: list[tuple[str, float]] = []
    if name_col:
        heads.append(("名称", 0.07))
    heads += [("一级指标", 0.09), ("二级指标", 0.14), ("三级指标", 0.3)]
    if p.split_target:
        heads += [("指标性质", 0.08), (p.target_heading, 0.12), ("度量单位", 0.08)]
    else:
        heads.append((p.target_heading, 0.22))
    for e in extras:
        heads.append(
            (
                p.standard_heading if e == "绩效标准" else e,
                0.13 if e in ("绩效标准", "评分标准") else 0.07,
            )
        )
    cols = _cols(p, rng, [w for _, w in heads])
    head = Row([Cell(i, h) for i, (h, _) in enumerate(heads)], "grid_head")
    rows: list[Row] = [head]
    c0 = 1 if name_col else 0
    l1_runs = _runs([i.level1 for i in inds])
    l2_runs = _runs([f"{i.level1}/{i.level2_printed}" for i in inds])
    for k, ind in enumerate(inds):
        cells: list[Cell] = []
        if name_col and k == 0:
            cells.append(Cell(0, "绩效指标", rowspan=len(inds), vertical=p.vertical_level1))
        for start, n in l1_runs:
            if start == k:
                cells.append(Cell(c0, ind.level1, rowspan=n, vertical=p.vertical_level1))
        for start, n in l2_runs:
            if start == k:
                cells.append(Cell(c0 + 1, ind.level2_printed, rowspan=n))
        col = c0 + 2
        cells.append(_val(col, printed_name(ind, k, p), "indicator_name", p))
        t = ind.target
        if p.split_target:
            cells += [
                Cell(
                    col + 1, t.split_nature, field="target_nature", nowrap=len(t.split_nature) <= 3
                ),
                _val(col + 2, t.value, "target_value", p),
            ]
            cells.append(Cell(col + 3, t.unit, field="measure_unit", nowrap=len(t.unit) <= 3))
            col += 3
        else:
            cells.append(_val(col + 1, t.raw, "target", p))
            col += 1
        for e in extras:
            col += 1
            v = {"绩效标准": ind.standard, "评分标准": ind.scoring}.get(e, ind.weight)
            cells.append(
                _val(
                    col,
                    v,
                    {"绩效标准": "standard", "评分标准": "scoring_standard"}.get(e, "weight"),
                    p,
                )
            )
        rows.append(Row(cells, f"ind:{k}"))
    return Block(cols, rows), 0


def fill_extras(
    inds: list[Indicator], extras: tuple[str, ...], rng: random.Random, p: LayoutParams
) -> None:
    """Extra columns' values: a standard's kind, a scoring rule, whole weights summing to 90."""
    if "分值" in extras or "权重" in extras:
        base, extra = divmod(90, len(inds))
        for k, ind in enumerate(inds):
            ind.weight = str(base + (1 if k < extra else 0))
    for ind in inds:
        ind.standard = (
            rng.choice(("计划标准", "历史标准", "行业标准"))
            if p.standard_heading == "绩效标准"
            else ind.target.raw
        )
        ind.scoring = rng.choice(SCORING)


def title_lines(
    p: LayoutParams, dept: str, year: int, what: str, annex_no: int
) -> list[tuple[str, float, str, str]]:
    lines: list[tuple[str, float, str, str]] = []
    wording = p.title_wording if what == "project_target" else what
    if p.annex_line:
        lines.append(
            (
                f"附件{annex_no}：{dept}{year}年{wording.replace('{year}年度', '')}",
                p.font_size + 1,
                "body",
                "left",
            )
        )
    title = wording.format(year=year)
    lines.append((title, p.title_size, "title", "center"))
    if "{year}" not in wording and not p.annex_line:
        lines.append((f"（{year}年度）", p.font_size + 1, "body", "center"))
    if p.unit_line:
        lines.append((f"单位：{funds_unit(p)}", p.font_size, "body", "left"))
    return lines


def target_table(
    pr: Project, p: LayoutParams, rng: random.Random, key: str, annex_no: int
) -> Table:
    """One 项目支出绩效目标表."""
    blocks = header_rows(pr, p, rng)
    fill_extras(pr.indicators, p.extra_columns, rng, p)
    grid, head_row = grid_block(pr.indicators, p, rng, p.extra_columns, p.name_column)
    blocks.append(grid)
    return Table(
        key,
        title_lines(p, pr.department, pr.year, "project_target", annex_no),
        blocks,
        grid_head=(len(blocks) - 1, head_row),
        new_page=p.new_page_per_table,
    )


def department_table(dt: DepartmentTable, p: LayoutParams, rng: random.Random, key: str) -> Table:
    """A 部门整体绩效目标表: 部门名称, 年度主要任务 with budgets, 年度总体目标, indicator grid."""
    L = _label_frac(p)
    four = [L, (1 - 2 * L) * 0.5, L, (1 - 2 * L) * 0.5]
    blocks = [
        Block(
            four,
            [
                Row(
                    [
                        _label("部门名称", p),
                        Cell(1, dt.department, field="department"),
                        Cell(2, "部门代码"),
                        Cell(3, dt.department_code, field="department_code"),
                    ],
                    "header",
                )
            ],
        )
    ]
    tcols = [L, (1 - L) * 0.3, (1 - L) * 0.5, (1 - L) * 0.2]
    rows = [
        Row(
            [
                Cell(0, "年度主要任务", rowspan=len(dt.tasks) + 2),
                Cell(1, "任务名称"),
                Cell(2, "主要内容"),
                Cell(3, "预算金额（万元）"),
            ],
            "header",
        )
    ]
    for name, text, amt in dt.tasks:
        rows.append(
            Row(
                [
                    Cell(1, name, field="task"),
                    Cell(2, text, field="task_content"),
                    Cell(3, fmt_num(amt, 2), field="task_amount"),
                ],
                "header",
            )
        )
    rows.append(
        Row(
            [
                Cell(1, "金额合计", span=2),
                Cell(3, fmt_num(sum(t[2] for t in dt.tasks), 2), field="total_amount"),
            ],
            "header",
        )
    )
    blocks.append(Block(tcols, rows))
    blocks.append(
        Block(
            [L, 1 - L],
            [
                Row(
                    [
                        _label("年度总体目标", p),
                        Cell(1, dt.overall_goal, field="overall_goal", align="left"),
                    ],
                    "header",
                )
            ],
        )
    )
    grid, head_row = grid_block(dt.indicators, p, rng, (), False)
    blocks.append(grid)
    title = rng.choice(
        ("部门整体绩效目标表", "部门整体支出绩效目标表", "{year}年度部门整体绩效目标表")
    )
    lines = [(title.format(year=dt.year), p.title_size, "title", "center")]
    if "{year}" not in title:
        lines.append((f"（{dt.year}年度）", p.font_size + 1, "body", "center"))
    return Table(key, lines, blocks, grid_head=(len(blocks) - 1, head_row), new_page=True)


def _w(x: float) -> str:
    return fmt_num(x, 2)


def self_eval_table(pr: Project, p: LayoutParams, rng: random.Random, key: str) -> Table:
    """One 项目支出绩效自评表 (header, funds execution, goals, graded indicator grid, 总分)."""
    assert pr.se_funds is not None
    L = _label_frac(p)
    two = [L, 1 - L]
    four = [L, (1 - 2 * L) * 0.45, L, (1 - 2 * L) * 0.55]
    blocks = [
        Block(two, [Row([_label("项目名称", p), _val(1, pr.name, "project_name", p)], "header")]),
        Block(
            four,
            [
                Row(
                    [
                        _label("主管部门", p),
                        _val(1, pr.department, "department", p),
                        Cell(2, "实施单位" + p.colon),
                        _val(3, pr.implementing_unit, "implementing_unit", p),
                    ],
                    "header",
                )
            ],
        ),
    ]
    f = pr.se_funds
    fl = (1 - L) * 0.22
    cols = [L, fl] + [(1 - L - fl) / 6] * 6
    heads = [
        "年初预算数",
        p.se_budget_heading,
        p.se_exec_heading,
        p.se_weight_heading,
        "执行率",
        "得分",
    ]
    rows = [
        Row(
            [
                Cell(
                    0,
                    "项目资金（万元）" if p.in_yuan else funds_label(p),  # 自评表 amounts: 万元
                    rowspan=5,
                ),
                Cell(1, ""),
            ]
            + [Cell(2 + i, h) for i, h in enumerate(heads)],
            "funds",
        )
    ]
    names = {
        "total": "年度资金总额",
        "fiscal": f"{p.qizhong or '其中：'}当年财政拨款",
        "carryover": "上年结转资金",
        "other": "其他资金",
    }
    for rk, label in names.items():
        a, b, c = f.rows[rk]
        cells = [Cell(1, label)] + [
            _val(2 + i, _w(v), f"{rk}_{col}", p)
            for i, (v, col) in enumerate(
                ((a, "budget_initial"), (b, "budget_full_year"), (c, "executed"))
            )
        ]
        if rk == "total":
            cells += [
                _val(5, str(f.weight), "total_weight", p),
                _val(6, f.rate_printed, "total_execution_rate", p),
                _val(7, _w(f.score), "total_score", p),
            ]
        else:
            cells += [
                Cell(5 + i, "/", field=f"{rk}_{col}")
                for i, col in enumerate(("weight", "execution_rate", "score"))
            ]
        rows.append(Row(cells, "funds"))
    blocks.append(Block(cols, rows))
    half = (1 - L) / 2
    blocks.append(
        Block(
            [L, half, half],
            [
                Row(
                    [
                        Cell(0, "年度总体目标", rowspan=2),
                        Cell(1, "预期目标"),
                        Cell(2, "实际完成情况"),
                    ],
                    "header",
                ),
                Row(
                    [
                        _val(1, pr.overall_goal, "overall_goal", p),
                        _val(2, pr.goal_actual, "overall_goal_actual", p),
                    ],
                    "header",
                ),
            ],
        )
    )
    heads2: list[tuple[str, float]] = [
        ("绩效指标", 0.06),
        ("一级指标", 0.08),
        ("二级指标", 0.1),
        ("三级指标", 0.17),
    ]
    if p.se_split_target:
        heads2 += [("指标性质", 0.06), ("年度指标值", 0.09), ("度量单位", 0.06)]
    else:
        heads2 += [("年度指标值", 0.1)]
    heads2 += [
        ("实际完成值", 0.1),
        (p.se_weight_heading, 0.05),
        ("得分", 0.05),
        (p.se_deviation_heading, 0.18),
    ]
    gcols = _cols(p, rng, [w for _, w in heads2])
    grows = [Row([Cell(i, h) for i, (h, _) in enumerate(heads2)], "grid_head")]
    inds = pr.indicators
    l1_runs = _runs([i.level1 for i in inds])
    l2_runs = _runs([f"{i.level1}/{i.level2_printed}" for i in inds])
    for k, ind in enumerate(inds):
        cells = [Cell(0, "绩效指标", rowspan=len(inds) + 1, vertical=True)] if k == 0 else []
        cells += [
            Cell(1, ind.level1, rowspan=n, vertical=p.vertical_level1) for s, n in l1_runs if s == k
        ]
        cells += [Cell(2, ind.level2_printed, rowspan=n) for s, n in l2_runs if s == k]
        cells.append(_val(3, printed_name(ind, k, p), "indicator_name", p))
        t, a = ind.eval_target or ind.target, ind.actual or Target("", "", "")
        col = 4
        if p.se_split_target:
            cells += [
                Cell(4, t.split_nature, field="target_nature", nowrap=len(t.split_nature) <= 3),
                _val(5, t.value, "target_value", p),
                Cell(6, t.unit, field="measure_unit", nowrap=len(t.unit) <= 3),
            ]
            cells.append(_val(7, a.value, "actual", p))
            col = 8
        else:
            cells += [_val(4, t.raw, "target", p), _val(5, a.raw, "actual", p)]
            col = 6
        cells += [
            _val(col, _w(ind.eval_weight), "weight", p),
            _val(col + 1, _w(ind.eval_score), "score", p),
        ]
        cells.append(Cell(col + 2, ind.deviation, field="deviation_reason", align="left"))
        grows.append(Row(cells, f"ind:{k}"))
    n = len(heads2)
    grows.append(
        Row(
            [
                Cell(1, "总分", span=n - 4),
                Cell(n - 3, "100", field="overall_weight", nowrap=True),
                Cell(n - 2, _w(pr.total_score), field="overall_score", nowrap=True),
                Cell(n - 1, ""),
            ],
            "total",
        )
    )
    blocks.append(Block(gcols, grows))
    lines = []
    if p.annex_line:
        lines.append(
            (
                f"附件：{pr.department}{pr.year}年度项目支出绩效自评表",
                p.font_size + 1,
                "body",
                "left",
            )
        )
    lines.append(("项目支出绩效自评表", p.title_size, "title", "center"))
    lines.append((f"（{pr.year}年度）", p.font_size + 1, "body", "center"))
    return Table(key, lines, blocks, grid_head=(len(blocks) - 1, 0), new_page=p.new_page_per_table)
