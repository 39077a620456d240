"""The funds matrix of a header: a row printing its column heads (预算数 | 执行数 …), then
one row per row label (年度资金总额, 其中：当年财政拨款 …), each value landing as {row}_{col};
or, where OCR lost the inner rules, the heads and the rows printed in one cell.

Apart because a matrix is read by its heads' x-ranges, not label by label like the rest of the
header, and a page break may carry its rest to the next page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from itertools import product

from flows.forms.celllines import REACH, line_runs
from flows.forms.cellvalues import (
    COLON_POINT_RE,
    NUMBER_RE,
    RULE_MARKS,
    RULE_STROKES,
    VALUE_RE,
    amount,
    char_class,
    leave_out_marks,
    spread_numbers,
    value_amount,
)
from flows.forms.columns import parse_heads, relative
from flows.forms.execution import (
    TWO_POINTS_RE,
    computed_rate,
    glued_amount_cuts,
    printed_rate,
    rate_after_a_stroke,
    rate_holds,
    rate_lost_a_digit,
    score_read_as_a_stroke,
)
from flows.forms.labels import (
    after_a_mark,
    cjk_characters,
    column_alternatives,
    match_printed,
    printed_after,
    the_run_spelt,
    unit_of,
)
from flows.forms.provenance import Where, read_unsure
from flows.forms.spec import (
    FULL_SCORE,
    FUNDS_DECIMALS,
    NO_VALUE,
    PROJECT_TARGET,
    Column,
    FormSpec,
    FundsMatrix,
    Label,
)
from flows.forms.state import Header
from flows.lineshapes import text_height
from flows.models import (
    Cell,
    CellLine,
    FundsBlock,
    ProjectForm,
    SourcedValue,
    Table,
    enclosing,
    join_wrapped,
)
from flows.text import HAN, label_key


def read_funds_matrix(
    table: Table,
    start: int,
    end: int,
    spec: FormSpec,
    where: Where,
    header: Header,
    problems: list[str],
) -> None:
    """A funds block printed as a matrix: the row printing ≥ 2 of its column heads, then one row
    per row label (年度资金总额, 其中：当年财政拨款 …), each cell landing as {row}_{col}.

    The matrix is read by its headings, not by grid positions, since an OCR grid may lose a
    rule: a value is the cell standing under a column head (by x); a cell under two heads whose
    rule was lost (`全年预算数预算执行数` over `40.51 32.39`) prints one number per head; a value
    glued onto its row label (`年度资金总额46`) belongs to the head above the label; a head
    merged down over its column (`调整后预算数44.4 34.28 10.12 0`) prints one number per row.
    What cannot be shared out this way is a problem, never a guess."""
    matrix = spec.funds_matrix
    assert matrix is not None
    col_alts = column_alternatives(matrix.cols)
    row_alts = [(alt, lb) for lb in matrix.rows for alt in lb.alternatives]
    for r in range(start, end):
        heads = [h for c in table.row_cells(r) if (h := _heads_in(c, col_alts)) is not None]
        if sum(len(h.fields) for h in heads) < 2:
            continue
        if not where.page.has_text_layer:
            heads += _heads_merged_from_above(table, r, heads, col_alts)
        heads = _heads_cut_apart(table, r, heads, col_alts, problems, where)
        heads = _head_in_pieces(table, r, heads, col_alts, problems, where)
        heads = _interleaved_heads(table.row_cells(r), heads, matrix.cols, problems, where)
        if not where.page.has_text_layer:
            heads = _heads_by_their_place(table, r, end, heads, matrix.cols, problems, where)
            heads = _heads_pushed_down(table, r, end, heads, col_alts, problems, where)
        for h in heads:
            header.used.update(id(c) for c in (h.cell, *h.parts))
            if h.note:
                problems.append(f"page {where.page.page}: {h.note}")
            unit = unit_of(h.cell.text)
            if unit:
                header.fields.setdefault("funds_unit", where.sv(h.cell, unit))
        heads_until = max(h.cell.last_row for h in heads)
        slots = [s for h in heads for s in h.slots()]
        used, noted = set(header.used), len(problems)
        rows = _matrix_rows(
            table, r + 1, end, row_alts, header, where, problems, heads_until, matrix.rows[0]
        )
        if rows and not _labelled(rows[0][1], row_alts):
            read = _MatrixRead.of(matrix, table, heads, slots, rows, where, header, problems)
            if not read.sum_row_by_place():  # as before: no row read; one note says why
                header.used.clear()
                header.used.update(used)
                note = problems[-1]
                del problems[noted:]
                problems.append(note)
                rows = []
        if not rows and len(heads) == 1 and heads[0].rest:
            _read_inline_matrix(heads[0], row_alts, where, header, problems, matrix)
            return
        header.matrix = [(f, relative(table, x0, x1)) for f, (x0, x1) in slots]
        _MatrixRead.of(matrix, table, heads, slots, rows, where, header, problems).land()
        return
    if header.matrix:  # no heads here: the rest of the matrix of the page before
        rows = _matrix_rows(table, start, end, row_alts, header, where, problems)
        left, width = table.bbox[0], table.bbox[2] - table.bbox[0]
        slots = [(f, (left + a * width, left + b * width)) for f, (a, b) in header.matrix]
        _MatrixRead.of(matrix, table, [], slots, rows, where, header, problems).land()
    elif not where.page.has_text_layer:
        _matrix_by_print_order(table, start, end, matrix, where, header, problems)


def _matrix_by_print_order(
    table: Table,
    start: int,
    end: int,
    matrix: FundsMatrix,
    where: Where,
    header: Header,
    problems: list[str],
) -> None:
    """A funds matrix whose head row was read nowhere (dev7 lg_66738_自评: the heads at the
    foot of page 1 below the last rule OCR found, read only as free lines; the labelled rows on
    page 2), its sum row printing one value for each column of the form's matrix: each column
    is read where the sum row prints its value, in the order the form prints its heads — taken
    only when the block's arithmetic says the order is right (the sum row's 执行率 is 全年执行数
    / 预算数 to its printed decimals, and every summed column that can be checked adds up, two
    at least), noted either way; otherwise nothing is read, as before."""
    row_alts = [(alt, lb) for lb in matrix.rows for alt in lb.alternatives]
    used = set(header.used)
    rows = _matrix_rows(table, start, end, row_alts, header, where, [])
    header.used.clear()
    header.used.update(used)
    if len(rows) < 2 or rows[0][2].field != matrix.rows[0].field or rows[0][3].strip():
        return
    row, label, _, _ = rows[0]
    printed = sorted(
        (c for c in table.row_cells(row) if c.col > label.last_col and c.text.strip()),
        key=lambda c: c.col,
    )
    if len(printed) != len(matrix.cols) or not all(
        NUMBER_RE.fullmatch(c.text.strip()) for c in printed
    ):
        return
    slots = [
        (col.field, (c.bbox[0], c.bbox[2])) for col, c in zip(matrix.cols, printed, strict=True)
    ]
    read = _MatrixRead.of(matrix, table, [], slots, rows, where, header, [])
    held, off = read.arithmetic_by_print_order()
    page, heads = where.page.page, "、".join(col.headings[0] for col in matrix.cols)
    if off or "execution_rate" not in held or len(set(held) & set(matrix.summed)) < 2:
        problems.append(
            f"page {page}: funds rows under no head row read (its heads lost): the sum row "
            f"prints one value for each of {heads}, but read in that order the block's "
            f"arithmetic does not hold (held: {'、'.join(held) or 'none'}; off: "
            f"{'、'.join(off) or 'none'}); not read"
        )
        return
    header.matrix = [(f, relative(table, x0, x1)) for f, (x0, x1) in slots]
    problems.append(
        f"page {page}: funds rows under no head row read (its heads lost): each column read "
        f"where the sum row prints its value, in the form's order ({heads}), the block's "
        f"arithmetic holding so ({'、'.join(held)})"
    )
    _MatrixRead.of(matrix, table, [], slots, rows, where, header, problems).land()


@dataclass
class _MatrixRead:
    """A funds matrix being read on one table: its heads (none on the rest of a matrix a page
    break carried over), each head's x-range (`slots`), its labelled rows as
    (row, label cell, row label, value glued onto the label), and where values and problems go."""

    table: Table
    heads: list[_Head]
    slots: list[tuple[str, tuple[float, float]]]
    rows: list[tuple[int, Cell, Label, str]]
    where: Where
    header: Header
    problems: list[str]
    numeric: frozenset[str] = frozenset()  # the columns that print one number per row
    first_row_only: frozenset[str] = frozenset()  # printed on the first matrix row alone
    summed: frozenset[str] = frozenset()  # the columns whose sum row adds up the rows under it
    sum_row: str = ""  # the row label (field) of that sum row
    glued: set[int] = field(default_factory=set)  # rows whose weight is glued onto the rate
    # (row, cell, heads, cuts, text) of a cell printing two amounts glued (`0.750.56`)
    amounts_glued: list[tuple[int, Cell, list[str], list[tuple[str, str]], str]] = field(
        default_factory=list
    )

    @classmethod
    def of(
        cls,
        matrix: FundsMatrix,
        table: Table,
        heads: list[_Head],
        slots: list[tuple[str, tuple[float, float]]],
        rows: list[tuple[int, Cell, Label, str]],
        where: Where,
        header: Header,
        problems: list[str],
    ) -> _MatrixRead:
        """A read of `matrix` (its numeric, first-row-only and summed columns, its sum row)."""
        return cls(
            table, heads, slots, rows, where, header, problems,
            numeric=frozenset(c.field for c in matrix.cols if c.numeric),
            first_row_only=frozenset(matrix.first_row_only),
            summed=frozenset(matrix.summed),
            sum_row=matrix.rows[0].field,
        )  # fmt: skip

    def land(self) -> None:
        """Each matrix row's values as fields {row}_{col}, as printed; a cell printing two
        numbers beside a blank column of its row (`100 95.77` | ``) gives that column one."""
        if not self.rows:
            return
        got = self.values()
        for glued in sorted(self.amounts_glued, key=lambda g: g[0]):
            self._cut_where_the_block_holds(got, *glued)
        order = [name for name, _ in self.slots]
        for i, (_, _, lb, _) in enumerate(self.rows):
            found = {name: got[(i, name)] for name in order if (i, name) in got}
            values: dict[str, SourcedValue] = {}
            for name, cells in found.items():
                printed = [(c, t) for c, t in cells if t.strip()] or cells[:1]
                text = " ".join(t.strip() for _, t in printed)
                values[name] = self.where.sv(printed[0][0], text)
            blank = self.where.sv(None)
            row_values = {name: values.get(name, blank) for name in order}
            notes = spread_numbers(row_values, [order])
            notes += _unglue_weight_and_rate(row_values)
            if not self.where.page.has_text_layer:
                notes += rate_after_a_stroke(row_values)
                notes += rate_lost_a_digit(row_values)
                notes += score_read_as_a_stroke(row_values)
            if i in self.glued and value_amount(row_values.get("weight")) is None:
                rate = row_values["execution_rate"].value
                notes.append(
                    f"the cell printing '{rate}' under the weight and the execution rate gives "
                    "no cut whose rate is 全年执行数 / 预算数; neither is read"
                )
                row_values["weight"] = row_values["execution_rate"] = blank
            page = self.where.page.page
            self.problems.extend(f"page {page}: funds row {lb.field}: {n}" for n in notes)
            for name in order:
                if name in values or row_values[name] is not blank:
                    self.header.fields.setdefault(f"{lb.field}_{name}", row_values[name])

    def values(self) -> dict[tuple[int, str], list[tuple[Cell, str]]]:
        """(matrix row index, column field) → the cells and texts printed there. A cell standing
        under k heads and over n row labels prints n × k values, row by row."""
        got: dict[tuple[int, str], list[tuple[Cell, str]]] = {}
        labelled = [rr for rr, *_ in self.rows]
        label_cells = {id(c) for _, c, _, _ in self.rows}
        head_cells = {id(h.cell) for h in self.heads}
        items = [(c, g) for _, c, _, g in self.rows if g.strip()]
        items += [
            (c, c.text)
            for c in self.table.cells
            if labelled[0] <= c.row <= labelled[-1] and id(c) not in label_cells | head_cells
        ]
        for cell, text in items:
            under = _slots_under(cell, self.slots)
            covered = [i for i, rr in enumerate(labelled) if cell.row <= rr <= cell.last_row]
            if not under or not covered:
                continue
            n = len(under) * len(covered)
            parts = [text] if n == 1 else _values_in(text)
            if all(name in self.numeric for name, _ in under):
                parts = self._numbers_amid_marks(text, parts, n)
            if n > 1 and (not text.strip() or parts in (["/"], ["—"], ["-"])):
                parts = [text.strip()] * n  # one blank or '/' for every cell it stands for
            if len(parts) != n:
                parts = self._rule_strokes_between(text, parts, n)
            if len(parts) != n and len(covered) == 1:
                parts = self._weight_glued_to_rate(text, [name for name, _ in under], parts)
                if len(parts) == n:
                    self.glued.add(covered[0])
            names = [name for name, _ in under]
            cuts = glued_amount_cuts(text.strip()) if n == 2 == len(names) else []
            if len(parts) != n and cuts and all(name in self.summed for name in names):
                self.amounts_glued.append((covered[0], cell, names, cuts, text.strip()))
                self.header.used.add(id(cell))
                continue
            if len(parts) != n:
                self.problems.append(
                    f"page {self.where.page.page}: funds cell '{text}' stands under "
                    f"{'、'.join(s[0] for s in under)} and {len(covered)} row(s) but does not "
                    "print one value for each; not read"
                )
                continue
            self.header.used.add(id(cell))
            for k, i in enumerate(covered):
                for j, (name, _) in enumerate(under):
                    got.setdefault((i, name), []).append((cell, parts[k * len(under) + j]))
        for h in self.heads:  # a head merged down over its column's values
            if not h.rest.strip() or len(h.fields) != 1:
                continue
            covered = [i for i, rr in enumerate(labelled) if rr <= h.cell.last_row]
            if not covered:
                continue
            tokens = _values_in(h.rest)
            if h.fields[0] in self.numeric:
                tokens = self._numbers_amid_marks(h.cell.text, tokens, len(covered))
            if len(tokens) == 1 < len(covered) and self._first_row_only(h.fields[0], covered):
                covered = covered[:1]  # the rows under it print no value of this column
            if len(tokens) != len(covered):
                self.problems.append(
                    f"page {self.where.page.page}: funds column '{h.cell.text}' prints "
                    f"{len(tokens)} value(s) for {len(covered)} row(s); not read"
                )
                continue
            for i, token in zip(covered, tokens, strict=True):
                got.setdefault((i, h.fields[0]), []).append((h.cell, token))
        return got

    def sum_row_by_place(self) -> bool:
        """Whether the first row, read with no row label (`_sum_row_unlabelled`), is the sum
        row the form prints first: the rows after it are labelled parts, and each summed column
        (年初预算数, 全年预算数, 全年执行数) prints an amount there that is the sum of the rows
        under it — every one of them with no label left, two at least (none off) with a
        fragment of the label's spelling. One note either way, naming page and cell."""
        before = len(self.problems)
        got = self.values()
        del self.problems[before:]
        label = self.rows[0][1]
        parts = [lb.field for _, _, lb, _ in self.rows[1:]]
        held, off = [], []
        for name in (n for n, _ in self.slots if n in self.summed):
            column = [_cells_text(got.get((i, name), [])) for i in range(len(self.rows))]
            adds_up = _column_adds_up(column)
            if not column[0] or adds_up is None:
                continue
            (held if adds_up else off).append(name)
        needed = len([n for n, _ in self.slots if n in self.summed]) if not label.text else 2
        ok = bool(parts) and self.sum_row not in parts and not off and len(held) >= needed
        page, row = self.where.page.page, self.rows[0][0]
        printed = f"its label read '{label.text}'" if label.text else "no label read"
        sums = "、".join(held) or "none"
        self.problems.append(
            f"page {page}: funds the first matrix row (grid row {row}, {printed}) "
            + (
                f"is read as {self.sum_row}: it stands where the form prints it and its "
                f"{sums} are the sums of the rows under it"
                if ok
                else f"is not read as {self.sum_row}: its amounts that add up ({sums}) do not "
                f"settle it (off: {'、'.join(off) or 'none'}); the block is not read"
            )
        )
        return ok

    def arithmetic_by_print_order(self) -> tuple[list[str], list[str]]:
        """The checks of the block's arithmetic its values as read allow, split into those
        that hold and those that are off: the sum row's 执行率 against 全年执行数 / 预算数
        (`execution_rate`), its 得分 against 分值 × 执行率 (`score`, a rate up to 100%), each
        summed column against the rows under it to the rounding of their printed decimals
        (10.98 over 7.4 | 0 | 3.57 as the generator and offices print them)."""
        got = self.values()
        held, off = [], []
        blank = self.where.sv(None)
        first = {n: blank.with_value(_cells_text(got.get((0, n), []))) for n, _ in self.slots}
        computed, rate = computed_rate(first), printed_rate(first)
        if computed is not None and rate is not None:
            ok = rate_holds(first["execution_rate"].value.strip()[:-1], computed)
            (held if ok else off).append("execution_rate")
        weight, score = value_amount(first.get("weight")), value_amount(first.get("score"))
        if rate is not None and rate <= 100 and weight is not None and score is not None:
            ok = rate_holds(first["score"].value.strip(), weight * rate / 100)
            (held if ok else off).append("score")
        for name in (n for n, _ in self.slots if n in self.summed):
            column = [_cells_text(got.get((i, name), [])) for i in range(len(self.rows))]
            adds_up = _adds_up_to_rounding(column)
            if adds_up is not None:
                (held if adds_up else off).append(name)
        return held, off

    def _cut_where_the_block_holds(
        self,
        got: dict[tuple[int, str], list[tuple[Cell, str]]],
        row: int,
        cell: Cell,
        names: list[str],
        cuts: list[tuple[str, str]],
        text: str,
    ) -> None:
        """Two amounts read glued in one cell under two heads (`0.750.56` under 全年预算数 and
        全年执行数): the one cut (`glued_amount_cuts`) by which the block's arithmetic holds — the
        row's 执行率 is 全年执行数 / 预算数, each column's sum row the sum of the rows under it —
        lands, with a note; none or several, and neither is read (noted)."""
        held = [
            cut for cut in cuts if self._block_holds(got, row, dict(zip(names, cut, strict=True)))
        ]
        page, heads = self.where.page.page, "、".join(names)
        if len(held) != 1:
            self.problems.append(
                f"page {page}: funds cell '{text}' stands under {heads} and prints two amounts "
                f"glued; {len(held)} of its cuts ({', '.join(' | '.join(c) for c in cuts)}) "
                "hold the block's arithmetic; not read"
            )
            return
        for name, part in zip(names, held[0], strict=True):
            got.setdefault((row, name), []).append((cell, part))
        self.problems.append(
            f"page {page}: funds cell '{text}' stands under {heads} and prints two amounts "
            f"glued; read as {' | '.join(held[0])}, the one cut by which the block's "
            "arithmetic holds (执行率 = 全年执行数 / 预算数, the rows adding up)"
        )

    def _block_holds(
        self, got: dict[tuple[int, str], list[tuple[Cell, str]]], row: int, cut: dict[str, str]
    ) -> bool:
        """Whether the matrix read as `got`, with row `row` printing `cut` (field → text), holds
        every check of the block's arithmetic that its values allow, and at least one: the
        row's printed rate is its computed one, a cut column's rows add up to its sum row."""

        def text(r: int, name: str) -> str | None:
            if r == row and name in cut:
                return cut[name]
            cells = got.get((r, name))
            return None if cells is None else _cells_text(cells)

        blank = self.where.sv(None)
        values = {n: blank.with_value(text(row, n) or "") for n, _ in self.slots}
        checks = []
        computed, rate = computed_rate(values), printed_rate(values)
        if computed is not None and rate is not None:
            checks.append(rate_holds(values["execution_rate"].value.strip()[:-1], computed))
        labels = [lb.field for _, _, lb, _ in self.rows]
        if self.sum_row in labels:
            first = labels.index(self.sum_row)
            order = [first, *(i for i in range(len(labels)) if i != first)]
            for name in cut:
                adds_up = _column_adds_up([text(i, name) for i in order])
                if name in self.summed and adds_up is not None:
                    checks.append(adds_up)
        return bool(checks) and all(checks)

    def _weight_glued_to_rate(self, text: str, names: list[str], parts: list[str]) -> list[str]:
        """The values of a cell standing under 分值 and 执行率 (and more numeric heads) whose
        weight was printed glued onto the rate (`1099.8%:9.98` under 分值, 执行率, 得分): one
        number fewer than heads, the rate's a percentage. The weight is left blank and the
        rate keeps the glued number, for the row to cut where the rate is its own (`land`);
        `parts` as they were when the cell does not read so."""
        numbers = NUMBER_RE.findall(text)
        if "weight" not in names or not all(name in self.numeric for name in names):
            return parts
        w = names.index("weight")
        rest = re.sub(r"[\s:：;；,，.。|_一-]", "", NUMBER_RE.sub("", text))
        if rest or len(numbers) != len(names) - 1 or names[w + 1 : w + 2] != ["execution_rate"]:
            return parts
        if not numbers[w].endswith("%"):
            return parts
        return [*numbers[:w], "", *numbers[w:]]

    def _rule_strokes_between(self, text: str, parts: list[str], n: int) -> list[str]:
        """The values of a cell standing for several whose lost column rule OCR read as a
        stroke of its own between them (`1092.16 | 897.18` under 全年预算数 and 全年执行数):
        the stroke (`RULE_STROKES`, which no value prints) is left out, with a note, when the
        values left are exactly one for each; `parts` otherwise. A stroke read as a digit
        (`1`) is a value's glyph as far as the text tells, never left out."""
        strokes = [p for p in parts if len(p) == 1 and p in RULE_STROKES]
        kept = [p for p in parts if p not in strokes]
        if len(kept) == len(parts) or len(kept) != n:
            return parts
        if not all(VALUE_RE.fullmatch(p) for p in kept):
            return parts
        self.problems.append(
            f"page {self.where.page.page}: funds cell '{text}': "
            f"{' '.join(repr(p) for p in strokes)} between its values taken "
            f"for the lost column rule between them; read {' | '.join(kept)}"
        )
        return kept

    def _first_row_only(self, field: str, covered: list[int]) -> bool:
        """Whether a head merged down over matrix rows `covered` printing one value gives it to
        the first of them: its column is printed on the matrix's first row alone, and that row
        is among them."""
        if field not in self.first_row_only or covered[0] != 0:
            return False
        self.problems.append(
            f"page {self.where.page.page}: funds column {field} is merged down over "
            f"{len(covered)} rows and prints one value: read as the first row's, the only one "
            "the form prints it on"
        )
        return True

    def _numbers_amid_marks(self, text: str, parts: list[str], n: int) -> list[str]:
        """The number a cell of a numeric column prints for one row amid marks that are no
        value (`_一60.8%`: a worn rule read as `_一`), when `parts` holds a token that is neither
        a number nor a no-value mark and the cell prints exactly one number; `parts` otherwise
        (also for a cell standing for several values). The marks left out are reported."""
        if n != 1 or all(VALUE_RE.fullmatch(p.strip()) for p in parts if p.strip()):
            return parts  # several values: a mark may read as a digit (`1` for `|`), never guessed
        numbers = NUMBER_RE.findall(text)
        if len(numbers) != n:
            return parts
        self.problems.append(
            f"page {self.where.page.page}: funds cell '{text}' prints {n} number(s) amid marks "
            f"that are no value; read {' | '.join(numbers)}"
        )
        return numbers


def _unglue_weight_and_rate(row: dict[str, SourcedValue]) -> list[str]:
    """A funds row whose 分值 was read glued onto its 执行率 (`1079.3%` under both heads, the
    weight cell left with noise): split where the rate printed after the weight is the row's
    own 全年执行数 / 全年预算数 (年初预算数 when no full-year budget) to the decimals printed.
    The one cut that holds is taken, with a note; otherwise the values stay as read."""
    weight, rate = row.get("weight"), row.get("execution_rate")
    if weight is None or rate is None or value_amount(weight) is not None:
        return []
    tokens = [t for t in rate.value.split() if NUMBER_RE.fullmatch(t)]
    computed = computed_rate(row)
    if len(tokens) != 1 or not tokens[0].endswith("%") or computed is None:
        return []
    digits = tokens[0][:-1]
    cuts = _weight_rate_cuts(digits, computed, 0)
    mark = ""
    if not cuts:  # the rule between them read as a stroke's digit (`10190.9%`: 10 | 1 | 90.9%)
        cuts = _weight_rate_cuts(digits, computed, 1)
        mark = " and the rule between them read as a stroke"
    if len(cuts) != 1:
        return []
    row["weight"], row["execution_rate"] = rate.with_value(cuts[0][0]), rate.with_value(cuts[0][1])
    return [
        f"'{rate.value}' prints the weight and the execution rate without a space{mark}; read "
        f"as {cuts[0][0]} | {cuts[0][1]}, the rate being 全年执行数 / 预算数 ({computed:.2f}%)"
    ]


def _weight_rate_cuts(digits: str, computed: float, marks: int) -> list[tuple[str, str]]:
    """Where `digits` (the weight and the rate read as one number) cut into a weight of at most
    the form's `FULL_SCORE` and the rate `computed` to the decimals printed, with `marks` glyphs
    between them that are a worn rule's (`RULE_MARKS`)."""
    cuts = []
    for i in range(1, len(digits) - marks):
        head, between, tail = digits[:i], digits[i : i + marks], digits[i + marks :]
        if "." in head or tail.startswith(".") or (len(tail) > 1 and tail[0] == "0"):
            continue
        if float(head) > FULL_SCORE or not all(ch in RULE_MARKS for ch in between):
            continue
        if rate_holds(tail, computed):
            cuts.append((head, tail + "%"))
    return cuts


def _values_in(text: str) -> list[str]:
    """The values a cell prints one after the other: numbers, percentages and '/' marks, even
    glued together (`62.7%6.27`); other text is split at its spaces."""
    tokens = VALUE_RE.findall(text)
    return tokens if "".join(tokens) == re.sub(r"\s", "", text) else text.split()


def read_inline_matrix(
    cell: Cell,
    fields: list[str],
    rest: str,
    spec: FormSpec,
    where: Where,
    header: Header,
    problems: list[str],
) -> None:
    """The funds matrix printed inside one cell after its heads (`fields`, in print order):
    `rest` prints each row label followed by one value per head."""
    matrix = spec.funds_matrix
    assert matrix is not None
    row_alts = [(alt, lb) for lb in matrix.rows for alt in lb.alternatives]
    head = _Head(cell, fields, rest)
    _read_inline_matrix(head, row_alts, where, header, problems, matrix)


def _read_inline_matrix(
    head: _Head,
    row_alts: list,
    where: Where,
    header: Header,
    problems: list[str],
    matrix: FundsMatrix | None = None,
) -> None:
    """A funds matrix whose inner rules an OCR grid lost: one cell printing the heads, then each
    row label followed by one value per head, in reading order. A row label may be printed
    wrapped (`当年财政 拨款`): it is found with spaces between its characters. A row printing
    one value more than the heads read is read by the form's heads (`matrix`) when one of them
    was lost and the sum row's arithmetic says so (`_one_head_lost`)."""
    text = head.rest
    starts: list[tuple[int, int, Label]] = []
    for alt, lb in sorted(row_alts, key=lambda a: -len(a[0])):
        for m in re.finditer(r"\s*".join(map(re.escape, alt)), text):
            if not any(s <= m.start() < e for s, e, _ in starts):
                starts.append((m.start(), m.end(), lb))
    starts.sort(key=lambda s: s[0])
    rows = [
        (
            text[begin:end],
            lb,
            VALUE_RE.findall(text[end : starts[i + 1][0] if i + 1 < len(starts) else len(text)]),
        )
        for i, (begin, end, lb) in enumerate(starts)
    ]
    lost = _one_head_lost(head.fields, rows, matrix, where, problems)
    for label, lb, tokens in rows:
        fields = lost if lost is not None and len(tokens) == len(lost) else head.fields
        if len(tokens) != len(fields):
            problems.append(
                f"page {where.page.page}: funds row '{label}' prints {len(tokens)} "
                f"value(s) for {len(fields)} heads in one cell; not read"
            )
            continue
        for name, token in zip(fields, tokens, strict=True):
            header.fields.setdefault(f"{lb.field}_{name}", where.sv(head.cell, token))


def _one_head_lost(
    fields: list[str],
    rows: list[tuple[str, Label, list[str]]],
    matrix: FundsMatrix | None,
    where: Where,
    problems: list[str],
) -> list[str] | None:
    """The form's heads in print order, when the heads read are them less one (a seal over
    分值: dev7 lg_66391_自评 p1) and the sum row prints one value for each of the form's heads
    whose arithmetic holds read so — 执行率 = 全年执行数 / 预算数 to its printed decimals, and
    得分 = 分值 × 执行率 (never more than 分值) to the score's; noted. None otherwise (each row
    is then read by the heads read, or not at all, as before)."""
    if matrix is None or not rows or rows[0][1].field != matrix.rows[0].field:
        return None
    order = [c.field for c in matrix.cols]
    missing = [f for f in order if f not in fields]
    if len(missing) != 1 or [f for f in order if f in fields] != fields:
        return None
    label, _, tokens = rows[0]
    if len(tokens) != len(order):
        return None
    blank = SourcedValue("", where.page.page)
    first = {name: blank.with_value(t) for name, t in zip(order, tokens, strict=True)}
    computed, rate = computed_rate(first), printed_rate(first)
    if computed is None or rate is None:
        return None
    if not rate_holds(first["execution_rate"].value[:-1], computed):
        return None
    weight, score = value_amount(first.get("weight")), value_amount(first.get("score"))
    if weight is None or score is None:
        return None
    if not rate_holds(first["score"].value, weight * min(rate, 100.0) / 100):
        return None
    head = next(c.headings[0] for c in matrix.cols if c.field == missing[0])
    problems.append(
        f"page {where.page.page}: funds row '{label}' prints {len(tokens)} values for the "
        f"{len(fields)} heads read: read by the form's heads, {head} lost among them, the sum "
        f"row's 执行率 being 全年执行数 / 预算数 ({computed:.2f}%)" + " and its 得分 分值 × 执行率"
    )
    return order


@dataclass
class _Head:
    """A column head of the funds matrix: its cell, the fields it names in print order (two when
    OCR lost the rule between two heads) and any text printed after them in the same cell."""

    cell: Cell
    fields: list[str]
    rest: str
    printed_at: list[tuple[float, float]] | None = None  # each head's measured x-range
    slip: bool = False  # named one OCR slip away from a head's spelling, not spelt
    note: str = ""  # how the heads were read, when the cell printed more than them
    parts: tuple[Cell, ...] = ()  # the grid's cells a stray rule cut the head's cell into

    def slots(self) -> list[tuple[str, tuple[float, float]]]:
        """(field, x-range) of each head: where its OCR lines stand (`printed_at`), each range
        reaching halfway to the next head's (the outer ones as far out as in, within the cell);
        without them, the cell's width shared evenly."""
        x0, x1 = self.cell.bbox[0], self.cell.bbox[2]
        at = self.printed_at
        if at is not None and len(at) == len(self.fields) > 1:
            cuts = [(a[1] + b[0]) / 2 for a, b in zip(at, at[1:], strict=False)]
            left = max(x0, at[0][0] - (cuts[0] - at[0][1]))
            right = min(x1, at[-1][1] + (at[-1][0] - cuts[-1]))
            edges = [left, *cuts, right]
            return [(f, (edges[i], edges[i + 1])) for i, f in enumerate(self.fields)]
        w = (x1 - x0) / len(self.fields)
        return [(f, (x0 + i * w, x0 + (i + 1) * w)) for i, f in enumerate(self.fields)]


def heads_printed_at(cell: Cell, heads: list[Column]) -> list[tuple[float, float]] | None:
    """The x-range each of `heads` (in print order) is printed at in `cell`, measured from its
    OCR lines: lines whose x-ranges overlap are one head wrapped over them (`全年预算` over
    `数`). Only when the cell's lines stand in exactly one such column per head, left to right,
    each spelling its head; None otherwise (a text layer, a line read across two heads, values
    printed under the heads), and the heads share the cell's width evenly."""
    columns = _line_columns(list(cell.lines))
    if len(heads) < 2 or len(columns) != len(heads):
        return None
    for col, head in zip(columns, heads, strict=True):
        if label_key("".join(ln.text for ln in col)) not in head.headings:
            return None
    return [(min(ln.bbox[0] for ln in c), max(ln.bbox[2] for ln in c)) for c in columns]


def _line_columns(lines: list[CellLine]) -> list[list[CellLine]]:
    """A cell's OCR lines in columns, left to right, each top to bottom: lines whose x-ranges
    overlap stand in one column (a head wrapped over two lines)."""
    columns: list[list[CellLine]] = []
    for line in sorted(lines, key=lambda ln: ln.bbox[0]):
        if columns and line.bbox[0] < max(ln.bbox[2] for ln in columns[-1]):
            columns[-1].append(line)
        else:
            columns.append([line])
    return [sorted(c, key=lambda ln: ln.bbox[1]) for c in columns]


def _heads_pushed_down(
    table: Table,
    r: int,
    end: int,
    heads: list[_Head],
    alternatives: list[tuple[str, Column]],
    problems: list[str],
    where: Where,
) -> list[_Head]:
    """`heads` with each head the row under them prints below a blank cell of their row (dev6
    lg_52752_自评 p3: `预算执行数` alone on the next grid row, a stray rule across its cell, the
    cell above it blank): the head of that column, when the row prints heads only, each spelt
    whole, and none of them was found already; noted. Without it, the column's values stood
    under no head and 全年执行数 was not read."""
    below = [c for c in table.row_cells(r + 1) if c.text.strip()] if r + 1 < end else []
    found = {f for h in heads for f in h.fields}
    blank = [c for c in table.row_cells(r) if not c.text.strip()]
    pushed = []
    for cell in below:
        head = _heads_in(cell, alternatives)
        if head is None or head.slip or head.rest.strip() or found & set(head.fields):
            # the row prints more than heads of its own (a matrix row), or a head's piece
            # (`算执行数`: `_head_in_pieces` joins those by the values under them)
            return heads
        if not any(b.col <= cell.col and cell.last_col <= b.last_col for b in blank):
            return heads
        pushed.append(head)
    if not pushed:
        return heads
    problems.append(
        f"page {where.page.page}: funds head(s) {'、'.join(repr(h.cell.text) for h in pushed)} "
        "printed on the row under the heads, below a blank cell of it (a stray rule across "
        "the head's cell): read as the head(s) of that column"
    )
    return sorted([*heads, *pushed], key=lambda h: h.cell.bbox[0])


def _heads_in(cell: Cell, alternatives: list[tuple[str, Column]]) -> _Head | None:
    """The column heads one cell prints, one after the other (全年预算数预算执行数) or wrapped
    side by side, and what follows them as printed (values of the column when the head is merged
    down over it)."""
    key = label_key(cell.text)
    heads, pos = parse_heads(key, alternatives)
    among = _heads_among_marks(cell, alternatives) if pos < len(key) else None
    if among is not None and len(among.fields) > len(heads):
        return among
    if not heads:
        hit = match_printed(key, alternatives)  # one OCR slip away from a head
        if hit is None:
            return None
        return _Head(cell, [hit[0].field], "", slip=True)  # type: ignore[attr-defined]
    rest = printed_after(cell.text, pos)
    return _Head(cell, [h.field for h in heads], rest, heads_printed_at(cell, heads))


def _heads_merged_from_above(
    table: Table, r: int, heads: list[_Head], alternatives: list[tuple[str, Column]]
) -> list[_Head]:
    """The heads of row `r` printed in a cell the grid merged down from a row above (the rules
    over and under the head lost: dev7 lg_67634_自评 p3, `•得分一10` from the 实施单位 row down
    to the 年度资金总额 row): the cell's lines standing in the head row's band spell the head,
    those below it are its column's values (`_Head.rest`, read as a head merged down over its
    column). Only heads no cell of the row names; each noted."""
    own = [c for c in table.row_cells(r) if c.last_row == r]
    if not own:
        return []
    top, bottom = min(c.bbox[1] for c in own), max(c.bbox[3] for c in own)
    named = {f for h in heads for f in h.fields}
    found = []
    for cell in table.cells:
        if not cell.row < r <= cell.last_row or not cell.lines:
            continue
        mid = [(ln.bbox[1] + ln.bbox[3]) / 2 for ln in cell.lines]
        inside = tuple(ln for ln, y in zip(cell.lines, mid, strict=True) if top <= y < bottom)
        below = [ln.text for ln, y in zip(cell.lines, mid, strict=True) if y >= bottom]
        text = " ".join(ln.text for ln in inside)
        head = _heads_in(replace(cell, text=text, lines=inside), alternatives) if text else None
        if head is None or head.slip or head.rest.strip() or named & set(head.fields):
            continue
        note = (
            f"funds head cell '{cell.text}' is merged down from grid row {cell.row} (rules "
            f"lost): its line(s) in the head row read as the head of {'、'.join(head.fields)}, "
            "those below as its values"
        )
        found.append(replace(head, cell=cell, rest=" ".join(below), note=note))
        named |= set(head.fields)
    return found


def _heads_among_marks(cell: Cell, alternatives: list[tuple[str, Column]]) -> _Head | None:
    """The heads a cell prints between marks of its worn rules (`1权重 i 执行率`, `年初预算数 1
    调整后预算数`: a lost rule's remnants read as `1` and `i`): every run of characters that
    are not CJK is one or two characters long, and without them the cell spells heads and
    nothing else. Their x-ranges are measured from the OCR lines that print CJK characters
    (`heads_printed_at`). None otherwise (a value printed under a head: `执行率 79.3%`)."""
    key = label_key(cell.text)
    marks = _NOT_CJK.findall(key)
    if not marks or any(len(m) > 2 for m in marks):
        return None
    spelt = _NOT_CJK.sub("", key)
    heads, pos = parse_heads(spelt, alternatives)
    if not heads or pos != len(spelt) or not _one_after_another(spelt, heads):
        return None
    kept = tuple(ln for ln in cell.lines if cjk_characters(ln.text))
    clean = replace(cell, text=" ".join(ln.text for ln in kept) or spelt, lines=kept)
    fields = [h.field for h in heads]
    note = (
        f"funds head cell '{cell.text}' prints the heads of {'、'.join(fields)} between marks "
        f"of a worn rule ({' '.join(marks)}): read as those heads"
    )
    return _Head(cell, fields, "", heads_printed_at(clean, heads), note=note)


def _one_after_another(key: str, heads: list[Column]) -> bool:
    """Whether `key` spells `heads` one after the other (not two wrapped heads read across)."""
    pos = 0
    for head in heads:
        spelling = max((a for a in head.headings if key.startswith(a, pos)), key=len, default="")
        if not spelling:
            return False
        pos += len(spelling)
    return pos == len(key)


_NOT_CJK = re.compile(f"[^{HAN}]+")


def _heads_cut_apart(
    table: Table,
    r: int,
    heads: list[_Head],
    alternatives: list[tuple[str, Column]],
    problems: list[str],
    where: Where,
) -> list[_Head]:
    """A head cut in two by a stray column rule of the heads row alone (the rule between the
    header's label and value above runs on down through it): two neighbouring cells of the heads
    row that name no head, read as one, their lines in print order (`调整` `后预` over `算`
    `数`: 调整后预算数), name heads no other cell names, and a value cell of the row under them
    stands across the rule between them, so the matrix prints no column there. Read as those
    heads over both cells' width (reported); `heads` otherwise."""
    found = {f for h in heads if not h.slip for f in h.fields}
    named = {id(h.cell) for h in heads if not h.slip}
    cells = sorted(table.row_cells(r), key=lambda c: c.col)
    below = table.row_cells(r + 1) if r + 1 < table.n_rows else []
    out = list(heads)
    for left, right in zip(cells, cells[1:], strict=False):
        if id(left) in named or id(right) in named or right.col != left.last_col + 1:
            continue
        if not (left.lines and right.lines and left.text.strip() and right.text.strip()):
            continue
        rule = left.bbox[2]
        if not any(c.col <= left.last_col and c.last_col >= right.col for c in below):
            continue  # the rule runs on under the heads: two columns, not one cut head
        lines = _print_order([*left.lines, *right.lines])
        text = "".join(ln.text for ln in lines)
        box = enclosing((left.bbox, right.bbox))
        joined = replace(
            left, text=text, bbox=box, colspan=right.last_col - left.col + 1, lines=tuple(lines)
        )
        head = _heads_in(joined, alternatives)
        if head is None or head.rest.strip() or found & set(head.fields):
            continue
        found |= set(head.fields)
        named |= {id(left), id(right)}
        out = [h for h in out if h.cell is not left and h.cell is not right]
        out.append(replace(head, slip=False, parts=(left, right)))
        problems.append(
            f"page {where.page.page}: funds head cells '{left.text}' | '{right.text}' are one "
            f"head cut by a stray rule at x={rule:.0f} (the values under them run across it): "
            f"read as '{text}', {'、'.join(head.fields)}"
        )
    return out


def _head_in_pieces(
    table: Table,
    r: int,
    heads: list[_Head],
    alternatives: list[tuple[str, Column]],
    problems: list[str],
    where: Where,
) -> list[_Head]:
    """A head cut into pieces across and down by stray rules inside its cell (a seal's ring
    printed over it, dev lg_7173 photo: `预` | `算执行数` under a blank sliver, three grid cells
    of the heads rows), where `_heads_cut_apart`'s two neighbours on one row do not reach: the
    cells of the heads rows (down to the last row a head read spans) that name no head and lie
    within the columns of one value cell of the first row under the heads, covering exactly its
    columns, are one head when their lines in print order spell heads no other cell names and
    nothing else. The value cell standing whole across them is the evidence: the matrix prints
    one column there, so its rules inside the head are not the form's. Read as those heads over
    the value cell's width (reported); `heads` otherwise."""
    found = {f for h in heads if not h.slip for f in h.fields}
    named = {id(h.cell) for h in heads if not h.slip} | {id(p) for h in heads for p in h.parts}
    band_end = max(h.cell.last_row for h in heads)
    out = list(heads)
    for v in table.row_cells(band_end + 1) if band_end + 1 < table.n_rows else []:
        pieces = [
            c
            for c in table.cells
            if r <= c.row <= c.last_row <= band_end and v.col <= c.col <= c.last_col <= v.last_col
        ]
        printing = [c for c in pieces if c.text.strip()]
        if len(printing) < 2 or any(id(c) in named for c in pieces):
            continue
        if {k for c in pieces for k in range(c.col, c.last_col + 1)} != set(
            range(v.col, v.last_col + 1)
        ) or len({c.row for c in printing}) < 2:
            continue  # pieces of one row are `_heads_cut_apart`'s; a gap is no whole head
        lines = _print_order([ln for c in printing for ln in c.lines])
        text = "".join(ln.text for ln in lines)
        box = enclosing(c.bbox for c in pieces)
        joined = replace(
            printing[0],
            row=r,
            col=v.col,
            text=text,
            bbox=box,
            rowspan=band_end - r + 1,
            colspan=v.last_col - v.col + 1,
            lines=tuple(lines),
        )
        head = _heads_in(joined, alternatives)
        if head is None or head.slip or head.rest.strip() or found & set(head.fields):
            continue
        found |= set(head.fields)
        named |= {id(c) for c in pieces}
        out = [h for h in out if all(h.cell is not c for c in pieces)]
        out.append(replace(head, parts=tuple(pieces)))
        problems.append(
            f"page {where.page.page}: funds head cells "
            + " | ".join(f"'{c.text}'" for c in pieces)
            + f" are one head cut across and down by stray rules (the value '{v.text}' under "
            f"them stands whole across their columns): read as '{text}', " + "、".join(head.fields)
        )
    return sorted(out, key=lambda h: h.cell.bbox[0])


def _print_order(lines: list[CellLine]) -> list[CellLine]:
    """OCR lines in print order: those standing at one height (each centre inside the first's
    span) left to right, then the next height down."""
    bands: list[list[CellLine]] = []
    for ln in sorted(lines, key=lambda ln: ln.bbox[1]):
        mid = (ln.bbox[1] + ln.bbox[3]) / 2
        if bands and bands[-1][0].bbox[1] <= mid <= bands[-1][0].bbox[3]:
            bands[-1].append(ln)
        else:
            bands.append([ln])
    return [ln for band in bands for ln in sorted(band, key=lambda ln: ln.bbox[0])]


def _interleaved_heads(
    cells: list[Cell],
    heads: list[_Head],
    cols: tuple[Column, ...],
    problems: list[str],
    where: Where,
) -> list[_Head]:
    """Heads printed side by side in one cell, each wrapped over two lines, whose lines OCR
    read across (`年初预算 调整后预数 算数`: 年初预算数 and 调整后预算数). A cell of the heads
    row that names no head is those of the heads not found elsewhere that stand next to each
    other in the form's order, when its characters are exactly theirs (marks aside) for one
    spelling of each and one run only; their values are then read under the cell's width
    shared evenly, as for two heads a lost rule left in one cell. A cell taken for one head
    one OCR slip away (`年初预算 调整后预 数 1 算数` for 年初预算数) is looked at the same way and
    read as the run it spells exactly. Returns `heads` with those found."""
    found = {f for h in heads if not h.slip for f in h.fields}
    used = {id(h.cell) for h in heads if not h.slip}
    missing = [i for i, c in enumerate(cols) if c.field not in found]
    out = list(heads)
    for cell in cells:
        if id(cell) in used:
            continue
        runs = (
            missing[i : i + k]
            for k in range(2, len(missing) + 1)
            for i in range(len(missing) - k + 1)
            if missing[i + k - 1] - missing[i] == k - 1  # next to each other in the form
        )
        hit = the_run_spelt(cjk_characters(cell.text), runs, lambda j: cols[j].headings)
        if hit is None:
            continue
        fields = [cols[j].field for j in hit]
        out = [h for h in out if h.cell is not cell] + [_Head(cell, fields, "")]
        missing = [j for j in missing if j not in hit]
        problems.append(
            f"page {where.page.page}: funds head cell '{cell.text}' prints the heads of "
            f"{'、'.join(fields)} run together (side by side, their lines read across); "
            "read as those heads, in the form's order"
        )
    return sorted(out, key=lambda h: h.cell.bbox[0])  # print order, as the heads were found


def _heads_by_their_place(
    table: Table,
    r: int,
    end: int,
    heads: list[_Head],
    cols: tuple[Column, ...],
    problems: list[str],
    where: Where,
) -> list[_Head]:
    """Heads OCR misread past any spelling (`调然后预0` for 调整后预算数) named by their place:
    the matrix prints its heads in the form's order, so the cells of the heads row that name
    none, each standing over a number in the row below, fill the gaps between the heads read
    with the heads missing there — only when every gap holds as many such cells as heads are
    missing in it (no guess where the count differs), or its cells stand over as many values
    as heads are missing: a cell over one cell of the same columns printing k values apart
    (the rules between k columns lost all the way down, dev lg_7544 `4.45 4.45 4.45` under
    `年初预算调整后预预算扶行 数数数`) is the next k heads. Returns `heads` with those found."""
    index = {c.field: i for i, c in enumerate(cols)}
    order = [index[f] for h in heads for f in h.fields if f in index]
    if not order or order != sorted(set(order)):
        return heads
    used = {id(h.cell) for h in heads} | {id(p) for h in heads for p in h.parts}
    below = [c for c in table.cells if c.row == r + 1 < end and NUMBER_RE.search(c.text)]

    def over_a_number(cell: Cell) -> bool:
        return any(cell.bbox[0] <= (b.bbox[0] + b.bbox[2]) / 2 < cell.bbox[2] for b in below)

    def values_under(cell: Cell) -> int:
        # the values printed apart in the one cell under it over the same columns (the rules
        # between those columns lost all the way down), else 0: no head is shared out by guess
        under = [b for b in below if cell.bbox[0] <= (b.bbox[0] + b.bbox[2]) / 2 < cell.bbox[2]]
        if len(under) != 1 or (under[0].col, under[0].last_col) != (cell.col, cell.last_col):
            return 0
        return len(VALUE_RE.findall(under[0].text))

    unread = [c for c in table.row_cells(r) if id(c) not in used and over_a_number(c)]
    # each gap runs from the end of a head read (or the row's start) to the next one's start
    bounds = [(-1, float("-inf"))]
    bounds += [(index[h.fields[0]], h.cell.bbox[0]) for h in heads if h.fields[0] in index]
    ends = [(index[h.fields[-1]], h.cell.bbox[2]) for h in heads if h.fields[-1] in index]
    ends = [(-1, float("-inf")), *ends]
    named: list[tuple[Cell, list[str]]] = []
    for (lo, x_lo), (hi, x_hi) in zip(ends, [*bounds[1:], (len(cols), float("inf"))], strict=True):
        gap = [cols[i].field for i in range(lo + 1, hi)]
        cells = [c for c in unread if x_lo <= (c.bbox[0] + c.bbox[2]) / 2 < x_hi]
        if len(cells) != len(gap):
            counts = [values_under(c) for c in cells]
            if not cells or sum(counts) != len(gap) or min(counts) < 1:
                return heads
            taken = [sum(counts[:i]) for i in range(len(cells) + 1)]
            named += [(c, gap[taken[i] : taken[i + 1]]) for i, c in enumerate(cells)]
            continue
        named += [(c, [f]) for c, f in zip(cells, gap, strict=True)]
    if not named:
        return heads
    problems.append(
        f"page {where.page.page}: funds head cell(s) "
        + ", ".join(f"'{c.text}'" for c, _ in named)
        + " name no head (OCR); read as "
        + "、".join("+".join(fs) for _, fs in named)
        + " by their place among the heads read (the form prints them in its order)"
    )
    out = heads + [_Head(c, fs, "") for c, fs in named]
    return sorted(out, key=lambda h: h.cell.bbox[0])


def _matrix_rows(
    table: Table,
    start: int,
    end: int,
    row_alts: list,
    header: Header,
    where: Where,
    problems: list[str],
    heads_until: int = -1,
    sum_row: Label | None = None,
) -> list[tuple[int, Cell, Label, str]]:
    """(row, label cell, row label, value glued onto the label) of each matrix row under the
    heads; rows no cell starts on (an OCR grid's rows under merged cells) are passed over, and
    so are rows the head cells still cover (`heads_until`: a head's second line the grid cut
    into a row of its own, `全年预算` over `数`). A row label after a worn rule's mark
    (`1年度资金总额`) is found as a header label is (`after_a_mark`). The first row under the
    heads with no row label read (a seal over it) is taken as `sum_row`, where the form prints
    it, when the rows after it are labelled: its sums decide (`_MatrixRead.sum_row_by_place`)."""
    out = []
    for rr in range(start, end):
        cells = table.row_cells(rr)
        if not cells:
            continue
        found = None
        for c in cells:
            key = label_key(c.text)
            hit = match_printed(key, row_alts) or after_a_mark(key, row_alts)
            if hit is not None:
                lb, rest = hit
                glued = printed_after(c.text, len(key) - len(rest)) if rest else ""
                found = (rr, c, lb, glued)
                break
        if found is None:
            found = _label_in_row_band(table, rr, row_alts)
            if found is not None:
                merged = table.at(rr, found[1].col)
                header.used.add(id(merged))
                problems.append(
                    f"page {where.page.page}: funds the row label '{found[1].text}' read from "
                    f"the merged cell '{merged.text if merged else ''}' by the lines standing in "
                    "its row (OCR found no rule between them)"
                )
        if found is None and not out and rr <= heads_until:
            continue
        if found is None and not out and sum_row is not None and rr + 1 < end:
            found = _sum_row_unlabelled(table, rr, row_alts, sum_row)
        if found is None:
            break
        header.used.add(id(found[1]))
        out.append(found)
    return out


def _labelled(cell: Cell, row_alts: list) -> bool:
    """Whether a matrix row's label cell spells a row label (else its row was taken by place)."""
    key = label_key(cell.text)
    return bool(key) and (match_printed(key, row_alts) or after_a_mark(key, row_alts)) is not None


def _sum_row_unlabelled(
    table: Table, rr: int, row_alts: list, sum_row: Label
) -> tuple[int, Cell, Label, str] | None:
    """Matrix row `rr`, whose label no alternative spells, as a candidate for the sum row: its
    label cell the one before its first value that prints a fragment of the sum row's spelling
    (`金总`, `年度金委政`: two glyphs or more in a run no other row's label prints), else a blank
    cell of its own (the label lost outright). None when the row prints another label's run."""
    cells = sorted(table.row_cells(rr), key=lambda c: c.col)
    if not cells:
        return None
    own = [alt for alt, lb in row_alts if lb is sum_row]
    others = [alt for alt, lb in row_alts if lb is not sum_row]
    for c in cells:
        key = label_key(c.text)
        if not cjk_characters(key):
            continue
        if _fragment_of(key, own, others):
            return rr, c, sum_row, ""
        return None  # another label's print, or a text that is no fragment of the sum row's
    blank = replace(cells[0], text="", lines=(), readings=(), seal_lines=(), faint=())
    return rr, blank, sum_row, ""


def _fragment_of(key: str, own: list[str], others: list[str]) -> bool:
    """Whether `key` prints a run of two glyphs or more of one of `own` spellings that none of
    `others` prints (`资金` is also 上年结转资金's, `金总` only 年度资金总额's)."""
    for alt in own:
        for i in range(len(key) - 1):
            for j in range(len(key), i + 1, -1):
                run = key[i:j]
                if run in alt and not any(run in o for o in others):
                    return True
    return False


# A line stands in a row when more than this share of its box's height lies within the row's
# band: OCR boxes are padded beyond the ink, so a line may reach across the rule by a few px.
MOST_OF_IT = 0.5


def _label_in_row_band(
    table: Table, rr: int, row_alts: list
) -> tuple[int, Cell, Label, str] | None:
    """The row label of matrix row `rr` printed in a label cell OCR merged over several rows (its
    row rules lost): the lines of that cell standing mostly within the row's band (the y-range
    of the one-row cells starting on it), grouped into runs side by side (a merged label column
    beside it prints its own run), the first run that spells a row label. The part is a cell of
    its own on row `rr`; None when no run spells one."""
    one_row = [c for c in table.row_cells(rr) if c.rowspan == 1]
    covering = [c for c in table.cells if c.row <= rr <= c.last_row and c.rowspan > 1 and c.lines]
    if not one_row or not covering:
        return None
    top = sorted(c.bbox[1] for c in one_row)[len(one_row) // 2]
    bottom = sorted(c.bbox[3] for c in one_row)[len(one_row) // 2]
    reach = REACH * text_height(table)
    for cell in sorted(covering, key=lambda c: c.col):
        inside = [ln for ln in cell.lines if _share_within(ln, top, bottom) > MOST_OF_IT]
        for run in line_runs(inside, reach):
            lines = sorted(run, key=lambda ln: (ln.bbox[1], ln.bbox[0]))
            text = join_wrapped([ln.text for ln in lines])
            key = label_key(text)
            hit = match_printed(key, row_alts) or after_a_mark(key, row_alts)
            if hit is None or hit[1]:
                continue
            box = (
                min(ln.bbox[0] for ln in lines),
                top,
                max(ln.bbox[2] for ln in lines),
                bottom,
            )
            part = replace(
                cell, row=rr, rowspan=1, text=text, lines=tuple(lines), bbox=box, readings=()
            )
            return rr, part, hit[0], ""
    return None


def _share_within(line: CellLine, top: float, bottom: float) -> float:
    """The share of a line box's height lying between `top` and `bottom`."""
    y0, y1 = line.bbox[1], line.bbox[3]
    return max(0.0, min(y1, bottom) - max(y0, top)) / max(y1 - y0, 1e-9)


def _slots_under(cell: Cell, slots: list[tuple[str, tuple[float, float]]]) -> list:
    """The heads a value cell stands under: every head whose centre lies well inside the cell
    (a cell under two heads), else the head over the cell's centre."""
    x0, x1 = cell.bbox[0], cell.bbox[2]
    margin = 0.1 * (x1 - x0)
    inside = [s for s in slots if x0 + margin < (s[1][0] + s[1][1]) / 2 < x1 - margin]
    if len(inside) > 1:
        return inside
    centre = (x0 + x1) / 2
    over = [s for s in slots if s[1][0] <= centre < s[1][1]]
    return over or inside


# ---------------------------------------------------------------- the target funds block's sum

# A worn column rule OCR read as a mark at an amount's edge, or a speck read as a full stop after
# it (`1 180.616`, `|7.486`, `260.6.`): the only readings an amount is cut back to, and only when
# the block's own sum says so.
# A lone character standing apart after (before) an amount (`207.8 q`, `0.00 9`) is a speck too.
EDGE_MARK_BEFORE_RE = re.compile(rf"^(?:{char_class(RULE_MARKS)}\s*|\S\s+)(?=\d)")
EDGE_MARK_AFTER_RE = re.compile(rf"(?<=\d)(?:\s*{char_class(RULE_MARKS + '.')}|\s+\S)$")
# The parts that add up to 年度资金总额, each described part list alone (blank counts 0)
FUNDS_PARTS = (
    ("fiscal_funds", "other_funds"),
    ("local_fiscal_funds", "superior_funds", "other_funds"),
)
# Every amount a target table's funds block prints, by field: its total and each part
FUNDS_AMOUNTS = frozenset({"total_funds", *(n for parts in FUNDS_PARTS for n in parts)})
SUM_TOLERANCE = 1e-6
# The amounts a block prints for its 财政拨款: itself, or 本级 and 上级
FISCAL_PARTS = ("fiscal_funds", "local_fiscal_funds", "superior_funds")
# The marks between an amount's digits OCR takes one for another (`453,908` printed 453.908,
# `14;368,090` printed 14,368,090), by name: each may have been printed as a point or a comma.
SEPARATORS = {".": "point", ",": "comma", "，": "comma", ";": "semicolon", "；": "semicolon"}
_SEPARATOR_RE = re.compile(rf"(?<=\d){char_class(''.join(SEPARATORS))}(?=\d)")
# An amount printed with thousands commas: groups of three digits after the first, the decimals
# after them (`14,368,090`, `1,234.5`); `24,33` or `14.368,090` is no amount anyone prints
GROUPED_RE = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


# What a reading costs to be taken for another: one mark cut off an edge; the whole reading
# taken for no print (weighed above a cut: the block settles on a cut when one fits as well)
MARK_CUT, NOTHING_PRINTED = 1, 2


def _readings(
    value: SourcedValue, ocr_pages: Mapping[int, float | None], unit: str | None = None
) -> list[tuple[int, float, str, str]]:
    """(edits, amount, text, why) an amount may have printed: as read (blank, or a mark printed
    for no value, is 0), then — on an OCR page — with one mark cut off either edge, with its
    point read as a colon (`5:05`), with a separator between its digits read for the other
    (`453,908` for 453.908, `separators_read_apart`), with a glyph between its digits read
    for the digit it hid or for nothing (`_a_glyph_for_a_digit`), and, when OCR was unsure of
    the whole reading or when the reading holds no digit (a lone `法` from a seal's residue in a
    blank 其他资金, dev8 lg_77253: no amount prints without one), nothing at all (0). Unsure is
    below the line its page was read with for keeping cells for review
    (`PageGrid.review_below`, the run's `OcrOptions.low_confidence_threshold`): such a
    reading's digits may be no print at all — a rule's ink at a blank cell's edge, a speck
    (`i01` at 0.51 in a blank 其他资金 cell). A page
    that names no line (None) has no reading taken for nothing printed. In a `unit` whose
    amounts print at most so many decimals (`FUNDS_DECIMALS`: 元 to the fen) a reading with more
    is none (`_printable_in`)."""
    ocr = value.page in ocr_pages
    out = []
    printed = value.value.strip()
    blank = not printed or printed in NO_VALUE
    number = 0.0 if blank else amount(printed)
    if number is not None:
        out.append((0, number, printed, ""))
    if ocr and not blank:
        for rx in (EDGE_MARK_BEFORE_RE, EDGE_MARK_AFTER_RE):
            cut = rx.sub("", printed, count=1)
            v = amount(cut) if cut != printed else None
            if v is not None:
                out.append((MARK_CUT, v, cut, "a mark at the amount's edge taken for a worn "
                            "rule's remnant or a speck"))  # fmt: skip
        if m := COLON_POINT_RE.fullmatch(printed):
            point = f"{m[1]}.{m[2]}"
            out.append((MARK_CUT, float(point), point, "a point OCR read as a colon"))
        taken = {r[1] for r in out}
        out += [r for r in separators_read_apart(printed) if r[1] not in taken]
        taken = {r[1] for r in out}
        out += [r for r in _digits_cut_apart(printed) if r[1] not in taken]
        taken = {r[1] for r in out}
        out += [r for r in _a_point_doubled(printed) if r[1] not in taken]
        taken = {r[1] for r in out}
        out += [r for r in _a_glyph_for_a_digit(printed) if r[1] not in taken]
        if read_unsure(value, ocr_pages):
            why = f"(OCR confidence {value.confidence:.2f}) as blank, ink that is no amount"
            out.append((NOTHING_PRINTED, 0.0, "", why))
        elif not any(ch.isdigit() for ch in printed):
            why = "as blank: no digit, no amount (a seal's or a speck's glyph)"
            out.append((NOTHING_PRINTED, 0.0, "", why))
    return _printable_in(out, printed, unit) if ocr else out


def _printable_in(
    readings: list[tuple[int, float, str, str]], printed: str, unit: str | None
) -> list[tuple[int, float, str, str]]:
    """The `readings` of an amount read `printed` that its block's `unit` can print: none with
    more decimals than the unit has (`FUNDS_DECIMALS`: `317.600` is no 元 amount, dev3
    lg_26492's total beside a 财政拨款 read `317,600`, where both one-separator readings added
    up). When the reading as read is one of those dropped, the others say so."""
    most = FUNDS_DECIMALS.get(unit or "")
    if most is None:
        return readings
    kept = [r for r in readings if len(r[2].partition(".")[2]) <= most]
    if kept and kept[0][0] != 0 and readings[0][0] == 0:
        why = f"'{printed}' printing more decimals than {unit} has ({most})"
        kept = [(e, v, t, f"{w}; {why}") for e, v, t, w in kept]
    return kept


def separators_read_apart(printed: str) -> list[tuple[int, float, str, str]]:
    """The readings of an amount with one separator between its digits printed as the other
    (`SEPARATORS`): a point for a comma, a comma for a semicolon. One mark each, as an edge
    cut; the readings an amount could not have printed (`1.234.5`, or commas that do not group
    its digits by three: `24,33` for a read 24.33, dev3 lg_25630, which made a total read
    `2433` with its point lost add up) are none."""
    out: list[tuple[int, float, str, str]] = []
    for m in _SEPARATOR_RE.finditer(printed):
        for printed_as in (".", ","):
            if printed_as == m[0]:
                continue
            text = printed[: m.start()] + printed_as + printed[m.end() :]
            if "," in text and not GROUPED_RE.fullmatch(text):
                continue
            if (v := amount(text)) is not None and v not in {r[1] for r in out}:
                why = f"a {SEPARATORS[printed_as]} OCR read as a {SEPARATORS[m[0]]}"
                out.append((MARK_CUT, v, text, why))
    return out


# A gap between an amount's digits: a column rule cut the amount in two where it printed a point
# or nothing (dev3 lg_28599 p1: 52.18 read `52` | `18` across a rule only its row prints)
_GAP_RE = re.compile(r"(?<=\d)\s+(?=\d)")


def _digits_cut_apart(printed: str) -> list[tuple[int, float, str, str]]:
    """The readings of an amount read with one gap between its digits and no point (`52 18`, the
    pieces of a value a rule cut, `header._amount_cut_by_a_rule`): the gap a point the rule hid,
    or nothing. One mark each, as an edge cut; a reading no amount could print is none."""
    gaps = list(_GAP_RE.finditer(printed))
    rest = printed[gaps[0].end() :] if len(gaps) == 1 else ""
    if not rest.isdigit() or "." in printed or all(ch in RULE_MARKS for ch in rest):
        return []  # `1474.64 1`, `230480 1`: a point printed, or a rule's stroke (an edge mark)
    out: list[tuple[int, float, str, str]] = []
    for mark, why in ((".", "a point the rule hid"), ("", "one amount the rule cut in two")):
        text = printed[: gaps[0].start()] + mark + printed[gaps[0].end() :]
        if "," in text and not GROUPED_RE.fullmatch(text):
            continue
        if (v := amount(text)) is not None and v not in {r[1] for r in out}:
            out.append((MARK_CUT, v, text, f"its digits read apart, {why}"))
    return out


def _a_point_doubled(printed: str) -> list[tuple[int, float, str, str]]:
    """The readings of an amount read with two points (`75.1.5` for 75.15: a speck between its
    digits read as a second point): each with one of the points left out, one mark each, as an
    edge cut — the block's sum chooses, or none."""
    if not TWO_POINTS_RE.fullmatch(printed):
        return []
    out: list[tuple[int, float, str, str]] = []
    for m in re.finditer(r"\.", printed):
        text = printed[: m.start()] + printed[m.end() :]
        if (v := amount(text)) is not None:
            out.append((MARK_CUT, v, text, "one of its two points a speck OCR read as a point"))
    return out


# One glyph between an amount's digits that is no digit, point or separator: a seal's character
# or a letter OCR read over a digit (`44法.594` printed 441.594, `1O2.5` printed 102.5), or a
# speck read between two digits. A glyph at the amount's edge is an edge mark's, not this.
_GLYPH_AMID_DIGITS_RE = re.compile(rf"(?<=[\d.,])[{HAN}A-Za-z](?=[\d.,])")
DIGITS = "0123456789"


def _a_glyph_for_a_digit(printed: str) -> list[tuple[int, float, str, str]]:
    """The readings of an amount read with one glyph between its digits (`44法.594`): each
    digit in the glyph's place (the glyph hid it), and the glyph left out (it hid nothing).
    OCR reads such an amount as no number, so the block's sum is the only judge: one mark
    each, as an edge cut, and `_settle` keeps one only when it alone makes the block add up
    (a seal over the same digits of two amounts fits ten ways and is left as read). Two such
    glyphs, or none, and there is no reading here; a reading no amount could print (commas
    that do not group by three) is none."""
    glyphs = list(_GLYPH_AMID_DIGITS_RE.finditer(printed))
    if len(glyphs) != 1:
        return []
    (glyph,) = glyphs
    out: list[tuple[int, float, str, str]] = []
    for digit in ("", *DIGITS):
        text = printed[: glyph.start()] + digit + printed[glyph.end() :]
        if "," in text and not GROUPED_RE.fullmatch(text):
            continue
        if (v := amount(text)) is not None and v not in {r[1] for r in out}:
            hid = f"over a {digit}" if digit else "over no digit"
            why = f"'{glyph[0]}' between its digits a seal's or speck's glyph read {hid}"
            out.append((MARK_CUT, v, text, why))
    return out


def funds_amid_marks(
    form: ProjectForm, ocr_pages: Mapping[int, float | None], problems: list[str]
) -> None:
    """A target table's funds amounts on OCR pages into which OCR read Han glyphs that are no
    print — a seal's characters over the amount (`45932.02委政人`) — read as the amount alone,
    each with a note (`leave_out_marks`); a unit printed after the amount (万元) is print and
    stays. Before `settle_funds_by_sum`, so the block's sum weighs the amounts, not the seal."""
    block = {"total_funds": form.funds.total, "fiscal_funds": form.funds.fiscal}
    block["other_funds"] = form.funds.other
    names = ("local_fiscal_funds", "superior_funds")
    fields = {**{n: form.fields[n] for n in names if n in form.fields}, **block}
    fields = {k: v for k, v in fields.items() if v is not None and v.page in ocr_pages}
    changed = False
    for name, value in fields.items():
        notes = leave_out_marks(fields, {name: ""})
        problems.extend(f"page {value.page}: funds {n}" for n in notes)
        changed |= bool(notes)
    if not changed:
        return
    form.funds = FundsBlock(
        total=fields.get("total_funds", form.funds.total),
        fiscal=fields.get("fiscal_funds", form.funds.fiscal),
        other=fields.get("other_funds", form.funds.other),
    )
    for name in names:
        if name in fields:
            form.fields[name] = fields[name]


def settle_funds_by_sum(
    form: ProjectForm, ocr_pages: Mapping[int, float | None], problems: list[str]
) -> None:
    """A target table's funds amounts that do not add up as OCR read them (年度资金总额 ≠ 财政拨款 +
    其他资金, or one is no amount at all) when one mark at an amount's edge — a worn rule or a
    speck OCR read as `1`, `|`, `.` — is not printed, or when a reading OCR was unsure of is
    no print at all (a blank 其他资金 read `i01` at 0.51): the one reading with the fewest such
    edits that makes the block add up is kept, and reported. A block that adds up as read, has
    no part printed, or could add up more than one way, is left as read (a real printed
    difference is the audit's finding, not the reader's to correct); so is a block whose total
    and a part read the same text cut alike (`47.` and `47.` for 47.019: the sum holds whatever
    the mark stands for). No amount is ever made up: marks are dropped, and a glyph OCR read
    between an amount's digits is given the one digit by which the block adds up, only when no
    other reading as cheap fits (`_a_glyph_for_a_digit`). `ocr_pages`: each OCR
    page's review line (`PageGrid.review_below`) by page number; other pages have text layers."""
    fields = block_fields(form)
    names = next((p for p in FUNDS_PARTS if p[0] in fields), None)
    if names is None:
        return
    unit = form.fields["funds_unit"].value if "funds_unit" in form.fields else None
    block = ["total_funds", *(n for n in names if n in fields)]
    if _settle(fields, block, ocr_pages, problems, unit=unit):
        store_block(form, fields)


def settle_matrix_by_sum(
    form: ProjectForm, spec: FormSpec, ocr_pages: Mapping[int, float | None], problems: list[str]
) -> None:
    """A funds matrix's column of amounts one of which is no number as OCR read it (the
    年度资金总额 row's 全年执行数 read `5:05` over 5.05 | 0 | 0) settled as a target table's
    block is (`_settle`: the one reading with the fewest edits by which the first row is the sum
    of the rows under it), column by column (`FundsMatrix.summed`), only where every row of the
    column was read. Reported; a column that could add up several ways is left as read.

    Only a reading that is no number is chosen for: a printed column may itself miss its sum by
    a rounding (selfscan18's lg_8339: 11.11 over 6.92 | 0 | 4.18), and the sum would then take
    a printed digit for a speck (`11.11` as 11.1)."""
    matrix = spec.funds_matrix
    if matrix is None:
        return
    for col in matrix.cols:
        block = [f"{row.field}_{col.field}" for row in matrix.rows]
        if col.field not in matrix.summed or not all(n in form.fields for n in block):
            continue
        fields = {n: form.fields[n] for n in block}
        if all(_readings(v, {}) for v in fields.values()):  # every one a number (or blank) as read
            continue
        label = f"the {matrix.rows[0].alternatives[0]} row's {col.headings[0]}"
        if _settle(fields, block, ocr_pages, problems, label):
            form.fields.update(fields)


def _settle(
    fields: dict[str, SourcedValue],
    block: list[str],
    ocr_pages: Mapping[int, float | None],
    problems: list[str],
    sum_label: str = "年度资金总额",
    unit: str | None = None,
) -> bool:
    """`settle_funds_by_sum` on the fields named `block` (the sum first, then its parts, the
    sum printed as `sum_label`, the amounts in `unit` when known); whether a reading was
    changed."""
    total = fields.get(block[0])
    if total is None or not total.value.strip():
        return False
    options = [_readings(fields[n], ocr_pages, unit) for n in block]
    options[0] = [o for o in options[0] if o[0] != NOTHING_PRINTED]  # the sum's own amount
    if all(o and o[0][0] == 0 for o in options) and total_is_sum([o[0][1] for o in options]):
        return False
    fits = [combo for combo in product(*options) if total_is_sum([r[1] for r in combo])]
    if not fits:
        return False
    fewest = min(sum(r[0] for r in c) for c in fits)
    best = [c for c in fits if sum(r[0] for r in c) == fewest]
    if len(best) != 1 or fewest == 0:
        return False
    alike = [n for n, r in zip(block[1:], best[0][1:], strict=True) if r[0] == MARK_CUT]
    alike = [n for n in alike if fields[n].value.strip() == total.value.strip()]
    if best[0][0][0] == MARK_CUT and alike:
        problems.append(
            f"page {total.page}: funds {block[0]} and {', '.join(alike)} both read "
            f"'{total.value}': the sum holds whatever the mark at the edge stands for (lost "
            "digits read alike in both), so it cannot say the mark is no print; left as read"
        )
        return False
    changed = []
    for name, (edits, _, text, why) in zip(block, best[0], strict=True):
        if edits == NOTHING_PRINTED:
            changed.append(f"{name} '{fields[name].value}' {why}")
        elif edits:
            changed.append(f"{name} '{fields[name].value}' as {text}, {why}")
        if edits:
            fields[name] = fields[name].with_value(text)
    problems.append(
        f"page {total.page}: funds read {'; '.join(changed)}: the one reading by which "
        f"{sum_label} is the sum of its parts"
    )
    return True


def separators_by_unit(
    form: ProjectForm, ocr_pages: Mapping[int, float | None], problems: list[str]
) -> None:
    """A target table's funds amount, on an OCR page, that its block's unit cannot print as
    read — more decimals than the unit has (`FUNDS_DECIMALS`: `375.120` in 元, a lone 年度本级
    预算金额 whose comma OCR read as a point, dev7 lg_60054) — read with its one separator as
    the other when that alone gives an amount the unit prints (`375,120`), and reported. After
    `settle_funds_by_sum`, whose sum is the stronger judge where the block has parts; an amount
    with no such reading, or several, is left as read."""
    unit = form.fields["funds_unit"].value if "funds_unit" in form.fields else None
    most = FUNDS_DECIMALS.get(unit or "")
    if most is None:
        return
    fields = block_fields(form)
    changed = False
    for name in FUNDS_AMOUNT_FIELDS:
        value = fields.get(name)
        if value is None or value.page not in ocr_pages:
            continue
        printed = value.value.strip()
        if amount(printed) is None or len(printed.partition(".")[2]) <= most:
            continue
        fits = _printable_in(separators_read_apart(printed), printed, unit)
        if len(fits) != 1:
            continue
        text, why = fits[0][2], fits[0][3]
        fields[name] = value.with_value(text)
        changed = True
        problems.append(
            f"page {value.page}: funds read {name} '{printed}' as {text}, {why}: {unit} print "
            f"at most {most} decimals, and this is the one reading that does"
        )
    if changed:
        store_block(form, fields)


# The funds amounts a target table's block may print, the total first
FUNDS_AMOUNT_FIELDS = (
    "total_funds",
    "fiscal_funds",
    "local_fiscal_funds",
    "superior_funds",
    "other_funds",
)


def store_block(form: ProjectForm, fields: dict[str, SourcedValue]) -> None:
    """Write a block's amounts (`block_fields`' dict, some re-read) back to the form."""
    form.funds = FundsBlock(
        total=fields.get("total_funds"),
        fiscal=fields.get("fiscal_funds"),
        other=fields.get("other_funds"),
    )
    for name in ("local_fiscal_funds", "superior_funds"):
        if name in form.fields:
            form.fields[name] = fields[name]


def block_fields(form: ProjectForm) -> dict[str, SourcedValue]:
    """A target table's funds amounts as read, by field: its `FundsBlock`'s and the 本级/上级
    split's (which stand among the header's fields); those not read left out."""
    block = {"total_funds": form.funds.total, "fiscal_funds": form.funds.fiscal}
    block["other_funds"] = form.funds.other
    return {k: v for k, v in {**form.fields, **block}.items() if v is not None}


def total_is_sum(values: list[float]) -> bool:
    """Whether the first amount is the sum of the others, to `SUM_TOLERANCE`."""
    return abs(values[0] - sum(values[1:])) <= SUM_TOLERANCE * max(1.0, abs(values[0]))


def _cells_text(cells: list[tuple[Cell, str]]) -> str:
    """The text a matrix slot's cells print, as one value (`_MatrixRead.values`' pieces)."""
    return " ".join(t.strip() for _, t in cells).strip()


def _adds_up_to_rounding(texts: list[str]) -> bool | None:
    """Whether a summed matrix column, its sum row's text first, adds up to the rounding of the
    amounts as printed (each off by half a unit of its last printed decimal at most); None when
    a text is no amount (blank or a no-value mark for 0)."""
    amounts = [_part_amount_as_read(t) for t in texts]
    if any(a is None for a in amounts):
        return None
    slack = sum(
        0.5 * 10 ** -len(t.strip().rpartition(".")[2]) if "." in t else 0.5
        for t, a in zip(texts, amounts, strict=True)
        if a  # none printed (0, blank, a no-value mark) is exactly none
    )
    return abs((amounts[0] or 0.0) - sum(a or 0.0 for a in amounts[1:])) <= slack + 1e-9


def _column_adds_up(texts: list[str | None]) -> bool | None:
    """Whether a summed matrix column, its sum row's text first, adds up as printed (blank or a
    no-value mark for 0); None when a text is missing or no amount."""
    amounts = [None if t is None else _part_amount_as_read(t) for t in texts]
    if any(a is None for a in amounts):
        return None
    return total_is_sum([a or 0.0 for a in amounts])


def total_from_parts(
    form: ProjectForm, ocr_pages: Mapping[int, float | None], problems: list[str]
) -> None:
    """A target table's 年度资金总额 OCR read nothing for, on an OCR page, while every part the
    block describes (财政拨款 and 其他资金, or 本级, 上级 and 其他资金) was read as an amount, or
    blank for 0: the total is the sum of its parts (`FUNDS_PARTS`), as the form prints it. A
    faint total beside a worn rule is left out with the rule's ink (funds29: dev3 lg_20183's `21`
    read nowhere beside 12.852 | 8.148). Taken only when each part was read surely (at or above
    its page's review line: an unsure part could be a wrong sum), written with the parts' most
    decimals, and reported; the total's own cell is not known, so the value has the first
    part's page and table and no cell. Any part not read, or not an amount, and nothing is
    filled (the total stays unread, as `_close` noted)."""
    total = form.funds.total
    if form.form != "project_target" or (total is not None and total.value.strip()):
        return
    fields = block_fields(form)
    names = next((p for p in FUNDS_PARTS if p[0] in fields), None)
    if names is None or not all(n in fields and fields[n].page in ocr_pages for n in names):
        return
    parts = [fields[n] for n in names]
    amounts = [_part_amount(p, ocr_pages) for p in parts]
    if not parts[0].value.strip() or any(a is None for a in amounts):
        return
    total = _derived(sum(a or 0.0 for a in amounts), parts)
    form.funds = replace(form.funds, total=total)
    read = " + ".join(
        f"{n} {p.value.strip() or 'blank'}" for n, p in zip(names, parts, strict=True)
    )
    problems.append(
        f"page {total.page}: funds total_funds read nothing, taken as {total.value}, the sum of "
        f"its parts as read ({read}): 年度资金总额 is the sum of its parts"
    )


def part_from_total(
    form: ProjectForm, ocr_pages: Mapping[int, float | None], problems: list[str]
) -> None:
    """A target table's one funds part OCR lost, on OCR pages, its 年度资金总额 and every other
    part read surely: the part is the total less the others, as the form defines it
    (`FUNDS_PARTS`). Lost is a row the grid did not find (`_ROW_MAY_BE_LOST`): no 财政拨款, 本级 or
    上级 read at all (dev3 lg_20422's row at the foot of page 1 below the last rule found), or
    本级 read and no 上级 row (dev3 lg_27603); the value then has the total's page and table and
    no cell. Or a part read blank that the form never prints
    blank for none (not `Label.blank_zero`: 财政拨款, 本级财政资金; dev3 lg_29102 p2's 本级
    `966.764` beside a label a stray rule cut, read blank; the value keeps its cell). Reported. Two
    parts lost, a remainder below 0, or any amount unsure or no amount, and nothing is filled."""
    total = form.funds.total
    if form.form != "project_target" or total is None or total.page not in ocr_pages:
        return
    fields = block_fields(form)
    split = any(n in fields for n in FISCAL_PARTS[1:])
    names = FUNDS_PARTS[1] if split else FUNDS_PARTS[0]
    if not total.value.strip() or names[-1] not in fields:
        return
    lost = [n for n in names if n not in fields or _read_blank_for_an_amount(n, fields[n])]
    if len(lost) != 1 or (lost[0] not in fields and lost[0] not in _ROW_MAY_BE_LOST):
        return
    (name,) = lost
    others = [n for n in names if n != name]
    if any(fields[n].page not in ocr_pages for n in others):
        return
    amounts = [_part_amount(v, ocr_pages) for v in (total, *(fields[n] for n in others))]
    if any(a is None for a in amounts):
        return
    rest = amounts[0] - sum(a or 0.0 for a in amounts[1:])  # type: ignore[operator]
    if rest < -SUM_TOLERANCE * max(1.0, abs(amounts[0] or 0.0)):
        return
    derived = _derived(max(rest, 0.0), [total, *(fields[n] for n in others)])
    less = " and ".join(f"{_LABEL_OF[n]} {fields[n].value.strip() or 'blank'}" for n in others)
    if name in fields:  # read blank: the value keeps its cell
        derived = replace(fields[name], value=derived.value, confidence=derived.confidence)
        why = f"read blank ({_LABEL_OF[name]} is never printed blank for none)"
    else:
        why = f"not read (no {_LABEL_OF[name]} row found)"
    if name == "fiscal_funds":
        form.funds = replace(form.funds, fiscal=derived)
    else:
        form.fields[name] = derived
    problems.append(
        f"page {total.page}: funds {name} {why}, taken as {derived.value}: 年度资金总额 "
        f"{total.value} less {less}"
    )


# The funds parts whose whole row the grid may lose while the block's others are read: 财政拨款
# (dev3 lg_20422, a row at a page's foot below the last rule found) and 上级补助资金 (dev3
# lg_27603, 本级, 其他 and the total read, no 上级 row at all). 本级 is never the one lost here:
# without it the block is not known to be split.
_ROW_MAY_BE_LOST = ("fiscal_funds", "superior_funds")
# Each funds field's label as the form prints it (its first spelling), and whether the form may
# print the amount as a blank cell for none (`Label.blank_zero`), from the form description
_LABEL_OF = {lb.field: lb.alternatives[0] for lb in PROJECT_TARGET.labels}
_BLANK_FOR_NONE = {lb.field for lb in PROJECT_TARGET.labels if lb.blank_zero}


def _read_blank_for_an_amount(name: str, value: SourcedValue) -> bool:
    """A funds part read blank that the form never prints blank (财政拨款, 本级财政资金): a print
    OCR or the grid lost, not a none."""
    return name not in _BLANK_FOR_NONE and not value.value.strip()


def _derived(value: float, sources: list[SourcedValue]) -> SourcedValue:
    """An amount the block's sum gives, written as its `sources` print amounts (their most
    decimals, thousands commas when one has them), on the first source's page and table with
    no cell, as sure as the least sure source."""
    printed = [v.value.strip() for v in sources]
    decimals = max((len(t.rpartition(".")[2]) for t in printed if "." in t), default=0)
    grouped = "," if any("," in t for t in printed) else ""
    first = sources[0]
    return SourcedValue(
        value=f"{value:{grouped}.{decimals}f}",
        page=first.page,
        table_index=first.table_index,
        confidence=min(v.confidence for v in sources),
        extractor=first.extractor,
    )


def _part_amount(part: SourcedValue, ocr_pages: Mapping[int, float | None]) -> float | None:
    """A funds part's amount as read, blank (or a mark printed for no value) 0; None when it is
    no amount or OCR was unsure of it (below its page's review line)."""
    return None if read_unsure(part, ocr_pages) else _part_amount_as_read(part.value)


def _part_amount_as_read(text: str) -> float | None:
    """An amount's text as printed: blank or a mark printed for no value 0; None when no amount."""
    printed = text.strip()
    return 0.0 if not printed or printed in NO_VALUE else amount(printed)
