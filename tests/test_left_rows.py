"""An open grid's last line(s) a page break left alone at the top of an OCR page where no ruled
table was found (flows/forms/leftrows.py, reader `_left_rows_in_free_lines`; dev5 lg_48772 p2,
lg_48820 p2): read as the grid's lines by its heading's columns, or said in a note naming the
page and the text, never left out silently."""

from __future__ import annotations

from flows.forms import read_document
from flows.models import PageStatus, TextLine
from tests.test_forms import HEADER, TITLE, lines_of, ocr_page, table

FIRST = [
    *HEADER,
    ["绩效指标", "产出指标", "数量指标", "召开会议", "5 次"],
    [None, "满意度指标", "服务对象满意度指标", "参会满意度", "≥95%"],
]
# the heading 名称 | 一级指标 | 二级指标 | 三级指标 | 指标值 stands in columns 0..4 (x 0..5)
SPANS = {(3, 0): 3, (8, 0): 2}
HEIGHT = 0.05  # a text line's height, in the tables' units (one column is 1 wide)


def _first_page():
    return ocr_page(1, table(FIRST, SPANS), lines=TITLE)


def _free_page(n: int, *lines: tuple[str, float, float]):
    """An OCR page with no table, its free lines (text, x0, x1) one under another."""
    p = ocr_page(n)
    p.status = PageStatus.NO_TABLE
    p.lines = [
        TextLine(text, (x0, 0.2 * i, x1, 0.2 * i + HEIGHT), 0.5)
        for i, (text, x0, x1) in enumerate(lines)
    ]
    return p


def test_a_whole_line_alone_on_the_next_page_is_read_by_the_heading_s_columns() -> None:
    """Dev5 lg_48772 p2: OCR read the leftover row as ONE free line across its four cells."""
    line = "满意度指标 服务对象满意度指标 群众满意度 90%"
    (form,), problems = read_document([_first_page(), _free_page(2, (line, 1.1, 4.9))])
    assert lines_of(form) == [
        ("产出指标", "数量指标", "召开会议", "5 次"),
        ("满意度指标", "服务对象满意度指标", "参会满意度", "≥95%"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "90%"),
    ]
    last = form.indicators[-1]
    assert (last.name.page, last.target.page, last.target.confidence) == (2, 2, 0.5)
    assert problems == [
        "page 2: 测试项目: 1 indicator line(s) printed under no ruled table found (a page "
        "break's leftover of the grid) read as the grid's lines by the columns of its heading: "
        f"{line!r}"
    ]


def test_a_name_and_value_alone_take_the_labels_of_the_line_before() -> None:
    """Dev5 lg_48820 p2: the merged 一级/二级 cells printed on the page before; the leftover
    line prints its name and value only (here two lines, one per cell), two lines of them."""
    page = _free_page(2, ("群众满意度", 3.1, 3.6), ("社会公众满意度", 3.1, 3.8))
    page.lines += [
        TextLine("90%", (4.2, 0.0, 4.4, HEIGHT), 0.5),
        TextLine("≥88%", (4.2, 0.2, 4.4, 0.2 + HEIGHT), 0.5),
    ]
    (form,), problems = read_document([_first_page(), page])
    assert lines_of(form)[2:] == [
        ("满意度指标", "服务对象满意度指标", "群众满意度", "90%"),
        ("满意度指标", "服务对象满意度指标", "社会公众满意度", "≥88%"),
    ]
    assert len(problems) == 1 and problems[0].startswith("page 2: 测试项目: 2 indicator line(s)")


def test_text_no_column_places_is_said_naming_the_page_and_never_appended() -> None:
    """A name without the value the grid's rows are anchored by: no line is made up of it."""
    (form,), problems = read_document([_first_page(), _free_page(2, ("群众满意度", 3.1, 3.6))])
    assert len(form.indicators) == 2
    assert problems == [
        "page 2: 测试项目: text printed under no ruled table found after the grid, not read as "
        "its line (no column of its heading places it): '群众满意度'"
    ]


def test_a_title_and_a_page_number_are_no_leftover_lines() -> None:
    """A new form's title ends what may be the open grid's (what follows is another form's);
    a page number is the page's furniture: neither is read nor noted."""
    pages = [
        _first_page(),
        _free_page(2, ("- 2 -", 2.4, 2.6)),
        _free_page(3, ("2025年项目支出绩效目标表", 1.5, 3.5), ("群众满意度 90%", 3.1, 4.4)),
    ]
    (form,), problems = read_document(pages)
    assert len(form.indicators) == 2
    assert problems == []


def test_a_text_layer_page_s_free_lines_are_not_read_so() -> None:
    """A text layer finds every ruled table: its free lines are not a lost grid's."""
    first = ocr_page(1, table(FIRST, SPANS), lines=TITLE)
    text = _free_page(2, ("满意度指标 服务对象满意度指标 群众满意度 90%", 1.1, 4.9))
    text.has_text_layer = True
    (form,), problems = read_document([first, text])
    assert len(form.indicators) == 2
    assert problems == []


def test_a_repeated_heading_is_no_line_and_a_wrapped_value_stays_one_line() -> None:
    """The heading repeated over the leftover line, its rules lost with the grid's: no line of
    the grid; a value wrapped in its cell (its second text line closer than a cell's padding)
    is one line's value, not two lines."""
    page = _free_page(2, ("一级指标 二级指标 三级指标 指标值", 1.2, 4.6))
    page.lines += [
        TextLine("群众满意度", (3.1, 0.3, 3.6, 0.3 + HEIGHT), 0.5),
        TextLine("≥90%（每年", (4.1, 0.27, 4.6, 0.27 + HEIGHT), 0.5),
        TextLine("测评)", (4.1, 0.33, 4.4, 0.33 + HEIGHT), 0.5),
    ]
    (form,), problems = read_document([_first_page(), page])
    assert lines_of(form)[2:] == [
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%（每年测评)"),
    ]
    assert problems == [
        "page 2: 测试项目: 1 indicator line(s) printed under no ruled table found (a page "
        "break's leftover of the grid) read as the grid's lines by the columns of its heading: "
        "'≥90%（每年'; '群众满意度'; '测评)'"
    ]
