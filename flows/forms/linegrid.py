"""An indicator grid OCR recovered as ONE cell, rebuilt from the positions of its text lines.

When a scan's rules inside a region of the grid wear away (or a skewed page defeats the rule
finder), OCR hands the reader one `Cell` spanning that region with no row below it: the grid's
heading and every indicator line glued into one text. No neighbour prints the lost rules
(`celllines` cuts a merged cell where cells beside it print them), so they are measured from the
lines themselves:

- the heading is the band of lines (one to three text lines tall) whose stacks — lines standing
  over one another — read as the most grid column heads (`ALL_COLUMNS`), with 三级指标 and 指标值
  among them; each stack is a column, its rules midway between neighbouring stacks;
- each line under the heading goes to the column its centre stands in;
- the rows are the lines of a numeric column (分值, 得分: one short value per indicator line, by
  the form) or, for a form without one, of the 指标值 column; each other line joins the row whose
  middle is nearest, as a printed cell centres its text in its row;
- a label column (一级/二级, the leading 绩效指标 column) merges its cells over rows by design: its
  text blocks (lines standing over one another without a cell's padding between them) are given
  the runs of rows they stand centred on, parted in order (`_label_runs`);
- a closing row (总分) is its own row, its label spanning the label columns.

The rebuilt grid is a table of its own, under the rest of the cell (the header lines above the
heading), so the reader reads it as it reads any grid; the reader says so in a note, and the
form's arithmetic (score ≤ weight, the scores' sum against 总分) checks every line it reads.

Apart because it reads geometry and the forms' column heads only, and one problem: it never
places a line by its text beyond those heads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from statistics import median

from flows.forms.celllines import REACH, line_runs, line_words
from flows.forms.labels import ALL_COLUMNS, match_printed, starts_category_label
from flows.forms.spec import FORMS, Column
from flows.lineshapes import text_height
from flows.models import Cell, CellLine, Table, join_wrapped
from flows.text import label_key

# A heading is at most this many text lines tall (a head wrapped over three lines)
HEAD_LINES = 3
# Fewest grid heads a band of lines must print to be the grid's heading (with 三级指标 and 指标值)
MIN_HEADS = 4
# Two lines of one printed cell stand closer than this share of the text height; two cells'
# texts stand further apart (each cell's padding; `celllines.MIN_GAP`)
BLOCK_GAP = 0.5
# Labels of a closing row, by the forms (总分, 合计)
TOTAL_LABELS = tuple(sorted({t for spec in FORMS for t in spec.total_row}, key=len, reverse=True))


@dataclass(frozen=True)
class LineGrid:
    """A grid rebuilt from one cell's lines: the table above it (the cell keeping its lines above
    the heading), the rebuilt grid's own table, and a sentence for the reader's problems."""

    above: Table
    grid: Table
    note: str


def _centre_y(ln: CellLine) -> float:
    return (ln.bbox[1] + ln.bbox[3]) / 2


def _centre_x(ln: CellLine) -> float:
    return (ln.bbox[0] + ln.bbox[2]) / 2


def text_rows(lines: list[CellLine], height: float) -> list[list[CellLine]]:
    """Lines gathered into text rows, top to bottom: a line whose middle stands within half a
    text height of a row's first line's middle is printed on that row."""
    rows: list[list[CellLine]] = []
    for ln in sorted(lines, key=_centre_y):
        if rows and _centre_y(ln) - _centre_y(rows[-1][0]) < 0.5 * height:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return rows


def stacks(lines: list[CellLine], height: float) -> list[list[CellLine]]:
    """Lines standing over one another (overlapping across, by more than the boxes' padding),
    left to right, each top to bottom: the lines of one heading cell."""
    runs = line_runs(lines, REACH * height)
    return [sorted(s, key=lambda ln: (ln.bbox[1], ln.bbox[0])) for s in runs]


def _heads(stack: list[CellLine]) -> Column | None:
    hit = match_printed(label_key(join_wrapped([ln.text for ln in stack])), ALL_COLUMNS)
    return hit[0] if hit is not None else None  # type: ignore[return-value]


def find_heading(
    lines: list[CellLine], height: float
) -> tuple[list[list[CellLine]], list[Column | None], float, float] | None:
    """(stacks, their heads, top, bottom) of the band of one to three text rows whose stacks
    name the most grid heads (at least `MIN_HEADS`, 三级指标 and 指标值 among them); None when
    no band does."""
    rows = text_rows(lines, height)
    best: tuple[int, int, int] | None = None  # (heads, -rows, start)
    for i in range(len(rows)):
        for n in range(1, HEAD_LINES + 1):
            if i + n > len(rows):
                break
            band = [ln for row in rows[i : i + n] for ln in row]
            found = [h for h in (_heads(s) for s in stacks(band, height)) if h is not None]
            fields = {h.field for h in found}
            if len(fields) < MIN_HEADS or not {"indicator_name", "target"} <= fields:
                continue
            cand = (len(fields), -n, i)
            if best is None or cand[:2] > best[:2]:
                best = cand
    if best is None:
        return None
    n, i = -best[1], best[2]
    band = [ln for row in rows[i : i + n] for ln in row]
    parts = stacks(band, height)
    top = min(ln.bbox[1] for ln in band)
    bottom = max(ln.bbox[3] for ln in band)
    return parts, [_heads(s) for s in parts], top, bottom


def _words_across(line: CellLine, edges: list[float], height: float) -> list[CellLine]:
    """A line whose words stand on both sides of a column rule (`部分完成 4`: OCR ran the next
    column's value into it) as its words, each placed by the widths its characters print
    (`celllines.line_words`); the line itself otherwise. A word is never cut."""
    inner = [x for x in edges[1:-1] if line.bbox[0] < x < line.bbox[2]]
    if not inner or len(line.text.split()) < 2:
        return [line]
    words = line_words(line, height)
    sides = {sum(_centre_x(w) >= x for x in inner) for w in words}
    return words if len(sides) > 1 else [line]


def _blocks(lines: list[CellLine], height: float) -> list[list[CellLine]]:
    """A label column's lines in blocks top to bottom: a block ends where the next line starts
    more than `BLOCK_GAP` text heights below it (another cell's padding between them), or
    starts a category label of the forms (产出…, 数量…: a new label, however tight the rows)."""
    out: list[list[CellLine]] = []
    for ln in sorted(lines, key=lambda ln: ln.bbox[1]):
        fresh = starts_category_label(ln.text)
        if out and not fresh and ln.bbox[1] - max(x.bbox[3] for x in out[-1]) < BLOCK_GAP * height:
            out[-1].append(ln)
        else:
            out.append([ln])
    return out


def _label_runs(blocks: list[list[CellLine]], bounds: list[float]) -> list[tuple[int, int]] | None:
    """The rows (first, last; 0-based, of len(bounds) - 1) each label block of a column stands
    for, in order, covering them all: a merged cell centres its text, so each run of rows is
    the one whose middle is nearest the block's (least total distance; each block's middle
    within its run). None when the blocks cannot part the rows so."""
    n, m = len(bounds) - 1, len(blocks)
    if m == 0 or m > n:
        return None
    mids = [(min(ln.bbox[1] for ln in b) + max(ln.bbox[3] for ln in b)) / 2 for b in blocks]
    inf = float("inf")
    # cost[k][j]: least cost of blocks 0..k-1 covering rows 0..j-1; back[k][j]: where run k-1 began
    cost = [[inf] * (n + 1) for _ in range(m + 1)]
    back = [[0] * (n + 1) for _ in range(m + 1)]
    cost[0][0] = 0.0
    for k in range(1, m + 1):
        for j in range(k, n + 1):
            for i in range(k - 1, j):
                if cost[k - 1][i] == inf:
                    continue
                lo, hi = bounds[i], bounds[j]
                mid = mids[k - 1]
                if not lo <= mid <= hi:
                    continue
                c = cost[k - 1][i] + abs((lo + hi) / 2 - mid)
                if c < cost[k][j]:
                    cost[k][j], back[k][j] = c, i
    if cost[m][n] == inf:
        return None
    runs, j = [], n
    for k in range(m, 0, -1):
        i = back[k][j]
        runs.append((i, j - 1))
        j = i
    return runs[::-1]


def _cell(row: int, col: int, lines: list[CellLine], box: tuple[float, ...], **span: int) -> Cell:
    lines = sorted(lines, key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    return Cell(
        row=row,
        col=col,
        text=join_wrapped([ln.text for ln in lines]),
        bbox=box,  # type: ignore[arg-type]
        confidence=min((ln.confidence for ln in lines), default=1.0),
        lines=tuple(lines),
        **span,
    )


def rebuild(table: Table, cell: Cell) -> LineGrid | None:
    """The grid a cell with no row below it holds (see the module's docstring); None when its
    lines print no grid heading, or not the rows to read under it."""
    if cell.last_row + 1 < table.n_rows or cell.rowspan < 2 or cell.colspan < 2:
        return None
    height = text_height(table)
    if height <= 0:
        return None
    found = find_heading(list(cell.lines), height)
    if found is None:
        return None
    parts, heads, top, bottom = found
    x0, y0, x1, y1 = cell.bbox
    lefts = [min(ln.bbox[0] for ln in s) for s in parts]
    rights = [max(ln.bbox[2] for ln in s) for s in parts]
    edges = [x0, *((rights[i] + lefts[i + 1]) / 2 for i in range(len(parts) - 1)), x1]
    head_lines = {id(ln) for s in parts for ln in s}
    under = [ln for ln in cell.lines if id(ln) not in head_lines and _centre_y(ln) > bottom]
    above = [ln for ln in cell.lines if id(ln) not in head_lines and _centre_y(ln) < top]
    by_col: list[list[CellLine]] = [[] for _ in parts]
    for ln in [w for line in under for w in _words_across(line, edges, height)]:
        c = next(
            i for i in range(len(parts)) if _centre_x(ln) < edges[i + 1] or i == len(parts) - 1
        )
        by_col[c].append(ln)
    fields = [h.field if h is not None else None for h in heads]
    numeric = [i for i, h in enumerate(heads) if h is not None and h.numeric and by_col[i]]
    target = [i for i, f in enumerate(fields) if f == "target" and by_col[i]][:1]
    anchor_cols = numeric or target
    if not anchor_cols:
        return None
    anchors = text_rows([ln for c in anchor_cols for ln in by_col[c]], height)
    if len(anchors) < 2:
        return None
    mids = [median(_centre_y(ln) for ln in row) for row in anchors]
    bounds = [bottom, *((mids[i] + mids[i + 1]) / 2 for i in range(len(mids) - 1)), y1]
    label_cols = {
        i for i, h in enumerate(heads) if h is None or h.ignored or h.field in ("level1", "level2")
    }

    def row_of(ln: CellLine) -> int:
        y = _centre_y(ln)
        return min(range(len(mids)), key=lambda r: abs(mids[r] - y))

    # a closing row: a line starting with its label (总分) outside the numeric columns
    total = next(
        (
            row_of(ln)
            for i, col in enumerate(by_col)
            if i not in numeric
            for ln in col
            if label_key(ln.text).startswith(TOTAL_LABELS)
        ),
        None,
    )
    n_rows = len(mids) if total is None else total
    cells: list[Cell] = [
        _cell(0, c, s, (edges[c], top, edges[c + 1], bottom)) for c, s in enumerate(parts)
    ]
    for c, col in enumerate(by_col):
        if c in label_cols:
            mine = [ln for ln in col if total is None or row_of(ln) < total]
            blocks = _blocks(mine, height)
            runs = _label_runs(blocks, bounds[: n_rows + 1]) if blocks else []
            if runs is None:
                return None
            for block, (a, b) in zip(blocks, runs, strict=True):
                box = (edges[c], bounds[a], edges[c + 1], bounds[b + 1])
                cells.append(_cell(a + 1, c, block, box, rowspan=b - a + 1))
            covered = {r for a, b in runs for r in range(a, b + 1)}
            cells += [
                _cell(r + 1, c, [], (edges[c], bounds[r], edges[c + 1], bounds[r + 1]))
                for r in range(n_rows)
                if r not in covered
            ]
            continue
        rows: dict[int, list[CellLine]] = {}
        for ln in col:
            rows.setdefault(row_of(ln), []).append(ln)
        for r in range(len(mids)):
            if r == total and c <= max(label_cols, default=-1):
                continue
            box = (edges[c], bounds[r], edges[c + 1], bounds[r + 1])
            cells.append(_cell(r + 1, c, rows.get(r, []), box))
    if total is not None:
        # the closing row's label spans the label columns (where its lines stand)
        span = max(label_cols, default=-1) + 1
        mine = [ln for c in range(span) for ln in by_col[c] if row_of(ln) == total]
        if span:
            box = (edges[0], bounds[total], edges[span], bounds[total + 1])
            cells.append(_cell(total + 1, 0, mine, box, colspan=span))
        # lines of label columns under the closing row (a footer) are not the grid's
    grid = Table(
        n_rows=len(mids) + 1,
        n_cols=len(parts),
        cells=sorted(cells, key=lambda k: (k.row, k.col)),
        bbox=(x0, top, x1, y1),
        extractor=table.extractor,
    )
    rest = replace(
        cell,
        text=join_wrapped(
            [ln.text for ln in sorted(above, key=lambda ln: (ln.bbox[1], ln.bbox[0]))]
        ),
        lines=tuple(above),
        bbox=(x0, y0, x1, top),
        readings=(),
    )
    upper = replace(table, cells=[rest if k is cell else k for k in table.cells])
    note = (
        f"a cell of {cell.rowspan}×{cell.colspan} grid positions with no rule found inside it "
        f"holds the grid's heading and {len(under)} line(s) under it: read as a grid of "
        f"{len(parts)} columns (by the heads {' | '.join(s[0].text for s in parts)}) and "
        f"{len(mids)} rows (by the lines of the column(s) "
        f"{' | '.join(join_wrapped([ln.text for ln in parts[c]]) for c in anchor_cols)})"
    )
    return LineGrid(above=upper, grid=grid, note=note)
