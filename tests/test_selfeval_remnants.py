"""A worn rule OCR read as a character and ran into the line beside it (`1 10` where a funds
row's 全年执行数 | 分值 rule was lost): the mark is the line's first (last) word and the line's
box starts (ends) on the lost rule (flows/forms/celllines.py: `edge_remnant`)."""

from __future__ import annotations

from flows.forms.celllines import edge_remnant, is_remnant, read_cell
from flows.models import Cell, CellLine, Table

LINE = CellLine("1 10", (1024.0, 569.0, 1115.0, 607.0))


def test_a_mark_starting_a_line_on_a_lost_rule_is_dropped() -> None:
    split = edge_remnant(LINE, [1026.0], 28.0)
    assert split is not None
    rest, mark = split
    assert (rest.text, mark.text) == ("10", "1")
    assert rest.bbox[0] > 1026.0 and rest.bbox[2] == 1115.0


def test_a_mark_ending_a_line_on_a_lost_rule_is_dropped() -> None:
    split = edge_remnant(CellLine("10 1", (937.0, 569.0, 1028.0, 607.0)), [1026.0], 28.0)
    assert split is not None and (split[0].text, split[1].text) == ("10", "1")


def test_words_off_the_rule_or_printed_text_are_kept() -> None:
    assert edge_remnant(LINE, [980.0], 28.0) is None  # the line starts well off the rule
    assert edge_remnant(CellLine("万 10", LINE.bbox), [1026.0], 28.0) is None  # CJK is text
    assert edge_remnant(CellLine("110", LINE.bbox), [1026.0], 28.0) is None  # one word
    assert edge_remnant(CellLine("12.5 10", LINE.bbox), [1026.0], 28.0) is None  # a number


def test_a_merged_funds_cell_is_cut_without_the_rule_read_as_a_digit() -> None:
    """全年执行数 and 分值 of one funds row in one cell: the rule between them (printed by the
    heads above) was lost and read as `1` at the start of the 分值 line."""
    heads = [
        Cell(0, 0, "全年执行数", (883.0, 461.0, 1026.0, 560.0)),
        Cell(0, 1, "分值", (1026.0, 461.0, 1169.0, 560.0)),
    ]
    lines = (CellLine("6.28", (926.0, 586.0, 984.0, 607.0)), LINE)
    merged = Cell(1, 0, "6.28 1 10", (883.0, 560.0, 1169.0, 626.0), colspan=2, lines=lines)
    table = Table(2, 2, [*heads, merged], (883.0, 461.0, 1169.0, 626.0), "ocr")
    got = read_cell(table, merged, 28.0)
    assert got is not None
    assert [p.text for p in got.parts] == ["6.28", "10"]
    assert [ln.text for ln in got.remnants] == ["1"]


def test_two_characters_in_a_box_stretched_along_a_rule_are_text() -> None:
    """`总分` whose OCR box ran along the row rule above it (628 px wide for two characters,
    58 high): a streak on the rule by its box, but characters of several strokes are printed
    text, never a rule's mark; `一` or `|` in the same box is the rule's remnant."""
    cell = Cell(3, 1, "总分", (367.0, 543.0, 1528.0, 603.0), colspan=7)
    box = (653.0, 544.0, 1281.0, 602.0)
    assert not is_remnant(CellLine("总分", box), cell, [], 28.0)
    assert is_remnant(CellLine("一", box), cell, [], 28.0)
    assert is_remnant(CellLine("|", box), cell, [], 28.0)
