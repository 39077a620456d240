"""camelot + pypdfium2 on the rendered seed: exact cells, the left-rule glue, pages needing OCR."""

from __future__ import annotations

from pathlib import Path

import camelot
import pytest
from reportlab.pdfgen.canvas import Canvas

from flows.extract.documents import extract_document
from flows.extract.textlayer import CamelotLatticeExtractor
from flows.forms import read_forms
from flows.models import PageStatus
from tests.conftest import SEED_PDF


@pytest.fixture(scope="module")
def first_page():
    return CamelotLatticeExtractor().extract_page(str(SEED_PDF), 1)


def texts(table) -> dict[tuple[int, int], str]:
    return {(c.row, c.col): c.text for c in table.cells}


def test_value_printed_on_the_left_rule_stays_in_its_cell(first_page) -> None:
    # camelot's own text assignment glues 075001 onto the label cell: the failure we guard against
    df = camelot.read_pdf(str(SEED_PDF), pages="1", flavor="lattice", backend="pdfium")[0].df
    assert (df.iloc[1, 0].replace(" ", ""), df.iloc[1, 1]) == ("主管部门及代码075001", "")
    cells = texts(first_page.tables[0])
    assert cells[(1, 0)] == "主管部门及代码"
    assert cells[(1, 1)] == "075001"


def test_merged_cells_and_wrapped_text(first_page) -> None:
    (table,) = first_page.tables
    assert (table.n_rows, table.n_cols) == (9, 5)
    funds_label = table.at(4, 0)
    assert (funds_label.text, funds_label.row, funds_label.rowspan) == ("项目资金 (万元)", 3, 3)
    assert table.at(0, 3).text == "创新社会治理、国家安全、反邪教工作经费"  # spans cols 1-4
    assert texts(table)[(8, 2)] == "数量指标 (必填硬性指"  # wraps over two printed lines
    assert texts(table)[(6, 1)] == (
        "维护国家政治安全、人民安全、防范处理邪教问题, 维护铁路安全、运营, 化解信访积案。"
    )
    assert [line.text for line in first_page.lines] == [
        "附件 2：中国共产党平罗县委员会政法委员会项目支出预算绩效目标表",
        "部门项目支出预算绩效目标表",
        "(2024 年度)",
    ]
    assert all(c.confidence == 1.0 for c in table.cells)


def test_page_without_text_layer_goes_to_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    canvas = Canvas(str(path), invariant=1)
    canvas.rect(72, 500, 400, 200)  # a ruled box but no characters: what a scan looks like
    canvas.showPage()
    canvas.save()
    grid = CamelotLatticeExtractor().extract_page(str(path), 1)
    assert (grid.status, grid.has_text_layer, grid.tables) == (PageStatus.NEEDS_OCR, False, [])
    doc = read_forms(extract_document(path, tmp_path))
    (page,) = doc.pages  # recorded, and read by OCR instead of dropped
    assert (page.has_text_layer, page.extractor, page.bbox_unit) == (False, "rapidocr", "px")
    assert [(t.n_rows, t.n_cols) for t in page.tables] == [(1, 1)]
    assert doc.errors == [
        (
            "parse",
            "no 绩效目标表 found in 1 page(s); "
            "page 1: a table of another kind (1×1); not read as a 绩效目标表 or 自评表, and "
            "not appended to another table",
        )
    ]


def test_thousands_separators_below_the_digits_centre_stay_on_their_line(tmp_path: Path) -> None:
    """A comma's box hangs below the baseline: by centres it sat more than half a glyph height
    from the digits and became a second line (`17464243,,`); by vertical overlap it stays."""
    from tests.fixtures.scans import CellSpec, PageSpec, render_pdf

    cells = [CellSpec(0, 0, "年度资金总额"), CellSpec(0, 1, "17,464,243")]
    cells += [CellSpec(1, 0, "其中：财政拨款"), CellSpec(1, 1, "1,234.50万元、经费")]
    pdf = render_pdf(tmp_path / "commas.pdf", [PageSpec([], [100, 100], [26, 26], cells)])
    grid = CamelotLatticeExtractor().extract_page(str(pdf), 1)
    assert texts(grid.tables[0]) == {
        (0, 0): "年度资金总额",
        (0, 1): "17,464,243",
        (1, 0): "其中：财政拨款",
        (1, 1): "1,234.50万元、经费",
    }


def test_a_comma_set_low_by_its_font_stays_with_its_digits() -> None:
    """Fonts differ in how low they set the comma: digits from 203 to the baseline 210, commas
    from 208.8 down to 212.2 (a centre 4 below the digits', more than half their height), as in
    the published PDF that came out `17464243,,`."""
    from flows.extract.base import Glyph, cell_text, group_lines

    glyphs, x = [], 100.0
    for ch in "17,464,243":
        box = (x, 208.8, x + 2.0, 212.2) if ch == "," else (x, 203.0, x + 5.0, 210.0)
        glyphs.append(Glyph(ch, box))
        x = box[2] + 0.5
    assert cell_text(group_lines(glyphs))[0] == "17,464,243"


def test_wrapped_lines_and_baseline_punctuation_keep_their_order() -> None:
    """Two wrapped lines with a 、 and a ， on each: the marks stay on their own line and the
    lines stay apart (12 pt leading, 10 pt glyphs)."""
    from flows.extract.base import Glyph, group_lines, line_text

    def line(text: str, top: float) -> list[Glyph]:
        out = []
        for i, ch in enumerate(text):
            low = ch in "、，"  # these marks sit in the lower half of the em box
            y0, y1 = (top + 6.0, top + 9.5) if low else (top, top + 9.0)
            box = (10.0 * i, y0, 10.0 * i + 10, y1)
            out.append(Glyph(ch, box))
        return out

    lines = group_lines(line("宣传、教育，", 100.0) + line("氛围、营造", 112.0))
    assert [line_text(ln) for ln in lines] == ["宣传、教育，", "氛围、营造"]


def test_a_row_rule_starting_at_a_column_rule_camelot_placed_off_parts_its_rows(
    tmp_path: Path,
) -> None:
    """Dev layout seed 4779's self-evaluation page 2: the funds block above the grid draws its
    inner rule 1.9 pt right of the grid's (2-pt rules), camelot merges both into one column edge,
    and with its default joint_tol (2) the grid's row rules that start at the grid's own rule
    were dropped: 指标11 and 指标12 (and their values) came out as one cell."""
    from bench.layoutgen.generate import generate

    generate(4779, tmp_path)
    pdf = next(tmp_path.rglob("lg_4779_自评.pdf"))
    tables = CamelotLatticeExtractor().extract_page(str(pdf), 2).tables
    names = [c.text for t in tables for c in t.cells if c.text.startswith("指标1")]
    assert any(n.startswith("指标11") for n in names)
    assert not [n for n in names if "指标12" in n and not n.startswith("指标12")]


@pytest.mark.parametrize("bars", [False, True], ids=["stroked", "filled-bars"])
def test_a_rule_a_few_points_off_the_column_rule_below_cuts_no_empty_sliver(
    tmp_path: Path, bars: bool
) -> None:
    """Dev text seed 4623: the funds row's rule stands 2.9 pt right of the indicator grid's column
    rule below it. camelot gives a rule to the first column edge within joint_tol, so the funds
    rule also marked the grid's edge and an empty sliver cell stood between 年度本级预算金额 and
    6.21: the funds were not read. Each rule the page draws now goes to its nearest edge,
    stroked or drawn as a thin filled bar (as spreadsheet exports draw borders)."""
    path = tmp_path / "sliver.pdf"
    canvas = Canvas(str(path), invariant=1)
    canvas.setLineWidth(1.25)

    def rule(x0: float, y0: float, x1: float, y1: float) -> None:
        if not bars:
            canvas.line(x0, y0, x1, y1)
        elif x0 == x1:
            canvas.rect(x0 - 0.625, min(y0, y1), 1.25, abs(y1 - y0), stroke=0, fill=1)
        else:
            canvas.rect(min(x0, x1), y0 - 0.625, abs(x1 - x0), 1.25, stroke=0, fill=1)

    left, right, tops = 100.0, 500.0, [700.0, 670.0, 650.0, 630.0]
    for y in tops:
        rule(left, y, right, y)
    rule(left, tops[0], left, tops[-1])
    rule(right, tops[0], right, tops[-1])
    rule(150, tops[0], 150, tops[-1])
    rule(259.1, tops[0], 259.1, tops[1])  # the funds row's own rule
    rule(256.2, tops[1], 256.2, tops[-1])  # the grid's column rule below
    rule(390, tops[1], 390, tops[-1])
    canvas.setFont("Helvetica", 10)
    for x, y, text in [
        (105, 682, "Funds"),
        (155, 682, "Budget"),
        (265, 682, "6.21"),
        (105, 657, "Name"),
        (155, 657, "Level"),
        (262, 657, "Indicator"),
        (395, 657, "Target"),
        (105, 637, "Row"),
        (155, 637, "Output"),
        (262, 637, "Count"),
        (395, 637, ">=5"),
    ]:
        canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    (table,) = CamelotLatticeExtractor().extract_page(str(path), 1).tables
    first_row = sorted((c.col, c.text) for c in table.cells if c.row == 0)
    assert [text for _, text in first_row] == ["Funds", "Budget", "6.21"]
    budget = next(c for c in table.cells if c.text == "Budget")
    value = next(c for c in table.cells if c.text == "6.21")
    assert budget.bbox[2] == value.bbox[0]
    assert abs(value.bbox[0] - 259.1) < 0.5  # at the funds row's rule, not the grid's
    below = sorted((c.row, c.col, c.text) for c in table.cells if c.row > 0)
    assert [t for *_, t in below] == ["Name", "Level", "Indicator", "Target"] + [
        "Row",
        "Output",
        "Count",
        ">=5",
    ]
    indicator = next(c for c in table.cells if c.text == "Indicator")
    assert abs(indicator.bbox[0] - 256.2) < 0.5


def test_the_funds_value_beside_its_label_on_a_page_whose_grid_rule_stands_close(
    tmp_path: Path,
) -> None:
    """Dev layout seed 4623 page 2 (the case above as generated): 年度本级预算金额 is followed
    by 6.21, no empty sliver cell between them."""
    from bench.layoutgen.generate import generate

    generate(4623, tmp_path)
    pdf = next(tmp_path.rglob("lg_4623.pdf"))
    (table,) = CamelotLatticeExtractor().extract_page(str(pdf), 2).tables
    label = next(c for c in table.cells if c.text == "年度本级预算金额")
    row = sorted((c.col, c.text) for c in table.cells if c.row == label.row)
    assert [text for _, text in row] == ["项目资金", "年度本级预算金额", "6.21"]
