"""A rate's 度量单位 cell that OCR read as a lone mark (`:`, `•`): the form's rate unit.

A plan printing its target over 指标性质 | 指标值 | 度量单位 puts a rate's `%` alone in the unit
cell. A faded or 150 dpi `%` is a small glyph, and the recogniser may name it a mark no unit is,
with no unit among its ranked readings either (dev10 lg_95161 p2 and lg_96854 p2: `≥ | 87 | %`
read `≥ | 87 | :` at p 0.35 and 0.29, `:`, `•`, `2` ranked), so no alphabet choice can take it
(`flows.forms.rows._read_by_alphabet`) and the target landed `≥87:`.

A unit cell prints a listed unit, a mark that there is none (`NO_VALUE`), or nothing; a lone
mark of neither kind is print the recogniser misnamed. Which unit it was is told by the line and
its form, not by the glyph: the line's name names a rate (`rates.names_a_rate`: …率, …满意度),
its value is one number no rate exceeds (100 for %, 1000 for ‰), and the form's rate lines read
before it print one rate unit and no other, so the form prints its rates with that unit. Only
then is the mark read as that unit, reported; the raw cell keeps the reading. A mark in a unit
cell of any other line (a count, an amount, a qualitative value) stays as read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from flows.forms.cellvalues import unit_of_target
from flows.forms.rates import names_a_rate
from flows.forms.spec import NO_VALUE, RATE_UNITS, FormSpec
from flows.models import IndicatorRow, SourcedValue
from flows.text import normalize

# The most a rate printed with each unit may be: a share of a whole.
RATE_MOST = {"%": 100.0, "‰": 1000.0}

_BARE_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_MARK_MOST = 2  # a lone glyph, or one with a speck beside it


def lone_mark(text: str) -> bool:
    """Whether a unit cell's reading is a mark and nothing else: one or two glyphs each a
    punctuation mark or symbol (no letter, digit or Han glyph), none of them a rate unit or a
    no-value mark."""
    printed = normalize(text)
    if not printed or len(printed) > _MARK_MOST or printed in NO_VALUE:
        return False
    return all(
        unicodedata.category(ch)[0] in "PS" and ch not in (*NO_VALUE, *RATE_UNITS) for ch in printed
    )


def form_rate_unit(lines: Iterable[IndicatorRow]) -> str | None:
    """The one rate unit the form's rate lines (their names naming a rate) print their targets
    with; None when they print none, or more than one."""
    units = {
        unit
        for line in lines
        if names_a_rate(line.name.value)
        and (unit := unit_of_target(line.target.value)) in RATE_UNITS
    }
    return units.pop() if len(units) == 1 else None


def rate_unit_read_as_mark(
    values: dict[str, SourcedValue], spec: FormSpec, before: Iterable[IndicatorRow]
) -> list[str]:
    """A rate line's unit cell (a column of `spec` whose role is `unit`) read as a lone mark,
    read as the rate unit the form's lines `before` print (see the module's note), in `values`
    in place; the note saying so, or none."""
    name = values.get("indicator_name")
    value = values.get("target")
    if name is None or value is None or not names_a_rate(name.value):
        return []
    number = normalize(value.value)
    if _BARE_NUMBER_RE.fullmatch(number) is None:
        return []
    notes = []
    for field in (c.field for c in spec.columns if c.unit and c.field in spec.composed_target):
        cell = values.get(field)
        if cell is None or not lone_mark(cell.value):
            continue
        unit = form_rate_unit(before)
        if unit is None or float(number) > RATE_MOST[unit]:
            return []
        values[field] = cell.with_value(unit)
        notes.append(
            f"{name.value}: the {field} cell was read '{cell.value.strip()}', a mark that is no "
            f"unit; the line names a rate, its value {number} is one, and the form's rates "
            f"before it print '{unit}': read as '{unit}'"
        )
    return notes
