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


def read(lines: list[str], width: float) -> tuple[str, list[str]]:
    """The cell's text and the notes, the cell `width` pt wide."""
    label = [Glyph(ch, (4.0 + 11 * i, 5.0, 14.0 + 11 * i, 15.0)) for i, ch in enumerate("得分")]
    notes: list[str] = []
    table, _ = fill_table(
        SPANS, ROWS, [0.0, 60.0, 60.0 + width], label + digits(lines, 64.0), "camelot", notes
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
