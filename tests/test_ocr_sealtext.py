"""A dark seal's characters read as lines of their own in a cell (ocr.sealtext).

Geometry from dev lg_1677 p1 (a grey scan of a seal over faded print, 240 dpi): the seal
`find_seals` found at (1414.7, 1574.7), r 181; the lines the cells' ink bands gave."""

from __future__ import annotations

from ocr.engines import OcrLine
from ocr.sealtext import drop_seal_lines, seal_lines

SEAL = (1414.7, 1574.7, 181.0)


def _line(text: str, x0: float, y0: float, x1: float, y1: float) -> OcrLine:
    return OcrLine(text, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)), 1.0)


def test_a_seal_glyph_beside_a_name_is_dropped() -> None:
    lines = [_line("指标 4:验收合格率", 956, 1422, 1200, 1457), _line("委", 1317, 1425, 1379, 1479)]
    assert seal_lines(lines, [SEAL]) == [1]


def test_two_turned_seal_glyphs_before_a_value_are_dropped() -> None:
    # their upright box pokes past the ring at a corner (1.17 r): the glyphs' centre is on the band
    lines = [_line("政法", 1382, 1403, 1540, 1479), _line("98%", 1575, 1419, 1639, 1459)]
    assert seal_lines(lines, [SEAL]) == [0]


def test_a_paragraphs_line_on_the_circle_stays() -> None:
    # dev lg_5409_自评 p2 (seal (1206, 1195), r 159): `后；将` (0.69 r) is the middle line of a
    # printed reason, under its first line (boxes overlapping by 14 px where the seal's ink
    # joins them), print-high, starting at its margin
    seal = (1206.0, 1195.0, 159.0)
    first = _line("受天气尿响工期", 1196, 1135, 1413, 1184)
    lines = [first, _line("后；将", 1217, 1170, 1415, 1224)]
    assert seal_lines(lines, [seal]) == []
    # the same line on the first one's row is beside it: a seal's
    assert seal_lines([first, _line("后；将", 1217, 1140, 1415, 1189)], [seal]) == [1]
    # lower than print (a piece of a glyph: 0.48 times it) it is no line of the paragraph
    assert seal_lines([first, _line("后；将", 1217, 1175, 1415, 1198)], [seal]) == [1]


def test_a_line_off_the_paragraphs_margins_is_a_seals() -> None:
    # dev lg_916 p2 (seal (987, 900), r 159): `悉政必` (0.74 r) under a goal's last line,
    # print-high, but neither starting at its margin nor centred under it
    seal = (987.0, 900.0, 159.0)
    last = _line("保资金使用安全规范有效；3.提升农村群众满意度。", 524, 732, 1210, 774)
    assert seal_lines([last, _line("悉政必", 901, 765, 1064, 802)], [seal]) == [1]


def test_a_print_high_glyph_on_the_circle_beside_print_is_dropped() -> None:
    # dev lg_6317 p3 (seal (1204, 767), r 179): `平` at 0.76 r, 0.92 times the name's height,
    # on its row; the name centres at 0.33 r, off the text band
    seal = (1204.0, 767.0, 179.0)
    lines = [_line("平", 1053, 795, 1104, 840), _line("促进社会和谐稳定", 1096, 801, 1313, 850)]
    assert seal_lines(lines, [seal]) == [0]


def test_pieces_of_seal_glyphs_round_a_value_are_dropped() -> None:
    # dev lg_5847 p3 (seal (1316, 916), r 154): `X` (0.69 r, a piece, 0.48 times the value's
    # height) over the value's row right of it, `罗` (0.74 r) beside it on its row
    seal = (1316.0, 916.0, 154.0)
    lines = [
        _line("X", 1209, 855, 1237, 878),
        _line("≥80%", 1036, 882, 1142, 930),
        _line("罗", 1175, 873, 1234, 927),
    ]
    assert seal_lines(lines, [seal]) == [0, 2]
    # a line of the same short text off the glyph circle (the star's: 0.07 r) stays
    lines = [_line("≥80%", 1036, 882, 1142, 930), _line("罗", 1290, 890, 1340, 940)]
    assert seal_lines(lines, [seal]) == []


def test_four_characters_on_the_circle_beside_print_stay() -> None:
    # three characters are the most a seal's line reads (`MAX_CHARS`): a fourth makes it print
    seal = (1204.0, 767.0, 179.0)
    name = _line("促进社会和谐稳定", 1096, 801, 1313, 850)
    assert seal_lines([_line("平安法治", 1053, 795, 1104, 840), name], [seal]) == []
    assert seal_lines([_line("平安法", 1053, 795, 1104, 840), name], [seal]) == [0]


def test_no_print_off_the_band_to_measure_by_keeps_every_line() -> None:
    lines = [_line("委", 1317, 1425, 1379, 1479), _line("98%", 1330, 1480, 1380, 1500)]
    assert seal_lines(lines, [SEAL]) == []


def test_a_long_line_on_the_band_stays() -> None:
    lines = [
        _line("指标 4:验收合格率", 956, 1422, 1200, 1457),
        _line("有效带动", 1300, 1425, 1390, 1479),
    ]
    assert seal_lines(lines, [SEAL]) == []


def test_off_the_band_a_tall_short_line_stays() -> None:
    # the same tall `委` beside the star (0.2 r from the centre) is no text of the seal's band
    lines = [_line("指标 4:验收合格率", 956, 1422, 1200, 1457), _line("委", 1390, 1520, 1440, 1574)]
    assert seal_lines(lines, [SEAL]) == []


def test_drop_seal_lines_keeps_the_rest_in_order_and_returns_what_it_left_out() -> None:
    cells = [
        {
            3: [
                _line("指标 4:验收合格率", 956, 1422, 1200, 1457),
                _line("委", 1317, 1425, 1379, 1479),
            ],
            7: [_line("政法", 1382, 1403, 1540, 1479), _line("98%", 1575, 1419, 1639, 1459)],
            9: [_line("有效带动", 1540, 1691, 1674, 1735)],
        }
    ]
    out, left_out = drop_seal_lines(cells, [SEAL])
    assert {ci: [ln.text for ln in lines] for ci, lines in left_out[0].items()} == {
        3: ["委"],
        7: ["政法"],
    }
    assert {ci: [ln.text for ln in lines] for ci, lines in out[0].items()} == {
        3: ["指标 4:验收合格率"],
        7: ["98%"],
        9: ["有效带动"],
    }
    assert drop_seal_lines(cells, []) == (cells, [{}])


def test_a_lone_glyph_is_no_measure_of_print() -> None:
    # dev lg_1414 p1: a printed 改 the seal's stroke touched boxes 1.31x the lone 度 beside it
    seal = (580.07, 1843.13, 150.0)
    lines = [_line("改", 569, 1711, 602, 1753), _line("度", 707, 1748, 739, 1780)]
    assert seal_lines(lines, [seal]) == []
    # beside a line of print it is measured: a seal glyph 1.5x print's height goes
    lines = [_line("改", 569, 1711, 602, 1763), _line("满意度", 760, 1748, 850, 1783)]
    assert seal_lines(lines, [seal]) == [0]


def test_a_cell_carries_the_seal_lines_left_out_and_the_reader_says_so() -> None:
    """What `drop_seal_lines` left out rides on its cell (`cell_tables`) and `unmerge` reports
    it as one note; the cell's text is what OCR read of the print."""
    import numpy as np

    from flows.forms.celllines import unmerge
    from ocr.grid import GridCell, GridTable
    from ocr.page import cell_tables

    lines = [_line("政法", 1382, 1403, 1540, 1479), _line("98%", 1575, 1419, 1639, 1459)]
    kept, left_out = drop_seal_lines([{0: lines}], [SEAL])
    grid = GridTable(
        [1300.0, 1700.0], [1390.0, 1490.0], [GridCell(0, 0, 1, 1, (1300, 1390, 1700, 1490))]
    )
    gray = np.full((1600, 1800), 255, dtype=np.uint8)
    (table,) = cell_tables([grid], kept, gray, "rapidocr", left_out)
    (cell,) = table.cells
    assert cell.text == "98%"
    assert [(ln.text, ln.bbox) for ln in cell.seal_lines] == [
        ("政法", (1382.0, 1403.0, 1540.0, 1479.0))
    ]
    read, (u,) = unmerge(table, range(0, 1))
    assert [(c.text, c.seal_lines) for c in read.cells] == [("98%", ())]
    assert u.note() == (
        "cell '98%': '政法' left out as a seal's characters (on the text band of a seal found"
        " on the page, taller than the cell's print or beside it)"
    )


def test_a_long_line_inside_the_glyph_circle_is_print_to_tell_a_glyph_by() -> None:
    # dev lg_15774 p2 (seal (1085, 269), r 136): the printed `=99%` stands at 0.53 r, on the
    # text band but inside the circle the glyphs are set on; `4y` above it, a piece of a glyph
    # at 0.75 r half print's height, is the seal's
    seal = (1085.0, 269.0, 136.0)
    target = _line("=99%", 1065, 329, 1133, 350)
    assert seal_lines([_line("4y", 1167, 295, 1199, 306), target], [seal]) == [0]
    # three characters are as many as a seal's line reads: no measure of print there
    three = _line("=99", 1065, 329, 1133, 350)
    assert seal_lines([_line("4", 1167, 295, 1199, 306), three], [seal]) == []
    # a long line on the glyph circle itself may be the seal's glyphs joined: no measure either
    on_circle = _line("=99%", 1130, 329, 1198, 350)  # 0.78 r
    assert seal_lines([_line("4y", 1167, 295, 1199, 306), on_circle], [seal]) == []


def test_a_piece_of_the_ring_beside_print_is_dropped() -> None:
    # dev2 lg_15829 p1 (seal (684, 1557), r 187): `7` under the name `验收合格率`, at 1.02 r
    # on the seal's ring, two thirds of the name's height
    seal = (684.0, 1557.0, 187.0)
    name = _line("验收合格率", 804, 1360, 969, 1392)
    assert seal_lines([name, _line("7", 797, 1403, 821, 1424)], [seal]) == [1]
    # past the ring (1.29 r) it is no mark of the seal
    assert seal_lines([name, _line("7", 860, 1395, 884, 1416)], [seal]) == []


def test_a_lone_glyph_kept_on_a_faint_rings_circle_is_named_by_its_cell() -> None:
    """check2 lg_5847 p2 (a faint ring found by the second look at (578, 589), r 182): the
    department's name cell held the seal's lone `泰` on the ring (0.96 r), kept for want of
    print beside it; the ring left `政` out of the code cell beside, and the header then paired
    the glyph with the code as the department's name. The kept glyph is named by its cell; a
    line of print on the circle (four characters and more) and a glyph off it are not."""
    from ocr.grid import GridCell, GridTable
    from ocr.page import _glyphs_kept_notes
    from ocr.sealtext import glyphs_kept

    seal = (578.0, 589.0, 182.0)
    per_cell = [
        {
            0: [_line("主管部门及代码", 270, 420, 445, 450)],  # off the circle (1.62 r)
            1: [_line("泰", 470, 405, 520, 465)],  # 0.96 r
            2: [_line("5847", 560, 415, 640, 455)],  # 0.74 r, but a code's four characters
        }
    ]
    assert glyphs_kept(per_cell, [seal]) == [(0, 1, "泰")]
    grid = GridTable(
        [254.0, 460.0, 529.0, 790.0],
        [385.0, 485.0],
        [
            GridCell(1, 0, 1, 1, (254, 385, 460, 485)),
            GridCell(1, 1, 1, 1, (460, 385, 529, 485)),
            GridCell(1, 2, 1, 1, (529, 385, 790, 485)),
        ],
    )
    assert _glyphs_kept_notes([grid], per_cell, [seal]) == [
        "cell (row 2, column 2): '泰' stands on the glyph circle of a faint seal ring, kept as "
        "read: it may be the seal's"
    ]
    assert _glyphs_kept_notes([grid, grid], per_cell, [seal])[0].startswith("table 1 cell (row 2")


def test_on_a_faint_ring_only_a_one_stroke_line_is_a_piece_of_the_ring() -> None:
    """dev2 lg_16473 p1 (a faint ring at (1034, 564), r 151): the funds' printed `58` at 0.92 r,
    beside its label, was left out as a piece of the ring and the value lost; on a ring found
    on the second look a line past the glyph circle is the ring's only as one character (a
    stroke read `1`), and the first look's rings keep what sealglyph25 measured."""
    from ocr.sealtext import FAINT_RING_CHARS

    seal = (1034.0, 564.0, 151.0)
    label = _line("其中：财政拨款", 700, 500, 860, 533)  # 1.71 r: print
    lines = [label, _line("58", 882, 500, 924, 533)]
    assert seal_lines(lines, [seal]) == [1]
    assert seal_lines(lines, [seal], FAINT_RING_CHARS) == []
    stroke = [label, _line("1", 890, 500, 904, 533)]  # a piece of the ring still goes
    assert seal_lines(stroke, [seal], FAINT_RING_CHARS) == [1]


# dev2 lg_19498_自评 p1 (a grey scan, 200 dpi): the seal found at (727.7, 1354.9), r 172; its
# star read `★`, a line of its own at 0.08 r beside the 三级指标 name under it.
STAR_SEAL = (727.7, 1354.9, 172.0)
STAR = _line("★", 688, 1333, 775, 1402)


def test_the_seals_star_read_as_a_symbol_is_dropped_beside_print_or_alone() -> None:
    name = _line("项目然成时间", 770, 1351, 957, 1410)
    assert seal_lines([STAR, name], [STAR_SEAL]) == [0]
    # alone in its cell (a row of blank cells under the star would read as a row of it)
    assert seal_lines([STAR], [STAR_SEAL]) == [0]
    kept, left_out = drop_seal_lines([{3: [STAR, name]}, {0: [STAR]}], [STAR_SEAL])
    assert [{ci: [ln.text for ln in lines] for ci, lines in t.items()} for t in kept] == [
        {3: ["项目然成时间"]},
        {0: []},
    ]
    assert [{ci: [ln.text for ln in lines] for ci, lines in t.items()} for t in left_out] == [
        {3: ["★"]},
        {0: ["★"]},
    ]


def test_print_at_the_centre_and_a_symbol_off_it_stay() -> None:
    # a printed mark or number under the star: maths signs, digits, CJK are no symbol
    for text in ("≥", "5", "是", "★5"):
        assert seal_lines([_line(text, 700, 1340, 760, 1370)], [STAR_SEAL]) == [], text
    # a symbol on the text band (0.7 r), not where the star stands
    assert seal_lines([_line("★", 700, 1215, 740, 1245)], [STAR_SEAL]) == []
    # no seal found on the page: nothing is the star's
    assert seal_lines([STAR], []) == []


def test_the_star_left_out_is_named_as_the_seals_star() -> None:
    import numpy as np

    from flows.forms.celllines import unmerge
    from ocr.grid import GridCell, GridTable
    from ocr.page import cell_tables

    name = _line("项目然成时间", 770, 1351, 957, 1410)
    kept, left_out = drop_seal_lines([{0: [STAR, name]}], [STAR_SEAL])
    grid = GridTable(
        [680.0, 980.0], [1320.0, 1420.0], [GridCell(0, 0, 1, 1, (680, 1320, 980, 1420))]
    )
    gray = np.full((1600, 1800), 255, dtype=np.uint8)
    (table,) = cell_tables([grid], kept, gray, "rapidocr", left_out)
    _, (u,) = unmerge(table, range(0, 1))
    assert u.note() == (
        "cell '项目然成时间': '★' left out as a seal's star (symbols only, at a seal's centre)"
    )
