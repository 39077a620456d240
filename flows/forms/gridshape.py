"""An indicator grid's columns read from the shape of its lines, where no heading names them.

A scan's header page may end without the grid's heading being read (its rules lost, its heads
glued into one cell), the grid's lines all on the next page, printed without the heading
repeated (departments often do not repeat it). Those lines were read as header cells, each one
"not a label", and every indicator of the page was lost (held-out: 5 of one document).

Read by the shape the form description gives its columns, never by a string or a position:
the leading columns print the indicator categories (the 一级 and 二级 labels of the dbt seed
indicator_categories, or blanks under a merged label), the widest text column after them the
三级指标 (the first, but for a few stray glyphs, noted), then the columns the description
closes by an alphabet (指标性质, 度量单位: nearly every cell one of its values), the numeric
ones (分值: a number each), one each of whose cells prints a heading the description gives
it (绩效标准: 行业标准, 计划标准) and exactly one other, the 指标值. Any other text column, a second
value column, or too few lines is no grid of that shape: the caller keeps the table unread, as
it did.

A 一级 label typeset vertically (one glyph a line) that a page break cuts leaves its last
glyphs on the next page (`指标`, `标` of 产出指标): neither blank nor a category. A leading column
each of whose cells is a category or such a run of glyphs of one 一级 label, beside a 二级
column, is the 一级 column (the caller gives each fragment's lines their label).
"""

from __future__ import annotations

from flows.forms.cellvalues import NUMBER_RE
from flows.forms.columns import EDGE_STRAY, GridColumns, relative
from flows.forms.labels import CATEGORY_KEYWORDS, level1_fragment, level1_of
from flows.forms.spec import Column, FormSpec
from flows.models import Cell, Table
from flows.text import normalize

# The fewest indicator lines (a 三级指标 and a 指标值 each) a table must print to be read as a
# grid by its shape: one line of the shape may be chance.
MIN_LINES = 2

# The share of a column's printed cells that must be values of an alphabet column's list for
# the column to be that one
ALPHABET_SHARE = 0.75

# The fields the shape reads, as the form descriptions name them
LEVELS = ("level1", "level2")
NAME, VALUE = "indicator_name", "target"


def _texts(table: Table, start: int, end: int, col: int) -> list[str]:
    """The non-blank texts of the cells starting in rows start..end-1 of grid column `col`."""
    return [
        c.text.strip()
        for c in table.cells
        if c.col == col and start <= c.row < end and c.text.strip()
    ]


def _names_category(text: str) -> bool:
    """Whether a cell prints an indicator category (产出指标, 数量指标（必填）…)."""
    key = normalize(text)
    return any(word in key for word in CATEGORY_KEYWORDS)


def _in_alphabet(texts: list[str], column: Column) -> bool:
    """Whether a grid column's cells print the values `column` is closed to: nearly all of
    them (`ALPHABET_SHARE`), as OCR misreads a glyph (`=` read `二`: dev2 lg_10198 p2)."""
    allowed = {normalize(a) for a in column.alphabet}
    return sum(normalize(t) in allowed for t in texts) >= ALPHABET_SHARE * len(texts)


def _own_heads(texts: list[str], column: Column) -> bool:
    """Whether every cell of a grid column prints one of the headings the description gives
    `column`: a column naming, line by line, which of its kinds applies (绩效标准: 计划标准,
    历史标准 or 行业标准, each also a heading of that column)."""
    heads = {normalize(h) for h in column.headings}
    return all(normalize(t) in heads for t in texts)


def _printed_range(table: Table, start: int, end: int, col: int) -> tuple[float, float]:
    """Where the cells starting in grid column `col` print (fractions of the table's width),
    over the grid columns they span: a table ruled for its header cuts a line's cell in two
    grid columns, and the next page's lines are placed by the cell, not the narrower column."""
    cells = [c for c in table.cells if c.col == col and start <= c.row < end]
    return relative(table, min(c.bbox[0] for c in cells), max(c.bbox[2] for c in cells))


def grid_by_shape(
    table: Table, start: int, end: int, spec: FormSpec
) -> tuple[GridColumns, list[Cell]] | None:
    """The grid columns of rows start..end-1 of `table` read by their cells' shape (see the
    module), and the stray cells read in no column: the text of a narrow column between the
    二级 labels and the 三级指标 printed on a few lines only (a label's last glyph cut off by a
    rule: `数量 | 标`), which the caller notes. None when the rows do not have a grid's shape."""
    fields = {c.field for c in spec.columns}
    if spec.grid_marks or not {*LEVELS, NAME, VALUE} <= fields:
        return None  # a grid marked by a column (实际完成值) the shape cannot tell from 指标值
    texts = [_texts(table, start, end, c) for c in range(table.n_cols)]
    printed = [c for c in range(table.n_cols) if texts[c]]
    leading = {normalize(h) for c in spec.columns if c.ignored for h in c.headings}
    while printed and all(normalize(t) in leading for t in texts[printed[0]]):
        printed = printed[1:]  # a merged 绩效指标 label down the grid's left edge
    categories = [c for c in printed if all(_names_category(t) for t in texts[c])]
    if (
        len(printed) > 1
        and printed[1] in categories
        and any(level1_fragment(t) for t in texts[printed[0]])
        and all(_names_category(t) or level1_fragment(t) for t in texts[printed[0]])
    ):
        categories = [printed[0], *categories]  # a vertical 一级 label cut by the break
    if not categories or categories[0] != printed[0]:
        return None
    level2 = categories[1] if len(categories) > 1 and categories[1] == printed[1] else None
    by_field: dict[str, int] = {}
    if level2 is not None:
        by_field = {LEVELS[0]: categories[0], LEVELS[1]: level2}
    elif (
        categories[0] > 0
        and not texts[categories[0] - 1]
        and any(level1_of(t) is not None for t in texts[categories[0]])
    ):
        # the 一级 labels left blank on the new page (a merged cell's text is printed once)
        by_field = {LEVELS[0]: categories[0] - 1, LEVELS[1]: categories[0]}
    else:
        return None
    rest = [c for c in printed if c > by_field[LEVELS[1]]]
    if len(rest) < 2:
        return None
    # widths where the lines' cells print: a header's rules cut a name cell into two grid
    # columns, the first narrower than the value column's (dev2 lg_10216 p2)
    spans = [_printed_range(table, start, end, c) for c in rest]
    widths = [right - left for left, right in spans]
    name = next(c for c, w in zip(rest, widths, strict=True) if w + EDGE_STRAY >= max(widths))
    between = [c for c in rest if c < name]
    if any(len(texts[c]) > (1 - ALPHABET_SHARE) * len(texts[name]) for c in between):
        return None  # the 三级指标 is the widest text column, the first but for strays
    by_field[NAME] = name
    rest = rest[len(between) :]
    closed = [c for c in spec.columns if c.alphabet]
    numeric = [c for c in spec.columns if c.numeric]
    values: list[int] = []
    for col in rest[1:]:
        shaped = next(
            (c for c in closed if c.field not in by_field and _in_alphabet(texts[col], c)), None
        )
        if shaped is None and values and all(NUMBER_RE.fullmatch(t) for t in texts[col]):
            shaped = next((c for c in numeric if c.field not in by_field), None)
        if shaped is None:
            shaped = next(
                (c for c in spec.columns if c.field not in by_field and _own_heads(texts[col], c)),
                None,
            )
        if shaped is not None:
            by_field[shaped.field] = col
        else:
            values.append(col)
    if len(values) != 1:
        return None
    by_field[VALUE] = values[0]
    lines = {
        c.row
        for c in table.cells
        if c.col == by_field[NAME] and start <= c.row < end and c.text.strip()
    } & {
        c.row
        for c in table.cells
        if c.col == by_field[VALUE] and start <= c.row < end and c.text.strip()
    }
    if len(lines) < MIN_LINES:
        return None
    columns = GridColumns(
        by_field=by_field,
        n_cols=table.n_cols,
        x_ranges={f: _printed_range(table, start, end, c) for f, c in by_field.items()},
        width=table.bbox[2] - table.bbox[0],
        right=table.bbox[2],
    )
    strays = [
        c for c in table.cells if c.col in between and start <= c.row < end and c.text.strip()
    ]
    return columns, sorted(strays, key=lambda c: (c.row, c.col))
