"""A red seal on grey, faded paper: suppressed to the paper's level, not whiter than it.

Why: `suppress_red` lifted seal pixels by their red channel alone; on a grey scan (paper ~190)
that made them whiter than the paper while the seal's pink fringe stayed darker, and once the
page's faded print was stretched (`restore_contrast`) the ring came back as ink across rules
and text (lg_4732 p1: the rule under the funds row lost under the seal's halo)."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.preprocess import binarize, prepare, suppress_red
from tests.fixtures import scans

SIZE, CENTRE, RADIUS = 700, (350, 350), 150


def grey_sealed_page() -> np.ndarray:
    """Grey paper (190) with faded print (a rule and a row of strokes at level 150) under a
    translucent red seal, blurred and JPEG'd as a scanner leaves it."""
    page = np.full((SIZE, SIZE, 3), 255, np.uint8)
    cv2.line(page, (20, 330), (SIZE - 20, 330), (0, 0, 0), 2)
    for x in range(40, SIZE - 40, 24):
        cv2.rectangle(page, (x, 380), (x + 12, 400), (0, 0, 0), -1)
    page = (page.astype(np.float32) * (105 / 255) + 150).clip(0, 255)  # faded ink 150
    page = (page * (190 / 255)).astype(np.uint8)  # grey paper 190
    sealed = scans.red_seal(page, CENTRE, RADIUS, seed=3)
    return scans.jpeg(cv2.GaussianBlur(sealed, (5, 5), 0), quality=60)


def ring_ink(gray: np.ndarray) -> int:
    """Ink pixels on the seal's ring band, away from the rule and the strokes."""
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    d = np.hypot(xx - CENTRE[0], yy - CENTRE[1])
    band = (np.abs(d - RADIUS) <= 12) & ((yy < 310) | (yy > 420))
    return int(binarize(gray)[band].sum())


def test_suppressed_seal_is_never_whiter_than_its_paper() -> None:
    page = grey_sealed_page()
    out, frac = suppress_red(page)
    assert frac > 0.001
    grey = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    ring = np.abs(np.hypot(xx - CENTRE[0], yy - CENTRE[1]) - RADIUS) <= 6
    paper = np.median(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)[:60, :60])
    assert np.percentile(grey[ring], 99) <= paper + 3


def test_a_red_seal_on_faded_grey_paper_leaves_no_ink_ring() -> None:
    prepared = prepare(grey_sealed_page(), None, fix_orientation=False)
    assert any("faded ink darkened" in n for n in prepared.notes)
    assert ring_ink(prepared.gray) == 0
    # the faded print stays ink: the rule across the seal and the strokes under it
    ink = binarize(prepared.gray)
    assert ink[326:335, 60 : SIZE - 60].any(axis=0).mean() > 0.95
    assert ink[380:400, 200:500].sum() > 1000
