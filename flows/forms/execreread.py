"""A self-evaluation's execution block whose own arithmetic fails as read, settled by reading its
cells again.

The block states three sums of its own: 执行率 = 全年执行数 / 预算数 (to the rate's printed
decimals), 得分 = 分值 × 执行率 (never more than 分值), and the 总分 row's 分值 and 得分 the
block's with every indicator line's. A digit under a seal's stroke or in faint ink read as
another breaks one of them, which names the cells in doubt but not which of them is misread.
Each doubted cell on an OCR page is read again from other views of its ink
(`flows.extract.reread`, as `fundsreread` does for a target table's funds); a reading is kept
only when it is the one (field, value), over every doubted cell, by which every check the block
can make then holds — the engine's second look and the form's arithmetic, two witnesses — and
the change is said. Apart from `blocktotals` (which fills a value no cell read from the sums
alone) because it asks the page for more, after everything the grid alone can judge.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flows.forms.cellvalues import NUMBER_RE, RULE_MARKS, amount, char_class
from flows.forms.execution import rate_holds
from flows.forms.spec import NO_VALUE, SPEC_OF
from flows.forms.totals import SUM_TOLERANCE, form_name
from flows.models import BoxReread, CellLine, PageGrid, ProjectForm, SourcedValue

# The sum row's fields and the 总分 row's, under the form's field names
_INITIAL, _FULL, _EXECUTED = "total_budget_initial", "total_budget_full_year", "total_executed"
_WEIGHT, _RATE, _SCORE = "total_weight", "total_execution_rate", "total_score"
_OVERALL_WEIGHT, _OVERALL_SCORE = "overall_weight", "overall_score"

# 得分 = 分值 × 执行率 printed to two decimals: half a cent of a point, and float noise
_SCORE_ROUNDING = 0.005 + 1e-9

# The 总分's sums held to the cent: scores print two decimals, and the 总分 adds them as printed
_CENT = 0.005 + 1e-9

# A rate as printed, the whole cell: a number and its percent sign
_RATE_RE = re.compile(r"(\d+(?:\.\d+)?)%")

Values = dict[str, str]
Check = Callable[[Values], "bool | None"]


def reread_block_by_arithmetic(
    form: ProjectForm,
    ocr_pages: Mapping[int, float | None],
    reread: BoxReread | None,
    problems: list[str],
    pages: list[PageGrid] | None = None,
) -> None:
    """A self-evaluation's execution block one of whose checks (module docstring) fails as
    read: each cell a failing check names, on an OCR page, is read again (`reread`), and the one
    re-read (field, value) by which every check the block can make holds, when exactly one
    does, replaces what was read, noted. No `reread`, no failing check, no fit or two fits: left
    as read (the audit's execution findings say what does not hold). A funds column that misses
    its sum where no rounding can (`_column_sums`) doubts its cells too; a candidate for one of
    them must make it add up, and an amount read with a rule's stroke at its edge on `pages`
    (`_stroke_off`) is tried without it."""
    fields = form.fields
    if reread is None or _EXECUTED not in fields:
        return
    sums = _column_sums(form)
    summed = {name for names, _ in sums for name in names}
    values = {n: v.value.strip() for n, v in fields.items() if n in _BLOCK or n in summed}
    lines = _line_sums(form)
    checks = _checks(lines, SUM_TOLERANCE)
    # a digit edit is no reading of the page: the sums it must hold are held to the cent
    exact = _checks(lines, _CENT)
    # a column's sum judges only the candidates of its own cells, and only when it misses as
    # read: a candidate must then make it add up
    missed = [(names, check) for names, check in sums if check(values) is False]
    failing = [(names, check) for names, check in checks if check(values) is False] + missed
    if not failing:
        return
    doubted = dict.fromkeys(name for names, _ in failing for name in names)
    fits: dict[tuple[str, float], tuple[str, list[str]]] = {}
    for name in doubted:
        value = fields.get(name)
        if value is None or value.page not in ocr_pages or value.bbox is None:
            continue
        views = reread(value.page, value.bbox)
        as_read = values.get(name, "")
        edits = _first_digit_read_as_0(as_read)
        if lines is not None and lines.whole and name in _SUMMED:
            edits += _one_digit_off(as_read)
        if name in summed:
            edits += _stroke_off(value, pages or [])
        tried = [(t, checks) for t in _readings(name, views)] + [(t, exact) for t in edits]
        for text, held in tried:
            if text == values.get(name):
                continue
            changed = values | {name: text}
            judged = [check(changed) for names, check in [*held, *missed] if name in names]
            if judged and all(judged) and all(c(changed) is not False for _, c in held):
                fits.setdefault((name, _as_number(text)), (text, views))
    if len(fits) != 1:
        if fits:
            ways = "; ".join(f"{n} as {t}" for (n, _), (t, _) in fits.items())
            problems.append(
                f"page {fields[_EXECUTED].page}: {form_name(form)}: execution block does not "
                f"hold as read, and its cells read again make it hold more than one way "
                f"({ways}): left as read"
            )
        return
    (name, _), (text, views) = next(iter(fits.items()))
    value = fields[name]
    fields[name] = value.with_value(text)
    witness = _witness(name, text, value.value.strip(), views)
    repaired = any(name in names for names, _ in missed)
    column = " and its column's 年度资金总额 the sum of the rows under it" if repaired else ""
    problems.append(
        f"page {value.page}: {form_name(form)}: execution block read {name} '{value.value}' as "
        f"{text}: {witness} gives the one value, over every doubted cell of the block,"
        " by which 执行率 = 执行数 / 预算数, 得分 = 分值 × 执行率 and the 总分's sums "
        f"hold{column}"
    )


_BLOCK = (
    _INITIAL,
    _FULL,
    _EXECUTED,
    _WEIGHT,
    _RATE,
    _SCORE,
    _OVERALL_WEIGHT,
    _OVERALL_SCORE,
)


def _checks(lines: LineSums | None, tolerance: float) -> list[tuple[tuple[str, ...], Check]]:
    """(the fields it reads, the check) of each sum the block states; a check gives None when a
    value it reads is not one number (it cannot judge). The 总分's sums when every indicator
    line's weight and score read as numbers; when some did not, the bounds its 得分 still
    keeps (`_bound_check`)."""
    checks: list[tuple[tuple[str, ...], Check]] = [
        ((_EXECUTED, _FULL, _RATE), _rate_check(_FULL)),
        ((_WEIGHT, _RATE, _SCORE), _score_check),
    ]
    if lines is not None and lines.whole:
        checks += [
            (
                (_WEIGHT, _OVERALL_WEIGHT),
                _sum_check(_WEIGHT, _OVERALL_WEIGHT, lines.weights, tolerance),
            ),
            ((_SCORE, _OVERALL_SCORE), _sum_check(_SCORE, _OVERALL_SCORE, lines.scores, tolerance)),
        ]
    elif lines is not None:
        checks.append(((_SCORE, _OVERALL_SCORE), _bound_check(lines, tolerance)))
    return checks


def _rate(values: Values) -> str | None:
    m = _RATE_RE.fullmatch(values.get(_RATE, ""))
    return m[1] if m is not None else None


def _rate_check(budget: str) -> Check:
    def check(values: Values) -> bool | None:
        executed, full = _printed(values.get(_EXECUTED, "")), _printed(values.get(budget, ""))
        if full is None and values.get(budget, "") == "":
            full = _printed(values.get(_INITIAL, ""))  # no full-year budget printed
        rate = _rate(values)
        if executed is None or not full or rate is None:
            return None
        return rate_holds(rate, executed / full * 100)

    return check


def _score_check(values: Values) -> bool | None:
    weight, score, rate = (
        _printed(values.get(_WEIGHT, "")),
        _printed(values.get(_SCORE, "")),
        _rate(values),
    )
    if weight is None or score is None or rate is None:
        return None
    return abs(weight * min(float(rate), 100.0) / 100 - score) <= _SCORE_ROUNDING


def _sum_check(field: str, overall: str, lines: float, tolerance: float) -> Check:
    def check(values: Values) -> bool | None:
        part, total = _printed(values.get(field, "")), _printed(values.get(overall, ""))
        if part is None or total is None:
            return None
        return abs(total - lines - part) <= tolerance

    return check


def _bound_check(lines: LineSums, tolerance: float) -> Check:
    """The 总分's 得分 no less than the block's 得分 and the lines' scores read, and no more
    than that with the weight of every line whose score is unread (a score is at most its
    分值: the 总分's 分值 less the block's and the scored lines'): what the sum still says when
    a line's score is unread."""

    def check(values: Values) -> bool | None:
        part, total = _printed(values.get(_SCORE, "")), _printed(values.get(_OVERALL_SCORE, ""))
        weight, most = _printed(values.get(_WEIGHT, "")), _printed(values.get(_OVERALL_WEIGHT, ""))
        if part is None or total is None or weight is None or most is None:
            return None
        least = part + lines.scores
        unscored = most - weight - lines.scored_weights
        return least - tolerance <= total <= least + unscored + tolerance

    return check


# A number no form prints: a 0 before another digit (`06.96`, a 9 read as 0)
_LEADING_ZERO_RE = re.compile(r"0\d")


def _printed(text: str) -> float | None:
    """A value as one printed number; a number no form prints (`_LEADING_ZERO_RE`) is one the
    checks must doubt: read as -1, so no sum holds with it."""
    number = amount(text)
    if number is not None and _LEADING_ZERO_RE.match(text.strip()):
        return -1.0
    return number


@dataclass(frozen=True)
class LineSums:
    """The indicator lines' weights and scores read as numbers, summed, and whether every
    line's both were (`whole`)."""

    weights: float
    scores: float
    whole: bool
    scored_weights: float  # the weights of the lines whose score reads as a number


def _line_sums(form: ProjectForm) -> LineSums | None:
    """The indicator lines' weights and scores read as numbers, summed; None with no line."""
    if not form.indicators:
        return None
    weights = [_number(line.extra.get("weight")) for line in form.indicators]
    scores = [_number(line.extra.get("score")) for line in form.indicators]
    whole = None not in weights and None not in scores
    scored = sum(w for w, s in zip(weights, scores, strict=True) if w is not None and s is not None)
    return LineSums(
        sum(w for w in weights if w is not None),
        sum(s for s in scores if s is not None),
        whole,
        scored,
    )


def _number(value: SourcedValue | None) -> float | None:
    return amount(value.value) if value is not None else None


def _as_number(text: str) -> float:
    """A reading's value, so `73%` and `73.0%` are one reading."""
    return float(text.rstrip("%"))


def _witness(name: str, text: str, as_read: str, views: list[str]) -> str:
    """Where a kept reading came from, for its note: the cell's re-read, or a digit of it."""
    read = ", ".join(repr(v) for v in views)
    if text in _readings(name, views):
        return f"its cell read again ({read})"
    if _LEADING_ZERO_RE.match(as_read):
        how = "its first digit read as 0"
    elif _EDGE_STROKE_RE.sub("", as_read, count=1) == text:
        how = "the stroke at its edge taken for its cell's rule (its line runs onto the rule)"
    else:
        how = "one digit lost"
    return f"{how} (its cell read again: {read or 'nothing'})"


def _column_sums(form: ProjectForm) -> list[tuple[tuple[str, ...], Check]]:
    """(the column's fields, its sum first, and the check) of each amount column of the form's
    funds matrix whose first row prints the sum of the rows under it (`FundsMatrix.summed`:
    年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金), judged only where no rounding can make a
    printed sum miss: every part but one printed as nothing (0, blank or a no-value mark). A sum
    of one amount and nothing is that amount to the digit; two rounded parts may miss their
    rounded sum by a cent (selfscan18's lg_8339: 11.11 over 6.92 | 0 | 4.18), and then the
    column says nothing."""
    spec = SPEC_OF.get(form.form)
    matrix = spec.funds_matrix if spec is not None else None
    if matrix is None:
        return []
    out: list[tuple[tuple[str, ...], Check]] = []
    for col in matrix.summed:
        names = tuple(f"{row.field}_{col}" for row in matrix.rows)
        if all(name in form.fields for name in names):
            out.append((names, _column_check(names)))
    return out


def _column_check(names: tuple[str, ...]) -> Check:
    def check(values: Values) -> bool | None:
        amounts = [_amount_or_nothing(values.get(name, "")) for name in names]
        total, parts = amounts[0], amounts[1:]
        if total is None or None in parts or sum(1 for p in parts if p) > 1:
            return None
        return abs(total - sum(p or 0.0 for p in parts)) <= _EXACT

    return check


# A sum of one amount and nothing is that amount: float noise only
_EXACT = 1e-9


def _amount_or_nothing(text: str) -> float | None:
    """A funds amount as printed (`_printed`); blank or a no-value mark is nothing, 0."""
    return 0.0 if not text or text in NO_VALUE else _printed(text)


# A rule's stroke read at an amount's edge (`RULE_MARKS`: `9.11` for 9.1 beside a worn rule)
_EDGE_STROKE_RE = re.compile(
    rf"^{char_class(RULE_MARKS)}\s*(?=\d)|(?<=\d)\s*{char_class(RULE_MARKS)}$"
)

# A printed amount stands clear of its cell's rules by the cell's padding; an OCR line that
# reaches the rule, to within this share of its own height, took the rule's stroke into it
AT_THE_RULE = 0.5


def _stroke_off(value: SourcedValue, pages: list[PageGrid]) -> list[str]:
    """The amount `value` read with a stroke at an edge (`_EDGE_STROKE_RE`) without it, when
    the OCR line it was read from reaches its cell's rule on that side (`AT_THE_RULE`): a worn
    column rule's dash read as the amount's last or first digit (dev10 lg_91613_自评 p2: 全年预算数
    9.1 read `9.11`, the line's box running 65 px past the printed amount to 3 px from the rule
    between 全年预算数 and 全年执行数, which OCR had lost there). Candidates only: the block's
    checks keep one when it makes its column add up and breaks nothing."""
    text = value.value.strip()
    if value.bbox is None or amount(text) is None:
        return []
    line = _line_of(value, pages)
    if line is None:
        return []
    x0, _, x1, _ = value.bbox
    reach = AT_THE_RULE * (line.bbox[3] - line.bbox[1])
    out = []
    for m in _EDGE_STROKE_RE.finditer(text):
        at_end = m.end() == len(text)
        gap = x1 - line.bbox[2] if at_end else line.bbox[0] - x0
        rest = (text[: m.start()] + text[m.end() :]).strip()
        if gap <= reach and amount(rest) is not None and not _LEADING_ZERO_RE.match(rest):
            out.append(rest)
    return out


def _line_of(value: SourcedValue, pages: list[PageGrid]) -> CellLine | None:
    """The one OCR line of `value`'s page that prints its text whole, its centre inside the
    value's box (the cell it was read from, or the part of a merged cell cut at a lost rule)."""
    page = next((p for p in pages if p.page == value.page), None)
    if page is None or value.bbox is None:
        return None
    x0, y0, x1, y1 = value.bbox
    key = "".join(value.value.split())
    found = [
        line
        for table in page.tables
        for cell in table.cells
        for line in cell.lines
        if "".join(line.text.split()) == key
        and x0 <= (line.bbox[0] + line.bbox[2]) / 2 <= x1
        and y0 <= (line.bbox[1] + line.bbox[3]) / 2 <= y1
    ]
    return found[0] if len(found) == 1 else None


# The values the 总分's sums hold to the cent when every line is read: a digit lost or misread
# in one of them is tried against those sums (`_one_digit_off`)
_SUMMED = (_WEIGHT, _SCORE, _OVERALL_WEIGHT, _OVERALL_SCORE)

# The decimals a weight or score prints at most (two: `8.94`)
_SCORE_DECIMALS = 2

# A weight or score as printed: no 0 before another digit, decimals after one point
_SCORE_RE = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")


def _one_digit_off(text: str) -> list[str]:
    """The numbers `text` (one number as read) is with one digit added, at most two decimals
    as scores print (`95.2` for a printed 95.92, its 9 lost in faint ink; dev9 lg_86966_自评
    p4): tried only against the 总分's sums, which hold to the cent (`_SUMMED`), and kept only
    when exactly one holds them. A digit changed is not tried: a line's score misread by one
    digit (12 for 13) would make the right 总分 (95.59) fit as that digit changed (96.59)."""
    text = text.strip()
    if amount(text) is None:
        return []
    added = {text[:i] + d + text[i:] for i in range(len(text) + 1) for d in "0123456789"}
    return sorted(
        t
        for t in added
        if t != text and _SCORE_RE.fullmatch(t) and len(t.partition(".")[2]) <= _SCORE_DECIMALS
    )


def _first_digit_read_as_0(text: str) -> list[str]:
    """A number printed with a 0 before another digit (`06.96`), which no form prints, as each
    number its first digit may have been (`16.96` … `96.96`): OCR read a faint 9 or 8 as the 0
    its bowl resembles, and read it so from every view (dev9 lg_87104_自评 p2). Candidates only:
    the block's checks keep the one that holds, when one does."""
    if not _LEADING_ZERO_RE.match(text):
        return []
    return [f"{d}{text[1:]}" for d in "123456789"]


def _readings(name: str, views: list[str]) -> list[str]:
    """What a re-read view may print in the cell of `name`: its one number (a view reading none,
    or several, says nothing of one value); a rate with its percent sign."""
    out: list[str] = []
    for text in views:
        numbers = NUMBER_RE.findall(text)
        if len(numbers) != 1:
            continue
        number = numbers[0].replace(",", "")
        if name == _RATE:
            number = number if number.endswith("%") else f"{number}%"
        elif number.endswith("%"):
            continue
        if number not in out:
            out.append(number)
    return out
