"""A seal's glyph or a speck read on a line of its own in a header value cell, beside the value
centred in it (dev9 lg_84375: `一` right of `天然林资源保护`, `190` over `嘉恒县国有林场`;
lg_84784: `政` over `寿堤县网格化服务管理中心`): no part of the value."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.models import CellLine, Table
from tests.test_forms import values
from tests.test_header_scans import _line, scan_page
from tests.test_project_names import _named_table

# The 项目名称 value cell: 1 000 px wide, 68 tall, its print 21 px high centred at y 335
CELL = (325.0, 301.0, 1325.0, 369.0)


def _name_cell_with(*lines: CellLine, bbox: tuple[float, float, float, float] = CELL) -> Table:
    """A one-page target table whose 项目名称 value cell, boxed `bbox`, holds these OCR lines."""
    t = _named_table(top=120)
    cells = [
        replace(c, text=" ".join(ln.text for ln in lines), lines=lines, bbox=bbox)
        if (c.row, c.col) == (0, 1)
        else c
        for c in t.cells
    ]
    return replace(t, cells=cells)


def _read(*lines: CellLine, bbox: tuple[float, float, float, float] = CELL) -> tuple[str, list]:
    page = scan_page(1, _name_cell_with(*lines, bbox=bbox), lines=(_line("(2023 年度)", 60),))
    forms, problems = read_document([page])
    return values(forms[0])["project_name"], problems


NAME = CellLine("天然林资源保护", (756, 325, 907, 346), 1.0)


def test_an_unsure_mark_on_a_line_of_its_own_beside_the_centred_value_is_left_out() -> None:
    """`一` (0.56, 4 px tall) right of and above the name, `190` (0.67) over it: the name alone
    is read, each mark noted."""
    for mark in (
        CellLine("一", (942, 312, 948, 316), 0.56),
        CellLine("190", (800, 303, 824, 323), 0.67),
    ):
        name, problems = _read(mark, NAME)
        assert name == "天然林资源保护"
        assert any(f"'{mark.text}' taken for a seal's or a speck's mark" in p for p in problems)


def test_a_sure_glyph_spread_as_a_seals_glyph_is_left_out() -> None:
    """`政` read sure in a box 5 text heights wide over the name: no printed glyph is that wide."""
    seal = CellLine("政", (760, 302, 865, 324), 1.0)
    name, _ = _read(seal, NAME)
    assert name == "天然林资源保护"


def test_a_wrapped_value_a_level_mark_or_an_off_centre_value_keep_their_lines() -> None:
    """The short last line of a name that filled its cell's width, a short line level with the
    name, and an unsure line under a name standing off the cell's centre are print: kept."""
    full = CellLine("农村饮水安全巩固提升工程建设项目", (335, 303, 1315, 325), 1.0)
    tail = CellLine("经费", (335, 326, 380, 347), 0.8)
    assert _read(full, tail)[0] == "农村饮水安全巩固提升工程建设项目 经费"
    level = CellLine("(一)", (910, 327, 950, 346), 0.8)
    assert _read(NAME, level)[0] == "天然林资源保护 (一)"
    high = CellLine("天然林资源保护", (756, 303, 907, 324), 1.0)
    under = CellLine("二期", (760, 345, 800, 366), 0.8)
    assert _read(high, under)[0] == "天然林资源保护 二期"
