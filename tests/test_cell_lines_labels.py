"""The one finder of labels printed inside a text (`labels.labels_printed_in`), shared by the
header reader (labels inside a value cell) and the inline reader (a cell of several labels)."""

from __future__ import annotations

from flows.forms.labels import PrintedLabel, labels_printed_in

SPELLINGS = [
    ("财政拨款", "fiscal"),
    ("年度资金总额", "total"),
    ("资金", "short"),
    ("实施单位", "unit"),
]


def test_longest_spelling_first_a_sub_line_prefix_and_a_colon_belong_to_the_label() -> None:
    text = "年度资金总额12其中：财政拨款：10"
    found = labels_printed_in(text, SPELLINGS, 3, spaced=True)
    assert found == [PrintedLabel(0, 6, "total", False), PrintedLabel(8, 16, "fiscal", True)]


def test_spaces_inside_a_spelling_only_when_the_text_is_printed_text() -> None:
    assert [f.item for f in labels_printed_in("某局 实 施 单位 某中心", SPELLINGS, 3, True)] == [
        "unit"
    ]
    assert labels_printed_in("某局实 施单位某中心", SPELLINGS, 3) == []


def test_a_find_the_caller_rejects_does_not_hide_a_shorter_one() -> None:
    """`keep` is asked before overlaps are settled: a rejected long spelling leaves the
    text to the shorter ones."""
    found = labels_printed_in(
        "年度资金总额", SPELLINGS, 2, keep=lambda text, hit: hit.item != "total"
    )
    assert [(f.start, f.item) for f in found] == [(2, "short")]
