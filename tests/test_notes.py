"""Problem notes withdrawn by what they are about, never by their wording (flows/forms/notes.py):
a heading cell's note by its page, table, row and column; the notes about a form by the form;
the first heading's note on a cell whose column a repeated heading named, once the lines before
were read from there. Also the one list of funds units and the one OCR review threshold the
readers share."""

from __future__ import annotations

import pickle

from flows.forms import read_document
from flows.forms.columns import read_columns, unread_heading
from flows.forms.header import UNIT_LINE_RE, _unit_wrapped_below, completes_cut_label
from flows.forms.labels import OPEN_UNIT_RE, UNIT_TAIL_RE, label_alternatives, unit_of
from flows.forms.notes import Note, about, keys_of, withdraw
from flows.forms.outside import GROUP_UNITS
from flows.forms.provenance import Where
from flows.forms.reader import _finish
from flows.forms.spec import FORMS, FUNDS_UNITS, PROJECT_TARGET
from flows.forms.state import OpenForm, form_note
from flows.models import Cell, SourcedValue, Table
from tests.test_forms import SE_TITLE, ocr_page, page, table
from tests.test_selfeval_pages import FIRST, HEAD, REST

# ---------------------------------------------------------------- notes and keys


def test_a_note_carries_its_keys_through_pickling_and_about_adds_one() -> None:
    note = about(Note("page 1: x", ("score", 1)), "form")
    assert note == "page 1: x" and keys_of(note) == (("score", 1), "form")
    back = pickle.loads(pickle.dumps(note))  # the page workers send problems back so
    assert isinstance(back, Note) and keys_of(back) == (("score", 1), "form")
    assert keys_of("page 1: plain") == ()


def test_withdraw_takes_out_the_notes_carrying_the_key_and_no_note_worded_alike() -> None:
    problems = [Note("page 1: a", "k", "j"), "page 1: a", Note("page 1: a", "other")]
    withdraw(problems, "j")
    assert [keys_of(p) for p in problems] == [(), ("other",)]


# ---------------------------------------------------------------- heading cells


def _heading(*heads: str) -> Table:
    return table([list(heads), ["产出指标", "数量指标", "召开会议", "5 次"]])


def test_a_heading_note_is_withdrawn_by_its_cell_not_by_notes_quoting_its_text() -> None:
    """一级指标 misread past recognition (壹級指標) is taken beside 二级指标; its note goes, a
    header note quoting the same text stays, and so does the note on the cell at the same row
    and column of another table on the page."""
    grid = _heading("壹級指標", "二级指标", "三级指标", "指标值")
    p = page(1, grid, grid)
    quoting = "page 1: header cell '壹級指標' is not a label of the project_target form description"
    other_table = Note(
        "page 1: column heading '壹級指標' …", unread_heading(Where(p, grid, 0), grid.cells[0])
    )
    problems: list[str] = [quoting, other_table]
    columns = read_columns(grid, 0, 1, PROJECT_TARGET, Where(p, grid, 1), problems)
    assert columns.by_field["level1"] == 0
    assert problems == [quoting, other_table]
    assert keys_of(problems[1]) == (("column heading not read", 1, 0, 0, 0),)


def test_a_heading_cell_read_as_no_head_is_kept_with_its_notes_key_and_place() -> None:
    grid = _heading("一级指标", "二级指标", "三级指标", "指标值", "附注")
    grid = Table(2, 5, [c for c in grid.cells if c.row == 0], (0, 0, 5, 2), "t")
    p = page(2, grid)
    problems: list[str] = []
    columns = read_columns(grid, 0, 1, PROJECT_TARGET, Where(p, grid, 0), problems)
    assert problems == [
        "page 2: column heading '附注' is not in the project_target form description; its values "
        "are not read"
    ]
    key = ("column heading not read", 2, 0, 0, 4)
    assert keys_of(problems[0]) == (key,)
    assert columns.unread == {key: (0.8, 1.0)}
    assert columns.unread_under([(0.7, 0.85)]) == [] and columns.unread_under([(0.85, 1)]) == [key]
    moved = Table(2, 5, [c for c in grid.cells], (0, 10, 5, 12), "t")
    assert columns.on(moved).unread == columns.unread  # a page the grid goes on to keeps them


def test_a_repeated_heading_withdraws_the_first_headings_note_only_under_a_column_it_read() -> None:
    """The first heading lost 分值 (blank) and 得分 (read `A`) and prints a column the form does
    not know (附注); the repeated heading names 分值 and 得分 and the line before is read from
    its cells there: the note on `A` is answered, the notes on 附注 are not (dev lg_4718_自评:
    '多原因分析及改进措施' and 'A' left saying their values were not read)."""
    first = [[*r, ""] for r in FIRST]
    first[3] = [*HEAD[:5], "", "A", "附注"]
    first[4] = [*FIRST[4], "说明"]
    rest = [[*HEAD, "附注"], *([*r, ""] for r in REST[:2]), [*REST[2], ""]]
    (form,), problems = read_document_pages(first, rest)
    assert [line.extra["score"].value for line in form.indicators] == ["34.44", "30", "19"]
    assert problems == [
        "page 1: column heading '附注' is not in the project_self_eval form description; its "
        "values are not read",
        "page 2: column heading '附注' is not in the project_self_eval form description; its "
        "values are not read",
        "page 2: the grid's heading repeated here names the column(s) weight, score its first "
        "heading did not (OCR lost them there): the lines from here on read them; 1 line(s) "
        "before read them from their cells standing where it prints them",
    ]


def read_document_pages(first: list[list[str]], rest: list[list[str]]) -> tuple[list, list[str]]:
    """A self-evaluation whose grid goes on, its heading repeated, on a second OCR page."""
    return read_document(
        [
            ocr_page(1, table(first), lines=SE_TITLE),
            ocr_page(2, table(rest, {(3, 0): (1, 5)})),
        ]
    )


# ---------------------------------------------------------------- a form not loaded


def test_a_form_not_loaded_withdraws_the_notes_about_it_whatever_it_was_called() -> None:
    """Its notes are withdrawn by the form, though it was called by its form name before its
    department was read and by the department after; a note of another reading that quotes
    the same department is no note about it and stays."""
    form = OpenForm(spec=PROJECT_TARGET, fields={}, first_page=1)
    problems: list[str] = [form_note(form, 1, "grid cell 'x' spans 2 rows")]
    form.fields["department_name"] = SourcedValue("某单位", page=1)
    problems.append(form_note(form, 1, "召开会议: its score 6 is above its weight 5"))
    problems.append("page 1: 某单位: a note of another reading")
    assert problems[0].startswith("page 1: project_target: ")
    forms: list = []
    _finish(form, forms, problems)
    assert forms == []
    assert problems == [
        "page 1: 某单位: a note of another reading",
        "page 1: a project_target table (某单位) whose 项目名称 could not be read: not loaded "
        "(0 indicator lines)",
    ]


# ---------------------------------------------------------------- one list, one number


def test_every_reading_of_a_funds_unit_takes_the_descriptions_units() -> None:
    labels = label_alternatives(FORMS[1])
    for unit in FUNDS_UNITS:
        assert unit_of(f"项目资金({unit})") == unit
        assert UNIT_TAIL_RE.search(f"项目资({unit})")[1] == unit  # type: ignore[index]
        assert UNIT_LINE_RE.search(f"单位：{unit}")[1] == unit  # type: ignore[index]
        assert completes_cut_label("项目资金", f"({unit})", labels)
        assert f"（{unit}）" in GROUP_UNITS
        for n in range(len(unit)):
            assert OPEN_UNIT_RE.search(f"项目资金({unit[:n]}")
    assert not completes_cut_label("项目资金", "(万美元)", labels)
    assert OPEN_UNIT_RE.search("项目资金(美") is None


def test_an_open_unit_annotation_is_the_one_unit_it_begins() -> None:
    cell = Cell(row=0, col=0, text="项目资金(万", bbox=(0, 0, 1, 1))
    grid = Table(1, 2, [cell], (0, 0, 2, 1), "t")
    assert _unit_wrapped_below(grid, cell, "(万", 1) == ("万元", None)
    assert _unit_wrapped_below(grid, cell, "(", 1) == ("", None)  # 万元 or 元: not said
    below = Cell(row=1, col=0, text="元)", bbox=(0, 1, 1, 2))
    grid = Table(2, 2, [cell, below], (0, 0, 2, 2), "t")
    assert _unit_wrapped_below(grid, cell, "(万", 2) == ("万元", below)
