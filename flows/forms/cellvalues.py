"""Several values printed in one cell: the numbers (and `/`, `—` blanks) a cell prints, and how
numbers OCR put in one cell spread to the neighbouring blank numeric columns they stand under,
one each — never split where no space was printed.

Apart because the funds matrix and the indicator rows read printed values the same way.
"""

from __future__ import annotations

import re
from collections.abc import Container

from flows.forms.spec import NO_VALUE
from flows.models import Cell, SourcedValue

VALUE_RE = re.compile(r"\d[\d,]*(?:\.\d+)?%?|[/—–-]")


NUMBER_RE = re.compile(r"\d[\d,]*(?:\.\d+)?%?")

# How OCR reads a stretch of a worn vertical rule: strokes no printed value starts or ends with,
# and (`RULE_MARKS`) also the digit and letter a stroke is read as, which values may print
RULE_STROKES = "|Il!丨｜"
RULE_MARKS = RULE_STROKES + "1i"


def char_class(chars: str) -> str:
    """A regular expression character class of `chars`."""
    return "[" + re.escape(chars) + "]"


def amount(text: str) -> float | None:
    """A cell's text as one printed amount (`1,234.5`), None when it is not one (a rate `98%`,
    a word, several numbers)."""
    text = text.strip().replace(",", "")
    return float(text) if NUMBER_RE.fullmatch(text) and not text.endswith("%") else None


def numbers_in(text: str) -> list[str] | None:
    """The numbers a cell prints apart (`100 95.77` → 100, 95.77); None when it prints anything
    but numbers and '/' marks separated by spaces. Digits are never split where no space is
    printed: `2013` is one number, whatever two columns it was meant for."""
    tokens = text.split()
    ok = all(NUMBER_RE.fullmatch(t) or t in NO_VALUE for t in tokens)
    return tokens if ok else None


def spread_numbers(
    values: dict[str, SourcedValue],
    runs: list[list[str]],
    over_lines: Container[int] = frozenset(),
    cells: dict[str, Cell | None] | None = None,
) -> list[str]:
    """A value printing k numbers apart (`100 95.77`) in a run of neighbouring numeric columns
    whose next (or previous) k-1 columns are blank: one number each, in column order; with no
    blank neighbours it stays as printed and is reported. Cells merged over several lines
    (`over_lines`, ids) print those lines' numbers, not their neighbours'."""
    notes: list[str] = []
    for run in runs:
        for i, f in enumerate(run):
            tokens = numbers_in(values[f].value)
            cell = (cells or {}).get(f)
            if tokens is None or len(tokens) < 2 or id(cell) in over_lines:
                continue
            k = len(tokens)
            spots = [run[j : j + k] for j in (i, i - k + 1) if j >= 0 and j + k <= len(run)]
            free = [s for s in spots if all(not values[g].value.strip() for g in s if g != f)]
            if free:
                printed = values[f]  # each number keeps the provenance of the cell printing it
                for g, token in zip(free[0], tokens, strict=True):
                    values[g] = printed.with_value(token)
            else:
                notes.append(
                    f"the {f} cell '{values[f].value}' prints {k} values and no neighbouring "
                    "column is blank to take them; landed as printed"
                )
    return notes
