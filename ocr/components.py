"""Connected components with OpenCV's statistics, the statistics counted from the ink alone.

Why: `cv2.connectedComponentsWithStats` updates its statistics (area, box, centroid sums) at
every pixel of the image, the paper's too: on a 200 dpi page's rule mask (1,655 × 2,340 px)
labelling took 5 ms and the statistics 23 more. The masks a page is read from are mostly paper
(rules, text ink: a few percent of the pixels), so the statistics are counted here from the
coordinates of the labelled pixels only and the paper's (label 0) from what is left. Labels,
areas, boxes and centroids are OpenCV's own, value for value (`components_with_stats` is a
drop-in for the 8-connected call): a centroid is a sum of integer coordinates over a count,
exact in float64 whichever way it is summed.
"""

from __future__ import annotations

import cv2
import numpy as np

# Below this many pixels OpenCV's own statistics cost less than the numpy calls that replace
# them (a cell's crop: ~0.2 ms either way).
SMALL_MASK = 200_000


def components_with_stats(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """`cv2.connectedComponentsWithStats(mask, connectivity=8)`: (count, labels, stats,
    centroids), the same values, in a fraction of the time on a page-sized mask of sparse ink."""
    if mask.size < SMALL_MASK:
        return cv2.connectedComponentsWithStats(mask, connectivity=8)
    num, labels = cv2.connectedComponents(mask, connectivity=8, ltype=cv2.CV_32S)
    h, w = labels.shape
    # the labelled pixels' coordinates in raster order (OpenCV's findNonZero: ~6 times faster
    # than np.nonzero here)
    points = cv2.findNonZero(mask)
    if points is None or len(points) == labels.size:  # no ink or no paper: OpenCV's own
        return cv2.connectedComponentsWithStats(mask, connectivity=8)
    points = points.reshape(-1, 2)  # (x, y) each; OpenCV 4 gives (n, 1, 2), 5 (n, 2)
    xs = points[:, 0].astype(np.int64)
    ys = points[:, 1].astype(np.int64)
    ink = len(points)
    lab = labels[ys, xs]
    stats = np.zeros((num, 5), dtype=np.int32)
    centroids = np.zeros((num, 2), dtype=np.float64)
    area = np.bincount(lab, minlength=num)
    left = np.full(num, w, dtype=np.int64)
    right = np.full(num, -1, dtype=np.int64)
    np.minimum.at(left, lab, xs)
    np.maximum.at(right, lab, xs)
    top = np.full(num, h, dtype=np.int64)
    bottom = np.full(num, -1, dtype=np.int64)
    np.minimum.at(top, lab, ys)
    np.maximum.at(bottom, lab, ys)
    sum_x = np.bincount(lab, weights=xs, minlength=num)
    sum_y = np.bincount(lab, weights=ys, minlength=num)
    # the paper: every pixel not labelled (the mask's zeros)
    paper = mask == 0
    rows = np.flatnonzero(paper.any(axis=1))
    cols = np.flatnonzero(paper.any(axis=0))
    left[0], right[0], top[0], bottom[0] = cols[0], cols[-1], rows[0], rows[-1]
    area[0] = labels.size - ink
    sum_x[0] = float(h * (w * (w - 1) // 2) - int(xs.sum()))
    sum_y[0] = float(w * (h * (h - 1) // 2) - int(ys.sum()))
    stats[:, cv2.CC_STAT_LEFT] = left
    stats[:, cv2.CC_STAT_TOP] = top
    stats[:, cv2.CC_STAT_WIDTH] = right - left + 1
    stats[:, cv2.CC_STAT_HEIGHT] = bottom - top + 1
    stats[:, cv2.CC_STAT_AREA] = area
    centroids[:, 0] = sum_x / area
    centroids[:, 1] = sum_y / area
    return num, labels, stats, centroids


def true_runs(profile: np.ndarray) -> list[tuple[int, int]]:
    """The components of a 1-D bool profile: (start, end) of each run of True, end exclusive
    (a mask's rows holding ink, a line's stretches a rule runs on)."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], profile.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
