"""A table's opening row printed just above its recovered grid: on a scan whose rules around the
first header row (项目名称 | name) wore away, the grid starts at the next rule and the outside-grid
text detector reads that row as a free line (`项目名称网格员工作补贴及绩效`). Without it the
table opens no form, and its header and grid are lost or appended nowhere.

Apart because it decides, from the page's lines and the table's frame, which text belongs to the
table before the reader cuts the table into forms. Only OCR pages: a text layer's table is ruled
as printed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from flows.forms.cellvalues import RULE_MARKS, RULE_STROKES
from flows.forms.labels import (
    ALL_OPENERS,
    label_alternatives,
    labels_printed_in,
    match_printed,
)
from flows.forms.spec import FORMS, FUNDS_UNITS
from flows.models import Cell, PageGrid, Table, TextLine
from flows.text import is_han, label_key


def with_opener_above(page: PageGrid, table: Table, problems: list[str] | None = None) -> Table:
    """`table` with the lines printed right above it as its first rows, each spanning its width,
    when the top one prints an opener label with its value (项目名称 + a name), each below it a
    label of the same form (主管部门及代码 …: the rules of more than one row wore away), the
    table's own first row prints no opener, and its top rows print a label of that form. The
    lines are taken one row at a time, each no further above the one below it than half a row
    (`_rows_above`; an opener's label wrapped in its column read back whole, said in
    `problems`). The table as it is otherwise."""
    if page.has_text_layer or not table.cells:
        return table
    first = table.row_cells(0)
    if any(match_printed(label_key(c.text), ALL_OPENERS) for c in first):
        return table
    stacked: list[tuple[str, str]] = []
    above = _rows_above(page, table, first, stacked)
    found = next(
        (
            (i, hit)
            for i, line in enumerate(above)
            if (hit := match_printed(label_key(line.text), ALL_OPENERS)) is not None and hit[1]
        ),
        None,
    )
    if found is None:
        return table
    opener, (spec, _) = found
    labels = label_alternatives(spec)  # type: ignore[arg-type]
    rows = above[opener:]
    if any(match_printed(label_key(line.text), labels) is None for line in rows[1:]):
        return table
    top = [c for c in table.cells if c.row <= 2]
    if not any(match_printed(label_key(c.text), labels) for c in top):
        return table
    x0, y0, x1, y1 = table.bbox
    bottoms = [line.bbox[1] for line in rows[1:]] + [y0]
    added = [
        Cell(
            row=i,
            col=0,
            text=line.text,
            bbox=(x0, line.bbox[1], x1, bottom),
            colspan=table.n_cols,
            confidence=line.confidence,
        )
        for i, (line, bottom) in enumerate(zip(rows, bottoms, strict=True))
    ]
    shifted = [replace(c, row=c.row + len(rows)) for c in table.cells]
    box = (x0, rows[0].bbox[1], x1, y1)
    if problems is not None:
        problems.extend(
            f"page {page.page}: the opener's row above a grid, its rules lost, printed its label "
            f"wrapped in its column over the lines {pieces}: read as '{read}'"
            for pieces, read in stacked
            if any(read == line.text for line in rows)
        )
    return Table(table.n_rows + len(rows), table.n_cols, [*added, *shifted], box, table.extractor)


def _rows_above(
    page: PageGrid, table: Table, first: list[Cell], stacked: list[tuple[str, str]]
) -> list[TextLine]:
    """The lines standing right above the table, one per printed row, top to bottom: the line
    nearest above it, starting within its frame and ending no further above it than half its
    first row's height (the row whose rules were lost was as tall), then the same way above
    that line's top (a row's height less its text's apart, give or take the same half row: two
    rows' lines stand one row apart, and OCR's boxes of them a few pixels more or less; dev3
    lg_29446 p2, 项目名称 11 px above 主管部门 where a 59 px row less its 48 px text left
    10.996), at most `MAX_FOOT_ROWS` rows.
    Lines level with each other are one row's pieces, read left to right; a row OCR read twice
    over is read once (`_read_once`); an opener whose label wraps in a narrow column, its
    pieces stacked at the row's left edge, is read back whole (`_stacked_opener_row`; the lines
    and the reading added to `stacked`)."""
    x0, y0, x1, _ = table.bbox
    height = min((c.bbox[3] - c.bbox[1]) / c.rowspan for c in first) if first else 0.0
    rows: list[TextLine] = []
    floor, reach = y0, height / 2
    for _ in range(MAX_FOOT_ROWS):
        near = [
            line
            for line in page.lines
            if 0 <= floor - line.bbox[3] <= reach and x0 - height <= line.bbox[0] < x1
        ]
        if not near:
            break
        lowest = max(near, key=lambda line: line.bbox[3])
        level = sorted((ln for ln in near if _level(ln, lowest)), key=lambda line: line.bbox[0])
        text = " ".join(ln.text for ln in level)
        row = TextLine(
            _read_once(text) or text,
            (
                min(ln.bbox[0] for ln in level),
                min(ln.bbox[1] for ln in level),
                max(ln.bbox[2] for ln in level),
                max(ln.bbox[3] for ln in level),
            ),
            min(ln.confidence for ln in level),
        )
        standing = [
            ln for ln in page.lines if ln.bbox[3] <= floor and x0 - height <= ln.bbox[0] < x1
        ]
        if (whole := _stacked_opener_row(lowest, standing, row)) is not None:
            stacked.append((" / ".join(f"'{ln.text}'" for ln in whole[1]), whole[0].text))
            row = whole[0]
        rows.insert(0, row)
        floor, reach = row.bbox[1], height * 1.5 - (row.bbox[3] - row.bbox[1])
    return rows


def _stacked_opener_row(
    lowest: TextLine, standing: list[TextLine], row: TextLine
) -> tuple[TextLine, list[TextLine]] | None:
    """(the row read whole, its lines top to bottom) when the row holding `lowest` prints an
    opener whose label wraps over lines stacked in its narrow column (dev7 lg_64419 p1:
    `项目` over `名称 社会治安综合治理工作经费` over `:`, each line's box overlapping the next
    one's, none all three's): the lines `standing` above the table chained to `lowest` by
    overlapping heights, every one not level with it at the row's left edge (a label's piece,
    not another row's value), read as `_wrapped_label_row` reads a wrapped label. None when
    `row` (the lines level with `lowest`) already prints an opener with its value, the chain
    adds no line, or the pieces' label is not one opener label alone (a row above glued on:
    `项目名称` + `主管部门…`) with a value after it."""
    if _opener_with_value(row.text):
        return None
    chain = [lowest]
    grown = True
    while grown:
        more = [
            ln
            for ln in standing
            if all(ln is not c for c in chain) and any(_level(ln, c) for c in chain)
        ]
        grown = bool(more)
        chain.extend(more)
    height = min(ln.bbox[3] - ln.bbox[1] for ln in chain)
    left = min(ln.bbox[0] for ln in chain)
    apart = [ln for ln in chain if not _level(ln, lowest)]
    if not apart or any(ln.bbox[0] > left + height for ln in apart):
        return None
    ordered = sorted(chain, key=lambda ln: ln.bbox[1])
    whole = _label_and_value(ordered, [])
    label = match_printed(label_key(whole.text.split(" ", 1)[0]), ALL_OPENERS)
    if label is None or label[1] or not _opener_with_value(whole.text):
        return None  # the pieces spell no opener label alone (another row's label among them)
    return whole, ordered


def _opener_with_value(text: str) -> bool:
    """Whether `text` prints an opener label with a value after it."""
    hit = match_printed(label_key(text), ALL_OPENERS)
    return hit is not None and bool(hit[1])


def _read_once(text: str) -> str | None:
    """The text of a line OCR read twice over, each piece once, or None: a printed row torn
    across its height reaches OCR as two halves, each read as the whole row, and the line
    assembled from them prints every piece twice in a row (`项目名称：项目名称：食品安全抽检监测
    食品安全抽检监测`). Only a text made wholly of such pairs, each piece two characters or more
    with a letter among them, is one (printed text does not repeat every word of itself)."""
    printed = re.sub(r"\s", "", text)

    def pieces(i: int) -> list[str] | None:
        if i == len(printed):
            return []
        for n in range(2, (len(printed) - i) // 2 + 1):
            piece = printed[i : i + n]
            if piece == printed[i + n : i + 2 * n] and any(ch.isalpha() for ch in piece):
                rest = pieces(i + 2 * n)
                if rest is not None:
                    return [piece, *rest]
        return None

    found = pieces(0) if printed else None
    return "".join(found) if found else None


def opener_at_foot(page: PageGrid, next_page: PageGrid | None, problems: list[str]) -> Table | None:
    """A table's opening rows printed alone at the foot of a page, read as free lines because
    their rules wore away (`项目名称 司法救助资金`, perhaps `主管部门 某局` under it), while its
    header and grid go on at the top of the next page: a table of its own, one row a line, so
    the form opens on this page (with the year line above it) and the next page's table is read
    as the rest of its header. None unless the first of those lines prints an opener label with
    its value and each line after it a label of the same form, they stand below every table of
    the page with no text after them but a page number, and the next page's first table prints
    no opener but a label of the same form in its top rows. A line of the opener's row OCR
    read twice over is read once, noted in `problems`."""
    if page.has_text_layer or next_page is None or not next_page.tables:
        return None
    floor = max((t.bbox[3] for t in page.tables), default=0.0)
    below = [ln for ln in page.lines if ln.bbox[1] >= floor - 2]
    worded = sorted(
        (ln for ln in below if any(ch.isalpha() for ch in label_key(ln.text))),
        key=lambda ln: ln.bbox[1],
    )
    once: list[tuple[str, str]] = []
    around: list[tuple[str, str]] = []
    strokes: list[tuple[str, str]] = []
    opener, rows = _opener_rows(worded, once, around, strokes)
    if opener is None:
        return None
    spec, _ = opener
    following = next_page.tables[0]
    if any(match_printed(label_key(c.text), ALL_OPENERS) for c in following.row_cells(0)):
        return None
    labels = label_alternatives(spec)  # type: ignore[arg-type]
    if any(match_printed(label_key(ln.text), labels) is None for ln in rows[1:]):
        return None
    top = [c for c in following.cells if c.row <= 2]
    if not any(match_printed(label_key(c.text), labels) for c in top):
        return None
    problems.extend(
        f"page {page.page}: foot line '{text}' (the opener's row, its rules lost) read twice "
        f"over: read once, as '{read}'"
        for text, read in once
    )
    problems.extend(
        f"page {page.page}: foot line '{text}' (the opener's row, its rules lost) read as its "
        f"wrapped label's two halves around its value: '{read}'"
        for text, read in around
    )
    problems.extend(
        f"page {page.page}: foot line '{text}' (a piece of the opener's wrapped label): the "
        f"'{stroke}' at its right edge taken for the stroke of the column rule after the label, "
        "not part of it"
        for text, stroke in strokes
    )
    cells = [
        Cell(row=r, col=0, text=ln.text, bbox=ln.bbox, confidence=ln.confidence)
        for r, ln in enumerate(rows)
    ]
    box = (
        min(ln.bbox[0] for ln in rows),
        rows[0].bbox[1],
        max(ln.bbox[2] for ln in rows),
        rows[-1].bbox[3],
    )
    return Table(len(rows), 1, cells, box, page.extractor or "")


def _opener_rows(
    worded: list[TextLine],
    once: list[tuple[str, str]],
    around: list[tuple[str, str]],
    strokes: list[tuple[str, str]],
) -> tuple[tuple[object, str] | None, list[TextLine]]:
    """(opener hit, rows from the opener's line down) of the worded lines at a page's foot, top
    to bottom: the last line printing an opener with its value (alone, read back from the
    two lines a wrapped label was cut into, or from one line OCR read the label's halves and
    the value into: `_label_around_its_value`), the lines after it each a row of its own; no hit
    when none does. At most `MAX_FOOT_ROWS` rows: a form's opening rows, not a page of text.
    The opener row's lines read once (`_wrapped_label_row`: as printed, as read) are added to
    `once`, a line read as a label around its value (as printed, as read) to `around`, a label
    piece read without a rule's stroke at its right edge (as printed, the stroke) to
    `strokes`."""
    taken = set()
    for i in range(len(worded) - 1, max(-1, len(worded) - 1 - MAX_FOOT_ROWS), -1):
        line = worded[i]
        if id(line) in taken:
            continue
        row = line
        hit = match_printed(label_key(line.text), ALL_OPENERS)
        twice: list[tuple[str, str]] = []
        cut: list[tuple[str, str]] = []
        if hit is None or not hit[1]:
            row = _wrapped_label_row(line, worded, twice, cut) or line
            hit = match_printed(label_key(row.text), ALL_OPENERS)
        if (hit is None or not hit[1]) and (halves := _label_around_its_value(line)):
            hit = match_printed(label_key(halves.text), ALL_OPENERS)
            if hit is not None and hit[1]:
                row, twice = halves, []
                around.append((line.text, halves.text))
        if hit is not None and hit[1]:
            once.extend(twice)
            strokes.extend(cut if row is not line else [])
            after = [ln for ln in worded[i + 1 :] if id(ln) not in taken and not _level(ln, row)]
            return hit, [row, *after]
        taken |= {id(ln) for ln in worded if _level(ln, line) and ln is not line}
    return None, []


def _label_around_its_value(line: TextLine) -> TextLine | None:
    """`line` read as label then value where OCR read a label wrapped over two lines of a narrow
    cell and its value level with them as one line, the value between the label's halves (dev6
    lg_59329 p1's foot: `项目 学生营养改善计划 名称：`, 项目 over 名称： beside the name): its first
    and last words joined are the label, the words between them its value. None for a line of
    fewer than three words; whether the label is an opener is the caller's to ask."""
    words = line.text.split()
    if len(words) < 3:
        return None
    return TextLine(" ".join([words[0] + words[-1], *words[1:-1]]), line.bbox, line.confidence)


def _level(a: TextLine, b: TextLine) -> bool:
    """Whether two lines overlap in height (pieces of one printed row)."""
    return a.bbox[1] < b.bbox[3] and b.bbox[1] < a.bbox[3]


# The opening rows of a form a page's foot may print without their rules (项目名称, 主管部门,
# 实施单位 …): a header's rows above its funds block
MAX_FOOT_ROWS = 4


def _wrapped_label_row(
    last: TextLine,
    lines: list[TextLine],
    twice: list[tuple[str, str]],
    strokes: list[tuple[str, str]] | None = None,
) -> TextLine | None:
    """The row `last` is printed in, read back from the lines OCR cut it into, when its label
    wraps over two lines of a narrow cell (`项目名` over `称 老旧小区改造`, or `项目 就业…` over
    `名称：` where the value stands level with the label's first line): the lines overlapping
    `last` in height, their first words at the row's left edge (within a text height) the
    label, top to bottom, the rest its value; a line OCR read twice over read once
    (`_read_once`: `项目名 项目名` over `称: 就业创业补助资金`, dev3 lg_26036 p1), else its
    second reading lands in the value (each such line's text and its reading added to `twice`).
    With `strokes`, a label piece ending in a rule's stroke after its glyphs (`项目名|` over
    `称: 司法救助资金`, dev10 lg_91613_自评 p1: the column rule after the narrow label cell
    worn to a stroke) is read without it (`_stroke_off`), each added to `strokes`. None when
    `last` stands alone."""
    row = sorted(
        (ln for ln in lines if ln.bbox[1] < last.bbox[3] and last.bbox[1] < ln.bbox[3]),
        key=lambda ln: ln.bbox[1],
    )
    if len(row) < 2:
        return None
    return _label_and_value(row, twice, strokes)


def _label_and_value(
    row: list[TextLine],
    twice: list[tuple[str, str]],
    strokes: list[tuple[str, str]] | None = None,
) -> TextLine:
    """One row read back from the lines OCR cut it into, top to bottom: the first words of the
    lines at its left edge (within a text height) the label, joined; the rest its value. A line
    read twice over is read once (its text and reading added to `twice`); with `strokes`, a
    label piece is read without a rule's stroke at its right edge (`_stroke_off`)."""
    height = min(ln.bbox[3] - ln.bbox[1] for ln in row)
    left = min(ln.bbox[0] for ln in row)
    label, value = [], []
    for ln in row:
        once = _read_once(ln.text)
        if once:
            twice.append((ln.text, once))
        words = (once or ln.text).split()
        if ln.bbox[0] <= left + height and words:
            piece = _stroke_off(words[0]) if strokes is not None else None
            if piece is not None and strokes is not None:
                strokes.append((ln.text, words[0][len(piece) :]))
            label.append(piece or words[0])
            value.extend(words[1:])
        else:
            value.extend(words)
    box = (
        left,
        min(ln.bbox[1] for ln in row),
        max(ln.bbox[2] for ln in row),
        max(ln.bbox[3] for ln in row),
    )
    text = " ".join(["".join(label), *value])
    return TextLine(text, box, min(ln.confidence for ln in row))


def _stroke_off(word: str) -> str | None:
    """A label piece without the worn rule's strokes (`RULE_STROKES`) OCR read at its right
    edge after its glyphs (`项目名|`); None when it ends in none, or no glyph stands before."""
    piece = word.rstrip(RULE_STROKES)
    if piece == word or not piece or not is_han(piece[-1]):
        return None
    return piece


# Header labels shorter than this are not looked for inside a free line (`代码`, `单位` may be
# part of a value); the labels of a funds block's rows are longer.
MIN_LINE_LABEL = 4
# The unit a group label prints after it (项目资金（万元）), wrapped with it
GROUP_UNITS = tuple(f"（{unit}）" for unit in FUNDS_UNITS)
# The forms' header labels a lost row may print, and their group labels as printed with a unit
LINE_LABELS = [(alt, lb) for spec in FORMS for alt, lb in label_alternatives(spec) if not lb.group]
GROUP_LABELS = [label_key(alt + unit) for spec in FORMS for lb in spec.labels if lb.group
                for alt in lb.alternatives for unit in GROUP_UNITS]  # fmt: skip


def with_rows_lost_between(page: PageGrid) -> list[Table]:
    """The page's tables, each with the lines printed between it and the next table below as
    rows of its own at its foot: on a scan whose rules wore into dashes the grid breaks into two
    tables, and the rows between them, their rules lost, are read as free lines (`其他资金 1
    180.616`). Taken only when one of those lines prints a header label of a form; a piece of
    a group label wrapped beside them (`况（万`, `元)`) is dropped, the label's own cell
    standing above them."""
    tables = list(page.tables)
    if page.has_text_layer or len(tables) < 2:
        return tables
    out = []
    for upper, lower in zip(tables, [*tables[1:], None], strict=True):
        rows, pieces = _lost_rows(page, upper, lower) if lower is not None else ([], [])
        if not rows:
            out.append(upper)
            continue
        x0, y0, x1, _ = upper.bbox
        # the group label's wrapped pieces (`资金情` | `况（元` | `)`), when they print a unit,
        # stand as its own cell beside the rows: the unit decides 元 or 万元 (dev9 lg_83947)
        group = _group_cell(upper, pieces, len(rows)) if upper.n_cols > 1 else None
        cells = [
            Cell(
                row=upper.n_rows + i,
                col=0 if group is None else 1,
                text=text,
                bbox=(x0 if group is None else group.bbox[2], line.bbox[1], x1, line.bbox[3]),
                colspan=upper.n_cols - (group is not None),
                confidence=line.confidence,
            )
            for i, (line, text) in enumerate(rows)
        ]
        cells += [group] if group is not None else []
        bottom = rows[-1][0].bbox[3]
        out.append(
            Table(
                upper.n_rows + len(rows),
                upper.n_cols,
                [*upper.cells, *cells],
                (x0, y0, x1, bottom),
                upper.extractor,
            )
        )
    return out


def _group_cell(upper: Table, pieces: list[tuple[TextLine, str]], rows: int) -> Cell | None:
    """The group label's pieces (`_lost_rows`), joined top to bottom, as one cell at the left of
    the lost rows, when they make a whole group label printing its funds unit
    (`GROUP_LABELS`: 资金情况（元）); None otherwise (a piece whose rest stands in the table
    above)."""
    text = "".join(piece for _, piece in pieces)
    # the label column's right rule, as the table above prints it
    right = min((c.bbox[2] for c in upper.cells if c.col == 0 and c.colspan == 1), default=None)
    if label_key(text) not in GROUP_LABELS or right is None:
        return None
    boxes = [line.bbox for line, _ in pieces]
    return Cell(
        row=upper.n_rows,
        col=0,
        text=text,
        bbox=(upper.bbox[0], min(b[1] for b in boxes), right, max(b[3] for b in boxes)),
        rowspan=rows,
        confidence=min(line.confidence for line, _ in pieces),
    )


def _lost_rows(
    page: PageGrid, upper: Table, lower: Table
) -> tuple[list[tuple[TextLine, str]], list[tuple[TextLine, str]]]:
    """(line, text to read) of the free lines standing between two tables, over the upper one's
    width, top to bottom, each cut to start at the first header label it prints ([] unless one
    prints a label), and (line, piece) of the group label's pieces wrapped beside them."""
    x0, _, x1, top = upper.bbox
    between = sorted(
        (
            ln
            for ln in page.lines
            if ln.bbox[1] >= top - 2 and ln.bbox[3] <= lower.bbox[1] + 2 and x0 <= ln.bbox[2]
            and ln.bbox[0] < x1
        ),
        key=lambda ln: ln.bbox[1],
    )  # fmt: skip
    rows, pieces = [], []
    for ln in between:
        found = labels_printed_in(ln.text, LINE_LABELS, MIN_LINE_LABEL, spaced=True)
        before = ln.text[: found[0].start] if found else ln.text
        piece = label_key(before).strip(RULE_MARKS)  # a worn rule's strokes beside it: `)1`
        if piece and any(piece in g for g in GROUP_LABELS):  # a wrapped piece of a group label
            pieces.append((ln, piece))
            if not found:
                continue
        elif before.strip():
            return [], []  # text that is neither a label nor a group label's piece: no lost row
        rows.append((ln, ln.text[found[0].start :]))
    return (rows, pieces) if rows else ([], [])
