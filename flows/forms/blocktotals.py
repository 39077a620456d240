"""A self-evaluation's execution block whose 分值, 执行率 or 得分 a seal or a faded head row left
unread, restored by two of the form's own checks that agree.

A seal stamped over the block's head row (dev8 lg_77593_自评 p1: a grey ring over 分值 and a
star over 执行率) leaves the sum row's 分值 read as the seal's text (dropped), its 执行率 read in
the 得分 cell beside its score (`73% 3`), the heads under the seal lost so no cell stands under
them. Every amount of the block and every indicator line read, the form still says what was
printed:

- the sum row prints one percentage only, its 执行率: a percentage read in its 分值 or 得分 cell
  that is 全年执行数 / 预算数 to its printed decimals is the rate (`execution.rate_holds`);
- the 总分 row's 分值 is the sum of every 分值 printed, the block's with the indicator lines',
  and so is its 得分 of the scores: the block's weight (score) is the 总分's less the lines';
- 得分 = 分值 × 执行率, never more than 分值: the weight and score the sums give are taken only
  when they keep that, with the rate as read — two independent checks, each alone able to
  refuse a line lost or misread in the grid.

Only a value not read as one number is filled or replaced (a blank, a seal's text, `73% 3`); a
number as read stays, and counts in the sums. Each value taken is noted with its page.

Apart from `totals` (the indicator lines' weights and scores against the 总分) and `execution`
(the block's row arithmetic) because it joins the two: neither alone settles a block value.
"""

from __future__ import annotations

import re
from dataclasses import replace

from flows.forms.cellvalues import value_amount
from flows.forms.execution import computed_rate, rate_holds
from flows.forms.totals import SUM_TOLERANCE, form_name
from flows.models import ProjectForm, SourcedValue

# A percentage printed as a rate (`73%`, `98.5%`) among a cell's other marks
_PERCENT_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)%")

# The block's fields of its sum row (年度资金总额) that this settles
_RATE, _WEIGHT, _SCORE = "total_execution_rate", "total_weight", "total_score"


def settle_block_by_totals(form: ProjectForm, problems: list[str]) -> None:
    """The execution block's 执行率, 分值 and 得分 not read as one value each, restored where
    the form's sums and the block's arithmetic agree (module docstring); otherwise as read."""
    fields = form.fields
    if "total_executed" not in fields or _SCORE not in fields and _WEIGHT not in fields:
        return  # no self-evaluation block was read here
    computed = computed_rate(_amounts_row(fields))
    if computed is None:
        return
    rate, rate_note = _rate_of(fields, computed)
    if rate is None:
        return
    sums = _indicator_sums(form)
    totals = [value_amount(fields.get(f)) for f in ("overall_weight", "overall_score")]
    if sums is None or totals[0] is None or totals[1] is None:
        return
    read = [value_amount(fields.get(f)) for f in (_WEIGHT, _SCORE)]
    weight, score = (
        x if x is not None else round(total - part, 2)
        for x, total, part in zip(read, totals, sums, strict=True)
    )
    if read[0] is not None and read[1] is not None and rate_note is None:
        return  # nothing was unread
    if not _keeps_arithmetic(weight, score, rate, totals, sums):
        return
    page = _page(form)
    if rate_note is not None:
        fields[_RATE] = _value_at(fields, _RATE, f"{rate[0]}%")
        problems.append(f"page {page}: {form_name(form)}: execution block {rate_note}")
    for name, field, value, was in (
        ("weight", _WEIGHT, weight, read[0]),
        ("score", _SCORE, score, read[1]),
    ):
        if was is not None:
            continue
        printed = fields.get(field)
        fields[field] = _value_at(fields, field, f"{value:g}")
        problems.append(
            f"page {page}: {form_name(form)}: execution block {name} "
            f"{_as_read(printed)} read as {value:g}: the 总分's {name} less the indicator "
            f"lines' ({totals[0 if name == 'weight' else 1]:g} − "
            f"{sums[0 if name == 'weight' else 1]:g}), the block's 得分 then 分值 × 执行率 "
            f"({weight:g} × {rate[0]}%)"
        )


def _amounts_row(fields: dict[str, SourcedValue]) -> dict[str, SourcedValue]:
    """The sum row's amounts under the names `execution.computed_rate` reads."""
    return {
        name: fields[f"total_{name}"]
        for name in ("budget_initial", "budget_full_year", "executed")
        if f"total_{name}" in fields
    }


def _rate_of(
    fields: dict[str, SourcedValue], computed: float
) -> tuple[tuple[str, float] | None, str | None]:
    """(the rate as printed and in percent, the note when it was found elsewhere than in the
    执行率 cell) of the sum row: the 执行率 cell read as one percentage that holds, or else the
    one percentage read in the row's 分值 or 得分 cell that holds 全年执行数 / 预算数 (the
    column's head lost, the rate read beside the score: `73% 3`). None when neither."""
    printed = fields.get(_RATE)
    text = printed.value.strip() if printed is not None else ""
    m = _PERCENT_RE.fullmatch(text)
    if m is not None:
        return ((m[1], float(m[1])), None) if rate_holds(m[1], computed) else (None, None)
    found = [
        (field, m[1])
        for field in (_WEIGHT, _SCORE)
        if (value := fields.get(field)) is not None
        for m in _PERCENT_RE.finditer(value.value)
    ]
    if len(found) != 1 or not rate_holds(found[0][1], computed):
        return None, None
    field, number = found[0]
    note = (
        f"rate {_as_read(printed)} read as {number}%: the one percentage read in its row, in "
        f"the {field.removeprefix('total_')} cell '{fields[field].value}', is 全年执行数 / 预算数 "
        f"({computed:.2f}%)"
    )
    return (number, float(number)), note


def _indicator_sums(form: ProjectForm) -> tuple[float, float] | None:
    """The indicator lines' weights and scores summed, or None when one of them is not read as
    a number (a line the sums would miscount)."""
    weights = [value_amount(line.extra.get("weight")) for line in form.indicators]
    scores = [value_amount(line.extra.get("score")) for line in form.indicators]
    if not form.indicators or any(x is None for x in (*weights, *scores)):
        return None
    return sum(w for w in weights if w is not None), sum(s for s in scores if s is not None)


def _keeps_arithmetic(
    weight: float,
    score: float,
    rate: tuple[str, float],
    totals: list[float | None],
    sums: tuple[float, float],
) -> bool:
    """Whether the block's weight and score (read or given by the sums) are a weight above 0
    and a score from 0 to it that is 分值 × 执行率 (capped at 分值) to the score's rounding, and
    the weights and scores add up to the 总分's."""
    if not weight > 0 or not 0 <= score <= weight:
        return False
    if any(
        total is None or abs(total - part - value) > SUM_TOLERANCE
        for total, part, value in zip(totals, sums, (weight, score), strict=True)
    ):
        return False
    due = weight * min(rate[1], 100.0) / 100
    return abs(due - score) <= 0.005 + 1e-9


def _value_at(fields: dict[str, SourcedValue], field: str, value: str) -> SourcedValue:
    """`value` at the place its field was read, or (never read) on the sum row's page with no
    cell of its own."""
    printed = fields.get(field)
    if printed is not None:
        return printed.with_value(value)
    anchor = fields["total_executed"]
    return replace(anchor, value=value, row=None, col=None, bbox=None)


def _as_read(value: SourcedValue | None) -> str:
    """How a value was read, for a note: quoted, or that none was."""
    return f"'{value.value}'" if value is not None and value.value.strip() else "(not read)"


def _page(form: ProjectForm) -> int:
    return form.fields["total_executed"].page
