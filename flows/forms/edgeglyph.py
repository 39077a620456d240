"""A funds amount whose first or last digit a seal's glyph covered: OCR read the seal's character
in the digit's place, touching the other digits (`政90590` printed 490,590, dev9 lg_82375 p1).

Apart from `funds` because it asks one question of the block before the seal's glyphs are left
out (`funds.funds_amid_marks`, which reads `政90590` as 90590 and so loses where a digit stood):
which digit, if any, did the glyph hide? Only the block's own sum answers it, and only when
exactly one digit (or none) makes 年度资金总额 the sum of its parts. A glyph *between* digits is
`funds._a_glyph_for_a_digit`'s; a glyph apart from the digits (`45932.02 委政`) hides none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flows.forms.cellvalues import PRINTED_WORDS, amount, number_amid_marks
from flows.forms.funds import (
    DIGITS,
    FUNDS_PARTS,
    GROUPED_RE,
    block_fields,
    store_block,
    total_is_sum,
)
from flows.forms.spec import FUNDS_DECIMALS, NO_VALUE
from flows.models import ProjectForm
from flows.text import HAN

# One Han glyph touching an amount's digits at its start or end, nothing else beside them
_EDGE_GLYPH_RE = re.compile(rf"^(?P<glyph>[{HAN}])[\d.,]+$|^[\d.,]+(?P<end>[{HAN}])$")


def glyph_over_an_edge_digit(
    form: ProjectForm, ocr_pages: Mapping[int, float | None], problems: list[str]
) -> None:
    """The one amount of a target table's funds block, on an OCR page, read with a Han glyph
    touching its first or last digit (no unit: `PRINTED_WORDS`) is read with that glyph as the
    one digit by which the block adds up, the other amounts as read (a seal's glyphs beside
    them left out, as `funds_amid_marks` will). Left as read — for `funds_amid_marks` to drop
    the glyph — when the block adds up with the glyph hiding nothing, when two digits fit, when
    none does, or when two amounts print such a glyph (the sum cannot tell whose digit it is).
    Noted, quoting the reading."""
    fields = block_fields(form)
    names = next((p for p in FUNDS_PARTS if p[0] in fields), None)
    if names is None or "total_funds" not in fields:
        return
    block = ["total_funds", *(n for n in names if n in fields)]
    unit = form.fields["funds_unit"].value if "funds_unit" in form.fields else None
    covered = {
        n: readings
        for n in block
        if fields[n].page in ocr_pages and (readings := _digit_readings(fields[n].value, unit))
    }
    if len(covered) != 1:
        return
    ((name, readings),) = covered.items()
    others = {n: _as_read(fields[n].value) for n in block if n != name}
    if any(v is None for v in others.values()):
        return
    fits = [
        (digit, text)
        for digit, text in readings
        if total_is_sum([amount(text) or 0.0 if n == name else others[n] or 0.0 for n in block])
    ]
    if len(fits) != 1 or not fits[0][0]:
        return
    digit, text = fits[0]
    value = fields[name]
    glyph = next(ch for ch in value.value if not (ch.isdigit() or ch in ".,"))
    fields[name] = value.with_value(text)
    store_block(form, fields)
    problems.append(
        f"page {value.page}: funds read {name} '{value.value}' as {text}: '{glyph}' touching "
        f"its digits a seal's glyph read over a {digit}, the one digit by which 年度资金总额 is "
        "the sum of its parts"
    )


def _digit_readings(printed: str, unit: str | None) -> list[tuple[str, str]]:
    """(digit, text) for an amount read with one Han glyph touching its first or last digit
    (`政90590`): the glyph left out ('' for the digit), then each digit in its place that an
    amount can print (no leading 0, commas grouping by three, no more decimals than the unit
    has); none when the glyph is a printed word (元) or the rest is no amount."""
    printed = printed.strip()
    m = _EDGE_GLYPH_RE.fullmatch(printed)
    if m is None:
        return []
    glyph, at_start = (m["glyph"], True) if m["glyph"] else (m["end"], False)
    rest = printed[1:] if at_start else printed[:-1]
    if glyph in PRINTED_WORDS or amount(rest) is None:
        return []
    most = FUNDS_DECIMALS.get(unit or "")
    out = [("", rest)]
    for digit in DIGITS:
        text = digit + rest if at_start else rest + digit
        if at_start and (digit == "0" or not rest[0].isdigit()):
            continue
        if "," in text and not GROUPED_RE.fullmatch(text):
            continue
        if most is not None and len(text.partition(".")[2]) > most:
            continue
        if amount(text) is not None:
            out.append((digit, text))
    return out


def _as_read(printed: str) -> float | None:
    """An amount as `funds_amid_marks` will read it: blank or a no-value mark is 0, a seal's
    glyphs beside its number left out; None when it is no amount."""
    printed = printed.strip()
    if not printed or printed in NO_VALUE:
        return 0.0
    found = number_amid_marks(printed)
    return amount(found[0] if found is not None else printed)
