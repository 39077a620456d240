"""A self-evaluation's weights and scores read against each other.

The 总分 row's two numbers where an OCR grid lost a rule of that row: the weight glued onto the
总分 label (`总分 100` | `97.92`), or the weight and the score read as one number
(`10099.43` under 分值 and 得分).

Apart because it reads the total row against what the form printed above it: the 总分 weight is
the sum of the weights printed (the funds block's and every indicator's), and a score is never
above its weight. A glued number is split only where that check holds; otherwise nothing is
landed and the row is reported, as before. An indicator line printing a weight but no
readable score (or a score above its weight) is reported, never filled in.
"""

from __future__ import annotations

from flows.forms.cellvalues import NUMBER_RE
from flows.models import IndicatorRow, SourcedValue


def _number(text: str) -> float | None:
    text = text.strip().replace(",", "")
    return float(text) if NUMBER_RE.fullmatch(text) and not text.endswith("%") else None


def weights_sum(fields: dict[str, SourcedValue], indicators: list[IndicatorRow]) -> float | None:
    """The sum of the weights a self-evaluation printed: the funds block's (total_weight) and
    every indicator's. None when one of them was not read as a number: the sum is then
    unknown, not smaller."""
    printed = [fields.get("total_weight")] + [i.extra.get("weight") for i in indicators]
    values = [_number(v.value) if v is not None else None for v in printed]
    if not indicators or any(v is None for v in values):
        return None
    return round(sum(v for v in values if v is not None), 6)


def split_weight_and_score(text: str, total: float | None) -> tuple[str, str] | None:
    """(weight, score) of a 总分 cell printing both without a space (`10099.43`): split after the
    printed digits of `total`, the sum of the weights read, when what follows is a number no
    larger than it. None when the check does not hold (or no sum is known)."""
    digits = text.strip()
    if total is None or not NUMBER_RE.fullmatch(digits) or digits.endswith("%"):
        return None
    head = f"{total:g}"
    score = digits[len(head) :]
    if not digits.startswith(head) or not score or score.startswith("."):
        return None
    value = _number(score)
    if value is None or value > total or (len(score) > 1 and score.startswith("0")):
        return None
    return head, score


def score_problem(weight: SourcedValue | None, score: SourcedValue | None) -> str | None:
    """What is wrong with an indicator line's 分值 and 得分, when something is: a weight printed
    with a score cell blank or not a number (or the reverse), or a score above its weight. The
    values stay as read; this only says so."""
    if weight is None or score is None:  # the grid prints no such column
        return None
    printed_weight = weight.value.strip()
    text = score.value.strip()
    if len(printed_weight.split()) > 1 or len(text.split()) > 1:
        return None  # several values in one cell: reported where they are shared out
    w = _number(printed_weight)
    s = _number(text)
    if w is None:
        if s is None:  # neither value read: nothing to set against the other
            return None
        shown = (
            f"'{printed_weight}' is not a number" if printed_weight else "is blank or unreadable"
        )
        return f"its score {text} is printed but its weight {shown}"
    if s is None:
        shown = f"'{text}' is not a number" if text else "is blank or unreadable"
        return f"its weight {printed_weight} is printed but its score {shown}"
    if s > w:
        return f"its score {text} is above its weight {printed_weight}"
    return None
