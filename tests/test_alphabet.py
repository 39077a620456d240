"""Constrained reading of short OCR cells: the recogniser's ranked readings (CTC probabilities
over its per-timestep class probabilities) and a column's declared alphabet (指标性质 may print
only comparators, 定性/定量 or a "none" mark) pick what a faded lone comparator prints."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest

from flows.forms import read_document
from flows.forms.rows import alphabet_choice
from flows.forms.spec import (
    COMPARATORS,
    COMPARATORS_MACRO_PATH,
    FORMS,
    NATURE_ALPHABET,
    UNIT_CELL_ALPHABET,
    comparators_macro,
)
from flows.models import Cell, PageGrid, ProjectForm
from ocr.engines import ctc_probability, ctc_readings
from ocr.page import cell_readings, merge_readings
from tests.test_forms import TITLE, page, table
from tests.test_self_eval_models import parsed_targets

CHARSET = ["blank", "2", "≥", ">"]


def _brute_force(probs: np.ndarray, labels: tuple[int, ...]) -> float:
    """P(labels) by enumerating every path over the timesteps and collapsing it as CTC does."""
    total = 0.0
    for path in itertools.product(range(probs.shape[1]), repeat=probs.shape[0]):
        collapsed = [c for i, c in enumerate(path) if c != 0 and (i == 0 or path[i - 1] != c)]
        if tuple(collapsed) == labels:
            total += float(np.prod([probs[t, c] for t, c in enumerate(path)]))
    return total


def test_ctc_probability_sums_every_alignment() -> None:
    two = np.array([[0.5, 0.3, 0.2, 0.0], [0.5, 0.3, 0.2, 0.0]])
    # '2' over two timesteps: 2-2, 2-blank, blank-2
    assert ctc_probability(two, (1,)) == pytest.approx(0.3 * 0.3 + 0.3 * 0.5 + 0.5 * 0.3)
    assert ctc_probability(two, ()) == pytest.approx(0.25)
    assert ctc_probability(two[:1], ()) == pytest.approx(0.5)
    assert ctc_probability(two[:1], (2,)) == pytest.approx(0.2)
    rng = np.random.default_rng(7)
    probs = rng.dirichlet(np.ones(4), size=4)
    for labels in [(1,), (2,), (1, 2), (2, 2), (3, 1, 3), ()]:
        assert ctc_probability(probs, labels) == pytest.approx(_brute_force(probs, labels))


def test_ranked_readings_weigh_text_not_the_best_path() -> None:
    """Greedy decoding takes the best class per timestep: blank, blank → ''. The most probable
    text is '2' (0.39), then '≥' (0.24): what each reading is worth summed over its paths."""
    two = np.array([[0.5, 0.3, 0.2, 0.0], [0.5, 0.3, 0.2, 0.0]])
    assert ctc_readings(two, CHARSET, n=2) == (("2", 0.39), ("≥", 0.24))


def test_a_sure_best_path_is_the_only_reading() -> None:
    """When the best path alone holds all but 1e-3 of the probability, no other reading can
    reach the floor: the greedy text is the one reading, with its summed probability."""
    sure = np.array([[0.99995, 0.00005, 0, 0], [0.0001, 0.9999, 0, 0], [0.99995, 0.00005, 0, 0]])
    assert ctc_readings(sure, CHARSET) == (("2", 0.9999),)
    assert ctc_readings(np.array([[1.0, 0, 0, 0]] * 3), CHARSET) == ()


def test_hand_made_matrix_picks_the_allowed_comparator() -> None:
    """A faded lone ≥ over two timesteps: the best classes are '2' then '≥', so greedy decoding
    reads '2≥'. Summed over their paths '2' (0.27) and '≥' (0.24) are the likeliest texts; the
    指标性质 alphabet excludes '2' and '2≥', so ≥ is the value ('>' is allowed but improbable)."""
    probs = np.array(
        [
            [0.90, 0.04, 0.04, 0.02],
            [0.10, 0.45, 0.35, 0.10],
            [0.30, 0.30, 0.35, 0.05],
            [0.95, 0.02, 0.02, 0.01],
        ]
    )
    greedy = "".join(CHARSET[c] for c in probs.argmax(axis=1) if c)
    assert greedy == "2≥"
    readings = ctc_readings(probs, CHARSET, n=6)
    assert readings == (
        ("2", 0.271518),
        ("≥", 0.237695),
        ("2≥", 0.15935),
        ("≥2", 0.112202),
        (">≥", 0.037031),
        (">", 0.035796),
    )
    cell = Cell(0, 0, greedy, (0, 0, 1, 1), readings=readings)
    assert alphabet_choice(cell, NATURE_ALPHABET) == ("≥", 0.237695)


def _cell(text: str, readings: tuple[tuple[str, float], ...]) -> Cell:
    return Cell(0, 0, text, (0, 0, 1, 1), readings=readings)


def test_an_allowed_reading_stays_unless_another_is_clearly_more_probable() -> None:
    close = _cell(">", ((">", 0.45), ("≥", 0.40)))
    assert alphabet_choice(close, NATURE_ALPHABET) is None
    clear = _cell(">", ((">", 0.2), ("≥", 0.6)))
    assert alphabet_choice(clear, NATURE_ALPHABET) == ("≥", 0.6)
    # a cell printing what the description does not know stays as read
    unknown = _cell("正向", (("正向", 0.9), ("=", 0.01)))
    assert alphabet_choice(unknown, NATURE_ALPHABET) is None
    # full-width and half-width forms are one value
    assert alphabet_choice(_cell("二", (("二", 0.5), ("＝", 0.3))), NATURE_ALPHABET) == ("＝", 0.3)
    # text-layer cells carry no readings: never changed
    assert alphabet_choice(_cell("2", ()), NATURE_ALPHABET) is None


def test_readings_of_a_glyph_read_from_several_crops_are_pooled() -> None:
    pooled = merge_readings([((">", 0.6), ("≥", 0.3)), (("≥", 0.9),), ((">", 0.5), ("2", 0.4))])
    assert pooled == (("≥", 0.4), (">", 0.366667), ("2", 0.133333))
    # printed forms the normaliser folds are one reading
    assert cell_readings(((">", 0.5), ("＞", 0.2), ("≥", 0.3))) == ((">", 0.7), ("≥", 0.3))


def test_the_nature_and_unit_columns_declare_their_alphabets() -> None:
    for spec in FORMS:
        cols = {c.field: c for c in spec.columns}
        if "target_nature" in cols:
            assert cols["target_nature"].alphabet == NATURE_ALPHABET
        if "measure_unit" in cols:
            assert cols["measure_unit"].alphabet == UNIT_CELL_ALPHABET
        constrained = ("target_nature", "measure_unit")
        assert all(not c.alphabet for f, c in cols.items() if f not in constrained)
    assert {"≥", "≤", ">", "<", "=", "定性", "定量", "/"} <= set(NATURE_ALPHABET)
    assert {"%", "人次", "万元", "人次以上", "天以内", "/"} <= set(UNIT_CELL_ALPHABET)
    assert not any(ch.isdigit() for u in UNIT_CELL_ALPHABET for ch in u)


ROWS = [
    ["项目名称", "培训项目", "年度资金总额", "10", "", ""],
    ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"],
    ["产出指标", "数量指标", "培训人次", "2", "90", "%"],
    [None, "质量指标", "合格率", "二", "100", "%"],
]


def _scanned(readings: dict[tuple[int, int], tuple[tuple[str, float], ...]]) -> list:
    t = table(ROWS, {(2, 0): 2})
    t.cells = [replace(c, readings=readings.get((c.row, c.col), ())) for c in t.cells]
    p = page(1, t, lines=TITLE)
    p.has_text_layer, p.bbox_unit = False, "px"
    return [p]


def test_reader_composes_the_target_from_the_allowed_reading_and_reports_it() -> None:
    pages = _scanned({(2, 3): (("2", 0.5), ("≥", 0.3), (">", 0.1)), (3, 3): (("二", 0.6),)})
    (form,), problems = read_document(pages)
    assert [i.target.value for i in form.indicators] == ["≥90%", "二100%"]
    nature = form.indicators[0].extra["target_nature"]
    assert (nature.value, nature.confidence) == ("≥", 0.3)
    assert problems == [
        "page 1: 培训项目: the target_nature cell (row 2) was read '2' (p=0.500) and is taken as "
        "'≥' (p=0.300), the most probable value its column may print",
        # `二` ranked alone: no listed reading to take, landed as read and said so
        "page 1: 培训项目: the target_nature cell (row 3) reads '二', not a value its column may "
        "print, and the recogniser ranked none that is: landed as read",
    ]
    # the raw cell keeps the recogniser's own reading for auditors
    assert pages[0].tables[0].at(2, 3).text == "2"


def test_a_glyph_of_two_level_strokes_read_unlisted_lands_as_the_equals_sign() -> None:
    """`rows._by_level_pair`: a 指标性质 cell read `二` with no listed reading ranked, whose ink is
    two level strokes of one length (`Cell.level_pair`), lands `=` and says so; a unit cell's
    level pair is never taken, nor a listed reading's."""
    pages = _scanned({(2, 3): ((">", 0.9),), (3, 3): (("二", 0.95), ("三", 0.01))})
    t = pages[0].tables[0]
    t.cells = [replace(c, level_pair=True) if c.col in (3, 5) else c for c in t.cells]
    (form,), problems = read_document(pages)
    # a listed reading ranked is taken as before, whatever the shape
    assert [i.target.value for i in form.indicators] == [">90%", "=100%"]
    nature = form.indicators[1].extra["target_nature"]
    assert (nature.value, nature.confidence) == ("=", 1.0)
    assert [i.extra["measure_unit"].value for i in form.indicators] == ["%", "%"]
    assert problems == [
        "page 1: 培训项目: the target_nature cell (row 2) was read '2' (p=0.000) and is taken as "
        "'>' (p=0.900), the most probable value its column may print",
        "page 1: 培训项目: the target_nature cell (row 3) reads '二', not a value its column may "
        "print; its glyph is two level strokes of one length, as '=' prints: taken as '='",
    ]
    assert t.at(3, 3).text == "二"


def test_text_layer_cells_are_never_constrained() -> None:
    (form,), problems = read_document([page(1, table(ROWS, {(2, 0): 2}), lines=TITLE)])
    assert [i.target.value for i in form.indicators] == ["290%", "二100%"]
    assert problems == []


def test_the_target_parser_reads_the_same_comparators() -> None:
    """The dbt macros parse_target reads its comparators through are generated from the list the
    指标性质 alphabet is made of (`python -m flows.forms.spec`), and every printing of each is
    parsed as what it means."""
    assert COMPARATORS_MACRO_PATH.read_text(encoding="utf-8") == comparators_macro()
    printed = [f + "90%" for forms in COMPARATORS.values() for f in forms] + ["＞90%", "90%"]
    meant = [c for c, forms in COMPARATORS.items() for _ in forms] + [">", "="]
    assert parsed_targets(printed) == [("number", c, Decimal(90), "%") for c in meant]


def test_a_unit_cell_read_with_a_digit_takes_the_unit_the_recogniser_ranked() -> None:
    """Dev lg_8056_自评 p3: a faint % with a speck beside it read `%6` (p=0.185), `%` ranked
    next (0.153); a 度量单位 cell prints a unit and never a number, so the unit is `%` and the
    composed target `290%` (its 指标性质 cell here ranks nothing else), not `290%6`. A unit
    cell whose ranked readings hold no listed unit stays as read."""
    rows = [[*r] for r in ROWS]
    rows[2][5], rows[3][5] = "%6", "亩6"
    t = table(rows, {(2, 0): 2})
    ranked = {(2, 5): (("%6", 0.185), ("%", 0.153), ("%/6", 0.049)), (3, 5): (("亩6", 0.9),)}
    t.cells = [replace(c, readings=ranked.get((c.row, c.col), ())) for c in t.cells]
    p = page(1, t, lines=TITLE)
    p.has_text_layer, p.bbox_unit = False, "px"
    (form,), problems = read_document([p])
    assert [i.target.value for i in form.indicators] == ["290%", "二100亩6"]
    assert problems == [
        "page 1: 培训项目: the measure_unit cell (row 2) was read '%6' (p=0.185) and is taken "
        "as '%' (p=0.153), the most probable value its column may print"
    ]


def _read_with_faint(
    rows: list[list[str | None]],
    faint: dict[tuple[int, int], tuple[tuple[str, float], ...]],
    n: int,
) -> tuple[PageGrid, ProjectForm, list[str]]:
    """An OCR page of `rows` (the 一级 label merged over `n` lines) whose cells carry the
    faint glyphs' readings `faint`, read: the page, its one form and the problems."""
    t = table(rows, {(2, 0): n})
    t.cells = [replace(c, faint=faint.get((c.row, c.col), ())) for c in t.cells]
    p = page(1, t, lines=TITLE)
    p.has_text_layer, p.bbox_unit = False, "px"
    (form,), problems = read_document([p])
    return p, form, problems


def test_a_blank_cells_faint_glyph_lands_only_as_a_value_its_column_may_print() -> None:
    """Dev lg_9525 p1: lone comparators printed lighter than the ink threshold left their
    指标性质 cells blank; `ocr.page.read_faint_cells` keeps the faint glyph's readings on the
    cell. A sure listed comparator lands; `二` (not listed) and an unsure `≤` leave the cell
    blank; a column without an alphabet (指标值) never takes its faint glyph; all reported."""
    rows = [[*r] for r in ROWS] + [[None, "时效指标", "及时率", "", "95", "%"]]
    rows[2][3], rows[3][3], rows[4][4] = "", "", ""
    faint = {(2, 3): (("≥", 0.948), ("7", 0.015)), (3, 3): (("二", 0.78),), (4, 3): (("≤", 0.48),)}
    faint[(4, 4)] = (("9", 0.99),)
    p, form, problems = _read_with_faint(rows, faint, 3)
    natures = [i.extra["target_nature"] for i in form.indicators]
    assert [(n.value, n.confidence) for n in natures] == [("≥", 0.948), ("", 1.0), ("", 1.0)]
    assert [i.target.value for i in form.indicators] == ["≥90%", "100%", ""]
    blank = "was read blank"
    assert problems == [
        f"page 1: 培训项目: the target_nature cell (row 2) {blank}; its faint glyph is read '≥' "
        "(p=0.948)",
        f"page 1: 培训项目: the target_nature cell (row 3) {blank}; its faint glyph read '二' "
        "(p=0.780) is not a value the column may print surely: left blank",
        f"page 1: 培训项目: the target_nature cell (row 4) {blank}; its faint glyph read '≤' "
        "(p=0.480) is not a value the column may print surely: left blank",
    ]
    # the raw cell stays blank for auditors
    assert p.tables[0].at(2, 3).text == ""


def test_a_surely_read_faint_glyph_misnamed_takes_the_listed_value_it_ranked() -> None:
    """Dev lg_9618 p2: a faded `=` alone in its 指标性质 cell read `二` at 0.708, `=` ranked
    next at 0.251. A faint glyph read surely as something its column may not print is print the
    recogniser misnamed: the listed value it ranked most probable lands (at least 0.2), reported.
    Not a listed value ranked too unsurely (`%` at 0.1 beside a sure `+`), nor a no-value mark
    (`-`, a blank already prints none), nor anything behind an unsure best reading (`•` 0.37)."""
    rows = [[*r] for r in ROWS] + [
        [None, "时效指标", "及时率", "", "95", ""],
        [None, "成本指标", "成本", "", "20", "万元"],
    ]
    rows[2][3], rows[3][3], rows[2][5] = "", "", ""
    faint = {
        (2, 3): (("二", 0.708), ("=", 0.251), ("三", 0.018)),
        (2, 5): (("+", 0.921), ("%", 0.1)),
        (3, 3): ((".", 0.563), ("-", 0.3)),
        (4, 3): (("•", 0.371), ("≥", 0.3)),
    }
    p, form, problems = _read_with_faint(rows, faint, 4)
    natures = [i.extra["target_nature"] for i in form.indicators]
    assert [(n.value, n.confidence) for n in natures] == [
        ("=", 0.251),
        ("", 1.0),
        ("", 1.0),
        ("", 1.0),
    ]
    assert [i.target.value for i in form.indicators] == ["=90", "100%", "95", "20万元"]
    blank = "was read blank"
    assert problems == [
        f"page 1: 培训项目: the target_nature cell (row 2) {blank}; its faint glyph read '二' "
        "(p=0.708), not a value the column may print, is taken as '=' (p=0.251), the most "
        "probable value it may print",
        f"page 1: 培训项目: the measure_unit cell (row 2) {blank}; its faint glyph read '+' "
        "(p=0.921) is not a value the column may print surely: left blank",
        f"page 1: 培训项目: the target_nature cell (row 3) {blank}; its faint glyph read '.' "
        "(p=0.563) is not a value the column may print surely: left blank",
        f"page 1: 培训项目: the target_nature cell (row 4) {blank}; its faint glyph read '•' "
        "(p=0.371) is not a value the column may print surely: left blank",
    ]
    assert p.tables[0].at(2, 3).text == ""
