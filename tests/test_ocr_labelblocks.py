"""The indicator grid's label block from a first reading's headings (`ocr.labelblocks`), and the
page's tables found and read again only where the block changed a cell
(`ocr.page.reread_label_blocks`)."""

from __future__ import annotations

from ocr.engines import OcrLine
from ocr.grid import GridCell, GridTable
from ocr.labelblocks import label_blocks, table_label_block
from ocr.page import reread_label_blocks

XS = [0.0, 100.0, 200.0, 400.0, 500.0]
YS = [0.0, 40.0, 80.0, 120.0, 160.0, 200.0]


def grid(heading_row: int = 1) -> GridTable:
    """A header row (项目名称 | its value) above a heading row 一级 | 二级 | 三级 | 指标值 and
    three rows of indicators, one cell per grid position but the header's value."""
    cells = [
        GridCell(0, 0, 1, 1, (XS[0], YS[0], XS[1], YS[1])),
        GridCell(0, 1, 1, 3, (XS[1], YS[0], XS[4], YS[1])),
    ]
    cells += [
        GridCell(r, c, 1, 1, (XS[c], YS[r], XS[c + 1], YS[r + 1]))
        for r in range(heading_row, 5)
        for c in range(4)
    ]
    return GridTable(XS, YS, cells)


def texts(table: GridTable, printed: dict[tuple[int, int], str]) -> dict[int, str]:
    return {
        i: printed[(c.row, c.col)] for i, c in enumerate(table.cells) if (c.row, c.col) in printed
    }


def line(text: str, y: float = 0.0) -> OcrLine:
    return OcrLine(text, ((0, y), (10, y), (10, y + 5), (0, y + 5)), 0.9)


def test_the_block_runs_left_of_the_name_heading_from_its_row_down() -> None:
    table = grid()
    got = table_label_block(
        table, texts(table, {(0, 0): "项目名称", (1, 0): "一级指标", (1, 2): "三级指标"})
    )
    assert got == (0.0, 40.0, 200.0, 200.0)


def test_a_name_heading_read_with_spaces_and_a_wrapped_label_heading_count() -> None:
    """The key is the normaliser's (no whitespace), and a heading's lines are joined top to
    bottom: 二级 / 指标 wrapped over two lines still names the label column."""
    table = grid()
    lines = {i: [] for i in range(len(table.cells))}
    at = {(c.row, c.col): i for i, c in enumerate(table.cells)}
    lines[at[(1, 1)]] = [line("指标", 20.0), line("二级", 5.0)]
    lines[at[(1, 2)]] = [line("指标 名称")]
    assert label_blocks([table], [lines]) == ((0.0, 40.0, 200.0, 200.0),)


def test_no_block_without_a_label_heading_left_of_the_name_heading() -> None:
    """A 三级 heading alone (a continued grid's page, a header table printing 指标名称) or a
    一级 heading right of it names no label block: the grid passes stay off."""
    table = grid()
    assert table_label_block(table, texts(table, {(1, 2): "三级指标"})) is None
    assert table_label_block(table, texts(table, {(1, 0): "三级指标", (1, 3): "一级指标"})) is None
    assert table_label_block(table, texts(table, {(2, 0): "一级指标", (1, 2): "三级指标"})) is None


def test_the_page_is_found_and_read_again_only_when_the_block_changes_a_cell() -> None:
    """Found again with the block; read again only when a cell changed, and then only the
    changed cells take the new reading: a cell left as it was keeps its first one (its crop
    may be cut otherwise at the page's new line height)."""
    table = grid()
    at = {(c.row, c.col): i for i, c in enumerate(table.cells)}
    first = [
        {at[(1, 0)]: [line("一级指标")], at[(1, 2)]: [line("三级指标")], at[(2, 0)]: [line("x")]}
    ]
    calls: list[object] = []

    def read(
        found: list[GridTable], only: set[tuple[int, int]] | None = None
    ) -> list[dict[int, list[OcrLine]]]:
        calls.append((found, only))
        return [{i: [line(f"again{i}")] for i in range(len(t.cells))} for t in found]

    def same(**kw: object) -> list[GridTable]:
        calls.append(kw["label_blocks"])
        return [grid()]

    assert reread_label_blocks([table], first, same, read) == ([table], first)
    assert calls == [((0.0, 40.0, 200.0, 200.0),)]
    # the block parts nothing here but joins (2, 0) and (3, 0): any changed cell will do
    merged = GridCell(2, 0, 2, 1, (XS[0], YS[2], XS[1], YS[4]))
    cells = [c for c in table.cells if (c.row, c.col) not in {(2, 0), (3, 0)}] + [merged]
    parted = GridTable(XS, YS, cells)
    (tables, (got,)) = reread_label_blocks([table], first, lambda **kw: [parted], read)
    new = len(cells) - 1
    # only the changed cell is asked for
    assert tables == [parted] and calls[-1] == ([parted], {(0, new)})
    assert got == {
        cells.index(table.cells[at[(1, 0)]]): [line("一级指标")],
        cells.index(table.cells[at[(1, 2)]]): [line("三级指标")],
        new: [line(f"again{new}")],
    }
    # no heading read: nothing found again
    assert reread_label_blocks([table], [{}], lambda **kw: 1 / 0, read) == ([table], [{}])
