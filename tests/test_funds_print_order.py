"""A self-evaluation's funds heads OCR's grid lost (flows/forms/funds.py): a head row read nowhere
(`_matrix_by_print_order`, dev7 lg_66738_自评: the heads at page 1's foot below the last rule OCR
found, the labelled rows on page 2), read in the form's order only when the block's arithmetic
holds so; a head in a cell merged down from the row above (`_heads_merged_from_above`, dev7
lg_67634_自评 p3: `得分` and its `10` in one cell from the 实施单位 row down)."""

from __future__ import annotations

from dataclasses import replace

from flows.forms import read_document
from flows.models import CellLine
from tests.test_forms import FUNDS_HEADS, SE_GRID, SE_TITLE, ocr_page, table, values

HEADER = [["项目名称", "天然林资源保护", "", "", "", "", ""]]
MATRIX = [
    ["年度资金总额", "10.98", "10.98", "9.55", "10", "87%", "8.7"],
    ["其中：当年财政拨款", "7.4", "7.4", "7.4", "1", "1", "1"],
    ["上年结转资金", "0", "0.01", "0.01", "1", "1", "1"],
    ["其他资金", "3.57", "3.57", "2.14", "1", "1", "1"],
]
COLS = ("budget_initial", "budget_full_year", "executed", "weight", "execution_rate", "score")


def _read(matrix: list[list[str | None]]) -> tuple[dict[str, str], list[str]]:
    (form,), problems = read_document(
        [
            ocr_page(1, table(HEADER), lines=SE_TITLE),
            ocr_page(2, table([*matrix, *SE_GRID])),
        ]
    )
    return values(form), problems


def test_a_matrix_whose_heads_were_lost_is_read_in_the_forms_order_when_it_adds_up() -> None:
    got, problems = _read(MATRIX)
    assert [got[f"total_{c}"] for c in COLS] == ["10.98", "10.98", "9.55", "10", "87%", "8.7"]
    assert [got[f"other_{c}"] for c in COLS[:3]] == ["3.57", "3.57", "2.14"]
    assert (
        "page 2: funds rows under no head row read (its heads lost): each column read where the "
        "sum row prints its value, in the form's order (年初预算数、全年预算数、全年执行数、分值、"
        "执行率、得分), the block's arithmetic holding so (execution_rate、score、budget_initial、"
        "budget_full_year、executed)"
    ) in problems


def test_a_matrix_whose_heads_were_lost_is_not_read_when_its_order_breaks_the_arithmetic() -> None:
    # 全年执行数 printed before 全年预算数 (or read so): 10.98 / 9.55 is no 87%
    swapped = [[r[0], r[1], r[3], r[2], *r[4:]] for r in MATRIX]
    got, problems = _read(swapped)
    assert not any(k.startswith("total_") for k in got)
    assert any(
        "does not hold (held: score、budget_initial、budget_full_year、executed; off: "
        "execution_rate); not read" in p
        for p in problems
    )


def test_a_head_in_a_cell_merged_down_from_the_row_above_reads_its_column() -> None:
    """得分's cell runs from the 主管部门 row down over the head row and the sum row (two rules
    lost): its line in the head row is the head, the line below it the sum row's 得分."""
    rows = [
        ["项目名称", "森林草原防火", None, None, None, None, None],
        ["主管部门", "林业局", None, None, None, None, "得分 8.7"],
        ["", *FUNDS_HEADS[:5], None],
        [*MATRIX[0][:6], None],
        *([*m[:6], "/"] for m in MATRIX[1:]),
    ]
    t = table([*rows, *SE_GRID], {(0, 1): (1, 6), (1, 1): (1, 5), (1, 6): (3, 1)})
    lines = (
        CellLine("得分", (6.2, 2.3, 6.8, 2.7), 1.0),
        CellLine("8.7", (6.3, 3.3, 6.7, 3.7), 1.0),
    )
    t = replace(t, cells=[replace(c, lines=lines) if c.text == "得分 8.7" else c for c in t.cells])
    (form,), problems = read_document([ocr_page(1, t, lines=SE_TITLE)])
    got = values(form)
    assert [got[f"total_{c}"] for c in COLS] == ["10.98", "10.98", "9.55", "10", "87%", "8.7"]
    assert (
        "page 1: funds head cell '得分 8.7' is merged down from grid row 1 (rules lost): its "
        "line(s) in the head row read as the head of score, those below as its values"
    ) in problems
