"""A lone glyph read again when the recogniser is unsure of it (issues #8, #11).

Why: in a split target column (指标性质 | 指标值 | 度量单位) a comparator stands alone in its cell.
On faded, blurred 150-dpi scans the recogniser reads such a crop unsurely and often wrong: a
Song/Noto `≥` (drawn ⩾, its bar slanted) comes back `>` at confidence 0.43, a `=` cut to its two
strokes `二` at 0.64 while a line-high crop of the same `=` reads `=` at 0.97. The glyph's ink is
all in the crop (measured on the crops the recogniser gets): what it lacks is what PP-OCR was
trained on, a line with paper around it and smooth strokes instead of JPEG and noise speckle.
So a lone glyph read below `SURE` is read again from two views of the same crop: with a margin
of its own paper, and smoothed. Of all readings of a glyph the most confident
wins (a sum of confidences let two unsure `二` outvote one sure `=`). Only unsure one-character
readings are re-read: two more crops each, none for the rest of the page.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

# A one-character reading at or above this confidence is kept as it is.
SURE = 0.9
# Paper added on every side of a re-read crop, as a share of the crop's height.
MARGIN = 0.3


def paper_margin(crop: np.ndarray, share: float = MARGIN) -> np.ndarray:
    """`crop` with `share` of its height of paper on every side, the paper taken as the
    crop's own brightest tenth (its median would be ink in a crop cut tight to a glyph)."""
    h = crop.shape[0]
    m = max(3, int(round(share * h)))
    paper = np.percentile(crop.reshape(-1, crop.shape[-1]) if crop.ndim == 3 else crop, 90, axis=0)
    value = [float(v) for v in np.atleast_1d(paper)]
    return cv2.copyMakeBorder(crop, m, m, m, m, cv2.BORDER_CONSTANT, value=value)


def views(crop: np.ndarray) -> list[np.ndarray]:
    """The two views an unsure glyph is read again from: with a paper margin, and smoothed
    (3×3 Gaussian: noise and JPEG blocks off the strokes). Each helps a different crop: the
    margin a glyph cut tight (`二` → `=`), the smoothing a ⩾ whose speckled slanted bar the
    recogniser dropped (`>` 0.43 → `≥` 0.83); smoothing with a margin reads that ⩾ `>` again."""
    return [paper_margin(crop), cv2.GaussianBlur(crop, (3, 3), 0)]


def is_unsure_glyph(text: str, confidence: float, sure: float = SURE) -> bool:
    """A reading worth a second look: one character, below `sure`."""
    return len(text.strip()) == 1 and confidence < sure


def reread_unsure(
    crops: Sequence[np.ndarray],
    readings: Sequence[tuple[str, float]],
    read: object,
    sure: float = SURE,
) -> list[list[tuple[str, float]]]:
    """Every crop's readings: its own, plus for an unsure one-character reading those of its
    `views`, all recognised in one call of `read` (an engine's `read_crops`)."""
    out = [[r] for r in readings]
    todo = [i for i, (t, c) in enumerate(readings) if is_unsure_glyph(t, c, sure)]
    extra: list[np.ndarray] = []
    owners: list[int] = []
    for i in todo:
        for v in views(crops[i]):
            extra.append(v)
            owners.append(i)
    if extra:
        for i, r in zip(owners, read(extra), strict=False):  # type: ignore[operator]
            out[i].append(r)
    return out


def most_confident(readings: Sequence[tuple[str, float]]) -> tuple[str, float]:
    """The reading of highest confidence among non-blank ones (ties: the first)."""
    best = ("", 0.0)
    for text, conf in readings:
        if text.strip() and conf > best[1]:
            best = (text.strip(), conf)
    return best
