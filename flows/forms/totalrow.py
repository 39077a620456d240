"""A self-evaluation's 总分 row: the total weight and score, wherever OCR left them.

Read in the grid as its closing line (its label cell starting 总分, or a seal's glyph or speck
read before it), alone on the next page with fewer columns, as two numbers standing under 分值
and 得分 with their label lost, or from its text row where OCR found no grid. Apart from the
indicator lines (`flows.forms.rows`) because each way of finding it checks what it read against
the weights and scores printed above it (`flows.forms.totals`), never against the grid alone.
"""

from __future__ import annotations

from dataclasses import replace

from flows.forms.cellshare import share_across_columns
from flows.forms.cellvalues import amount, leave_out_marks, numbers_in
from flows.forms.columns import GridColumns
from flows.forms.labels import one_edit_apart, part_of_level1, printed_after
from flows.forms.provenance import Where
from flows.forms.spec import FULL_SCORE, FormSpec
from flows.forms.state import OpenForm, form_note
from flows.forms.totals import SUM_TOLERANCE as TOTAL_TOLERANCE
from flows.forms.totals import printed_sum, split_glued_total, split_weight_and_score
from flows.models import Cell, SourcedValue, Table
from flows.text import label_key, normalize


def read_total_row(
    form: OpenForm,
    where: Where,
    r: int,
    cells: dict[str, Cell | None],
    problems: list[str],
) -> bool:
    """The 总分 row of a self-evaluation: its weight (100) and the total score, shared out like
    a grid line's numbers when OCR put both in one cell (`100 95.77`)."""
    first = _label_cell(where.table, r)
    printed = first.text if first is not None else ""
    label = _total_label(printed, form.spec)
    if label is None and first is not None:  # a seal's glyph or a speck read before the label
        found_in_line = _total_label_line(first, form.spec)
        if found_in_line is not None:
            printed, label = found_in_line
    if label is None and first is not None:  # a vertical 一级 label's last glyphs run past its rule
        found_after = _total_label_after_overflow(where.table, first, form.spec)
        if found_after is not None:
            printed, label, note = found_after
            problems.append(form_note(form, where.page.page, note))
    if label is None:  # the label may stand in a cell merged down onto the row (lost rules)
        found_above = _total_label_merged_above(where.table, r, form.spec)
        if found_above is not None:
            first, printed, label = found_above
    glyph = ""  # a seal's glyph read glued before the label (`政总分`): the row's numbers decide
    if label is None and first is not None and not where.page.has_text_layer:
        found_glued = _total_label_after_a_glyph(printed, form.spec)
        if found_glued is not None:
            glyph, printed, label = found_glued
    if first is None or label is None:
        return False
    cols = form.columns
    assert cols is not None
    found = {"weight": cells.get("weight"), "score": cells.get("score")}
    by_field = dict(cols.by_field)
    rest = [c for c in where.table.row_cells(r) if c.col > first.last_col and c.text.strip()]
    glued = numbers_in(printed_after(printed, len(label))) or []
    alone = len(glued) == 1 and not rest
    split = split_glued_total(glued[0], form.fields, form.indicators) if alone else None
    if split is not None:
        # the weight and the score glued onto each other and onto the label (`总分 100100`)
        values = {"weight": where.sv(first, split[0]), "score": where.sv(first, split[1])}
        notes = [_glued_note(printed, *split)]
    elif glued and len(glued) + len(rest) == 2:
        # the weight glued onto the label (`总分 100` | `97.92`): the row's numbers in print order
        printed = [where.sv(first, t) for t in glued] + [where.sv(c) for c in rest]
        values = dict(zip(found, printed, strict=True))
        notes: list[str] = []
    else:
        if None in found.values() or found["weight"] is first:
            found = dict(zip(found, (rest + [None, None])[:2], strict=True))
            by_field = {"weight": 0, "score": 1}
        values = {f: where.sv(c) for f, c in found.items()}
        notes = _split_glued_total(found, values, form, where)
        if not notes:
            notes = _join_spaced_totals(values, form)
            notes += share_across_columns(found, values, GridColumns(by_field, 2), form.spec)
    if not where.page.has_text_layer:
        notes += leave_out_marks(values, {"weight": "", "score": ""}, found)
    if glyph:
        if not _full_score_row(values):
            return False  # not the closing row: a line whose name ends in the label, perhaps
        notes.append(_glyph_note(first.text, glyph, values))
    problems.extend(form_note(form, where.page.page, f"总分 {n}") for n in notes)
    form.fields["overall_weight"] = values["weight"]
    form.fields["overall_score"] = values["score"]
    form.closed_grid = True
    return True


def _label_cell(table: Table, r: int) -> Cell | None:
    """The first cell of row `r` that prints anything: where its label stands."""
    return next((c for c in table.row_cells(r) if c.text.strip()), None)


def _total_label(text: str, spec: FormSpec) -> str | None:
    """The closing row's label `text` starts with (总分, 合计), if any."""
    key = label_key(text)
    return next((t for t in spec.total_row if key.startswith(t)), None)


def _total_label_slipped(text: str, spec: FormSpec) -> str | None:
    """The closing row's label `text` starts with read one glyph off (`M分` for 总分: dev3
    lg_29362_自评 p2, the row alone on its page as a free line), followed by numbers only; None
    otherwise. Two glyphs are too few to tell a label by alone: only `total_row_from_lines`
    asks, where the weight and the score read after it must both be the sums read above."""
    key = label_key(text)
    for label in spec.total_row:
        head, rest = key[: len(label)], key[len(label) :]
        slips = sum(a != b for a, b in zip(head, label, strict=False))
        if len(head) == len(label) and slips == 1 and rest[:1].isdigit():
            return label
    return None


def _total_label_after_a_glyph(text: str, spec: FormSpec) -> tuple[str, str, str] | None:
    """(glyph, text after it, label) when `text` is one glyph that is no digit, then the closing
    row's label and nothing but numbers: a seal's glyph over the label cell OCR read into the
    same line (`政总分`, dev6 lg_52608_自评 p4, a faint seal over the 总分 row). One glyph
    before a label does not tell the row alone: the caller reads it as the 总分 row only when
    its weight is the full score (`_full_score_row`); None otherwise."""
    key = label_key(text)
    if len(key) < 2 or key[0].isdigit():
        return None
    cut = next(i for i in range(1, len(text) + 1) if label_key(text[:i]))
    rest = text[cut:].strip()
    label = _total_label(rest, spec)
    if label is None or numbers_in(printed_after(rest, len(label))) is None:
        return None
    return text[:cut].strip(), rest, label


def _full_score_row(values: dict[str, SourcedValue]) -> bool:
    """Whether a row read as weight and score prints the 总分 row's numbers: the weight the full
    score (`FULL_SCORE`: every 自评表 weighs its lines and funds block to 100, so no line weighs
    it alone) and the score a number from 0 to it."""
    weight, score = amount(values["weight"].value), amount(values["score"].value)
    return weight == FULL_SCORE and score is not None and 0 <= score <= FULL_SCORE


def _glyph_note(printed: str, glyph: str, values: dict[str, SourcedValue]) -> str:
    return (
        f"the label cell '{printed}' prints the closing label after '{glyph}' (a seal's glyph "
        f"or a speck read into its line); read as the 总分 row, its weight "
        f"{values['weight'].value} being the full score: {values['weight'].value} | "
        f"{values['score'].value}"
    )


def _total_label_line(cell: Cell, spec: FormSpec) -> tuple[str, str] | None:
    """(line, label) when one OCR line of a one-row `cell` starts with the closing row's label
    while the cell's text does not: a seal's glyph or a speck over the row was read as a line of
    its own before it (`以` | `总分`, a seal's stroke over the label cell). A cell merged
    over several rows is a label of indicator lines, not the 总分 row's (`_total_label_merged_above`
    reads a label standing in one)."""
    if cell.last_row != cell.row:
        return None
    for ln in cell.lines:
        label = _total_label(ln.text, spec)
        if label is not None:
            return ln.text, label
    return None


def _total_label_after_overflow(
    table: Table, cell: Cell, spec: FormSpec
) -> tuple[str, str, str] | None:
    """(text from the label on, label, note) when a one-row `cell` prints the closing row's
    label after glyphs that finish the vertical 一级 label of the cell above it in its column:
    a label typeset one glyph a line ran past its cell's bottom rule, and a text layer places
    each glyph by its centre, so the last glyphs land in the 总分 cell (`标总分` under `意度指`).
    A text layer's cell has no lines to tell them apart (`_total_label_line` reads OCR's)."""
    if cell.last_row != cell.row or cell.row == 0:
        return None
    above = next(
        (
            c
            for c in table.cells
            if c.last_row == cell.row - 1 and c.col <= cell.col <= c.last_col and c.text.strip()
        ),
        None,
    )
    if above is None:
        return None
    for label in spec.total_row:
        at = cell.text.find(label)
        run = normalize(cell.text[:at]) if at > 0 else ""
        if run and part_of_level1(normalize(above.text) + run):
            note = (
                f"the 总分 label cell '{cell.text}' (row {cell.row}, column {cell.col}) starts "
                f"with '{run}', the end of the vertical 一级 label '{above.text}' above it run "
                f"past its rule; read as the {label} row"
            )
            return cell.text[at:], label, note
    return None


def _total_label_merged_above(table: Table, r: int, spec: FormSpec) -> tuple[Cell, str, str] | None:
    """(cell, its line, label) when the 总分 label of row `r` is printed inside a cell merged
    down onto the row from above, left of the row's own cells (OCR lost the rules between the
    grid's lines there and its lines crossed them, so the cell was not cut): one of the cell's
    OCR lines starts with the label and stands within the row's height. None without OCR
    lines (text layers) or such a line."""
    own = table.row_cells(r)
    if not own:
        return None
    top, bottom = min(c.bbox[1] for c in own), max(c.bbox[3] for c in own)
    for cell in table.cells:
        if not (cell.row < r <= cell.last_row and cell.last_col < own[0].col):
            continue
        for ln in cell.lines:
            label = _total_label(ln.text, spec)
            if label is not None and top <= (ln.bbox[1] + ln.bbox[3]) / 2 <= bottom:
                return cell, ln.text, label
    return None


def _split_glued_total(
    found: dict[str, Cell | None], values: dict[str, SourcedValue], form: OpenForm, where: Where
) -> list[str]:
    """The 总分 weight and score read as one number in one cell (`10099.43`): split where the
    weights and scores read say the weight ends (`totals.split_glued_total`); a note
    saying so, or none when the cell is not such a cell or the check does not hold. The cell
    stands under both columns, or under one with the other's cell blank or not found (dev4
    lg_38221_自评 p4: the rule between 分值 and 得分 lost on the page, `10094.09` beside no
    score)."""
    cell, other = found["weight"], found["score"]
    if cell is None or (other is not None and other is not cell and other.text.strip()):
        return []
    split = split_glued_total(cell.text, form.fields, form.indicators)
    if split is None:
        return []
    weight, score, why = split
    values["weight"], values["score"] = where.sv(cell, weight), where.sv(cell, score)
    return [_glued_note(cell.text, weight, score, why)]


def _join_spaced_totals(values: dict[str, SourcedValue], form: OpenForm) -> list[str]:
    """The 总分 weight or score read as numbers apart where OCR put a space inside one printed
    number (dev4 lg_39036_自评 p2: `10 0`, `89.1 4`): read with the spaces dropped when that is
    what the form's own rules print there — the weight the form's full score (and the sum of
    the weights read, when every one was), the score the sum of the scores read. Notes saying
    so; any other value stays as read (and is shared out or reported as before)."""
    weights = printed_sum(form.fields, form.indicators, "weight")
    expected = {
        "weight": FULL_SCORE if weights in (None, FULL_SCORE) else None,
        "score": printed_sum(form.fields, form.indicators, "score"),
    }
    notes = []
    for name in ("weight", "score"):
        printed = values[name].value
        tokens = numbers_in(printed) or []
        joined = amount("".join(tokens)) if len(tokens) > 1 else None
        want = expected[name]
        if joined is None or want is None or abs(joined - want) > TOTAL_TOLERANCE:
            continue
        values[name] = values[name].with_value("".join(tokens))
        why = "the form's full score" if name == "weight" else "the sum of the scores read"
        notes.append(
            f"the {name} cell '{printed}' prints one number with a space inside it; read as "
            f"{''.join(tokens)}, {why}"
        )
    return notes


def _glued_note(text: str, weight: str, score: str, why: str) -> str:
    return (
        f"the cell '{text}' prints the weight and the score without a space; read as "
        f"{weight} | {score}, {why}"
    )


def total_row_alone(
    form: OpenForm, where: Where, start: int, end: int, problems: list[str]
) -> bool:
    """The 总分 row a page break carried onto the next page, ruled with fewer columns than the
    grid (its label cell spans the rest): its weight and score are the cells standing under the
    分值 and 得分 headings (by x, as shares of the heading's frame: the table's own width, or
    measured from its right edge when it is narrower and ends where the heading's table did,
    its leading columns lost). Lines above it on this table that could not be placed under the
    heading (OCR merged their cells across the columns) are reported, never read by guess."""
    cols, table = form.columns, where.table
    if not form.spec.total_row or cols is None:
        return False
    frame = cols.frame(table)
    if frame is None:
        return False
    for r in range(start, end):
        centres = [(c, sum(map(frame, (c.bbox[0], c.bbox[2]))) / 2) for c in table.row_cells(r)]
        cells: dict[str, Cell | None] = {}
        for name in ("weight", "score"):
            x = cols.x_ranges.get(name)
            if x is None:
                return False
            cells[name] = next((c for c, m in centres if x[0] <= m < x[1]), None)
        if not read_total_row(form, where, r, cells, problems):
            short = _short_label_row(form, where, r, cells)  # closes the grid when read
            problems.extend([short] if short is not None else [])
        if form.closed_grid:
            for above in range(start, r):
                printed = " | ".join(c.text for c in table.row_cells(above) if c.text.strip())
                if printed:
                    problems.append(
                        form_note(
                            form,
                            where.page.page,
                            f"the grid line '{printed}' "
                            "above the 总分 row does not line up with the heading's columns (OCR "
                            "found no rules between its cells); not read",
                        )
                    )
            return True
    return False


def _short_label_row(
    form: OpenForm, where: Where, r: int, cells: dict[str, Cell | None]
) -> str | None:
    """A lone row whose label cell OCR read short of the closing row's label (`分` for 总分, a
    worn glyph lost: dev4 lg_39953_自评 p3) or one glyph off it (`越分`, `_one_glyph_off`), read
    as the 总分 row only when the form's own check says so: the number under 分值 is the sum of
    the weights read and one number under 得分 the sum of the scores read (a speck read as a
    second number beside it is left out). A glyph or two alone tell no label, so nothing is
    read otherwise (None); read, the note saying so."""
    first = _label_cell(where.table, r)
    key = label_key(first.text) if first is not None else ""
    short = key and any(key in label and key != label for label in form.spec.total_row)
    if not short and not _one_glyph_off(key, form.spec):
        return None
    weight_cell, score_cell = cells.get("weight"), cells.get("score")
    weights = printed_sum(form.fields, form.indicators, "weight")
    scores = printed_sum(form.fields, form.indicators, "score")
    if weights is None or scores is None:
        return None
    glued = _glued_under_both(where.table, r, first, weight_cell, score_cell, weights)
    if glued is not None:  # one cell under both columns, its rule lost (`10091.95`)
        weight_cell = score_cell = glued[0]
        weight_text, score_text = glued[1]
    elif weight_cell is None or score_cell is None or weight_cell is score_cell:
        return None
    else:
        weight_text, score_text = weight_cell.text, score_cell.text
    weight = amount(weight_text)
    if weight is None or abs(weight - weights) > 1e-6:
        return None
    sums = [t for t in numbers_in(score_text) or [] if _near(amount(t), scores)]
    if len(sums) != 1:
        return None
    form.fields["overall_weight"] = where.sv(weight_cell, weight_text)
    form.fields["overall_score"] = where.sv(score_cell, sums[0])
    form.closed_grid = True
    how = "short of" if short else "one glyph off"
    printed = weight_cell.text if glued else f"{weight_cell.text} | {score_cell.text}"
    split = " (one cell under both, split after the weights' sum)" if glued else ""
    return form_note(
        form,
        where.page.page,
        f"a lone row '{first.text} | {printed}' under the 分值 "
        f"and 得分 columns is read as the 总分 row (its label read {how} "
        f"{'/'.join(form.spec.total_row)}): {weight_text} | {sums[0]}{split}, {weights:g} "
        f"being the sum of the weights and {scores:g} of the scores read",
    )


def _glued_under_both(
    table: Table,
    r: int,
    first: Cell | None,
    weight_cell: Cell | None,
    score_cell: Cell | None,
    weights: float,
) -> tuple[Cell, tuple[str, str]] | None:
    """The one cell of a lone row after its label printing the 分值 and 得分 as one number (the
    rule between them lost: dev11 lg_104931_自评 p2 `10091.95` under both columns), found under
    one of them, and that number split after the printed sum of the weights read
    (`split_weight_and_score`); None when the row prints another cell after its label, or the
    cut does not hold."""
    found = {id(c): c for c in (weight_cell, score_cell) if c is not None}
    rest = [c for c in table.row_cells(r) if c is not first and c.text.strip()]
    if len(found) != 1 or len(rest) != 1 or id(rest[0]) not in found:
        return None
    split = split_weight_and_score(rest[0].text, weights)
    return None if split is None else (rest[0], split)


def _one_glyph_off(key: str, spec: FormSpec) -> bool:
    """Whether a label cell's text is the closing row's label with one glyph read as another
    (`越分` for 总分: dev7 lg_67587_自评 p2, the row alone on its page) and nothing else: as
    weak as a label read short, so `_short_label_row` asks the same sums of it."""
    labels = spec.total_row
    return any(len(key) == len(label) > 1 and one_edit_apart(key, label) for label in labels)


def _near(value: float | None, total: float) -> bool:
    """Whether `value` is the printed sum `total` (to the two decimals a score prints)."""
    return value is not None and abs(value - total) <= TOTAL_TOLERANCE


def total_numbers_alone(
    form: OpenForm, where: Where, start: int, end: int, problems: list[str]
) -> bool:
    """A table of one line printing two numbers alone, standing on the page under the grid's
    分值 and 得分 columns (the pages of one scan share their scale), the first the sum of the
    weights read and the second the sum of the scores read: the 总分 row whose label and rules
    OCR lost. Both sums must hold, or nothing is read; read, it is said so."""
    cols, table = form.columns, where.table
    if not form.spec.total_row or cols is None or end - start != 1 or not cols.width:
        return False
    printed = [c for c in table.row_cells(start) if c.text.strip()]
    numbers = [amount(c.text) for c in printed]
    if len(printed) != 2 or None in numbers or "weight" not in cols.x_ranges:
        return False
    left = cols.right - cols.width  # the heading's frame on the page
    for cell, name in zip(printed, ("weight", "score"), strict=True):
        a, b = cols.x_ranges.get(name, (0.0, 0.0))
        if not left + a * cols.width <= (cell.bbox[0] + cell.bbox[2]) / 2 < left + b * cols.width:
            return False
    weights = printed_sum(form.fields, form.indicators, "weight")
    total = printed_sum(form.fields, form.indicators, "score")
    if weights is None or total is None:
        return False
    weight, score = numbers
    if weight is None or score is None or abs(weight - weights) > 1e-6:
        return False
    if abs(score - total) > TOTAL_TOLERANCE:
        return False
    form.fields["overall_weight"] = where.sv(printed[0])
    form.fields["overall_score"] = where.sv(printed[1])
    form.closed_grid = True
    problems.append(
        form_note(
            form,
            where.page.page,
            f"a table printing only '{printed[0].text} | {printed[1].text}' under the 分值 "
            "and 得分 columns is read as the 总分 row (its label lost): "
            f"{weights:g} is the sum of the weights and {total:g} of the scores",
        )
    )
    return True


def total_row_from_lines(
    form: OpenForm, where: Where, start: int, end: int, problems: list[str]
) -> bool:
    """The 总分 row of a grid whose table OCR did not find (a photographed page's edge taken for
    the table's frame, the row's rules lost inside it): read from the text row its label
    starts — an OCR line beginning with 总分 and the lines beside it at its height, right of it
    — as two numbers (weight, score) or one holding both (`10089.07`, cut by
    `totals.split_glued_total`). Read only when the weight is the sum of the weights read and
    the score the sum of the scores read, since no column says which number is which; read, it
    is said so."""
    if not form.spec.total_row or form.columns is None:
        return False
    placed = [(c, ln) for c in where.table.cells if start <= c.row < end for ln in c.lines]
    for cell, line in placed:
        label = _total_label(line.text, form.spec)
        slipped = None if label is not None else _total_label_slipped(line.text, form.spec)
        if slipped is not None:
            label = slipped
        if label is None:
            continue
        top, bottom = line.bbox[1], line.bbox[3]
        beside = sorted(
            (
                ln
                for _, ln in placed
                if ln.bbox[0] >= line.bbox[2] and top <= (ln.bbox[1] + ln.bbox[3]) / 2 <= bottom
            ),
            key=lambda ln: ln.bbox[0],
        )
        printed = " ".join([printed_after(line.text, len(label))] + [ln.text for ln in beside])
        tokens = numbers_in(printed)
        if tokens is None or not 1 <= len(tokens) <= 2:
            continue
        if len(tokens) == 1:
            split = split_glued_total(tokens[0], form.fields, form.indicators)
            if split is None:
                continue
            tokens = list(split[:2])
        weights = printed_sum(form.fields, form.indicators, "weight")
        scores = printed_sum(form.fields, form.indicators, "score")
        weight, score = (amount(t) for t in tokens)
        if None in (weights, scores, weight, score):
            continue
        assert weights is not None and scores is not None
        assert weight is not None and score is not None
        if abs(weight - weights) > 1e-6 or abs(score - scores) > TOTAL_TOLERANCE:
            continue
        row = [line, *beside]  # the text row's box and its least sure line, not the cell's
        box = (row[0].bbox[0], min(ln.bbox[1] for ln in row), row[-1].bbox[2])
        box += (max(ln.bbox[3] for ln in row),)
        sure = min(ln.confidence for ln in row)
        for name, token in zip(("overall_weight", "overall_score"), tokens, strict=True):
            form.fields[name] = replace(where.sv(cell, token), bbox=box, confidence=sure)
        form.closed_grid = True
        shown = " ".join(ln.text for ln in row)
        misread = "" if slipped is None else f", its label one glyph off {slipped}"
        problems.append(
            form_note(
                form,
                where.page.page,
                f"the 总分 row read from its text row '{shown}' (OCR found no grid there"
                f"{misread}): "
                f"{tokens[0]} | {tokens[1]}, {weights:g} being the sum of the weights and "
                f"{scores:g} of the scores read",
            )
        )
        return True
    return False
