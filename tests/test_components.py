"""`ocr.components.components_with_stats` gives OpenCV's labels, stats and centroids exactly."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr.components import SMALL_MASK, components_with_stats


def _opencv(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    return cv2.connectedComponentsWithStats(mask, connectivity=8)


def _assert_same(mask: np.ndarray) -> None:
    want, got = _opencv(mask), components_with_stats(mask)
    assert got[0] == want[0]
    for a, b in zip(got[1:], want[1:], strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f")  # no paper: NaN centroid


def _page(seed: int, value: int = 1) -> np.ndarray:
    """A page-sized mask of rules, glyph-like blobs and specks, some touching the edges."""
    rng = np.random.default_rng(seed)
    mask = np.zeros((1_200, 900), np.uint8)
    for y in rng.integers(0, 1_200, 12):
        mask[y : y + 3, 40:860] = value  # rules
    for x in rng.integers(0, 900, 6):
        mask[100:1_100, x : x + 2] = value
    for _ in range(400):
        y, x = rng.integers(0, 1_190), rng.integers(0, 890)
        mask[y : y + rng.integers(1, 10), x : x + rng.integers(1, 10)] = value
    mask[0, :5] = value  # ink on the top-left corner and the right edge
    mask[500:520, 899] = value
    return mask


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_page_mask_reads_as_opencv_reads_it(seed: int) -> None:
    mask = _page(seed)
    assert mask.size >= SMALL_MASK  # counted from the ink, not by OpenCV
    _assert_same(mask)
    _assert_same(_page(seed, 255))  # any non-zero value is ink


def test_paper_not_reaching_an_edge_has_opencv_box() -> None:
    """Label 0's box is where paper lies: a first and last row of ink leave it inside."""
    mask = _page(3)
    mask[:2, :] = 1
    mask[:, -3:] = 1
    _assert_same(mask)
    stats = components_with_stats(mask)[2]
    assert stats[0, :4].tolist() == [0, 2, 897, 1_198]


def test_masks_with_no_ink_no_paper_or_few_pixels() -> None:
    _assert_same(np.zeros((800, 600), np.uint8))
    _assert_same(np.ones((800, 600), np.uint8))
    _assert_same(_page(4)[:200, :300])  # small: OpenCV's own path
    _assert_same(_page(5)[100:1_000, 50:850])  # a view into a larger mask
