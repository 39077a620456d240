"""The three forms described as data: which printed labels name which fields, which grid headings
name which columns, which alternatives departments print. The reader (`flows.forms.reader`)
applies a description; it holds no label or heading of its own.

Labels and headings are written as `flows.text.label_key` spells them (NFKC, no spaces, no
colons, no 其中 prefix) and match a printed cell by prefix, longest alternative first, so
`主管部门及代码` wins over `主管部门` and `年度指标值` over `指标值`.
"""

from __future__ import annotations

import csv
import functools
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from flows.text import normalize


@dataclass(frozen=True)
class Label:
    """A header label and the field its value lands as.

    `below`: the value is printed under the label (a column head like 预期目标), not to its right.
    `group`: a label that only groups others (项目资金（万元）); it has no value of its own but may
    print the funds unit.
    `wide`: a long text that may run on over the next cells of its row (a stray rule cuts it).
    `block`: a list printed in rows of cells beside the merged label (年度主要任务), landed as
    printed, one line per row, cells joined by ' | '.
    `code`: a label whose name may be followed by its code in the next cell
    (主管部门及代码 | name | code, 主管部门 | name | code): the code lands as department_code.
    `blank_zero`: an amount the form may print as a blank cell for none (其他资金, 上级资金): a
    blank cell is its value, not a value missing."""

    field: str
    alternatives: tuple[str, ...]
    below: bool = False
    group: bool = False
    wide: bool = False
    block: bool = False
    code: bool = False
    blank_zero: bool = False


@dataclass(frozen=True)
class Column:
    """A column of the indicator grid: the field its cells land as and the headings naming it.

    `ignored`: a column the form prints without values of its own (the leading 绩效指标 column).
    `numeric`: its cells print one number each (分值, 得分, the funds amounts): a cell printing two
    numbers apart (`100 95.77`) is two columns' values that OCR put together, never one number.
    `alphabet`: the closed set of values its cells may print (as `flows.text.normalize` keys
    them): an OCR reading outside it, or far less probable than an allowed one, gives way to
    the most probable allowed reading the recogniser ranked (`Cell.readings`).
    `unit`: its cells print a value's unit alone (度量单位), or a mark that there is none
    (`NO_VALUE`), never both and never a number."""

    field: str
    headings: tuple[str, ...]
    ignored: bool = False
    numeric: bool = False
    alphabet: tuple[str, ...] = ()
    unit: bool = False


@dataclass(frozen=True)
class FundsMatrix:
    """A funds block laid out as a matrix (the self-evaluation's): row labels × column heads,
    each cell landing as `{row}_{col}`. `first_row_only`: the columns whose value the form prints
    on its first row alone (the 年度资金总额 row's 分值, 执行率, 得分; the rows under it print a
    no-value mark, if anything). `summed`: the columns whose first row prints the sum of the rows
    under it (each amount: 年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金)."""

    rows: tuple[Label, ...]
    cols: tuple[Column, ...]
    first_row_only: tuple[str, ...] = ()
    summed: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormSpec:
    """One form: how to recognise it and what to read from it.

    A table is this form when its header prints one of `openers` (the label a table of this form
    starts with) and, when `grid_marks` is set, its grid prints one of those columns; `title_marks`
    found in the lines printed above the table decide between forms that share an opener."""

    form: str
    openers: tuple[str, ...]
    labels: tuple[Label, ...]
    columns: tuple[Column, ...]
    required_columns: tuple[str, ...] = ("level1", "level2", "indicator_name", "target")
    grid_marks: tuple[str, ...] = ()
    title_marks: tuple[str, ...] = ()
    funds_matrix: FundsMatrix | None = None
    total_row: tuple[str, ...] = ()  # labels of a closing row (总分 | weight | score)
    composed_target: tuple[str, ...] = ("target_nature", "target", "measure_unit")
    composed_actual: tuple[str, ...] = ()
    required_fields: tuple[str, ...] = ()  # a table lacking one is reported, never silently

    @property
    def prints_funds(self) -> bool:
        """Whether the form prints a funds block (and so may print its unit: 项目资金（万元）)."""
        return bool(self.funds_matrix) or any(lb.group or "funds" in lb.field for lb in self.labels)

    def all_fields(self) -> list[tuple[str, str, str]]:
        """(record_type, field, label) of every value this form can land, for the dbt seed
        form_fields; the label is the form's first printing of it (年度资金总额·全年执行数 for a
        matrix cell), so a finding in SQL names a field as the form prints it."""
        out = [("field", "year", "年度")]
        out += [("field", lb.field, lb.alternatives[0]) for lb in self.labels if not lb.group]
        if self.prints_funds:
            out.append(("field", "funds_unit", "金额单位"))
        if self.funds_matrix is not None:
            out += [
                ("field", f"{r.field}_{c.field}", f"{r.alternatives[0]}·{c.headings[0]}")
                for r in self.funds_matrix.rows
                for c in self.funds_matrix.cols
            ]
        if self.total_row:
            heads = {c.field: c.headings[0] for c in self.columns}
            out += [
                ("field", f"overall_{f}", f"{self.total_row[0]}·{heads[f]}")
                for f in ("weight", "score")
            ]
        out += [("indicator", c.field, c.headings[0]) for c in self.columns if not c.ignored]
        seen: set[tuple[str, str]] = set()
        return [x for x in out if not (x[:2] in seen or seen.add(x[:2]))]


# ---------------------------------------------------------------- shared pieces

LEADING = Column("label", ("绩效指标", "名称", "指标"), ignored=True)
LEVELS = (
    Column("level1", ("一级指标",)),
    Column("level2", ("二级指标",)),
    Column("indicator_name", ("三级指标", "指标名称")),
)
# The comparators a target prints (alone under 指标性质, or before its value: `≥90%`) by what
# each means, as `flows.text.normalize` keys them (full-width ＞ ＝ ＜ fold to these). The dbt
# target parser reads the same list: macros/target_comparators.sql is generated from it.
COMPARATORS: dict[str, tuple[str, ...]] = {
    ">=": (">=", "≥", "≧", "=>"),
    "<=": ("<=", "≤", "≦", "=<"),
    ">": (">", "﹥"),
    "<": ("<", "﹤"),
    "=": ("=",),
}
# What else a 指标性质 cell prints: the kind of target (定性 qualitative, 定量 quantitative), or
# a mark for "none"; neither is part of the composed value
TARGET_KINDS = ("定性", "定量")
NO_VALUE = ("/", "—", "–", "-")
NATURE_ALPHABET = (*(f for forms in COMPARATORS.values() for f in forms), *TARGET_KINDS, *NO_VALUE)
LEVEL_PAIR = "="
"""The one value of an alphabet printed as two level strokes of one length (`Cell.level_pair`)."""

RATE_UNITS = ("%", "‰")
"""The units a rate is printed with (≥95%, ≤5‰), in its value's cell or its 度量单位 cell."""

MEASURE_UNITS = (
    *("个", "人", "人次", "次", "户", "户次", "家", "所", "座", "处", "间", "套", "台", "辆"),
    *("件", "项", "批", "批次", "场", "场次", "剂次", "车次", "期", "班", "名", "位", "份"),
    *("册", "篇", "张", "条", "头", "只", "株", "棵", "亩", "万亩", "公顷", "米", "公里"),
    *("千米", "平方米", "平方公里", "立方米", "吨", "千克", "公斤", "元", "万元", "元/人"),
    *("元/亩", "元/年", "天", "日", "个月", "月", "年", "小时", "分钟", "工作日"),
)
"""The units an indicator's value prints after its number or in its 度量单位 cell (20人次,
≥500亩, ≤3个工作日): the measure words and units of the national framework's indicators
(财预〔2021〕101号), a closed vocabulary. What OCR reads between a number and one of these,
a unit printing no digit, is no decimal point (`ocr.page.drop_stray_stops`)."""

UNIT_QUALIFIERS = ("及以上", "以上", "及以下", "以下", "以内", "之内")
"""What may follow a value's unit to make it a bound (20人次以上, 3天以内): the dbt target
parser reads the same list (macros/target_comparators.sql, `unit_qualifier_pattern`)."""

UNIT_CELL_ALPHABET = (
    *(f"{u}{q}" for u in (*RATE_UNITS, *MEASURE_UNITS) for q in ("", *UNIT_QUALIFIERS)),
    *NO_VALUE,
)
"""What a 度量单位 cell prints: a listed unit (with the qualifier a bound puts after it), or a
mark that there is none. A reading outside it (`%6`, a speck read as a digit after a faint %:
dev lg_8056_自评 p3, the actual then `75%6`) gives way to the unit the recogniser ranked
(`%`, p=0.15 beside 0.19); a unit the list does not know, with no listed reading ranked,
stays as read."""

TARGET_SPLIT = (
    Column("target_nature", ("指标性质", "指标方向", "符号", "性质"), alphabet=NATURE_ALPHABET),
    Column(
        "measure_unit", ("度量单位", "计量单位", "单位"), alphabet=UNIT_CELL_ALPHABET, unit=True
    ),
)
PLAN_EXTRAS = (
    Column("standard", ("绩效标准", "计划标准", "历史标准", "行业标准", "标准值")),
    Column("scoring_standard", ("评分标准", "评分规则")),
    Column("weight", ("分值", "权重"), numeric=True),
)
PROJECT_HEADER = (
    Label("project_name", ("项目名称",), wide=True),
    Label(
        "department_code",
        ("主管部门及代码", "主管部门代码", "部门代码", "单位代码", "代码"),
        code=True,
    ),
    Label("department_name", ("主管部门", "主管单位", "部门名称"), code=True),
    Label("implementing_unit", ("实施单位", "项目实施单位")),
)
FUNDS_GROUP = Label("funds", ("项目资金", "资金情况", "资金来源"), group=True)

PROJECT_TARGET = FormSpec(
    form="project_target",
    openers=("项目名称",),
    required_fields=("project_name", "total_funds"),
    title_marks=("绩效目标表", "目标申报表"),
    labels=(
        *PROJECT_HEADER,
        Label("project_attribute", ("项目属性", "项目类型")),
        Label("project_period", ("项目期", "实施期", "项目周期", "实施周期")),
        Label("total_funds", ("年度资金总额", "年度本级预算金额", "资金总额", "年度预算金额")),
        Label("local_fiscal_funds", ("本级财政资金", "本级资金")),
        Label("superior_funds", ("上级补助资金", "上级资金", "上级财政资金"), blank_zero=True),
        Label("fiscal_funds", ("财政拨款", "财政资金")),
        Label("other_funds", ("其他资金",), blank_zero=True),
        Label("overall_goal", ("年度总体目标", "总体目标", "年度绩效目标"), wide=True),
        FUNDS_GROUP,
    ),
    columns=(
        LEADING,
        *LEVELS,
        # 指标值及单位: a plan printing its target with the unit in one cell names it so; spelt
        # whole so that its lines read across with 度量单位's beside it are told apart
        Column("target", ("指标值", "目标值", "年度指标值", "年度目标值", "指标值及单位")),
        *TARGET_SPLIT,
        *PLAN_EXTRAS,
    ),
)

PROJECT_SELF_EVAL = FormSpec(
    form="project_self_eval",
    openers=("项目名称",),
    required_fields=("project_name", "total_budget_full_year", "total_executed"),
    title_marks=("自评表", "自评"),
    grid_marks=("actual",),
    labels=(
        *PROJECT_HEADER,
        Label("overall_goal", ("预期目标",), below=True),
        Label("overall_goal_actual", ("实际完成情况",), below=True),
        Label("goal", ("年度总体目标", "总体目标"), group=True),
        FUNDS_GROUP,
    ),
    funds_matrix=FundsMatrix(
        rows=(
            Label("total", ("年度资金总额", "资金总额")),
            Label("fiscal", ("当年财政拨款", "财政拨款")),
            Label("carryover", ("上年结余结转资金", "上年结转资金", "上年结余资金", "结转资金")),
            Label("other", ("其他资金",)),
        ),
        cols=(
            Column("budget_initial", ("年初预算数",), numeric=True),
            Column("budget_full_year", ("全年预算数", "调整后预算数"), numeric=True),
            Column("executed", ("全年执行数", "预算执行数", "执行数"), numeric=True),
            Column("weight", ("分值", "权重"), numeric=True),
            Column("execution_rate", ("执行率",), numeric=True),
            Column("score", ("得分",), numeric=True),
        ),
        first_row_only=("weight", "execution_rate", "score"),
        summed=("budget_initial", "budget_full_year", "executed"),
    ),
    total_row=("总分", "合计"),
    columns=(
        LEADING,
        *LEVELS,
        Column("target", ("年度指标值", "指标值", "目标值", "年度目标值")),
        Column("actual", ("实际完成值", "全年实际完成值", "实际值", "全年实际值", "完成值")),
        *TARGET_SPLIT,
        Column("weight", ("分值", "权重"), numeric=True),
        Column("score", ("得分",), numeric=True),
        Column("deviation_reason", ("偏差原因分析及改进措施", "偏差原因", "未完成原因分析")),
    ),
    composed_actual=("actual", "measure_unit"),
)

DEPARTMENT_TARGET = FormSpec(
    form="department_target",
    openers=("部门名称", "单位名称", "部门(单位)名称"),
    required_fields=("department_name",),
    title_marks=("部门整体",),
    labels=(
        Label("department_name", ("部门名称", "单位名称", "部门(单位)名称")),
        Label("department_code", ("部门代码", "单位代码", "部门编码", "代码")),
        Label("main_tasks", ("年度主要任务", "主要任务", "年度主要工作任务"), block=True),
        Label("overall_goal", ("年度总体目标", "总体目标", "年度绩效目标"), wide=True),
        Label("funds", ("年度预算金额", "预算情况", "部门预算", "资金情况"), group=True),
    ),
    columns=PROJECT_TARGET.columns,
)

FORMS: tuple[FormSpec, ...] = (PROJECT_SELF_EVAL, PROJECT_TARGET, DEPARTMENT_TARGET)
# Each form's description by its name (`ProjectForm.form`)
SPEC_OF: dict[str, FormSpec] = {s.form: s for s in FORMS}
"""In the order the reader tries them: the self-evaluation first, since it shares its opener
with the target table and is told apart by its grid (实际完成值) or its title."""

FUNDS_UNITS = ("万元", "元")
"""The units a form prints its funds amounts in (项目资金（万元）, 单位：元): every reading of a
funds unit (`flows.forms.labels.UNITS`, `UNIT_BEGUN`) matches this one list."""

FULL_SCORE = 100
"""The points a self-evaluation shares out (its 总分's 分值): no single 分值 exceeds it."""

FUNDS_DECIMALS = {"元": 2}
"""The most decimals an amount prints in a funds unit that has a smallest coin: 元 are printed to
the fen, so `317.600` in a 元 block is no amount (its comma read as a point, ncfunds30: dev3
lg_26492); 万元 print to any precision (0.1 元 is three decimals), so no limit is known."""

UNIT_LINE_LABEL = "单位"
"""The label of a line printing the unit of a table's amounts on its own (单位：元, 单位：万元),
above the table or as a row of it: such a line is neither a header value nor its continuation."""

LEVEL_LABEL_ENDING = "指标"
"""What every 一级 and 二级 label of the indicator categories ends with (产出指标, 数量指标 …: the
dbt seed indicator_categories, checked by tests/test_forms.py): a label a page break cut before
it (`产出指` | `标`) is not finished yet."""

RATE_NAME_ENDINGS = ("率", "满意度")
"""What the 三级指标 name of a rate ends with, as `flows.text.normalize` keys it: …率 (完成率,
合格率, 资金拨付及时率) and …满意度 (受益群众满意度, 服务对象满意度), the two ways the national
framework (财预〔2021〕101号) and the forms name a share of a whole, whose target is a percentage
of at most 100 (`flows.forms.rates`). A vocabulary of the form, not a measurement: a name
printing its unit in brackets (`满意度(%)`) ends with the bracket and is no rate to the reader
(its value is printed without the sign)."""

AMOUNT_UNIT_DIVISORS: dict[str, int] = {"万元": 1, "万": 1, "元": 10_000}
"""What an amount printed with a unit of `FUNDS_UNITS` after it (or `万`, how 万元 is shortened
after a number: `148.796万`) is divided by to be 万元. The dbt macro parse_amount_wan reads the
same list: macros/target_comparators.sql is generated from it (`comparators_macro`)."""

NUMBER_UNITS = (*RATE_UNITS, *FUNDS_UNITS)
"""Every unit the forms print right after a number: where OCR reads `11,53万元` or `98,5%`, the
comma before the unit ends the number, so it is a decimal point (`ocr.page.normalise_text`)."""

CATEGORIES_PATH = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
CATEGORIES_PATH = CATEGORIES_PATH / "indicator_categories.csv"


@functools.cache
def category_rows() -> tuple[dict[str, str], ...]:
    """The rows of the dbt seed indicator_categories, read once; none when the seed is absent
    (an installed package without the dbt project)."""
    if not CATEGORIES_PATH.exists():
        return ()
    with CATEGORIES_PATH.open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def category_keywords() -> tuple[str, ...]:
    """The keywords of the indicator categories (产出, 数量 …), from the one list the warehouse
    also uses (the dbt seed indicator_categories): a label starting with one is a label of its own,
    not the rest of a label a page break cut."""
    rows = category_rows()
    words = {r["level1_keyword"] for r in rows} | {r["level2_keyword"] for r in rows}
    return tuple(sorted(words, key=len, reverse=True))


def category_labels() -> dict[str, tuple[str, ...]]:
    """The printed 一级 and 二级 labels of the indicator categories (产出指标, 数量指标 …) by level
    field, from the same dbt seed: a label cell printing two of them is two cells OCR merged."""
    rows = category_rows()
    return {name: tuple(sorted({r[name] for r in rows})) for name in ("level1", "level2")}


def level2_in_print_order() -> dict[str, tuple[str, ...]]:
    """Each 一级 label's 二级 labels in the order the form prints them (产出指标 → 数量指标,
    质量指标, 时效指标, 成本指标), as the dbt seed indicator_categories lists them: the national
    template fixes the order, so a label OCR lost at the grid's top is the one the order leaves
    before the label under it."""
    order: dict[str, list[str]] = {}
    for r in category_rows():
        order.setdefault(r["level1"], []).append(r["level2"])
    return {level1: tuple(labels) for level1, labels in order.items()}


def level1_by_level2_keyword() -> dict[str, str]:
    """The 一级 label each 二级 keyword belongs to (数量 → 产出指标), from the same dbt seed."""
    return {r["level2_keyword"]: r["level1"] for r in category_rows()}


def level2_by_keyword() -> dict[str, str]:
    """The 二级 label each 二级 keyword names (数量 → 数量指标), from the same dbt seed."""
    return {r["level2_keyword"]: r["level2"] for r in category_rows()}


SEED_PATH = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "form_fields.csv"


def form_fields_csv() -> str:
    """The dbt seed `form_fields`: every (form, record_type, field_name) a form can land, with its
    printed label, so the staging tests accept exactly what the descriptions read and findings
    name a field as printed (tests/test_forms.py checks the seed file equals this)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["form", "record_type", "field_name", "label"])
    for spec in FORMS:
        for record_type, name, label in spec.all_fields():
            writer.writerow([spec.form, record_type, name, label])
    return out.getvalue()


COMPARATORS_MACRO_PATH = SEED_PATH.parents[1] / "macros" / "target_comparators.sql"


def comparators_macro() -> str:
    """The dbt macros through which the target parser (macros/parse_target.sql) knows the
    comparators and the qualifiers after a unit, and parse_amount_wan the amount units,
    generated from `COMPARATORS`, `NO_VALUE`, `AMOUNT_UNIT_DIVISORS` and `UNIT_QUALIFIERS`: the
    SQL reads the lists the reader reads."""
    folds = [(f, c) for c, forms in COMPARATORS.items() for f in forms if not f.isascii()]
    ascii_forms = [f for forms in COMPARATORS.values() for f in forms if f.isascii()]
    aliases = [(f, c) for c, forms in COMPARATORS.items() for f in forms if f.isascii() and f != c]
    fold = "{{ expr }}"
    for form, comparator in folds:
        fold = f"replace({fold}, '{form}', '{comparator}')"
    pattern = "|".join(sorted(ascii_forms, key=len, reverse=True))
    cases = " ".join(f"when '{f}' then '{c}'" for f, c in aliases)
    no_value = ", ".join(f"'{m}'" for m in dict.fromkeys(normalize(m) for m in NO_VALUE))
    units = sorted(AMOUNT_UNIT_DIVISORS, key=len, reverse=True)
    unit_cases = " ".join(
        f"when regexp_matches({{{{ key }}}}, '{u}$') then {AMOUNT_UNIT_DIVISORS[u]}" for u in units
    )
    return (
        "{#- Generated by `python -m flows.forms.spec` from COMPARATORS, NO_VALUE and\n"
        "    AMOUNT_UNIT_DIVISORS in flows/forms/spec.py (the lists the form reader declares the\n"
        "    指标性质 alphabet and the funds units with): do not edit by hand.\n"
        "    fold_comparators: every non-ASCII printing of a comparator as its ASCII one;\n"
        "    comparator_pattern: the ASCII printings, longest first, as a regex group;\n"
        "    comparator_of: what an ASCII printing means. -#}\n"
        "{%- macro fold_comparators(expr) -%}\n"
        f"{fold}\n"
        "{%- endmacro -%}\n\n"
        "{%- macro comparator_pattern() -%}\n"
        f"({pattern})\n"
        "{%- endmacro -%}\n\n"
        "{%- macro comparator_of(symbol) -%}\n"
        f"case {{{{ symbol }}}} {cases} else {{{{ symbol }}}} end\n"
        "{%- endmacro -%}\n\n"
        "{#- no_value_marks: the marks a form prints in a cell that holds no value (NO_VALUE), as\n"
        "    normalize_label keys them, as literals: `x in ('', {{ no_value_marks() }})`. -#}\n"
        "{%- macro no_value_marks() -%}\n"
        f"{no_value}\n"
        "{%- endmacro -%}\n\n"
        "{#- amount_unit_pattern: the units an amount may print after it (AMOUNT_UNIT_DIVISORS),\n"
        "    longest first, as a regex group; amount_unit_divisor: what an amount whose\n"
        "    normalised text (or unit) `key` ends with one of them is divided by to be 万元, null\n"
        "    when it ends with none. -#}\n"
        "{%- macro amount_unit_pattern() -%}\n"
        f"({'|'.join(units)})\n"
        "{%- endmacro -%}\n\n"
        "{%- macro amount_unit_divisor(key) -%}\n"
        f"case {unit_cases} end\n"
        "{%- endmacro -%}\n\n"
        "{#- unit_qualifier_pattern: what may follow a value's unit to make it a bound\n"
        "    (UNIT_QUALIFIERS: 20人次以上), longest first, as a regex group. -#}\n"
        "{%- macro unit_qualifier_pattern() -%}\n"
        f"({'|'.join(sorted(UNIT_QUALIFIERS, key=len, reverse=True))})\n"
        "{%- endmacro -%}\n"
    )


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    SEED_PATH.parent.mkdir(parents=True, exist_ok=True)
    SEED_PATH.write_text(form_fields_csv(), encoding="utf-8")
    COMPARATORS_MACRO_PATH.write_text(comparators_macro(), encoding="utf-8")
    sys.stdout.write(f"wrote {SEED_PATH} and {COMPARATORS_MACRO_PATH}\n")
