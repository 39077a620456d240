"""One box of a page read again, through the same engine, from other views of its ink.

A digit under a seal's stroke or in faint ink may be read wrong by the page's reading and right
from a larger or binarised crop of the same cell (dev7 lg_61983: a total's `3` read `8` on the
page, `39.366` from the cell's crop at ×1.5). No view is trusted alone — a re-read is a second
witness: the form reader keeps one only where the form's own arithmetic takes it and no other
(`flows.forms.funds.reread_funds_by_sum`). Apart from `ocr.page` because it reads a box after the
page's grid was made, on the form reader's request (`flows.extract.reread`).
"""

from __future__ import annotations

import cv2
import numpy as np

from flows.models import Decisions
from ocr.cellink import cell_inset
from ocr.engines import OcrEngine
from ocr.page import ink_box, printed_texts
from ocr.preprocess import prepare, to_bgr

# The enlargements a box is read at besides its own size (cubic: a stroke's edge stays smooth)
REREAD_SCALES = (1.5, 2.0, 3.0)
# The paper kept around the box's ink, in ink heights (a short token's, `ocr.page.TOKEN_PAD`)
REREAD_PAD = 0.35


def normalised_page(
    image: np.ndarray, engine: OcrEngine, decided: Decisions | None = None
) -> np.ndarray:
    """The page as `ocr.page.ocr_page` reads it (`prepare`: upright, deskewed, seals and
    background lifted), whose pixels a grid's boxes name. `decided`: what the page's reading
    judged (`PageGrid.decided`), taken instead of judged again (the same page: `prepare`'s
    note)."""
    return prepare(image, engine, decided=decided).gray


def box_views(gray: np.ndarray, bbox: tuple[float, float, float, float]) -> list[np.ndarray]:
    """The views of a cell's ink a re-read reads: its crop (the ink inside the cell's rules with
    a little paper) as it is, enlarged (`REREAD_SCALES`) and binarised (Otsu); none when the
    cell holds no glyph's worth of ink."""
    box = ink_box(gray, bbox, cell_inset(gray.shape))
    if box is None:
        return []
    x0, y0, x1, y1 = box
    pad = max(3, int(round(REREAD_PAD * (y1 - y0))))
    h, w = gray.shape[:2]
    top, bottom = max(0, y0 - pad), min(h, y1 + pad)
    crop = np.ascontiguousarray(gray[top:bottom, max(0, x0 - pad) : min(w, x1 + pad)])
    views = [crop]
    views += [
        cv2.resize(crop, None, fx=s, fy=s, interpolation=cv2.INTER_CUBIC) for s in REREAD_SCALES
    ]
    _, otsu = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    views.append(otsu)
    return views


def read_box(
    gray: np.ndarray, bbox: tuple[float, float, float, float], engine: OcrEngine
) -> list[str]:
    """Every distinct text the engine reads from the box's views (`box_views`), in the views'
    order, blanks left out: the witnesses a form reader may weigh, none of them chosen here."""
    views = box_views(gray, bbox)
    if not views:
        return []
    # each view's reading as printed on its own: a view is no line of the others' cell
    texts = [printed_texts([t])[0] for t, _ in engine.read_crops([to_bgr(v) for v in views])]
    return list(dict.fromkeys(t.strip() for t in texts if t.strip()))
