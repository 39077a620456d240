"""`bench.match.loose`, the one comparison the benchmarks and the OCR tests hold readings to."""

from __future__ import annotations

from bench.match import loose
from flows.text import normalize


def test_width_and_whitespace_fold_and_nothing_else() -> None:
    assert loose("１２，５ 万 元") == "12,5万元"
    assert loose(" ≥ 95 % ") == "≥95%"
    assert loose(None) == ""
    assert loose(12.5) == "12.5"  # a truth's number as printed


def test_bracket_styles_stay_apart_unlike_the_readers_key() -> None:
    assert loose("【元】") == "【元】"
    assert normalize("【元】") != loose("【元】")
