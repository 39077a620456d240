"""Page work done once: `prepare` hands over the rule masks of the page it returns, so
`ocr_page` does not make them a second time (a page warped after they were made hands over
none); the orientation test finds the page's text line blobs once."""

from __future__ import annotations

import numpy as np
import pytest

from ocr import preprocess
from ocr.preprocess import binarize, line_masks, prepare
from tests.fixtures import scans


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    pdf = scans.render_pdf(tmp_path_factory.mktemp("rules") / "demo.pdf", [scans.demo_page_spec()])
    return scans.rasterize(pdf, 0, 200)


@pytest.mark.parametrize(
    ("damage", "note"),
    [
        (lambda im: scans.damage(im, "skew", 3), "deskewed"),
        (lambda im: scans.perspective(im, 2, 0.04), "curved columns straightened"),
    ],
)
def test_the_rules_handed_over_are_those_of_the_page_returned(
    demo: np.ndarray, damage: object, note: str
) -> None:
    """Deskewed, or straightened after the masks were first made: the masks handed over are
    those of the returned page, pixel for pixel."""
    prep = prepare(damage(demo), None)  # type: ignore[operator]
    assert not prep.warped and any(note in n for n in prep.notes)
    assert prep.rules is not None
    hor, ver = line_masks(binarize(prep.gray))
    assert np.array_equal(prep.rules[0], hor) and np.array_equal(prep.rules[1], ver)


def test_a_warped_page_hands_over_no_rules(
    demo: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the table's quadrilateral is warped straight after the masks were made, they are
    the old page's: none are handed over (here the warp is a shift of the page by 9 px)."""

    def shifted(image: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, bool]:
        return np.ascontiguousarray(np.roll(image, 9, axis=0)), True

    monkeypatch.setattr(preprocess, "unwarp", shifted)
    prep = prepare(scans.damage(demo, "skew", 3), None)
    assert prep.warped and prep.rules is None
    assert "perspective corrected" in prep.notes


class _SureReader:
    """Reads every crop at 0.99: the page as it stands reads surely."""

    def read_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        return [("项目", 0.99)] * len(crops)


def test_the_orientation_test_finds_the_line_blobs_once(
    demo: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upright page: its lines run horizontally, read as they stand they are sure, so it
    stays as it is, and its line blobs were found once, for the direction and the reading."""
    calls: list[tuple[int, ...]] = []
    real = preprocess._text_blobs

    def counted(ink: np.ndarray) -> tuple[int, int, list[tuple[int, int, int, int]]]:
        calls.append(ink.shape)
        return real(ink)

    monkeypatch.setattr(preprocess, "_text_blobs", counted)
    assert preprocess.detect_quarter_turns(demo, _SureReader()) == 0  # type: ignore[arg-type]
    assert len(calls) == 1
