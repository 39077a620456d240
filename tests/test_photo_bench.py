"""The photo bench's miss causes: a missed cell is told the grid's (merged with a neighbour,
cut) or the recogniser's (misread) from the extracted cell nearest to it."""

from __future__ import annotations

from bench.bench_photos import CUT, GLUED, LOST, MERGED, MISREAD, miss_cause


def test_a_cell_merged_with_its_neighbour_is_the_grids_miss() -> None:
    read = ["项目期", "5次一12次", "指标值"]
    assert miss_cause("12次", read) == (MERGED, "5次一12次")
    # the shortest of the cells holding it
    assert miss_cause("5 次", ["指标值5次一12次", "5次一12次"]) == (MERGED, "5次一12次")


def test_a_cell_read_in_part_is_cut() -> None:
    assert miss_cause("防范处理邪教问题,维护铁路安全", ["防范处理邪教问题", "1年"]) == (
        CUT,
        "防范处理邪教问题",
    )


def test_a_cell_of_its_own_read_otherwise_is_misread() -> None:
    # compared as the metric compares: NFKC, no spaces
    assert miss_cause("创新社会治理、国家安全", ["创新社会治国家安全", "1 年"]) == (
        MISREAD,
        "创新社会治国家安全",
    )
    assert miss_cause("886928", ["866928", "871090"]) == (MISREAD, "866928")


def test_one_mark_more_is_a_glued_speck_not_a_neighbour() -> None:
    assert miss_cause("886928", [".886928", "871090"]) == (GLUED, ".886928")
    assert miss_cause("其他资金", ["其他资金1", "231"]) == (GLUED, "其他资金1")
    assert miss_cause("指标值", ["指标值5次", "231"]) == (MERGED, "指标值5次")


def test_nothing_like_it_read_is_lost() -> None:
    assert miss_cause("其中：财政拨款", ["231", "1年", ""]) == (LOST, None)
