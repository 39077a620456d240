"""A number a text-layer cell was too narrow to print on one line (`4.` | `2` | `5` in a 21 pt
score column, dev3 lg_24613_自评): read whole with a note, where numbers stacked in a cell wide
enough to print them side by side stay two."""

from __future__ import annotations

from flows.extract.base import Glyph, fill_table

# one row: a label cell 60 pt wide (its text 4 pt off its left rule: the table's padding), then
# the cell under test
SPANS = [(0, 0, 1, 1), (0, 1, 1, 1)]
ROWS = [0.0, 60.0]


def digits(lines: list[str], x: float) -> list[Glyph]:
    """Each line's glyphs from `x`, 5.5 pt wide and 1 pt apart, lines 10 pt apart."""
    out = []
    for i, line in enumerate(lines):
        left = x
        for ch in line:
            out.append(Glyph(ch, (left, 5.0 + 10 * i, left + 5.5, 12.6 + 10 * i)))
            left += 6.5
    return out


def read(lines: list[str], width: float, label: str = "得分") -> tuple[str, list[str]]:
    """The cell's text and the notes, the cell `width` pt wide, the cell before it `label`."""
    label_glyphs = [
        Glyph(ch, (4.0 + 11 * i, 5.0, 14.0 + 11 * i, 15.0)) for i, ch in enumerate(label)
    ]
    notes: list[str] = []
    table, _ = fill_table(
        SPANS, ROWS, [0.0, 60.0, 60.0 + width], label_glyphs + digits(lines, 64.0), "camelot", notes
    )
    return table.cells[1].text, notes


def test_a_number_too_wide_for_its_cell_is_read_whole() -> None:
    assert read(["4.", "2", "5"], 20.6) == (
        "4.25",
        [
            "cell (row 1, column 2): '4. | 2 | 5' is one number too wide for its cell (20.6 pt) "
            "to print on a line: read as '4.25'"
        ],
    )
    assert read(["9", "6.", "5", "5"], 20.6)[0] == "96.55"
    assert read(["10", "0"], 22.3)[0] == "100"


def test_numbers_a_cell_could_print_side_by_side_stay_two() -> None:
    # 100 and 95 take 28.5 pt of ink: a 60 pt cell (52 pt inside its padding) holds them on a line
    assert read(["100", "95"], 60.0) == ("100 95", [])
    # one line, or lines that are no number together (`4.2.5`), or a word: as before
    assert read(["4.25"], 30.0) == ("4.25", [])
    assert read(["4.2", ".5"], 20.6) == ("4.2.5", [])
    assert read(["12", "人"], 20.6) == ("12人", [])


def test_a_digit_is_as_wide_as_the_tables_digits_are_apart() -> None:
    """`1` over `0` (a weight 10 in a 19.4 pt column): a `1`'s ink is narrow, but a printer sets
    it as wide as any digit. The table's digits elsewhere stand 11 pt apart (`12` in the cell
    before), so 10 takes 22 pt, more than the 11.4 inside the padding."""
    narrow = [Glyph("1", (66.0, 5.0, 68.0, 12.6)), Glyph("0", (64.0, 15.0, 69.5, 22.6))]
    label = [Glyph(ch, (4.0 + 11 * i, 5.0, 9.5 + 11 * i, 12.6)) for i, ch in enumerate("12")]
    notes: list[str] = []
    table, _ = fill_table(SPANS, ROWS, [0.0, 60.0, 79.4], label + narrow, "camelot", notes)
    assert table.cells[1].text == "10"
    assert len(notes) == 1
    # no digits side by side anywhere in the table: each digit its ink, 11 pt, which fits
    assert read(["1", "0"], 19.4) == ("1 0", [])


def test_a_blank_glyph_ending_a_wrapped_line_is_no_print() -> None:
    """A text layer may end a wrapped line with a zero-width space (`7. ` | `7` | `5`, a score
    7.75 in a 19.4 pt column, dev4 lg_36206_自评): the space is no glyph of the number, so the
    lines are read whole as any broken number; a space inside a line still keeps them apart."""
    glyphs = digits(["7.", "7", "5"], 64.0)
    space = Glyph(" ", (77.0, 12.6, 77.0, 12.6))  # where the line `7.` ends, no ink
    notes: list[str] = []
    table, _ = fill_table(SPANS, ROWS, [0.0, 60.0, 79.4], glyphs + [space], "camelot", notes)
    assert table.cells[1].text == "7.75"
    assert notes == [
        "cell (row 1, column 2): '7. | 7 | 5' is one number too wide for its cell (19.4 pt) "
        "to print on a line: read as '7.75'"
    ]
    assert read(["1 0", "0"], 22.3) == ("1 0 0", [])
    # a line of a blank glyph alone under a number is no second line: nothing is joined
    alone = digits(["100"], 64.0) + [Glyph(" ", (64.0, 15.0, 64.0, 22.6))]
    notes.clear()
    table, _ = fill_table(SPANS, ROWS, [0.0, 60.0, 82.3], alone, "camelot", notes)
    assert (table.cells[1].text, notes) == ("100", [])
