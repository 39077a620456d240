"""The indicator grid's columns, found by their headings rather than by position (`GridColumns`,
`read_columns`): a heading cell printing several heads spans the columns under it, and a grid
continued on another page keeps its fields by where the heading stood.

Apart because the rows, the funds matrix and the document reader all place cells by these
columns, and finding them is its own problem (wrapped, merged or OCR-damaged headings).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from itertools import combinations

from flows.forms.labels import (
    ALL_COLUMNS,
    cjk_characters,
    column_alternatives,
    match_printed,
    one_edit_apart,
    spells_within,
    the_run_spelt,
)
from flows.forms.notes import Note, withdraw
from flows.forms.provenance import Where
from flows.forms.spec import Column, FormSpec
from flows.models import Cell, CellLine, Table
from flows.text import is_han, label_key

# ---------------------------------------------------------------- the grid heading

# The share of the heading's width a column edge (or a table's edge) may stray between the
# heading's table and a table continuing the grid, on the same page or the next
EDGE_STRAY = 0.05

# What the note on a heading cell the form does not know is keyed by (`unread_heading`)
UNREAD_HEADING = "column heading not read"


def unread_heading(where: Where, cell: Cell) -> tuple[str, int, int, int, int]:
    """The key of the note on a heading cell read as no head (its page, table, row, column): a
    later judgement that reads the cell after all withdraws the note by it."""
    return (UNREAD_HEADING, where.page.page, where.table_index, cell.row, cell.col)


@dataclass
class GridColumns:
    """Which grid column holds which field in this table (one or more columns for the target
    when its 指标性质 | 指标值 | 度量单位 are printed apart)."""

    by_field: dict[str, int]
    n_cols: int
    x_ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    width: float = 0.0  # of the table the heading is printed in
    right: float = 0.0  # where that table ends on its page
    # the heading cells read as no head: their notes' keys (`unread_heading`), each with the
    # cell's x-range in fractions of the table's width, for a later heading that names them
    unread: dict[Hashable, tuple[float, float]] = field(default_factory=dict)

    def fields(self) -> frozenset[str]:
        return frozenset(self.by_field)

    def unread_under(self, ranges: Iterable[tuple[float, float]]) -> list[Hashable]:
        """The keys of the unread heading cells whose centre stands in one of `ranges` (fractions
        of the heading's frame): cells printing the heads of columns read there after all."""
        spans = list(ranges)
        return [
            key
            for key, (x0, x1) in self.unread.items()
            if any(a <= (x0 + x1) / 2 < b for a, b in spans)
        ]

    def on(self, table: Table) -> GridColumns | None:
        """The same fields on a table continuing the grid on another page, whose ruling may have
        more or fewer columns: each of its columns takes the field whose heading stands over the
        column's centre. None when the table does not line up with the heading: the 三级指标
        and 指标值 columns each start or end where the heading's do (a 三级指标 cell merged with
        the 二级指标 one beside it, its rule lost, still ends where its heading does).

        A table narrower than the heading's that ends where it ends (the pages of one document
        share their scale) is the grid without its leading columns, their rules lost with the
        blank merged labels they held: its columns are placed on the heading's own width.

        Any other table of another width (a photo's next page taken nearer or farther) is the
        grid when its columns line up with the heading's as shares of its width (`relative`:
        the form's proportions stay), by both edges of the 三级指标 and 指标值 columns (no
        shared scale vouches for it here), never by a count of columns alone."""
        width = table.bbox[2] - table.bbox[0]
        if self.width and abs(width - self.width) > EDGE_STRAY * self.width:
            return self._scaled(table) or self._leading_columns_lost(table)
        return self._lined_up(column_edges(table), table.n_cols, width, table.bbox[2])

    def _scaled(self, table: Table) -> GridColumns | None:
        """The fields of a table of another width whose 三级指标 and 指标值 columns line up with
        the heading's by both edges as shares of its own width (a photo's next page taken nearer
        or farther); None otherwise. Asked before `_leading_columns_lost`: a whole grid a few
        percent narrower may also end near where the heading's did (dev2 lg_12215_自评 p2, 5.6%
        narrower, its right edge 63 px off), and placed from that edge its columns stood one
        to the right (二级 labels read as names)."""
        edges = column_edges(table)
        width = table.bbox[2] - table.bbox[0]
        scaled = self._lined_up(edges, table.n_cols, width, table.bbox[2])
        if scaled is None or scaled is self:
            return None
        both_edges = all(
            abs(a - b) < EDGE_STRAY
            for f in ("indicator_name", "target")
            for a, b in zip(edges[scaled.by_field[f]], self.x_ranges[f], strict=True)
        )
        return scaled if both_edges else None

    def _lined_up(
        self, edges: list[tuple[float, float]], n_cols: int, width: float, right: float
    ) -> GridColumns | None:
        """The fields by the column edges of a table (fractions of the heading's frame)."""
        by_field: dict[str, int] = {}
        for c, (x0, x1) in enumerate(edges):
            centre = (x0 + x1) / 2
            for name, (h0, h1) in self.x_ranges.items():
                if h0 <= centre < h1 and name not in by_field:
                    by_field[name] = c
                    break  # one field per column
        aligned = {"indicator_name", "target"} <= set(by_field) and all(
            min(abs(a - b) for a, b in zip(edges[by_field[f]], self.x_ranges[f], strict=True))
            < EDGE_STRAY
            for f in ("indicator_name", "target")
        )  # by either edge: a column may be merged with its neighbour where a rule was lost
        if aligned:
            return GridColumns(
                by_field=by_field,
                n_cols=n_cols,
                x_ranges=self.x_ranges,
                width=width,
                right=right,
                unread=self.unread,
            )
        return self if n_cols == self.n_cols else None

    def _leading_columns_lost(self, table: Table) -> GridColumns | None:
        """`on` for a narrower table ending where the heading's table ends: its columns measured
        from that right edge on the heading's width (`_frame_from_right`); None for any other
        table, or one that does not line up. The columns keep the heading's width, so the next
        page is placed on it too."""
        frame = self._frame_from_right(table)
        if frame is None:
            return None
        x0_page, width = table.bbox[0], table.bbox[2] - table.bbox[0]
        edges = [
            (frame(x0_page + x0 * width), frame(x0_page + x1 * width))
            for x0, x1 in column_edges(table)
        ]
        found = self._lined_up(edges, table.n_cols, self.width, self.right)
        if found is None or found is self:
            return None
        return found

    def frame(self, table: Table) -> Callable[[float], float] | None:
        """Page x → share of the heading's frame on a table continuing the grid: its own width
        when that is the heading's (within EDGE_STRAY), else from its right edge on the
        heading's width when it is narrower and ends where the heading's table ended
        (`_frame_from_right`) — unless its columns line up on its own width (`_scaled`, as
        `on` reads them); None for any other table."""
        width = table.bbox[2] - table.bbox[0]
        if not self.width or abs(width - self.width) <= EDGE_STRAY * self.width:
            return lambda x: relative(table, x, x)[0]
        from_right = self._frame_from_right(table)
        if from_right is not None and self._scaled(table) is not None:  # as `on` reads it
            return lambda x: relative(table, x, x)[0]
        return from_right

    def _frame_from_right(self, table: Table) -> Callable[[float], float] | None:
        """Page x → share of the heading's frame on a table narrower than the heading's that
        ends where it ended (within EDGE_STRAY; the pages of one document share their scale):
        the grid without its leading columns. None for any other table."""
        width = table.bbox[2] - table.bbox[0]
        if (
            not self.right
            or width >= self.width
            or abs(table.bbox[2] - self.right) > EDGE_STRAY * self.width
        ):
            return None
        left = table.bbox[2] - self.width
        return lambda x: (x - left) / self.width


def without_blank_edge_columns(table: Table) -> tuple[Table, int, int] | None:
    """`table` without the grid columns at its left and right edges under which no cell prints
    anything, and how many were cut on each side; None when there are none (or nothing else).

    Why: on a scan whose paper was turned upright (deskewed), the grid finder may take the
    page's own edge for a rule, and a continuation page's grid gains a blank column out to the
    edge (dev3 lg_20566 p2: a column from x 9 to the grid's first rule at 160, every cell of it
    blank). Its width is then not the heading's and its columns' shares do not line up, so every
    line of the page was lost. Only asked when the table as found does not line up (`on`): a
    column a form prints blank on every line (备注) is the grid's own and lines up as it is."""
    printed = [c for c in table.cells if c.text.strip()]
    if not printed:
        return None
    first = min(c.col for c in printed)
    last = max(c.last_col for c in printed)
    if first == 0 and last == table.n_cols - 1:
        return None
    kept = []
    for c in table.cells:
        c0, c1 = max(c.col, first), min(c.last_col, last)
        if c0 > c1:
            continue  # wholly in a cut column (blank, as every cell there is)
        x0 = c.bbox[0] if c.col >= first else _column_left(table, first)
        x1 = c.bbox[2] if c.last_col <= last else _column_right(table, last)
        kept.append(
            replace(c, col=c0 - first, colspan=c1 - c0 + 1, bbox=(x0, c.bbox[1], x1, c.bbox[3]))
        )
    x0, x1 = _column_left(table, first), _column_right(table, last)
    trimmed = replace(
        table,
        n_cols=last - first + 1,
        cells=kept,
        bbox=(x0, table.bbox[1], x1, table.bbox[3]),
    )
    return trimmed, first, table.n_cols - 1 - last


def _column_left(table: Table, col: int) -> float:
    """Where grid column `col` starts on the page: the left edge of the cells starting in it."""
    return min(c.bbox[0] for c in table.cells if c.col == col)


def _column_right(table: Table, col: int) -> float:
    """Where grid column `col` ends on the page: the right edge of the cells ending in it."""
    return min(c.bbox[2] for c in table.cells if c.last_col == col)


def relative(table: Table, x0: float, x1: float) -> tuple[float, float]:
    """An x-range as fractions of the table's width: pages of one document are scanned or
    rendered at slightly different scales and offsets, the form's proportions stay."""
    left, width = table.bbox[0], max(table.bbox[2] - table.bbox[0], 1e-9)
    return (x0 - left) / width, (x1 - left) / width


def column_edges(table: Table) -> list[tuple[float, float]]:
    """(left, right) of each grid column as fractions of the table's width, from the cells that
    start or end in it."""
    edges: list[tuple[float, float]] = []
    for c in range(table.n_cols):
        lefts = [cell.bbox[0] for cell in table.cells if cell.col == c]
        rights = [cell.bbox[2] for cell in table.cells if cell.last_col == c]
        x0 = min(lefts) if lefts else (edges[-1][1] if edges else table.bbox[0])
        x1 = min(rights) if rights else x0
        edges.append((x0, max(x0, x1)))
    return [relative(table, x0, x1) for x0, x1 in edges]


def _column_heads(key: str, alternatives: list[tuple[str, Column]]) -> list[Column]:
    """The grid heads one heading cell prints: one, or several one after the other when OCR
    found no rule between them (`三级指标年度指标值`, `分值得分`), each the longest spelling at
    its place."""
    parsed, _ = parse_heads(key, alternatives)
    heads: list[Column] = []
    for col in parsed:
        if not heads or heads[-1].field != col.field:  # 分值权重: two names of one head
            heads.append(col)
    if len(heads) > 1:
        return heads
    hit = match_printed(key, alternatives)
    return [hit[0]] if hit is not None else []  # type: ignore[list-item]


def heads_named(text: str, spec: FormSpec) -> frozenset[str]:
    """The fields a heading cell names (several when OCR ran heads together): what a repeated
    heading's cell says, to weigh against where the grid before the break holds that field."""
    key = label_key(text)
    if not key:
        return frozenset()
    heads = _column_heads(key, column_alternatives(spec.columns))
    return frozenset(h.field for h in heads if not h.ignored)


def parse_heads(key: str, alternatives: list[tuple[str, Column]]) -> tuple[list[Column], int]:
    """(heads, characters of `key` they print) for the heads printed one after the other at the
    start of `key`, each the longest spelling at its place; also two heads wrapped side by side
    that OCR read line by line (全年预算|预算执行 over 数|数 → `全年预算预算执行数数`)."""
    heads: list[Column] = []
    pos = 0
    while pos < len(key):
        here = [alt for alt, _ in alternatives if key.startswith(alt, pos)]
        if here:
            best = max(here, key=len)
            heads.append(next(col for alt, col in alternatives if alt == best))
            pos += len(best)
            continue
        pair = _interleaved(key[pos:], tuple(alternatives))
        if pair is None:
            break
        heads += pair[0]
        pos += pair[1]
    return heads, pos


@lru_cache(maxsize=4096)
def _interleaved(
    key: str, alternatives: tuple[tuple[str, Column], ...]
) -> tuple[list[Column], int] | None:
    """Two heads each wrapped onto two lines, side by side, read line by line: `key` starts with
    a1 b1 a2 b2 where a1 a2 and b1 b2 spell two heads (each line at least 2 characters of the
    first; the longest such reading wins). None when no pair of heads reads so."""
    firsts = [(alt, col) for alt, col in alternatives if key.startswith(alt[:2])]
    best: tuple[list[Column], int] | None = None
    for a, col_a in firsts:
        for b, col_b in alternatives:
            if len(a) + len(b) > len(key) or (best is not None and len(a) + len(b) <= best[1]):
                continue
            for i in range(2, len(a)):
                if key[i : i + 1] != b[:1]:
                    continue
                for j in range(1, len(b)):
                    if key.startswith(a[:i] + b[:j] + a[i:] + b[j:]):
                        best = ([col_a, col_b], len(a) + len(b))
    return best


def find_heading(table: Table, start: int, end: int) -> tuple[int, int] | None:
    """(heading row, first data row) of the indicator grid between rows start and end: the row
    printing 一级/二级/三级指标 and a value column of any form; a second heading row right under
    it (sub-heads of a merged 指标值) belongs to the heading."""
    every = [col for _, col in ALL_COLUMNS]
    for r in range(start, end):
        found = set()
        unknown: list[Cell] = []
        row: list[tuple[Cell, set[str]]] = []  # each cell's heads, the grid's label aside
        for cell in table.row_cells(r):
            key = label_key(cell.text)
            printed = _column_heads(key, ALL_COLUMNS)
            if [h.ignored for h in printed] == [True] and key not in printed[0].headings:
                printed = []  # `指标 年度指性质 标值`: no 指标 column with a rest (read_columns)
            heads = {col.field for col in printed}
            found |= heads
            row.append((cell, {col.field for col in printed if not col.ignored}))
            if not heads and cell.text.strip():
                unknown.append(cell)
        # `row`'s own sets by cell: a head read below from a cut or run-together cell counts
        # for that cell in `name_by_place` too
        heads_of = {id(cell): heads for cell, heads in row}
        parts: list[tuple[Cell, str]] = []  # heading cells still unread: parts of heads, perhaps
        for cell in unknown:
            run = heads_run_together(cell, every, found) or heads_cut_together(cell, every, found)
            heads_of[id(cell)] |= {col.field for col in run}
            found |= heads_of[id(cell)]
            if not run:
                parts.append((cell, label_key(cell.text)))
        keys = [key for _, key in parts]
        names = remnants_in_order(keys, ALL_COLUMNS, found) or _lone_remnants(keys, found)
        for (cell, _), name in zip(parts, names, strict=True):
            heads_of[id(cell)] |= {name} - {None}
            found |= heads_of[id(cell)]
        if "indicator_name" not in found and any(
            name_by_place(cell, before, after)
            for (_, before), (cell, heads), (_, after) in zip(row, row[1:], row[2:], strict=False)
            if not heads
        ):
            found.add("indicator_name")
        levels = {"level1", "level2"} & found
        if levels and "indicator_name" in found:
            for (_, key), name in zip(parts, names, strict=True):
                found |= {None if name else head_one_glyph_off(key, ALL_COLUMNS, found)} - {None}
        if levels and {"indicator_name", "target"} <= found:
            data = _next_row(table, r + 1, end)
            if data < end and _is_subheading(table, data):
                data = _next_row(table, data + 1, end)
            return r, _below_name_heading(table, [cell for cell, _ in row], data, end)
    return None


def _below_name_heading(table: Table, heading: list[Cell], data: int, end: int) -> int:
    """The first data row from `data` on that the heading's 三级指标 cell (printing that head
    alone) does not span: a row under it prints no 三级 name of its own, so it is no line but
    the rest of a heading cell beside it that a stray rule cut (`指标值(包含数字及文` |
    `字描述)`, dev4 lg_32120 p1: read as a line of its own before, its target `字描述)`)."""
    spans = [
        cell.last_row
        for cell in heading
        if label_key(cell.text) in NAME_HEADINGS and cell.last_row >= data
    ]
    while spans and data <= max(spans) and data < end:
        data = _next_row(table, data + 1, end)
    return data


def _lone_remnants(parts: list[str], found: set[str]) -> list[str | None]:
    """The head each heading cell OCR read only part of stands for (None: none), each part alone
    naming one head (`年度值` of 年度指标值, its 指 lost and 标 read as a cell of its own beside
    it: dev3 lg_21075_自评 p2), as `read_columns` reads such a cell (`_remnant_of`); a lone
    glyph names nothing here, it could be any head's. Without this the grid's heading was not
    found and the whole page was read as header cells, its lines lost."""
    named = [_remnant_of(p, ALL_COLUMNS) if len(p) >= 2 else None for p in parts]
    return [f if f not in found else None for f in named]


# The fewest glyphs a head must print for one glyph off it to name it: two of three glyphs
# (`实际信` of 实际值) decide nothing, as `_grid_mark_misread` holds, but for the value head
# (`SLIPPED_VALUE_HEAD`): without it the row is no heading and the whole grid is lost
MIN_SLIPPED_HEAD = 4
SLIPPED_VALUE_HEAD = 3


def head_one_glyph_off(
    key: str, alternatives: list[tuple[str, Column]], found: set[str]
) -> str | None:
    """The column a heading cell names when it prints one of its heads one glyph off — a glyph
    misread (`货标值` for 指标值, dev7 lg_65484 p1) or a speck read before it (`·指标值(包含数字
    及文字描述)`, dev7 lg_65210) — followed by nothing or a bracketed gloss: the one column not
    `found` in the row whose spelling of four glyphs or more (three for the value head, 指标值)
    is so near. None when none is, or spellings of two columns of three glyphs or more are
    (`实标值`: 实际值 or 指标值). Asked only of a row already printing the grid's 一级/二级 and
    三级指标 heads: without it the heading went unfound and the whole grid was read as header
    cells, its lines lost."""
    near: dict[str, int] = {}  # field → its longest spelling one glyph off `key`
    for alt, col in alternatives:
        if col.ignored or col.field in found or len(alt) < SLIPPED_VALUE_HEAD:
            continue
        for n in (len(alt) - 1, len(alt), len(alt) + 1):
            rest = key[n:]
            if (not rest or rest.startswith("(")) and one_edit_apart(key[:n], alt):
                near[col.field] = max(near.get(col.field, 0), len(alt))
    if len(near) != 1:
        return None
    ((field, length),) = near.items()
    return field if field == "target" or length >= MIN_SLIPPED_HEAD else None


def _next_row(table: Table, r: int, end: int) -> int:
    """The first row from `r` on that a cell starts on: an OCR grid's rows covered only by the
    merged cells above them (a heading two rules tall) print nothing of their own."""
    while r < end and not table.row_cells(r):
        r += 1
    return r


def _is_subheading(table: Table, row: int) -> bool:
    cells = [c for c in table.row_cells(row) if c.text.strip()]
    return bool(cells) and all(match_printed(label_key(c.text), ALL_COLUMNS) for c in cells)


def read_columns(
    table: Table, head: int, data: int, spec: FormSpec, where: Where, problems: list[str]
) -> GridColumns:
    """The grid's columns from its heading row(s); a heading the form does not know is a problem
    (its values would otherwise be dropped silently)."""
    alternatives = column_alternatives(spec.columns)
    by_field: dict[str, int] = {}
    x_ranges: dict[str, tuple[float, float]] = {}
    edges = column_edges(table)
    rules = rules_below(table, data)
    unknown: list[Cell] = []  # heading cells read as no head, their notes keyed by each
    label_only: list[Cell] = []  # heading cells printing only the grid's ignored label
    for r in range(head, data):
        for cell in table.row_cells(r):
            key = label_key(cell.text)
            if not key:
                continue
            heads = _column_heads(key, alternatives)
            if [h.ignored for h in heads] == [True] and key not in heads[0].headings:
                heads = []  # 指标质 is no 指标 column with a rest: what is left of 指标性质?
            if heads and all(h.ignored for h in heads):
                label_only.append(cell)  # 指标 alone: the grid's label, or 三级指标 cut?
            if not heads or _head_with_a_rest(key, heads, cell):
                run = heads_run_together(cell, list(spec.columns), set(by_field))
                cut = [] if run or heads else heads_cut_together(cell, spec.columns, set(by_field))
                if cut:
                    heads = cut
                    problems.append(
                        f"page {where.page.page}: the heading cell '{cell.text}' prints the "
                        f"heads of {'、'.join(h.field for h in cut)} cut short and run together "
                        "(OCR lost their rule and some of their characters); read as those "
                        "heads, in the form's order"
                    )
                heads = run if run and (not heads or heads[0] in run) else heads
                if run and heads is run:
                    form_order = [c.field for c in spec.columns if c in heads]
                    order = (
                        "the form's order"
                        if [h.field for h in heads] == form_order
                        else "the order their lines stand in"
                    )
                    problems.append(
                        f"page {where.page.page}: the heading cell '{cell.text}' prints the "
                        f"heads of {'、'.join(h.field for h in heads)} run together (their "
                        f"lines read across); read as those heads, in {order}"
                    )
            above = _heading_continued(table, head, cell)
            if not heads and above is not None:
                problems.append(
                    f"page {where.page.page}: the heading cell '{above.text}' goes on in the "
                    f"cell '{cell.text}' under it, beside the 三级指标 heading that spans both "
                    "(a stray rule between them): read as one heading, not a line"
                )
                continue
            if not heads:
                problems.append(
                    Note(
                        f"page {where.page.page}: column heading '{cell.text}' is not in the "
                        f"{spec.form} form description; its values are not read",
                        unread_heading(where, cell),
                    )
                )
                unknown.append(cell)
                continue
            spread = _spread_heads(cell, heads, edges, rules)
            for col, grid_cols in zip(heads, spread, strict=True):
                # a sub-heading row under a merged 指标值 overrides the merged heading's columns
                if col.ignored or not grid_cols or (r == head and col.field in by_field):
                    continue
                by_field[col.field] = grid_cols[0]
                if len(heads) == 1:
                    x_ranges[col.field] = relative(table, cell.bbox[0], cell.bbox[2])
                else:
                    x_ranges[col.field] = (edges[grid_cols[0]][0], edges[grid_cols[-1]][1])
            lost = [col for col, cols in zip(heads, spread, strict=True) if not cols]
            if lost and not all(col.ignored for col in lost):
                problems.append(
                    f"page {where.page.page}: the heading cell '{cell.text}' prints "
                    f"{len(heads)} heads over {cell.colspan} grid column(s) (OCR found no rule "
                    f"between them); the {', '.join(c.field for c in lost)} values are not read"
                )
    read: list[Cell] = []  # of those, the cells read as a head after all
    for cell in unknown:
        name = _remnant_of(label_key(cell.text), alternatives)
        if name is not None and name not in by_field:
            by_field[name] = cell.col
            x_ranges[name] = relative(table, cell.bbox[0], cell.bbox[2])
            read.append(cell)
    left = sorted((c for c in unknown if all(c is not r for r in read)), key=lambda c: c.col)
    names = remnants_in_order([label_key(c.text) for c in left], alternatives, set(by_field))
    for cell, name in zip(left, names or (), strict=False):
        by_field[name] = cell.col
        x_ranges[name] = relative(table, cell.bbox[0], cell.bbox[2])
        read.append(cell)
    if names:
        problems.append(
            f"page {where.page.page}: the heading cells "
            f"{'、'.join(repr(c.text) for c in left)} print part of a head each, any of "
            f"several; read as {'、'.join(names)}, the heads not found, in the form's order"
        )
    for cell in [c for c in unknown if all(c is not r for r in read)]:
        name = head_one_glyph_off(label_key(cell.text), alternatives, set(by_field))
        if name is not None:
            by_field[name] = cell.col
            x_ranges[name] = relative(table, cell.bbox[0], cell.bbox[2])
            read.append(cell)
            problems.append(
                f"page {where.page.page}: column heading '{cell.text}' read as {name}: it "
                "prints that head one glyph off (a glyph misread, or a speck read beside it), "
                "and no other head of its row is near it"
            )
    left = [c for c in unknown if all(c is not r for r in read)]
    named = _name_cell_by_place(table, head, by_field, left + label_only)
    if named is not None:
        by_field["indicator_name"] = named.col
        x_ranges["indicator_name"] = relative(table, named.bbox[0], named.bbox[2])
        read.append(named)
        left = [c for c in left if c is not named]
        problems.append(
            f"page {where.page.page}: column heading '{named.text}' read as indicator_name by "
            "its place: the one heading cell between 二级指标 and the value, holding part of "
            "三级指标 (OCR misread the rest)"
        )
    mark = _grid_mark_misread(spec, by_field, left)
    if mark is not None:
        cell, name = mark
        by_field[name] = cell.col
        x_ranges[name] = relative(table, cell.bbox[0], cell.bbox[2])
        read.append(cell)
        problems.append(
            f"page {where.page.page}: column heading '{cell.text}' read as {name}: the column "
            "the form's grid must print was not found, and the one heading left unknown "
            "prints, in order, its first and last characters or most of its characters (OCR "
            "misread the rest)"
        )
    read += _infer_level_column(table, head, by_field, x_ranges)
    for cell in read:
        withdraw(problems, unread_heading(where, cell))
    width = table.bbox[2] - table.bbox[0]
    return GridColumns(
        by_field=by_field,
        n_cols=table.n_cols,
        x_ranges=x_ranges,
        width=width,
        right=table.bbox[2],
        unread={
            unread_heading(where, c): relative(table, c.bbox[0], c.bbox[2])
            for c in unknown
            if all(c is not r for r in read)
        },
    )


def _heading_continued(table: Table, head: int, cell: Cell) -> Cell | None:
    """The heading cell that `cell`, on a heading row under the first, goes on from: the one
    right above it over the same grid columns (`_below_name_heading` took its row into the
    heading). None on the first heading row, on a row the 三级指标 heading does not span, or
    when no cell above stands over the same columns."""
    name_heading = [c for c in table.row_cells(head) if label_key(c.text) in NAME_HEADINGS]
    if cell.row <= head or not any(c.last_row >= cell.row for c in name_heading):
        return None
    above = table.at(cell.row - 1, cell.col)
    if (
        above is None
        or above.row < head
        or (above.col, above.last_col) != (cell.col, cell.last_col)
    ):
        return None
    return above


def _head_with_a_rest(key: str, heads: list[Column], cell: Cell) -> bool:
    """Whether a heading cell spanning several grid columns was read as one head from its first
    characters, with characters after them no spelling of that head prints: the lines of that
    head and a neighbour's, their rule lost, read across (`偏差原因分得分析及改进措施`: 得分's line
    run into the second line of 偏差原因分析及改进措施, dev lg_1660_自评). `heads_run_together`
    then says whether the cell spells both heads exactly."""
    return (
        len(heads) == 1
        and cell.colspan > 1
        and not any(key.startswith(h) and len(key) - len(h) < 2 for h in heads[0].headings)
    )


def heads_run_together(cell: Cell, columns: list[Column], found: set[str]) -> list[Column]:
    """The heads a heading cell spanning several grid columns prints when OCR read their wrapped
    lines across (`年度指标实际完成权值，值重`: 年度指标值, 实际完成值, 权重): the columns not
    found elsewhere, one per grid column the cell spans at most, whose characters are exactly
    the cell's (marks aside) for one spelling of each, in the form's order. None (empty) when
    no such set of heads, or more than one, fits."""
    chars = cjk_characters(cell.text)
    if cell.colspan < 2 or sum(chars.values()) < 4:
        return []
    spellings: dict[str, list[str]] = {}  # field → its spellings using only the cell's chars
    first: dict[str, Column] = {}
    for col in columns:
        if col.field in found or col.ignored:
            continue
        first.setdefault(col.field, col)
        fits = [h for h in col.headings if spells_within(h, chars)]
        spellings.setdefault(col.field, []).extend(fits)
    names = [f for f in first if spellings.get(f)]
    runs = (
        run for k in range(2, min(cell.colspan, len(names)) + 1) for run in combinations(names, k)
    )
    hit = the_run_spelt(chars, runs, spellings.__getitem__)
    if hit is None:
        return []
    return [first[f] for f in _in_print_order(cell, list(hit), spellings)]


def heads_cut_together(cell: Cell, columns: Sequence[Column], found: set[str]) -> list[Column]:
    """The heads a heading cell spanning several grid columns prints when OCR cut each short and
    read them as one (`年度指标 实际完成`: 年度指标值 and 实际完成值, each lost its 值): its Han
    characters cut into consecutive parts of two or more, each part in order within the
    spellings of one head only (of every head the form prints), heads not found elsewhere, in
    the form's order. Empty unless exactly one such reading exists."""
    key = "".join(ch for ch in label_key(cell.text) if is_han(ch))
    if cell.colspan < 2 or len(key) < 4:
        return []
    first: dict[str, Column] = {}
    for col in columns:
        if not col.ignored:
            first.setdefault(col.field, col)
    spelt: dict[str, list[str]] = {}  # each head's spellings (`_spellings`), gathered once
    for col in columns:
        spelt.setdefault(col.field, []).extend(col.headings)
    heads = tuple((f, tuple(spelt[f])) for f in first)
    readings = {
        fields
        for fields in _cut_readings_of(key, heads)
        if len(fields) >= 2 and not set(fields) & found
    }
    if len(readings) != 1:
        return []
    (fields,) = readings
    return [first[f] for f in fields] if len(fields) <= cell.colspan else []


@lru_cache(maxsize=4096)
def _cut_readings_of(
    key: str, heads: tuple[tuple[str, tuple[str, ...]], ...]
) -> frozenset[tuple[str, ...]]:
    """`_cut_readings` of `key` against `heads` (each head's field and spellings, in the form's
    order), each part's owner the one head whose spellings hold it in order. Why kept: the
    same heading and data cells are asked again for every row `find_heading` tries as the
    heading, and for every segment of every page (21,030 parts, 6.4 million order tests, two
    fifths of the form reader's CPU on a dev night of scans, tail34); the answer depends on
    the key and the heads only."""

    @cache
    def owner(part: str) -> str | None:
        fields = [f for f, alts in heads if any(_in_order(part, alt) for alt in alts)]
        return fields[0] if len(fields) == 1 else None

    return frozenset(_cut_readings(key, owner, {f: i for i, (f, _) in enumerate(heads)}))


def _cut_readings(
    key: str, owner: Callable[[str], str | None], rank: dict[str, int]
) -> set[tuple[str, ...]]:
    """The heads, part by part, of every way to cut `key` into consecutive parts of two
    characters or more, each of which `owner` names a head for, the heads in the form's order
    (`rank` rising). Why memoised on (where the rest starts, the last head): listing every cut
    grows exponentially with the cell's length (a 33-character cell cost 10 s), while the
    distinct readings from one place on are at most the ordered sets of the heads after one."""

    @cache
    def rest_of(start: int, last: int) -> frozenset[tuple[str, ...]]:
        if start == len(key):
            return frozenset({()})
        out: set[tuple[str, ...]] = set()
        for end in range(start + 2, len(key) + 1):
            name = owner(key[start:end])
            if name is not None and rank[name] > last:
                out |= {(name, *rest) for rest in rest_of(end, rank[name])}
        return frozenset(out)

    return set(rest_of(0, -1))


def _in_print_order(cell: Cell, fields: list[str], spellings: dict[str, list[str]]) -> list[str]:
    """`fields` in the order their heads stand in the cell, left to right, by where the OCR
    lines print the characters only one of them spells (性质 is 指标性质's, 年度 and 值
    年度指标值's); in the form's order (as given) when a head prints no such character or two
    stand alike. A character's place is its share of its line's width (`_glyph_x`): one line
    read across both heads (`实际完分` over 实际完成值 | 分值, dev2 lg_12425_自评 p2) stands
    where both do, its characters do not."""
    own = {
        f: set("".join(spellings[f]))
        - {ch for g in fields if g != f for ch in "".join(spellings[g])}
        for f in fields
    }
    at: dict[str, float] = {}
    for f in fields:
        xs = [_glyph_x(ln, i) for ln in cell.lines for i, ch in enumerate(ln.text) if ch in own[f]]
        if not xs:
            return fields
        at[f] = sum(xs) / len(xs)
    if len(set(at.values())) < len(fields):
        return fields
    return sorted(fields, key=at.__getitem__)


def _glyph_x(line: CellLine, i: int) -> float:
    """The x of character `i` of an OCR line: the middle of its equal share of the line's width
    (a heading prints Han glyphs, each as wide as the next)."""
    x0, x1 = line.bbox[0], line.bbox[2]
    return x0 + (i + 0.5) * (x1 - x0) / len(line.text)


def _grid_mark_misread(
    spec: FormSpec, by_field: dict[str, int], unknown: list[Cell]
) -> tuple[Cell, str] | None:
    """(cell, field) when the grid lacks the one column its form is told by
    (`FormSpec.grid_marks`: 实际完成值 of a self-evaluation) and exactly one heading cell is
    left unknown whose characters hold, in order, of a spelling of that column of three or
    more either its first and last character (`5实标麻值` for 实际完成值: OCR misread the
    middle) or most of its characters, three at least (`-实际成信`: 完 lost and 值 misread, dev
    lg_8588). With the form's one telling column missing and one heading left, that much of it
    suffices; less (`5标麻值`: 值 alone; `实际信`: two characters, which a misread 实际值 and
    any other head OCR misread could share) decides nothing. None otherwise: two unknown
    cells, or a mark found, decide nothing."""
    missing = [f for f in spec.grid_marks if f not in by_field]
    if len(missing) != 1 or len(unknown) != 1:
        return None
    cell, name = unknown[0], missing[0]
    key = "".join(ch for ch in label_key(cell.text) if is_han(ch))
    spellings = [alt for c in spec.columns if c.field == name for alt in c.headings]
    for alt in spellings:
        first, last = key.find(alt[0]), key.rfind(alt[-1])
        common = _common_in_order(key, alt)
        if len(alt) >= 3 and (0 <= first < last or common >= 3 and 2 * common > len(alt)):
            return cell, name
    return None


NAME_HEADINGS = next(c.headings for _, c in ALL_COLUMNS if c.field == "indicator_name")


def name_by_place(cell: Cell, before: set[str], after: set[str]) -> bool:
    """Whether a heading cell read as no head is the grid's 三级指标, named by its place: every
    form prints it right after 二级指标 and right before the value's first column (指标值, or
    指标性质 where the target is split), so the one cell standing between those two heads is it
    when it still holds part of its heading (`_holds_part_of_name_heading`)."""
    if "level2" not in before or not after & {"target", "target_nature"}:
        return False
    return _holds_part_of_name_heading(cell)


def _holds_part_of_name_heading(cell: Cell) -> bool:
    """Whether `cell` still prints two characters of a spelling of 三级指标 in order (`三级期`: a
    seal over 指标 on dev lg_7041_自评, the whole indicator grid lost with its 总分). Fewer
    characters (a seal's glyph, a speck) name nothing."""
    key = "".join(ch for ch in label_key(cell.text) if is_han(ch))
    return any(_common_in_order(key, alt) >= 2 for alt in NAME_HEADINGS)


def _name_cell_by_place(
    table: Table, head: int, by_field: dict[str, int], unknown: list[Cell]
) -> Cell | None:
    """The heading cell `name_by_place` names 三级指标 among those read as no head, when the
    grid's columns lack it: the cell starting right after 二级指标's cell ends and ending right
    before the value's first column."""
    if "indicator_name" in by_field or "level2" not in by_field:
        return None
    level2 = table.at(head, by_field["level2"])
    value = min((by_field[f] for f in ("target", "target_nature") if f in by_field), default=None)
    if level2 is None or value is None:
        return None
    between = (c for c in unknown if c.col == level2.last_col + 1 and c.last_col + 1 == value)
    return next((c for c in between if _holds_part_of_name_heading(c)), None)


def _common_in_order(a: str, b: str) -> int:
    """How many characters `a` and `b` print in the same order (their longest common
    subsequence): what is left of a head when OCR dropped or misread some of its glyphs."""
    prev = [0] * (len(b) + 1)
    for ch in a:
        row = [0]
        for j, other in enumerate(b):
            row.append(prev[j] + 1 if ch == other else max(prev[j + 1], row[j]))
        prev = row
    return prev[-1]


# Digits at the edge of a heading cell's text: no head prints one (`_remnant_of`) ...
_EDGE_DIGITS = "0123456789"
# ... left out only when this many glyphs are left: a lone glyph between digits (`6一6`, a
# grid line's weight and score beside a stroke) is no heading's remnant
MIN_REMNANT = 2


def _remnant_of(key: str, alternatives: list[tuple[str, Column]]) -> str | None:
    """The column a heading OCR read only part of stands for (`位` of 度量单位, `指标质` of
    指标性质): the one column some spelling of which holds the characters left, in order. None
    when they could be part of two columns' headings (`级`: 一级, 二级 or 三级指标). A digit at
    the part's edge is no heading's (no head prints one): a speck or a worn rule read beside
    the glyphs left (`三级标4`, dev6 lg_52716_自评 p1), so it is left out when two glyphs or
    more are left."""
    bare = key.strip(_EDGE_DIGITS)
    key = bare if bare != key and len(bare) >= MIN_REMNANT else key
    if not key:
        return None
    found = {col for alt, col in alternatives if _in_order(key, alt)}
    names = {col.field for col in found}
    if len(names) != 1 or any(col.ignored for col in found):
        return None
    return names.pop()


def remnants_in_order(
    keys: list[str], alternatives: list[tuple[str, Column]], found: set[str]
) -> list[str] | None:
    """The heads of heading cells (`keys`, left to right) that OCR read only part of, when each
    part could stand for several heads (`级指标` three times: 一级, 二级 and 三级指标 each lost
    its first character): the heads not found elsewhere that any part could stand for, in the
    form's order (a grid prints its heads so), one to each part — only when there are exactly
    as many as parts and each part fits its own. None otherwise, and for fewer than two parts
    (one part alone is `_remnant_of`'s)."""
    if len(keys) < 2 or not all(keys):
        return None
    fits = [
        {col.field for alt, col in alternatives if not col.ignored and _in_order(key, alt)}
        for key in keys
    ]
    order = dict.fromkeys(col.field for _, col in alternatives if col.field not in found)
    names = [f for f in order if any(f in fit for fit in fits)]
    if len(names) != len(keys) or any(n not in fit for n, fit in zip(names, fits, strict=True)):
        return None
    return names


def _in_order(part: str, whole: str) -> bool:
    """Every character of `part` appears in `whole`, in the same order. Each found by
    `str.find` after the last: the same test as consuming an iterator of `whole`, at a third of
    its cost (`heads_cut_together` asks it millions of times on a night of scans, tail34)."""
    at = 0
    for ch in part:
        at = whole.find(ch, at) + 1
        if not at:
            return False
    return True


def rules_below(table: Table, data: int) -> Counter[int]:
    """How many grid lines from row `data` on draw a rule at the left of each grid column: the
    column rules the data cells measure. A grid column that only the heading or the header
    block above starts (a jittered rule of another row) draws none below."""
    drawn: set[tuple[int, int]] = set()
    for cell in table.cells:
        if cell.last_row < data:
            continue
        for r in range(max(cell.row, data), cell.last_row + 1):
            drawn.add((r, cell.col))
            drawn.add((r, cell.last_col + 1))
    return Counter(c for _, c in drawn)


def _spread_heads(
    cell: Cell,
    heads: list[Column],
    edges: list[tuple[float, float]],
    rules: Counter[int],
) -> list[list[int]]:
    """The grid columns each head of a heading cell stands over: one head takes the cell's first
    column; several heads are cut apart at the column rules the data lines below draw most
    often within the cell (`rules`: a heading's lost rule still stands under it), the nearest
    to an even share of the cell's width first when as many lines draw them; with no such rule,
    they share the cell's width evenly, in print order, and each takes the columns whose
    centres fall in its share. A head left without a column (two heads over one column) gets
    none: its values cannot be told apart from its neighbour's."""
    if len(heads) == 1:
        return [[cell.col]]
    if cell.colspan < len(heads):
        return [[cell.col], *([] for _ in heads[1:])]
    x0, x1 = edges[cell.col][0], edges[cell.last_col][1]
    share = max(x1 - x0, 1e-9) / len(heads)
    inside = range(cell.col + 1, cell.last_col + 1)
    drawn = [c for c in inside if rules[c] > 0]
    if len(drawn) >= len(heads) - 1:

        def off_share(c: int) -> float:
            return min(abs(edges[c][0] - (x0 + i * share)) for i in range(1, len(heads)))

        cuts = sorted(sorted(drawn, key=lambda c: (-rules[c], off_share(c)))[: len(heads) - 1])
        bounds = [cell.col, *cuts, cell.last_col + 1]
        return [list(range(a, b)) for a, b in zip(bounds, bounds[1:], strict=False)]
    out: list[list[int]] = [[] for _ in heads]
    for c in range(cell.col, cell.last_col + 1):
        centre = (edges[c][0] + edges[c][1]) / 2
        out[min(max(int((centre - x0) / share), 0), len(heads) - 1)].append(c)
    return out


def _infer_level_column(
    table: Table,
    head: int,
    by_field: dict[str, int],
    x_ranges: dict[str, tuple[float, float]],
) -> list[Cell]:
    """一级指标 and 二级指标 stand side by side: when one heading was misprinted or misread
    (一級指标), the column next to the other is taken for it. The heading cells so read (their
    unknown-heading notes are withdrawn)."""
    taken = []
    for missing, present, step in (("level1", "level2", -1), ("level2", "level1", 1)):
        if missing in by_field or present not in by_field:
            continue
        cell = table.at(head, by_field[present] + step) if by_field[present] + step >= 0 else None
        if cell is None or cell.col in by_field.values():
            continue
        by_field[missing] = cell.col
        x_ranges[missing] = relative(table, cell.bbox[0], cell.bbox[2])
        taken.append(cell)
    return taken
