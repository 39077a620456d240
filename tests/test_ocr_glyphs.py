"""Lone glyphs under compound scan damage (ocr/glyphs.py) and the compound damage itself.

Why: the independent sample's scans lost lone comparators of split target columns (`≥` read
`>`, `=` read `二`) under damage our generator never drew: every parameter at once, at 150 dpi,
faded, in a Song/Noto font whose ≥ is drawn ⩾. These tests draw that damage at fixed seeds on a
hand-built 指标性质 | 指标值 | 度量单位 page and hold the readings to what is printed.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ocr import glyphs
from ocr.engines import OcrEngine, OcrOptions, get_engine
from ocr.page import ocr_page
from ocr.preprocess import binarize, skew_angle
from tests.fixtures import scans

# --------------------------------------------------------------------------- ocr.glyphs


def test_paper_margin_adds_the_crops_own_paper() -> None:
    crop = np.full((20, 10, 3), 200, np.uint8)
    crop[5:15, 3:7] = 30  # ink
    out = glyphs.paper_margin(crop, 0.3)
    assert out.shape == (32, 22, 3)
    assert (out[:6] == 200).all() and (out[:, :6] == 200).all()
    assert (out[6:26, 6:16] == crop).all()


def test_only_unsure_single_characters_are_read_again() -> None:
    crops = [np.full((20, 20, 3), 255, np.uint8) for _ in range(4)]
    readings = [(">", 0.43), ("≥", 0.97), ("90", 0.5), ("二", 0.64)]
    calls: list[int] = []

    def read(batch: list[np.ndarray]) -> list[tuple[str, float]]:
        calls.append(len(batch))
        return [("≥", 0.83), (">", 0.5), ("=", 0.58), ("=", 0.7)][: len(batch)]

    out = glyphs.reread_unsure(crops, readings, read)
    assert calls == [4]  # one call: two views each of the two unsure glyphs
    assert out == [
        [(">", 0.43), ("≥", 0.83), (">", 0.5)],
        [("≥", 0.97)],
        [("90", 0.5)],
        [("二", 0.64), ("=", 0.58), ("=", 0.7)],
    ]
    assert glyphs.most_confident(out[0]) == ("≥", 0.83)
    assert glyphs.most_confident([("", 0.99), (" 二 ", 0.64), ("=", 0.97)]) == ("=", 0.97)


def test_nothing_is_read_again_on_a_sure_page() -> None:
    def read(batch: list[np.ndarray]) -> list[tuple[str, float]]:
        raise AssertionError("no re-read expected")

    crops = [np.zeros((10, 10, 3), np.uint8)] * 2
    assert glyphs.reread_unsure(crops, [("≥", 0.95), ("", 0.0)], read) == [
        [("≥", 0.95)],
        [("", 0.0)],
    ]


# --------------------------------------------------------------------------- compound damage


@pytest.fixture(scope="module")
def demo_raster(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    pdf = scans.render_pdf(tmp_path_factory.mktemp("demo") / "demo.pdf", [scans.demo_page_spec()])
    return scans.rasterize(pdf, 0, 150)


def test_compound_draw_is_deterministic_and_covers_the_ranges() -> None:
    recs = [scans.draw_compound(s, 150) for s in range(300)]
    assert recs[7] == scans.draw_compound(7, 150)
    assert {r["ink"] for r in recs} == {"faded", "normal", "bold"}
    skews = [r["skew_deg"] for r in recs]
    assert min(skews) < -2.5 and max(skews) > 2.5 and all(abs(s) <= 2.8 for s in skews)
    assert min(r["blur_sigma"] for r in recs) < 0.45 and max(r["blur_sigma"] for r in recs) > 1.05
    assert min(r["noise_sigma"] for r in recs) < 3 and max(r["noise_sigma"] for r in recs) > 11
    assert min(r["jpeg_quality"] for r in recs) <= 42 and max(r["jpeg_quality"] for r in recs) >= 80
    lit = [r["illumination"] for r in recs]
    assert min(lit) < 0.07 and max(lit) > 0.33
    greys = [r["lines"]["gray"] for r in recs if r["lines"]["gray"]]
    assert min(greys) < 50 and max(greys) > 130
    assert max(r["lines"]["gaps"] for r in recs) > 0.28
    assert 0.3 < sum(bool(r["speckle"]) for r in recs) / 300 < 0.5
    assert 0.35 < sum("seal" in r for r in recs) / 300 < 0.55
    assert 0.25 < sum(r["grayscale"] for r in recs) / 300 < 0.45


def test_compound_image_is_what_its_record_says(demo_raster: np.ndarray) -> None:
    rec = scans.draw_compound(11, 150)
    out = scans.compound(demo_raster, 11)
    assert (out == scans.apply_compound(demo_raster, rec)).all()
    # the page's skew is the recorded one (skew_angle gives the turn that levels it)
    turned = scans.apply_compound(demo_raster, {**rec, "skew_deg": 1.7})
    level = skew_angle(binarize(cv2.cvtColor(turned, cv2.COLOR_BGR2GRAY)))
    assert level == pytest.approx(-1.7, abs=0.15)
    # grayscale pages have no colour; a seal makes red paper
    grey = scans.apply_compound(demo_raster, {**rec, "grayscale": True})
    assert (grey[..., 0] == grey[..., 1]).all() and (grey[..., 1] == grey[..., 2]).all()
    sealed = {**rec, "grayscale": False, "seal": {"center": [0.5, 0.3], "radius_pt": 60.0}}
    red = scans.apply_compound(demo_raster, sealed).astype(int)
    assert ((red[..., 2] - red[..., 0]) > 60).sum() > 1000


def test_ink_weight_faded_is_lighter_and_bold_darker(demo_raster: np.ndarray) -> None:
    ink = demo_raster[..., 0] < 128

    def darkness(img: np.ndarray) -> float:
        return float(255 - img[..., 0][ink].mean())

    normal = darkness(demo_raster)
    assert darkness(scans.ink_weight(demo_raster, "faded", 0.6)) < 0.7 * normal
    assert darkness(scans.ink_weight(demo_raster, "bold", 0.6)) > normal
    assert scans.ink_weight(demo_raster, "normal", 0.6) is demo_raster


def test_grey_rules_with_gaps(demo_raster: np.ndarray) -> None:
    out = scans.grey_rules(demo_raster, 3, 120, 0.3)
    gray, before = out[..., 0], demo_raster[..., 0]
    rules = (before < 100) & (gray >= 100)
    assert rules.sum() > 0.3 * (before < 100).sum()  # the rules went grey or white
    assert (gray == 255)[before < 100].sum() > 0  # and have gaps


# --------------------------------------------------------------------------- read under damage

COMPARATORS = [
    ("≥", "90", "%"),
    ("=", "100", "%"),
    ("≤", "5", "%"),
    (">", "98", "%"),
    ("<", "3", "天"),
    ("≥", "95", "%"),
    ("=", "7.0", "分"),
    ("≤", "30", "万元"),
    (">", "1", "次"),
    ("=", "12", "个"),
    ("<", "2", "%"),
    ("≥", "1", "次"),
]


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return get_engine("rapidocr", OcrOptions())


@pytest.fixture(scope="module")
def serif_nature_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The split target column printed in Noto Serif CJK, whose ≥ ≤ are drawn ⩾ ⩽."""
    from bench.layoutgen import fonts

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scans, "FONT_NAME", fonts.register("notoserif"))
        return scans.render_pdf(
            tmp_path_factory.mktemp("serif") / "nature.pdf",
            [scans.nature_column_spec(COMPARATORS)],
        )


@pytest.mark.parametrize("seed", [305])
def test_lone_comparators_under_compound_damage(
    engine: OcrEngine, serif_nature_pdf: Path, seed: int
) -> None:
    """150 dpi with the compound damage of `seed`: before ocr.glyphs, `=` came back `二` and
    a ⩾ `>`; each comparator, value and unit is read as printed."""
    img = scans.apply_compound(
        scans.rasterize(serif_nature_pdf, 0, 150), scans.draw_compound(seed, 150)
    )
    table = ocr_page(img, 1, engine=engine).tables[0]
    rows = [tuple(c.text for c in table.row_cells(r))[1:] for r in range(1, table.n_rows)]
    assert rows == COMPARATORS
