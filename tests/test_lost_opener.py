"""A header whose opener label OCR lost with its label column (dev3 lg_20560: the page-1 table
prints the project's name alone across its first row, then 主管部门's value | 实施单位 | its value;
the next page the rest of the header and the grid): opened as the form its labels are, the
name taken from where the form prints it, noted; never from a continuation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.forms import read_document
from flows.models import PageGrid
from tests.test_forms import HEADER, INDICATORS, TITLE, lines_of, page, table, values

CUT_HEADER = [
    ["疫苗接种工作经费", None, None],
    ["某卫生健康委员会(250560)", "实施单位：", "某医院"],
]
REST = [*(r[:4] for r in HEADER[2:6]), ["年度总体目标", "目标", "", ""], *INDICATORS]


def ocr(grid: PageGrid) -> PageGrid:
    return replace(grid, has_text_layer=False)


def test_a_header_without_its_opener_opens_the_form_its_labels_are() -> None:
    pages = [
        ocr(page(1, table(CUT_HEADER, {(0, 0): (1, 3)}), lines=TITLE)),
        ocr(page(2, table(REST))),
    ]
    (form,), problems = read_document(pages)
    got = values(form)
    assert form.form == "project_target"
    assert (got["project_name"], got["implementing_unit"]) == ("疫苗接种工作经费", "某医院")
    assert (got["total_funds"], got["project_attribute"]) == ("15", "0101-一年期项目")
    assert lines_of(form) == [("产出指标", "数量指标", "培训人次", "≥200人次")]
    assert (form.fields["project_name"].page, form.fields["project_name"].row) == (1, 0)
    assert problems == [
        "page 1: header cell '某卫生健康委员会(250560)' is not a label of the project_target "
        "form description; not read",
        "page 1: a header printing no opener (its label column lost with its rules) but the "
        "labels 实施单位： of a project_target: opened, its opener's value the cell "
        "'疫苗接种工作经费' (row 0, column 0), alone on the row above them where the form "
        "prints it",
    ]


def test_no_form_is_opened_from_a_text_layer_or_a_header_continuing_the_open_one() -> None:
    """A text layer loses no label column; a page-2 table with a name-like first row under an
    open header (no grid read yet) continues that header and opens nothing."""
    (none, problems) = read_document([page(1, table(CUT_HEADER, {(0, 0): (1, 3)}), lines=TITLE)])
    assert none == [] and "a table of another kind (2×3)" in problems[0]
    opened = [["项目名称", "测试项目", "", ""], ["主管部门", "某部门", "", ""]]
    pages = [
        ocr(page(1, table(opened), lines=TITLE)),
        ocr(
            page(2, table([["另一行", None, None, None], *REST[:5], *INDICATORS], {(0, 0): (1, 4)}))
        ),
    ]
    (form,), problems = read_document(pages)
    assert values(form)["project_name"] == "测试项目"
    assert not any("printing no opener" in p for p in problems)


def test_no_form_is_opened_when_the_row_above_the_labels_prints_two_cells() -> None:
    rows = [["名称甲", "名称乙", ""], ["某卫生健康委员会", "实施单位：", "某医院"]]
    forms, problems = read_document([ocr(page(1, table(rows), lines=TITLE))])
    assert forms == [] and "a table of another kind (2×3)" in problems[-1]


def read_ocr(rows: list[list[str | None]]) -> tuple[list, list[str]]:
    width = max(len(r) for r in rows)
    grid = [r + [""] * (width - len(r)) for r in [["年度资金总额", "10", "", ""], *INDICATORS]]
    return read_document([ocr(page(1, table([*rows, *grid]), lines=TITLE))])


@pytest.mark.parametrize("cut", ["项目名", "目名称"])
def test_an_opener_cut_short_that_no_other_label_starts_or_ends_with_opens_its_form(
    cut: str,
) -> None:
    """lg_20615.jpg: `项目名`, the label column cut at its right edge; dev3 lg_25921: `目名称`,
    the label column's first glyphs lost."""
    (form,), problems = read_ocr([[cut, "培训项目", "", ""], ["实施单位", "某中心", "", ""]])
    assert (values(form)["project_name"], values(form)["implementing_unit"]) == (
        "培训项目",
        "某中心",
    )
    assert problems == [
        f"page 1: header cell '{cut}' (row 0, column 0) read as the opener 项目名称: cut short, "
        "and no other label or heading of any form starts or ends so"
    ]


def test_a_cut_of_two_glyphs_or_two_cut_openers_open_nothing() -> None:
    """`项目` begins 项目属性 and 项目资金 too; two cells cut to an opener are not one header.
    `名称` ends every opener, so it is not spelt whole as one; beside its value over two of a
    project form's labels it is that form's opener label with a line lost (`opener_piece`)."""
    assert read_ocr([["项目", "培训项目", "", ""], ["实施单位", "某中心", "", ""]])[0] == []
    assert read_ocr([["项目名", "甲", "", ""], ["项目名", "乙", "", ""]])[0] == []
    (form,), problems = read_ocr([["名称", "培训项目", "", ""], ["实施单位", "某中心", "", ""]])
    assert values(form)["project_name"] == "培训项目"
    assert not any("read as the opener" in p for p in problems)
    assert any("its label read only as '名称', a piece of its opener" in p for p in problems)


def _piece_header(piece: str) -> PageGrid:
    """A scanned target table whose 项目名称 cell OCR read only as `piece` (the label wrapped
    over two lines of its narrow cell, one line faded away: dev8 lg_72068 `称`)."""
    rows = [[piece, "测试项目", "", "", ""], *(r[:5] for r in HEADER[1:])]
    rows.append(["绩效指标", "产出指标", "数量指标", "召开会议", "5 次"])
    return ocr(page(1, table(rows), lines=TITLE))


def test_an_opener_label_read_only_as_a_piece_of_it_opens_the_form_said() -> None:
    (form,), problems = read_document([_piece_header("称")])
    got = values(form)
    assert (got["project_name"], got["implementing_unit"]) == ("测试项目", "某单位")
    assert lines_of(form) == [("产出指标", "数量指标", "召开会议", "5 次")]
    assert not any("header cell '称'" in p for p in problems)
    assert any(
        "(its label read only as '称', a piece of its opener)" in p
        and "the cell '测试项目' (row 0, column 1), beside the piece" in p
        for p in problems
    )


@pytest.mark.parametrize("piece", ["说明", "名称甲", "项目名称"[::-1]])
def test_a_cell_beside_the_value_that_is_no_piece_of_the_opener_opens_nothing(piece: str) -> None:
    """Words that are no edge of 项目名称 beside the value: not the opener's label, so the row
    is no opener's (two cells, one of them unexplained), and no form opens."""
    forms, _ = read_document([_piece_header(piece)])
    assert forms == []
