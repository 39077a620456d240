"""A target table's funds block that does not add up, settled by reading one of its cells again.

A digit under a seal's stroke or in faint ink can be read as another digit (dev7 lg_61983: a
total 39.366 read `39.866` beside 本级 22.947 and 上级 16.419). The block's sum sees the misread
but cannot say which amount it is: one digit changed fits several ways (the total's 8 → 3, or
上级's 4 → 9). The extraction stage reads each amount's cell again from other views of its ink
(`flows.extract.reread`); a reading is kept only when it is the one reading, over every cell of
the block, by which the block adds up — two witnesses, the engine's second look and the form's
arithmetic — and the change is said. Apart from `flows.forms.funds` because it is the one place
the reader asks the page for more, after everything it can judge from the grid alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from flows.forms.cellvalues import NUMBER_RE, RULE_MARKS, amount
from flows.forms.funds import (
    FUNDS_PARTS,
    GROUPED_RE,
    block_fields,
    separators_read_apart,
    store_block,
    total_is_sum,
)
from flows.forms.header import is_rule_mark
from flows.forms.spec import FUNDS_DECIMALS, NO_VALUE
from flows.models import BBox, BoxReread, PageGrid, ProjectForm, SourcedValue


def reread_funds_by_sum(
    form: ProjectForm,
    ocr_pages: Mapping[int, float | None],
    reread: BoxReread | None,
    problems: list[str],
) -> None:
    """A target table's funds block (年度资金总额 = 财政拨款 + 其他资金, or 本级 + 上级 +
    其他资金) read whole as amounts that does not add up: each of its amounts on an OCR page is read
    again (`reread`), and the one re-read amount by which the block adds up, when exactly one
    (amount, field) does, replaces what was read, noted. A block that adds up, has no part,
    could add up by re-reads of two cells or to two amounts, or whose re-reads fit none, is left
    as read (the audit's funds finding says it does not add up). No `reread` (a text-layer
    document, a test): nothing to do."""
    if reread is None:
        return
    fields = block_fields(form)
    names = next((p for p in FUNDS_PARTS if p[0] in fields), None)
    total = fields.get("total_funds")
    if names is None or total is None or not total.value.strip():
        return  # no total read: `total_from_parts` judges the block
    block = ["total_funds", *(n for n in names if n in fields)]
    amounts = [_as_read(fields[n]) for n in block]
    unread = amounts.count(None)
    if unread > 1 or (not unread and total_is_sum(amounts)):
        return  # two cells no amount: one re-read cannot make the block add up
    unit = form.fields["funds_unit"].value if "funds_unit" in form.fields else None
    fits = _fits(fields, block, amounts, ocr_pages, reread, unit)
    if len(fits) != 1:
        if len(fits) > 1:
            ways = "; ".join(f"{n} as {t}" for n, t, _ in fits)
            problems.append(
                f"page {fields['total_funds'].page}: funds block does not add up as read, and "
                f"its cells read again make it add up more than one way ({ways}): left as read"
            )
        return
    name, text, views = fits[0]
    value = fields[name]
    fields[name] = value.with_value(text)
    store_block(form, fields)
    widened = _widened(value, [fields[n] for n in block]) != value.bbox
    where = " across the block's amount columns" if widened else ""
    problems.append(
        f"page {value.page}: funds read {name} '{value.value}' as {text}: its cell read again"
        f"{where} ({', '.join(repr(v) for v in views)}) gives the one amount, over every cell "
        "of the block, by which 年度资金总额 is the sum of its parts"
    )


def _as_read(value: SourcedValue) -> float | None:
    """An amount as read: blank, or a mark printed for none, is 0; None when no amount."""
    printed = value.value.strip()
    return 0.0 if not printed or printed in NO_VALUE else amount(printed)


def _widened(value: SourcedValue, block: list[SourcedValue]) -> BBox:
    """The box an amount is read again in: its cell, widened across the columns the block's
    other amounts on its page print in. A digit `1` standing on a column rule of the rows
    above may have been taken for that rule, cutting the amount's cell short (dev8 lg_77277:
    58.611 read `58.6` | `1` in two cells where the rows below print in one)."""
    x0, y0, x1, y1 = value.bbox
    for other in block:
        if other.page == value.page and other.bbox is not None:
            x0, x1 = min(x0, other.bbox[0]), max(x1, other.bbox[2])
    return x0, y0, x1, y1


def _printable(number: str) -> bool:
    """Whether a re-read number is one an amount prints: commas only grouping by three
    (`1,23` is no amount, though `amount` reads it 123)."""
    return "," not in number or GROUPED_RE.fullmatch(number) is not None


def _fits(
    fields: dict[str, SourcedValue],
    block: list[str],
    amounts: list[float],
    ocr_pages: Mapping[int, float | None],
    reread: BoxReread,
    unit: str | None,
) -> list[tuple[str, str, list[str]]]:
    """(field, text, the views' readings) of each distinct re-read amount by which the block
    adds up, the others as read."""
    most = FUNDS_DECIMALS.get(unit or "")
    fits: dict[tuple[str, float], tuple[str, str, list[str]]] = {}
    for i, name in enumerate(block):
        value = fields[name]
        if value.page not in ocr_pages or value.bbox is None or not value.value.strip():
            continue
        if any(a is None for j, a in enumerate(amounts) if j != i):
            continue  # another cell is no amount: the sum cannot judge this one
        views = reread(value.page, _widened(value, [fields[n] for n in block]))
        for text in views:
            for number in _amounts_read(text, most):
                got = amount(number)
                if got is None or got == amounts[i]:
                    continue
                if total_is_sum([got if j == i else a or 0.0 for j, a in enumerate(amounts)]):
                    fits.setdefault((name, got), (name, number, views))
    return list(fits.values())


def _amounts_read(text: str, most: int | None) -> list[str]:
    """The amounts a re-read `text` may print: its one number (a reading of none, or of
    several, says nothing of one amount) and that number with one separator read for the
    other (`separators_read_apart`: `25.480` in 元 is 25,480), those its unit prints (`most`
    decimals) and whose commas group by three."""
    numbers = NUMBER_RE.findall(text)
    if len(numbers) != 1:
        return []
    texts = [numbers[0], *(r[2] for r in separators_read_apart(numbers[0]))]
    return [
        t for t in texts if _printable(t) and (most is None or len(t.partition(".")[2]) <= most)
    ]


def reread_lone_amount(
    form: ProjectForm,
    pages: list[PageGrid],
    ocr_pages: Mapping[int, float | None],
    reread: BoxReread | None,
    problems: list[str],
) -> None:
    """A funds block of one amount (`年度本级预算金额` alone: no part, so no sum can judge it)
    read with a stroke at its edge (`120430`) where a worn column rule crosses its line: a lone
    stroke of the rule stands above or below that line, within its width, in the amount's cell
    (dev10 lg_93645: the rule between 年度本级预算金额 and 20430 wore into dashes, OCR read the
    label, the dash and the amount as one line). The stroke at the amount's edge may be the
    rule's dash read as a `1`, or a printed digit; the amount's cell is read again
    (`reread`), and the amount without that stroke is taken only when every view reads one
    number, that amount (the print without the rule's dash), noted. Any view reading the stroke,
    another number, several or none: left as read."""
    if reread is None:
        return
    fields = block_fields(form)
    total = fields.get("total_funds")
    if total is None or any(p in fields for parts in FUNDS_PARTS for p in parts):
        return  # a block with parts: its sum judges it (`reread_funds_by_sum`)
    if total.page not in ocr_pages or total.bbox is None:
        return
    printed = total.value.strip()
    shorter = [
        rest
        for rest in (printed[1:] if printed[:1] in RULE_MARKS else None,
                     printed[:-1] if printed[-1:] in RULE_MARKS else None)
        if rest and amount(rest) is not None and _printable(rest)
    ]  # fmt: skip
    if amount(printed) is None or not shorter or not _crossed_by_a_rule(total, pages):
        return
    unit = form.fields["funds_unit"].value if "funds_unit" in form.fields else None
    most = FUNDS_DECIMALS.get(unit or "")
    views = reread(total.page, total.bbox)
    read = [NUMBER_RE.findall(text) for text in views]
    agreed = {numbers[0] for numbers in read if len(numbers) == 1}
    if not views or any(len(numbers) != 1 for numbers in read) or len(agreed) != 1:
        return
    (number,) = agreed
    if number not in shorter or (most is not None and len(number.partition(".")[2]) > most):
        return
    form.funds = replace(form.funds, total=total.with_value(number))
    problems.append(
        f"page {total.page}: funds read total_funds '{printed}' as {number}: a worn column "
        "rule's dash stands on its line, and its cell read again "
        f"({', '.join(repr(v) for v in views)}) reads the amount without the stroke at its "
        "edge in every view (the block's one amount: no sum to judge it)"
    )


def _crossed_by_a_rule(value: SourcedValue, pages: list[PageGrid]) -> bool:
    """Whether the value's cell on its page prints a lone rule stroke (`is_rule_mark`) above or
    below the line the value is read in, within that line's width: a column rule worn into
    dashes runs through the line."""
    page = next((p for p in pages if p.page == value.page), None)
    cells = [c for t in (page.tables if page else []) for c in t.cells if c.bbox == value.bbox]
    for cell in cells:
        lines = [ln for ln in cell.lines if value.value.strip() in ln.text]
        for line in lines:
            for mark in cell.lines:
                if not is_rule_mark(mark):
                    continue
                within = line.bbox[0] < mark.bbox[0] and mark.bbox[2] < line.bbox[2]
                apart = mark.bbox[3] <= line.bbox[1] or mark.bbox[1] >= line.bbox[3]
                if within and apart:
                    return True
    return False
