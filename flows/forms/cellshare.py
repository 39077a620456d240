"""A grid line's cell that OCR merged across several columns, shared out among them.

One cell standing under several numeric columns (分值 | 得分 where their rule was lost) prints a
number per column; a cell under a composed value's columns (指标性质 | 指标值 | 度量单位) is the
main column's value, or its parts when its lines stand under the heading's columns. Apart because
both the indicator lines (`flows.forms.rows`) and the 总分 row (`flows.forms.totalrow`) share out
merged cells the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Container

from flows.forms.cellvalues import NUMBER_RE, numbers_in, spread_numbers
from flows.forms.columns import GridColumns
from flows.forms.spec import NO_VALUE, FormSpec
from flows.models import Cell, CellLine, SourcedValue, join_wrapped
from flows.text import normalize


def share_across_columns(
    cells: dict[str, Cell | None],
    values: dict[str, SourcedValue],
    cols: GridColumns,
    spec: FormSpec,
    over_lines: Container[int] = frozenset(),
    frame: Callable[[float], float] | None = None,
) -> list[str]:
    """A grid line's values where OCR put two columns' text in one cell; problems, if any.

    One cell under several numeric columns (分值 and 得分 when their rule was lost) prints one
    number per column, given out in column order; when it does not (`2013`), none is landed
    rather than a guess. A cell under a composed value's columns (指标性质 | 指标值 | 度量单位)
    is the main column's value. A numeric cell printing k numbers (`100 95.77`) whose next (or
    previous) k-1 numeric columns are blank gives them one each; a cell merged over several
    lines (`over_lines`, ids) prints their numbers, not its neighbours'. A cell under a numeric
    column and a text column (得分 | 偏差原因) gives each its OCR lines by where they stand under
    the heading (`frame`: page x → share of the heading's frame; `_lines_by_heading`). On an
    OCR page (`frame` given) a cell under 指标值 and 实际完成值 printing one value twice
    (`100%100%`) gives each column that value."""
    numeric = {c.field for c in spec.columns if c.numeric}
    order = sorted((f for f in values if f in cols.by_field), key=lambda f: cols.by_field[f])
    notes: list[str] = []
    by_cell: dict[int, list[str]] = {}
    for f in order:
        cell = cells.get(f)
        if cell is not None:
            by_cell.setdefault(id(cell), []).append(f)
    for fields in (fs for fs in by_cell.values() if len(fs) > 1):
        text = values[fields[0]].value
        if frame is not None and numeric & set(fields) and set(fields) - numeric:
            cell = cells[fields[0]]
            assert cell is not None
            placed = _lines_by_heading(cell, fields, cols, frame, numeric)
            if placed is not None:
                for f, printed in placed.items():
                    values[f] = values[f].with_value(printed)
                shown = ", ".join(f"{f} {placed[f]}" for f in fields if f in numeric)
                notes.append(
                    f"the cell '{text}' stands under the {', '.join(fields)} columns (OCR found "
                    f"no rule between them): its lines read by where they stand under the "
                    f"heading ({shown})"
                )
                continue
        if set(fields) <= numeric:
            tokens = numbers_in(text)
            if tokens is not None and len(tokens) == 1 and tokens[0] in NO_VALUE:
                tokens = tokens * len(fields)
            if tokens is not None and len(tokens) == len(fields):
                for f, token in zip(fields, tokens, strict=True):
                    values[f] = values[f].with_value(token)
            elif text.strip():
                notes.append(
                    f"the cell '{text}' stands under the {', '.join(fields)} columns (OCR found "
                    "no rule between them) and does not print one number for each; not read"
                )
                for f in fields:
                    values[f] = values[f].with_value("")
            continue
        once = _one_value_twice(text, cells[fields[0]]) if frame is not None else None
        if once is not None and fields == ["target", "actual"]:
            values["target"] = values["target"].with_value(once)
            values["actual"] = values["actual"].with_value(once)
            notes.append(
                f"the cell '{text}' stands under the target, actual columns (OCR found no rule "
                f"between them) and prints one value twice: each column reads '{once}'"
            )
            continue
        composed = [("target", spec.composed_target)]
        if spec.composed_actual:
            composed.append((spec.composed_actual[0], spec.composed_actual))
        for main, parts in composed:
            if main in fields and set(fields) <= set(parts):
                for f in fields:
                    if f != main:
                        values[f] = values[f].with_value("")
                break
        notes += _name_over_target_parts(fields, values, spec)
    return notes + spread_numbers(values, _numeric_runs(order, numeric), over_lines, cells)


def _one_value_twice(text: str, cell: Cell | None = None) -> str | None:
    """The value a cell prints twice in a row (`100%100%`, `有效带动 有效带动`): a year-end
    target and its actual, equal as these forms often print them, read as one cell across the
    lost rule between them. Wrapped alike in both columns, each OCR line of the cell reads one
    line of the value twice (`明显改明显改` over `善善`, dev2 lg_12330_自评 p4): the value is
    the lines' halves in turn. None when the cell's text is not one value twice."""
    whole = _twice(text)
    if whole is not None or cell is None or len(cell.lines) < 2:
        return whole
    halves = [_twice(line.text) for line in cell.lines]
    return None if None in halves else "".join(h for h in halves if h is not None)


def _twice(text: str) -> str | None:
    """The text of which `text` (spaces aside) is two copies, None when it is not."""
    compact = "".join(text.split())
    half = compact[: len(compact) // 2]
    return half if len(compact) % 2 == 0 and half and compact == half * 2 else None


def _name_over_target_parts(
    fields: list[str], values: dict[str, SourcedValue], spec: FormSpec
) -> list[str]:
    """A 三级指标 cell merged over the leading parts of a composed target (指标性质, blank on a
    qualitative or plain line, its short rule lost on a scan) while the target's value has a
    cell of its own: the text is the name's, and the parts print nothing. Composed with it,
    the name was read into the target (`预算控制数56万元` for `56万元`). A last word after a gap
    that the part's column may print (`Column.alphabet`: `指标10:保障农户基本权益 定性`,
    `新增就业数量 =`, dev lg_9665 and lg_9837) is that part's value, not the name's: a name
    never ends in a lone comparator or 定性 printed apart."""
    parts = set(spec.composed_target) - {"target"}
    if fields[0] != "indicator_name" or not set(fields[1:]) <= parts or len(fields) < 2:
        return []
    for f in fields[1:]:
        values[f] = values[f].with_value("")
    printed = values["indicator_name"].value
    note = (
        f"the 三级指标 cell '{printed}' stands under the {', '.join(fields[1:])} column(s) too "
        "(no rule between them): read as the name only"
    )
    name, _, last = printed.strip().rpartition(" ")
    closed = [c for c in spec.columns if c.field in fields[1:] and c.alphabet]
    if len(closed) == 1 and name.strip() and normalize(last) in closed[0].alphabet:
        values["indicator_name"] = values["indicator_name"].with_value(name.strip())
        values[closed[0].field] = values[closed[0].field].with_value(last)
        note = (
            f"the 三级指标 cell '{printed}' stands under the {', '.join(fields[1:])} column(s) "
            f"too (no rule between them): read as the name '{name.strip()}' and the "
            f"{closed[0].field} '{last}' printed after it, a value of that column"
        )
    return [note]


def _lines_by_heading(
    cell: Cell,
    fields: list[str],
    cols: GridColumns,
    frame: Callable[[float], float],
    numeric: Container[str],
) -> dict[str, str] | None:
    """The text each of `fields` prints in one cell OCR merged across their columns: each OCR
    line goes to the field whose heading stands over the line's centre, top to bottom; a
    numeric field takes one number or nothing. None when a line stands under none of them, or
    a numeric field's lines are not one number: the cell is not shared out by guess."""
    got: dict[str, list[CellLine]] = {f: [] for f in fields}
    for line in cell.lines:
        centre = (frame(line.bbox[0]) + frame(line.bbox[2])) / 2
        under = [f for f in fields if f in cols.x_ranges and _inside(centre, cols.x_ranges[f])]
        if len(under) != 1:
            return None
        got[under[0]].append(line)
    texts = {
        f: join_wrapped([ln.text for ln in sorted(lines, key=lambda ln: ln.bbox[1])])
        for f, lines in got.items()
    }
    if any(f in numeric and texts[f] and not NUMBER_RE.fullmatch(texts[f]) for f in fields):
        return None
    if not any(texts[f] for f in fields if f in numeric):
        return None  # no number apart from the text: nothing the reading by lines adds
    return texts


def _inside(x: float, span: tuple[float, float]) -> bool:
    return span[0] <= x < span[1]


def _numeric_runs(order: list[str], numeric: set[str]) -> list[list[str]]:
    """The line's fields in column order cut into runs of neighbouring numeric columns."""
    runs: list[list[str]] = [[]]
    for f in order:
        if f in numeric:
            runs[-1].append(f)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]
