"""The arithmetic of a self-evaluation's execution block: 执行率 = 全年执行数 / 全年预算数
(年初预算数 when no full-year budget is printed), 得分 = 分值 × 执行率 (never more than 分值),
and two amounts read glued together cut where the block's arithmetic holds.

Apart from the matrix reader (`flows.forms.funds`) because these rules weigh a row's values
against each other once they are read, not where they stand; each one changes a value only when
the arithmetic admits exactly one reading, and says so.
"""

from __future__ import annotations

import re

from flows.forms.cellvalues import RULE_MARKS, amount, char_class, value_amount
from flows.forms.spec import FULL_SCORE
from flows.models import SourcedValue

# A percentage read with one rule's stroke before it (`1100%`, `|90.9%`): the stroke, then the
# rate as a number that does not start with a 0 unless it is below 1 (`0.5%`)
_STROKE_BEFORE_RATE_RE = re.compile(rf"({char_class(RULE_MARKS)})\s*((?:0|[1-9]\d*)(?:\.\d+)?)%")

# Digits and two points (`0.750.56`, `75.1.5`): two amounts glued, or one with a speck for a point
TWO_POINTS_RE = re.compile(r"\d+\.\d+\.\d+")

# One of two amounts read glued with no space between them (`0.750.56`): digits, a point, digits
_AMOUNT_RE = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")


def computed_rate(row: dict[str, SourcedValue]) -> float | None:
    """A funds row's 执行率 in percent as its amounts give it: 全年执行数 / 全年预算数, or
    / 年初预算数 when no full-year budget was read; None when an amount is unread or the budget
    0."""
    executed = value_amount(row.get("executed"))
    budget = value_amount(row.get("budget_full_year")) or value_amount(row.get("budget_initial"))
    return executed / budget * 100 if executed is not None and budget else None


def rate_holds(number: str, computed: float) -> bool:
    """Whether a rate printed as `number` (percent, no sign) is `computed` to the decimals it
    prints (`79.3` for 79.28)."""
    decimals = len(number.split(".")[1]) if "." in number else 0
    return abs(float(number) - computed) <= 0.5 * 10**-decimals + 1e-9


def printed_rate(row: dict[str, SourcedValue]) -> float | None:
    """A funds row's 执行率 as read, in percent, when it reads as one percentage (`79.3%`)."""
    rate = row.get("execution_rate")
    text = rate.value.strip() if rate is not None else ""
    return float(text[:-1]) if text.endswith("%") and amount(text[:-1]) is not None else None


def rate_after_a_stroke(row: dict[str, SourcedValue]) -> list[str]:
    """A row's 执行率 read with a column rule's stroke before it (`1100%` for 100%, the cell
    `10 1100%` cut at its space): when the rate as read is not 全年执行数 / 预算数 and the rate
    without the stroke is, the stroke is left out, with a note; otherwise as read."""
    rate, computed = row.get("execution_rate"), computed_rate(row)
    if rate is None or computed is None:
        return []
    m = _STROKE_BEFORE_RATE_RE.fullmatch(rate.value.strip())
    if m is None or (
        printed_rate(row) is not None and rate_holds(rate.value.strip()[:-1], computed)
    ):
        return []
    if not rate_holds(m[2], computed):
        return []
    row["execution_rate"] = rate.with_value(f"{m[2]}%")
    return [
        f"execution rate '{rate.value}' is not 全年执行数 / 预算数 ({computed:.2f}%); read as "
        f"{m[2]}%, the '{m[1]}' before it taken for a column rule's stroke"
    ]


# A percentage no form prints: a 0 before another digit (`00%`): a rate OCR read with a digit lost
_RATE_LOST_A_DIGIT_RE = re.compile(r"0\d+(?:\.\d+)?%")


def rate_lost_a_digit(row: dict[str, SourcedValue]) -> list[str]:
    """A row's 执行率 read as a percentage no form prints, a 0 before another digit (`00%`
    for 100%: its first digit lost under a faint seal, dev6 lg_52343_自评 p1): when exactly one
    digit added somewhere makes it a rate that is 全年执行数 / 预算数 to its printed decimals,
    that is the rate, with a note; otherwise as read."""
    rate, computed = row.get("execution_rate"), computed_rate(row)
    if rate is None or computed is None:
        return []
    printed = rate.value.strip()
    if not _RATE_LOST_A_DIGIT_RE.fullmatch(printed):
        return []
    number = printed[:-1]
    found = {
        number[:i] + d + number[i:]
        for i in range(len(number) + 1)
        for d in "0123456789"
        if _AMOUNT_RE.fullmatch(number[:i] + d + number[i:])
    }
    holding = sorted(f for f in found if rate_holds(f, computed))
    if len(holding) != 1:
        return []
    row["execution_rate"] = rate.with_value(f"{holding[0]}%")
    return [
        f"execution rate '{printed}' is no printed percentage (a 0 before a digit); read as "
        f"{holding[0]}%, the one reading with a digit added that is 全年执行数 / 预算数 "
        f"({computed:.2f}%)"
    ]


def score_read_as_a_stroke(row: dict[str, SourcedValue]) -> list[str]:
    """A row's 得分 read as one rule's stroke (`1` for 10, the column's `/` marks below it read
    `1` too) where 分值 × 执行率 is another score: the stroke is no score, and the score is the
    weight times the rate as read — taken only when that rate is 全年执行数 / 预算数 and at most
    100% (a rate over 100% scores 分值 by the form's cap, a rule this reader does not assume),
    with a note; otherwise as read."""
    score, computed, rate = row.get("score"), computed_rate(row), printed_rate(row)
    weight = value_amount(row.get("weight"))
    if score is None or computed is None or rate is None or weight is None:
        return []
    printed = score.value.strip()
    if len(printed) != 1 or printed not in RULE_MARKS or not 0 < weight <= FULL_SCORE:
        return []
    rate_text = row["execution_rate"].value.strip()[:-1]
    if rate > 100 or not rate_holds(rate_text, computed):
        return []
    due = round(weight * rate / 100, 2)
    if amount(printed) == due:
        return []
    text = f"{due:.2f}".rstrip("0").rstrip(".")
    row["score"] = score.with_value(text)
    return [
        f"score '{printed}' is a column rule's stroke, not 分值 × 执行率; read as {text} "
        f"(分值 {row['weight'].value.strip()} × {rate_text}%, the rate being 全年执行数 / 预算数)"
    ]


def glued_amount_cuts(text: str) -> list[tuple[str, str]]:
    """Where a cell read as two amounts glued with no space (`0.750.56`, two points) may be cut
    in two amounts each printing one point at most: every such cut (0.7 | 50.56, 0.75 | 0.56),
    for the block's arithmetic to choose among. None when the text is not digits and two points."""
    if not TWO_POINTS_RE.fullmatch(text):
        return []
    cuts = []
    for i in range(1, len(text)):
        head, tail = text[:i], text[i:]
        if _AMOUNT_RE.fullmatch(head) and _AMOUNT_RE.fullmatch(tail):
            cuts.append((head, tail))
    return cuts
