"""A column rule carried on across a seal printed over it (`ocr.sealbridge`,
`ocr.preprocess.drop_seals`): the seal's star lying on the rule, worn gaps beside it.

Synthetic pages: paper 255, a table ruled in black, a black seal (ring and solid star, as a red
seal scanned in grey over faded print is neither suppressed nor lifted) whose star covers the
middle column rule inside one row; the rule worn through for a few px either side of the star,
as dev5 lg_48718 p3 prints it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr import preprocess
from ocr.grid import find_tables
from ocr.preprocess import binarize, drop_seals, line_masks
from ocr.sealbridge import rule_chain

SEAL = (1000.0, 500.0, 150.0)
ROWS = (300, 380, 460, 540, 620, 700)
COLUMNS = (300, 1000, 1700)


def _profile(text: str) -> np.ndarray:
    return np.array([c != "." for c in text])


def _shown(profile: np.ndarray) -> str:
    return "".join("#" if v else "." for v in profile)


def test_a_rule_runs_on_from_outside_across_the_star_and_short_gaps() -> None:
    """A run outside the disc, 2 px of paper, the star, 2 px of paper, a run inside: the
    chain runs from the first run to the last when gaps up to 2 px close; with 1 px only the
    outside run is its own chain."""
    runs = _profile("###..........###")
    held = _profile(".....######.....")
    outside = _profile("####............")
    assert _shown(rule_chain(runs, held, outside, 2)) == "################"
    assert _shown(rule_chain(runs, held, outside, 1)) == "###............."


def test_a_chain_holding_no_run_outside_the_disc_is_no_rule() -> None:
    """The same runs and star, the line outside the disc only at its far end where no run
    shows: nothing arrives from outside, nothing is carried."""
    runs = _profile("###..........###...")
    held = _profile(".....######........")
    outside = _profile("..................#")
    assert not rule_chain(runs, held, outside, 2).any()


def test_ink_that_is_neither_star_nor_crossing_rule_ends_the_chain() -> None:
    """The seal's text between two runs (not `held`) leaves a gap longer than 2 px: the chain
    from outside stops at its last run; the inner run is not the rule's."""
    runs = _profile("###.......###")
    held = _profile(".............")
    outside = _profile("###..........")
    assert _shown(rule_chain(runs, held, outside, 2)) == "###.........."


def _star(gray: np.ndarray) -> None:
    """The seal's solid star (outer radius 33: rows 467-527) at its centre, in black."""
    cx, cy, _ = SEAL
    angles = np.deg2rad(np.arange(10) * 36 - 90)
    radii = np.where(np.arange(10) % 2 == 0, 33.0, 12.6)
    star = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], 1)
    cv2.fillPoly(gray, [np.round(star).astype(np.int32)], 0)


def _star_on_a_column_rule() -> np.ndarray:
    """A 2 × 5 table on a 2000 px page (rules 3 px at `COLUMNS` and `ROWS`), a black seal
    centred on the middle column rule at (1000, 500), r 150: its star covers the rule over
    467-527, inside row 460-540, and the rule is worn through over 455-467 above it and
    527-545 below it (gaps the rule masks close: up to 35 px on this page). The star is
    shorter than a rule's shortest run here (71 px): no rule of its own in the masks."""
    gray = np.full((2000, 2000), 255, np.uint8)
    for y in ROWS:
        gray[y - 1 : y + 2, 300:1703] = 0
    for x in COLUMNS:
        gray[300:703, x - 1 : x + 2] = 0
    gray[455:467, 999:1002] = 255
    gray[527:545, 999:1002] = 255
    cx, cy, r = SEAL
    cv2.circle(gray, (int(cx), int(cy)), int(r), 0, 5)
    _star(gray)
    return gray


def test_the_column_rule_runs_on_under_the_seals_star(monkeypatch: pytest.MonkeyPatch) -> None:
    """`drop_seals` kept the column rule inside the disc up to its first gap from outside
    only: row 460-540 had none of it and the grid merged that row's two cells. Carried
    across, the rule's line holds every px from the table's top to its bottom (the worn gaps
    beside the star close, as the rule masks close them): the grid has all 10 cells."""
    page = _star_on_a_column_rule()
    ink = binarize(page)
    hor, ver = line_masks(ink)
    _, kept, _ = drop_seals(hor, ver, ink, [SEAL])
    assert int(kept[300:703, 996:1005].any(axis=1).sum()) == 403
    cells = find_tables(page, seals=[SEAL])[0].cells
    assert {(c.row, c.col) for c in cells} == {(r, c) for r in range(5) for c in range(2)}

    monkeypatch.setattr(preprocess, "_carry_rules_across", lambda *a: [])
    _, before, _ = drop_seals(hor, ver, ink, [SEAL])
    assert int(before[455:545, 996:1005].any(axis=1).sum()) == 0
    merged = find_tables(page, seals=[SEAL])[0].cells
    assert len(merged) == 9
    assert [(c.row, c.colspan) for c in merged if c.colspan == 2] == [(2, 2)]


def test_a_rule_ending_inside_the_disc_is_not_carried_past_its_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The middle column rule stops at row 460 (merged rows below it) and the star covers its
    line from 467: no run of the rule lies past the star, so nothing is carried past the
    rule's end; the column rules' mask there is the one `drop_seals` kept before."""
    page = _star_on_a_column_rule()
    page[463:703, 999:1002] = 255
    _star(page)
    ink = binarize(page)
    hor, ver = line_masks(ink)
    _, carried, _ = drop_seals(hor, ver, ink, [SEAL])
    monkeypatch.setattr(preprocess, "_carry_rules_across", lambda *a: [])
    _, before, _ = drop_seals(hor, ver, ink, [SEAL])
    assert np.array_equal(carried[455:703, 990:1010], before[455:703, 990:1010])
    assert int(carried[463:703, 990:1010].sum()) == 0
