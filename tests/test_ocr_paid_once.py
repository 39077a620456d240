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


def _seal_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many seals each `find_seals` call found, the preprocessing's and the grid's."""
    from ocr import grid

    found: list[int] = []
    real = preprocess.find_seals

    def counted(ink: np.ndarray, *args: object, **kw: object) -> list[tuple[float, float, float]]:
        out = real(ink, *args, **kw)  # type: ignore[arg-type]
        found.append(len(out))
        return out

    monkeypatch.setattr(preprocess, "find_seals", counted)
    monkeypatch.setattr(grid, "find_seals", counted)
    return found


def test_a_page_without_a_seal_is_looked_at_for_seals_once(
    demo: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preprocessing found no seal on the skewed page: it hands over none, and the grid,
    given them, does not look again; its tables are those it finds looking itself."""
    from ocr.grid import find_tables

    found = _seal_calls(monkeypatch)
    prep = prepare(scans.damage(demo, "skew", 3), None)
    assert prep.seals == [] and found == [0]
    given = find_tables(prep.gray, masks=prep.rules, seals=prep.seals)
    assert found == [0]
    assert given == find_tables(prep.gray, masks=prep.rules)
    assert found == [0, 0]


def test_a_page_with_a_seal_has_it_found_again_on_the_page_returned(
    demo: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A seal as dark as the print is found but not lifted; the page is deskewed after, so the
    seal's place is not handed over (None) and the grid finds it on the page returned."""
    import cv2

    from ocr.grid import find_tables

    h, w = demo.shape[:2]
    gray = cv2.cvtColor(demo, cv2.COLOR_BGR2GRAY)
    cv2.circle(gray, (w // 2, h // 3), int(0.08 * w), 0, 5)
    found = _seal_calls(monkeypatch)
    prep = prepare(scans.damage(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), "skew", 3), None)
    assert prep.seals is None and found == [1]
    find_tables(prep.gray, masks=prep.rules, seals=prep.seals)
    assert found == [1, 1]


@pytest.mark.parametrize("connectivity", [4, 8])
def test_components_in_bands_are_cv2s_of_the_whole_mask(connectivity: int) -> None:
    """Labelled band by band (rows without ink between), the components are those of one
    labelling of the whole mask: the same boxes, the same pixels, in the same order."""
    import cv2

    rng = np.random.default_rng(5)
    for _ in range(60):
        h, w = (int(v) for v in rng.integers(3, 120, 2))
        mask = (rng.random((h, w)) < rng.uniform(0.02, 0.5)).astype(np.uint8)
        mask[rng.integers(0, h, h // 2)] = 0  # empty rows part the bands
        num, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=connectivity)
        whole = [tuple(int(v) for v in stats[i]) for i in range(1, num)]
        pixels = [
            labels[y : y + bh, x : x + bw] == i for i, (x, y, bw, bh, _) in enumerate(whole, 1)
        ]
        got = preprocess.components(mask, connectivity, lambda box: True)
        assert [box for box, _ in got] == whole
        assert all(np.array_equal(a, b) for (_, a), b in zip(got, pixels, strict=True))
    wide = preprocess.components(mask, connectivity, lambda box: box[2] >= w // 2)
    assert [box for box, _ in wide] == [b for b in whole if b[2] >= w // 2]


def _judged(*args: object, **kw: object) -> None:
    raise AssertionError("judged again")


def _judging_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """The orientation test and the skew search fail if asked: a page prepared as decided
    judges neither again."""
    monkeypatch.setattr(preprocess, "detect_quarter_turns", _judged)
    monkeypatch.setattr(preprocess, "skew_angle", _judged)


def _grey_seal(image: np.ndarray) -> np.ndarray:
    """The page with a grey ring (a seal lighter than the print) over its table."""
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    cv2.circle(gray, (w // 2, h // 3), int(0.08 * w), 150, 5)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


@pytest.mark.parametrize(
    ("damage", "decided"),
    [
        (lambda im: im, (0, False, False, False)),
        (lambda im: scans.rotate90(scans.damage(im, "skew", 3), 1), (1, True, False, False)),
        (lambda im: scans.damage(im, "skew", 3), (0, True, False, True)),
        (lambda im: scans.perspective(im, 2, 0.04), (0, True, False, True)),
        (_grey_seal, (0, False, True, False)),
    ],
)
def test_a_page_prepared_as_decided_is_the_page_prepared_judging(
    demo: np.ndarray,
    monkeypatch: pytest.MonkeyPatch,
    damage: object,
    decided: tuple[int, bool, bool, bool],
) -> None:
    """Given what its first preparation judged (turns, skewed, a grey seal lifted, reshaped),
    the same image is prepared to the same grey page, pixel for pixel, with the same notes,
    neither its orientation nor its skew judged again: upright and level, turned sideways and
    skewed, skewed and warped, straightened, a grey seal lifted. A page no seal was lifted on
    is not searched for seals (whether it holds one is not known: `seals` None); one nothing
    was straightened or warped on has no rule masks made (none handed over)."""
    image = damage(demo)  # type: ignore[operator]
    first = prepare(image, None)
    turns, skewed, lifted, reshaped = decided
    assert first.decided == (turns, first.angle, lifted, reshaped)
    assert (first.angle != 0.0) == skewed
    _judging_forbidden(monkeypatch)
    if not lifted:
        monkeypatch.setattr(preprocess, "lift_grey_seals", _judged)
    if not reshaped:
        monkeypatch.setattr(preprocess, "straighten_rules", _judged)
        monkeypatch.setattr(preprocess, "table_quad", _judged)
    again = prepare(image, None, decided=first.decided)
    assert again.decided == first.decided and again.notes == first.notes
    assert np.array_equal(again.gray, first.gray)
    assert first.rules is not None
    if reshaped:
        assert again.rules is not None
        assert all(np.array_equal(a, b) for a, b in zip(again.rules, first.rules, strict=True))
    else:
        assert again.rules is None
    assert again.seals == (first.seals if lifted else None)


def test_a_box_reread_prepares_its_page_as_the_page_grid_says(
    demo: np.ndarray, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    """The flows' re-reader is handed the document's page grids: it renders an image page
    again and prepares it with the turns and skew its grid carries (neither judged again),
    giving the page the grid's boxes name; a page without a decision is judged as before."""
    from pathlib import Path

    import cv2

    from flows.extract.reread import PageRereader
    from flows.models import PageGrid, PageStatus
    from ocr import page as ocr_page_module

    image = scans.rotate90(scans.damage(demo, "skew", 3), 1)
    path = Path(str(tmp_path)) / "page.png"
    cv2.imwrite(str(path), image)
    expected = prepare(cv2.imread(str(path)), None)
    assert expected.quarter_turns and expected.angle
    monkeypatch.setattr(ocr_page_module, "engine_for", lambda options: None)
    h, w = expected.gray.shape
    grid = PageGrid(
        1, w, h, "px", False, PageStatus.EXTRACTED, "rapidocr", decided=expected.decided
    )
    undecided = PageRereader(path, "image")
    _judging_forbidden(monkeypatch)
    got = PageRereader(path, "image", pages=[grid])._page(1)
    assert got is not None and np.array_equal(got, expected.gray)
    assert undecided._page(1) is None  # judging again was asked for, and failed
