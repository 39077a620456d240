"""The seed truth and its fixture PDF: counts, determinism and the committed sample."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.fixtures.build_seed_pdf import DEFAULT_OUTPUT, FontNotFoundError, build_seed_pdf
from tests.fixtures.seed_truth import GOLDEN_DIR, SEED_PROJECTS, write_truth_csv


def _build(path: Path) -> Path:
    """Build, turning a missing system font into a failure that says how to fix it."""
    try:
        return build_seed_pdf(path)
    except FontNotFoundError as exc:
        pytest.fail(str(exc), pytrace=False)  # the message says to apt-get install the font


@pytest.fixture(scope="module")
def fresh_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("seed") / "seed.pdf")


def _page_texts(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(path)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def test_truth_counts_and_funds() -> None:
    assert [len(p.indicators) for p in SEED_PROJECTS] == [12, 9, 8, 10, 10]
    assert sum(len(p.indicators) for p in SEED_PROJECTS) == 49
    assert [p.total_funds for p in SEED_PROJECTS] == ["15", "20", "10", "148.796", "30"]
    assert [p.fiscal_funds for p in SEED_PROJECTS] == ["15", "20", "10", "148.796", "30"]
    assert all(p.other_funds == "" and p.year == 2024 for p in SEED_PROJECTS)


def test_truth_page_breaks_match_seed() -> None:
    assert [p.page_break.first_row for p in SEED_PROJECTS] == [1, 3, 3, 3, 3]
    p1, p2 = SEED_PROJECTS[0], SEED_PROJECTS[1]
    assert p1.page_break.split_for("level1").first_page == "产出指"
    assert p1.page_break.split_for("level2").second_page == "标)"
    assert p2.page_break.continued
    assert p2.page_break.split_for("name").second_page == "氛围营造"
    assert p2.page_break.split_for("target").second_page == ""


def test_golden_csvs_are_written_from_truth(tmp_path: Path) -> None:
    """The committed golden files must be exactly what the truth module writes."""
    for path in write_truth_csv(tmp_path):
        assert path.read_bytes() == (GOLDEN_DIR / path.name).read_bytes(), path.name


def test_build_is_deterministic(tmp_path: Path, fresh_pdf: Path) -> None:
    again = _build(tmp_path / "again.pdf")
    assert again.read_bytes() == fresh_pdf.read_bytes()


def test_committed_sample_matches_builder(fresh_pdf: Path) -> None:
    """data/raw's sample is generated: rerun `python -m tests.fixtures.build_seed_pdf`."""
    assert DEFAULT_OUTPUT.is_file(), f"missing {DEFAULT_OUTPUT}"
    assert DEFAULT_OUTPUT.read_bytes() == fresh_pdf.read_bytes()


def test_pdf_has_ten_pages_with_text_layer(fresh_pdf: Path) -> None:
    texts = _page_texts(fresh_pdf)
    assert len(texts) == 10
    assert all(text.strip() for text in texts)
    for k, project in enumerate(SEED_PROJECTS):
        first, second = texts[2 * k], texts[2 * k + 1]
        assert project.title_line in first
        assert project.project_name in first and "075001" in first
        # The continuation page repeats no header, as in the original.
        assert "三级指标" in first and "三级指标" not in second
        assert project.indicators[-1].target in second
