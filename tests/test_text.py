"""The one normaliser: Python (`flows.text.normalize`) and SQL (`normalize_label`) agree."""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2
import pytest

from flows.text import MACRO_PATH, is_han, is_latin, label_key, normalize, render_macro, spaced_out

MACROS = Path(__file__).resolve().parent.parent / "dbt_project" / "macros"

SAMPLES = [
    "数量指标 (必填硬性指标)",
    "数量指标（必填硬性指标）",
    "产 出 指 标",
    "满\u3000意\u3000度\u3000指\u3000标",
    "社会效益指标\u00a0（必填）",
    "０７５００１",
    "≥９０％",
    "【082001】",
    "〔2024〕",
    "项目\u200b名称",
    "年度资金总额：",
    "⽬标值",  # Kangxi radical ⽬ (U+2F6C) as some PDF fonts map 目
    "︵必填︶",  # vertical-form brackets
    "2024 年 12 月",
    "1,487,960元",
    "ｋｍ²",
    "①项",
    "",
]


def sql_normalize_label(values: list[str]) -> list[str]:
    """Render the dbt macro with jinja (as dbt would) and run it in DuckDB."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(MACROS)))
    source = (MACROS / "nfkc_chars.sql").read_text() + (MACROS / "normalize_label.sql").read_text()
    module = env.from_string(source).make_module()
    expr = str(module.normalize_label("x"))
    con = duckdb.connect()
    rows = con.execute(
        f"select {expr} from unnest(?::varchar[]) with ordinality as t(x, i) order by i", [values]
    ).fetchall()
    return [r[0] for r in rows]


def test_python_and_sql_normalisers_agree() -> None:
    assert sql_normalize_label(SAMPLES) == [normalize(s) for s in SAMPLES]


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("数量指标 (必填硬性指标)", "数量指标(必填硬性指标)"),
        ("满\u3000意\u3000度", "满意度"),
        ("⽬标值", "目标值"),
        ("︵必填︶", "(必填)"),
        ("【082001】", "(082001)"),
        ("≥９０％", "≥90%"),
    ],
)
def test_normalize_folds_printing_noise(printed: str, key: str) -> None:
    assert normalize(printed) == key


def test_label_key_drops_colons_and_of_which() -> None:
    assert label_key("其中：财政拨款") == "财政拨款"
    assert label_key("年度资金总额:") == "年度资金总额"
    assert label_key("主管部门及代\n码") == "主管部门及代码"


def test_spaced_out_labels() -> None:
    assert spaced_out("产 出 指 标") and not spaced_out("产出指标") and not spaced_out("数量 指标")


def test_macro_file_is_generated_from_the_python_table() -> None:
    assert MACRO_PATH.read_text(encoding="utf-8") == render_macro()


def test_han_and_latin_characters() -> None:
    """Han ideographs (unified, extension A, compatibility) against digits, letters and marks."""
    han = [is_han(ch) for ch in "目㐀﨑1m（一、"]
    assert han == [True, True, True, False, False, False, True, False]
    assert [is_latin(ch) for ch in "5mＭ目%"] == [True, True, False, False, False]
