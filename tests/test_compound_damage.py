"""The compound scan damage (tests/fixtures/scans.py `draw_compound` / `apply_compound`).

Why: the independent sample's scans carry damage our one-kind-per-page generator never drew:
every parameter at once (ink weight, skew, blur, noise, JPEG, light, speckle, grey gapped rules,
a seal). The layout generator gives it to half its scanned PDFs and a third of its images; these
tests hold the draw to its ranges and the image to its record.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr.preprocess import binarize, skew_angle
from tests.fixtures import scans


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
