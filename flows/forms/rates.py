"""A rate's 指标值 whose percent sign OCR read as a digit: `≥813` printed as ≥81%.

A rate (an indicator named …率, …满意度: 完成率, 合格率, 受益群众满意度) is a share of a whole,
printed as a percentage of at most 100 (`≥95%`, `=100%`), or as the bare number when the name or
the 度量单位 column carries the unit (`≥95`). A rate's target read as a whole number above 100
with no unit cannot be what was printed; where dropping its last digit leaves a number of at most
100, that digit is the `%` glyph a faded or 150 dpi scan blurred into a digit (dev scans: `≥81%`
→ `≥813`, `≥93%` → `≥931`, `≥87%` → `≥873`, `≥80%` → `≥805`: the recogniser is sure of the digit,
its ranked readings hold no `%`, and the glyph's shape and position did not tell them apart, so
the value's own impossibility is the evidence). A number of at most 100 is left as read: `≥93` may
be printed so, and a `%` read as a digit there cannot be told from it.
"""

from __future__ import annotations

import re

from flows.forms.spec import RATE_NAME_ENDINGS
from flows.text import normalize

# A whole number of three or four digits after an optional comparator, nothing else: the last
# digit is the candidate `%` (a decimal `98.53` is at most 100 either way and is never touched).
_NUMBER_WITH_LAST_DIGIT = re.compile(r"([<>=≤≥]?)([1-9]\d{1,2})(\d)")


def names_a_rate(name: str) -> bool:
    """Whether an indicator's name (三级指标, as printed) names a rate: it ends with one of the
    form description's `RATE_NAME_ENDINGS`."""
    return normalize(name).endswith(RATE_NAME_ENDINGS)


def percent_read_as_digit(name: str, target: str) -> str | None:
    """The target a rate printed when OCR read its `%` as a last digit (`≥813` → `≥81%`); None
    when the name names no rate, the target is not a bare whole number above 100, or the number
    without its last digit is above 100 too (`1200`: no percentage either way)."""
    m = _NUMBER_WITH_LAST_DIGIT.fullmatch(target.strip())
    if m is None or not names_a_rate(name):
        return None
    comparator, head, last = m.groups()
    if int(head + last) <= 100 or int(head) > 100:
        return None
    return f"{comparator}{head}%"
