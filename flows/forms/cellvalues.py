"""Several values printed in one cell: the numbers (and `/`, `—` blanks) a cell prints, and how
numbers OCR put in one cell spread to the neighbouring blank numeric columns they stand under,
one each — never split where no space was printed.

Apart because the funds matrix and the indicator rows read printed values the same way.
"""

from __future__ import annotations

import re
from collections.abc import Container

from flows.forms.labels import edit_distance
from flows.forms.spec import (
    COMPARATORS,
    FUNDS_UNITS,
    MEASURE_UNITS,
    NO_VALUE,
    RATE_UNITS,
    UNIT_QUALIFIERS,
)
from flows.models import Cell, SourcedValue
from flows.text import HAN, normalize

VALUE_RE = re.compile(r"\d[\d,]*(?:\.\d+)?%?|[/—–-]")


NUMBER_RE = re.compile(r"\d[\d,]*(?:\.\d+)?%?")

# A decimal point OCR read as a colon between a number's digits (`94:07`, `5:05`): no amount,
# score or total prints a time, so the reading with a point is the one the form's sums may take
COLON_POINT_RE = re.compile(r"(\d+)\s*[:：]\s*(\d{1,3})")

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


def value_amount(value: SourcedValue | None) -> float | None:
    """`amount` of a value as read; None where none was read."""
    return amount(value.value) if value is not None else None


# The words a numeric cell may print beside its number: the listed units, the qualifiers after
# a unit, and a score's 分. A run of Han glyphs that is one of them is print; any other run beside
# the number (a seal's characters read over it: `85必%政`, `45932.02委政人`) is not.
PRINTED_WORDS = frozenset((*MEASURE_UNITS, *RATE_UNITS, *FUNDS_UNITS, *UNIT_QUALIFIERS, "分"))
_COMPARATOR = "|".join(
    re.escape(f) for f in sorted({f for fs in COMPARATORS.values() for f in fs}, key=len)[::-1]
)
_HAN_RUN_RE = re.compile(f"[{HAN}]+")
_UNITS = "|".join(re.escape(u) for u in sorted({*MEASURE_UNITS, *RATE_UNITS}, key=len)[::-1])
_QUALIFIERS = "|".join(re.escape(q) for q in sorted(UNIT_QUALIFIERS, key=len)[::-1])
_TARGET_NUMBER_RE = re.compile(
    rf"(?:{_COMPARATOR})?\d[\d,]*(?:\.\d+)?(?P<unit>{_UNITS})?(?:{_QUALIFIERS})?"
)


def unit_of_target(target: str) -> str | None:
    """The unit a target printing a number is printed with (`≥95%` → %, `2280人次以上` → 人次,
    `300` → ''), None when the target prints no number with a listed unit (`明显提高`,
    `2024年底`: 年底 is no unit of `MEASURE_UNITS`)."""
    m = _TARGET_NUMBER_RE.fullmatch(normalize(target))
    return None if m is None else m.group("unit") or ""


_GLYPHS_BEFORE_SIGN_RE = re.compile(rf"(?P<glyphs>[{HAN}]+)\s*(?P<target>(?:{_COMPARATOR}).*)")


def glyphs_before_comparator(target: str) -> tuple[str, str] | None:
    """(the target as printed, the glyphs left out) for a target OCR read with Han glyphs
    before its comparator sign (`明>96%`, dev5 lg_48718 p3: a seal's glyph over the cell): a
    target printing a sign prints it first, and the words a target may print before its number
    (不低于, 约, 达到) print no sign after them. Only when the rest is one sign, one number
    and a listed unit or none (`_TARGET_NUMBER_RE`); None otherwise."""
    m = _GLYPHS_BEFORE_SIGN_RE.fullmatch(target.strip())
    if m is None or _TARGET_NUMBER_RE.fullmatch(normalize(m.group("target"))) is None:
        return None
    return m.group("target"), m.group("glyphs")


def unit_in_unit_cell(text: str) -> str | None:
    """The listed unit a 度量单位 cell prints (`Column.unit`), also when OCR read a seal's Han
    glyphs after it (`%政` → %); None for a cell printing no listed unit first, or a unit
    followed by another word values print."""
    printed = normalize(text)
    units = sorted((u for u in (*MEASURE_UNITS, *RATE_UNITS) if printed.startswith(u)), key=len)
    if not units:
        return None
    rest = printed[len(units[-1]) :]
    if rest and (not _HAN_RUN_RE.fullmatch(rest) or rest in PRINTED_WORDS):
        return None
    return units[-1]


def number_amid_marks(text: str, unit: str = "") -> tuple[str, list[str]] | None:
    """The one number a numeric cell prints (with `unit` after it, the unit its column's values
    print) and the runs of Han glyphs beside it that are no print, when OCR read such runs into
    the cell: a seal's characters over the value (`85必%政` with unit % → 85%, `47024食` →
    47024). None when there is nothing to leave out, when the cell prints no number or several
    (two columns' values are `cellshare`'s; glyphs between digits may hide one), or when a run
    is a word values print (`PRINTED_WORDS`: a unit, 以上, 分 — the cell is then read as
    printed); before the number no word is print (units and qualifiers follow it). Only runs of
    Han glyphs are left out: a mark, letter or stroke beside digits may be
    a digit, point or sign OCR misread, and is never dropped here."""
    numbers = list(NUMBER_RE.finditer(text))
    if len(numbers) != 1:
        return None
    end = numbers[0].end()
    dropped: list[str] = []
    kept = text
    for run in reversed(list(_HAN_RUN_RE.finditer(text))):
        word = run.group()
        after = run.start() >= end
        if unit and after and word != unit and unit in (word[: len(unit)], word[-len(unit) :]):
            # the unit with a seal's glyphs glued on before or after it (`90政人`, `%政`)
            lead = word.startswith(unit)
            rest = word[len(unit) :] if lead else word[: -len(unit)]
            if rest in PRINTED_WORDS:
                return None
            dropped.insert(0, rest)
            cut = (
                (run.start() + len(unit), run.end())
                if lead
                else (run.start(), run.end() - len(unit))
            )
            kept = kept[: cut[0]] + kept[cut[1] :]
            continue
        if after and word == unit:
            continue
        if after and word in PRINTED_WORDS:
            return None  # a word values print after their number: read as printed
        dropped.insert(0, word)
        kept = kept[: run.start()] + kept[run.end() :]
    kept = " ".join(kept.split())
    if not dropped or not number_alone(kept, unit):
        return None
    return kept, dropped


def unit_misread(text: str, unit: str) -> str | None:
    """The value `text` printed when OCR misread one glyph of its unit: a number followed by a
    word that is no listed unit or word values print (`PRINTED_WORDS`) and is one edit from
    `unit` (`labels.edit_distance`: one glyph read as another, one glyph more or, for a unit of
    several glyphs, one glyph lost: `34入`, `12.22万j元`, `1067元人` for 34人, 12.22万元,
    1067元/人; a bound's qualifier after it is kept). `unit` is the unit the value's own line
    prints elsewhere (its target), so that is the word the cell printed. None when the text is
    not such a value."""
    m = _MISREAD_UNIT_RE.fullmatch(normalize(text))
    if m is None or not unit:
        return None
    number, word, qualifier = m["number"], m["word"], m["qualifier"] or ""
    if word in PRINTED_WORDS or edit_distance(word, unit) != 1:
        return None
    return f"{number}{unit}{qualifier}"


_MISREAD_UNIT_RE = re.compile(
    rf"(?P<number>\d[\d,]*(?:\.\d+)?)(?P<word>[^\d.,\s]+?)(?P<qualifier>{_QUALIFIERS})?"
)


def number_alone(text: str, unit: str = "") -> bool:
    """Whether `text` prints one number with `unit` after it and nothing else (a comparator
    before it may be printed): `≥ 90%` with unit %, `47024` with none."""
    shape = rf"\s*(?:{_COMPARATOR})?\s*\d[\d,]*(?:\.\d+)?\s*{re.escape(unit)}\s*"
    return re.fullmatch(shape, text) is not None


def leave_out_marks(
    values: dict[str, SourcedValue],
    units: dict[str, str],
    cells: dict[str, Cell | None] | None = None,
) -> list[str]:
    """The values of `units` (field → the unit its value prints after its number, '' for none)
    into which OCR read glyphs that are no print (`number_amid_marks`): the number with its
    unit, in `values` in place, and a note quoting the reading; the raw cell keeps it. A short
    cell's ranked readings (`Cell.readings`) are asked first: the most probable one printing
    the number alone is taken, as a column's alphabet takes its most probable allowed reading.
    OCR pages only: a text layer prints what it prints."""
    notes = []
    for field, unit in units.items():
        value = values[field]
        found = number_amid_marks(value.value, unit)
        if found is None:
            continue
        cell = (cells or {}).get(field)
        readings = cell.readings if cell is not None and cell.text == value.value else ()
        ranked = [t for t, _ in readings if number_alone(t, unit)]
        alone = ranked[0] if ranked else found[0]
        how = "the recogniser's next reading" if ranked else "the glyphs left out"
        values[field] = value.with_value(alone)
        notes.append(
            f"the {field} cell was read '{value.value}': '{''.join(found[1])}' beside its number "
            "is no number, unit or no-value mark (a seal's or speck's glyphs read over the "
            f"cell); read '{alone}' ({how})"
        )
    return notes


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
