"""A 三级 name OCR read with a mark before it (`-送戏下乡场次数`, `,资金使用合规率`: dev10
lg_96521 p3, a seal's ring left of the names read into their lines) is read without it, noted:
a printed name begins with a word, a number or a bracket."""

from __future__ import annotations

from flows.forms import read_document
from tests.test_forms import TITLE, ocr_page, page, table

ROWS = [
    ["项目名称", "送戏下乡", "年度资金总额", "10"],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "-送戏下乡场次数", ">39场次"],
    [None, "质量指标", ", 资金使用合规率", "92%"],
    [None, None, "(1)演出合格率", "100%"],
    [None, None, "·", "95%"],
    [None, "时效指标", "1.完成时间", "2026年底"],
]


def names(pages: list) -> tuple[list[str], list[str]]:
    (form,), problems = read_document(pages)
    return [i.name.value for i in form.indicators], problems


def test_a_mark_before_a_name_is_left_out_and_said() -> None:
    got, problems = names([ocr_page(1, table(ROWS, {(2, 0): 5, (3, 1): 3}), lines=TITLE)])
    assert got == ["送戏下乡场次数", "资金使用合规率", "(1)演出合格率", "·", "1.完成时间"]
    assert problems == [
        "page 1: 送戏下乡: the 三级 name '-送戏下乡场次数' begins with a mark no name begins with "
        "(a speck, a seal's or a rule's stroke read into its line); read as '送戏下乡场次数'",
        "page 1: 送戏下乡: the 三级 name ', 资金使用合规率' begins with a mark no name begins "
        "with (a speck, a seal's or a rule's stroke read into its line); read as '资金使用合规率'",
    ]


def test_a_text_layer_prints_what_it_prints() -> None:
    got, _ = names([page(1, table(ROWS, {(2, 0): 5, (3, 1): 3}), lines=TITLE)])
    assert got[:2] == ["-送戏下乡场次数", ", 资金使用合规率"]
