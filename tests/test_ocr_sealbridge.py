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
from ocr.sealbridge import covered_between_runs

SEAL = (1000.0, 500.0, 150.0)
ROWS = (300, 380, 460, 540, 620, 700)
COLUMNS = (300, 1000, 1700)


def _profile(text: str) -> np.ndarray:
    return np.array([c != "." for c in text])


def _shown(profile: np.ndarray) -> str:
    return "".join("#" if v else "." for v in profile)


def test_a_covered_stretch_between_two_runs_is_bridged_across_short_paper_gaps() -> None:
    """Runs at both ends; between them ink (a star) with 2 px of paper either side: all of it
    bridged when gaps up to 2 px close, none of it when only 1 px does."""
    runs = _profile("###..........###")
    inked = _profile("###..######..###")
    assert _shown(covered_between_runs(runs, inked, 2)) == "...##########..."
    assert _shown(covered_between_runs(runs, inked, 1)) == "................"


def test_a_stretch_reaching_one_run_only_is_bridged_up_to_its_long_gap() -> None:
    """Ink joined to the left run across 1 px of paper, then 6 px of paper (a worn gap longer
    than 2): the rule runs on under the ink and stops where the long gap starts, which stays
    paper; the px of ink touching the right run is the rule's too."""
    runs = _profile("###............###")
    inked = _profile("###.####......####")
    assert _shown(covered_between_runs(runs, inked, 2)) == "...#####......#..."


def test_one_run_or_none_bridges_nothing() -> None:
    assert not covered_between_runs(_profile("###....."), _profile("########"), 3).any()
    assert not covered_between_runs(_profile("........"), _profile("########"), 3).any()


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
    line from 467: no run of the rule lies past the star, so nothing is bridged; the column
    rules' mask is the one `drop_seals` kept before (the row rules crossing the star are
    carried across it: they run on either side)."""
    page = _star_on_a_column_rule()
    page[463:703, 999:1002] = 255
    _star(page)
    ink = binarize(page)
    hor, ver = line_masks(ink)
    _, carried, _ = drop_seals(hor, ver, ink, [SEAL])
    monkeypatch.setattr(preprocess, "_carry_rules_across", lambda *a: [])
    _, before, _ = drop_seals(hor, ver, ink, [SEAL])
    assert np.array_equal(carried, before)
