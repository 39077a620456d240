"""Row separators on bold, blurred scans (`ocr.grid`): the horizontal strokes of a text line
whose glyphs touch run on from glyph to glyph as long as a rule, but each is joined to the rest
of its glyph, where a printed rule has paper beside it."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.grid import find_tables
from tests.fixtures import scans

BOLD_FONT = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2)
XS = [100, 300, 600, 900]
YS = [100, 200, 300, 400, 500]


def at_rules(ys: list[float], slack: float) -> bool:
    """Whether the separators `ys` are the printed row rules, each within `slack` px."""
    return len(ys) == len(YS) and all(abs(y - r) <= slack for y, r in zip(ys, YS, strict=True))


def bold_text_page(texts: list[tuple[int, int, str]], size: int, grow: int) -> np.ndarray:
    """A 4-row, 3-column ruled table (grey 2 px rules) with each (x, y, text) of `texts`
    printed in a bold CJK face of `size` px, its strokes grown by `grow` px (heavy toner) and
    blurred (sigma 1) so that neighbouring glyphs touch, then sensor noise."""
    img = Image.new("L", (1000, 600), 255)
    draw = ImageDraw.Draw(img)
    for y in YS:
        draw.line([(XS[0], y), (XS[-1], y)], fill=110, width=2)
    for x in XS:
        draw.line([(x, YS[0]), (x, YS[-1])], fill=110, width=2)
    font = ImageFont.truetype(BOLD_FONT[0], size, index=BOLD_FONT[1])
    for x, y, text in texts:
        draw.text((x, y), text, font=font, fill=0)
    page = cv2.erode(np.asarray(img), np.ones((grow, grow), np.uint8))
    page = cv2.GaussianBlur(page, (0, 0), 1.0)
    return scans.gaussian_noise(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR), 6, 0)[..., 0]


def test_a_bold_text_line_is_no_row_rule() -> None:
    """Heavy bold lines whose glyphs touch: the strokes at one height run together longer than
    the rule kernel and were taken for row separators through the text (4 rows read as 6 or
    7). Ink touches each such run nearly all along, so none is a rule."""
    texts = [(310, 235, "按计划完成送戏下乡任务"), (110, 335, "年度绩效目标")]
    for size, grow in ((26, 2), (28, 3)):
        (table,) = find_tables(bold_text_page(texts, size, grow))
        assert at_rules(table.ys, 2), (size, grow, table.ys)
        assert len(table.cells) == 12


def test_text_set_tight_against_a_rule_leaves_it_a_rule() -> None:
    """Bold text touching the row rule y=300 from above in column 1 (no padding): ink touches
    that rule over a share of its length, the rest has paper beside it; it stays a rule (the
    text's bottom strokes, one cluster with it, pull its place up by a few px)."""
    texts = [(310, 268, "按计划完成送戏下乡任务")]
    (table,) = find_tables(bold_text_page(texts, 26, 2))
    assert at_rules(table.ys, 6), table.ys
    assert len(table.cells) == 12
