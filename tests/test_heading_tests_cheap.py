"""The form reader's cheap forms of its heading tests (tail34): each answers exactly as the test
it replaced, on every pair of short texts over a small alphabet, and the cut-heads readings
kept per key still depend on the heads asked and the heads already found."""

from __future__ import annotations

from collections import Counter
from itertools import product

from flows.forms.columns import _in_order, heads_cut_together
from flows.forms.labels import edit_distance, one_edit_apart, spells_within
from flows.forms.spec import PROJECT_SELF_EVAL, PROJECT_TARGET
from flows.models import Cell

COLUMNS = list(PROJECT_SELF_EVAL.columns)


def _texts(alphabet: str, longest: int) -> list[str]:
    return ["".join(p) for n in range(longest + 1) for p in product(alphabet, repeat=n)]


def test_one_edit_apart_is_edit_distance_one_on_every_short_pair() -> None:
    texts = _texts("指标值", 4)
    pairs = [(a, b) for a in texts for b in texts if abs(len(a) - len(b)) <= 1]
    assert [one_edit_apart(a, b) for a, b in pairs] == [edit_distance(a, b) == 1 for a, b in pairs]
    assert one_edit_apart("一級指标", "一级指标")
    assert one_edit_apart("财政拨款", "财政拨款资")
    assert not one_edit_apart("财政拨款", "财政拨款")
    assert not one_edit_apart("财拨款政", "财政拨款")  # two edits


def test_spells_within_is_an_empty_counter_difference_on_every_short_pair() -> None:
    texts = _texts("年度值", 3)
    for have in texts:
        chars = Counter(have)
        got = [spells_within(t, chars) for t in texts]
        assert got == [not Counter(t) - chars for t in texts]
    assert spells_within("实际完成值", Counter("值成完际实年"))
    assert not spells_within("年度指标值", Counter("年度指标"))


def test_in_order_is_a_subsequence_test() -> None:
    texts = _texts("指标值", 3)
    for whole in texts:
        for part in texts:
            it = iter(whole)
            assert _in_order(part, whole) == all(ch in it for ch in part)
    assert _in_order("级指标", "三级指标")
    assert not _in_order("标指", "三级指标")
    assert _in_order("", "")


def _cell(text: str, colspan: int) -> Cell:
    return Cell(3, 4, text, (0, 0, 30 * colspan, 10), colspan=colspan)


def test_cut_heads_kept_per_key_still_follow_the_heads_asked_and_found() -> None:
    cell = _cell("年度指标 实际完成", 2)
    assert [h.field for h in heads_cut_together(cell, COLUMNS, set())] == ["target", "actual"]
    assert heads_cut_together(cell, COLUMNS, {"actual"}) == []
    assert heads_cut_together(cell, list(PROJECT_TARGET.columns), set()) == []
    assert heads_cut_together(_cell("年度指标 实际完成", 1), COLUMNS, set()) == []
    assert [h.field for h in heads_cut_together(cell, COLUMNS, set())] == ["target", "actual"]
