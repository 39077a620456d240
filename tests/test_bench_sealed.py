"""bench.layoutgen.sealed: which printed indicator lines a stamped seal reaches."""

from __future__ import annotations

from bench.layoutgen.sealed import SealOnPage, covered_lines, reaches, seals_of


def _truth() -> dict:
    return {
        "file": "lg_1.pdf",
        "kind": "scan_pdf",
        "doc_type": "target",
        "layout": {"landscape": False},
        "degradations": [
            {"page": 1, "damage": "compound", "grayscale": True, "dpi": 200,
             "seal": {"center": [0.5, 0.5], "radius_pt": 60.0}},
            {"page": 2, "damage": "seal", "dpi": 200, "seed": 3},
            {"page": 3, "damage": "compound", "grayscale": False, "dpi": 200},
        ],
        "projects": [
            {
                "indicators": [
                    {"name": "验收合格率", "target_raw": "98%"},
                    {"name": "完成时限", "target_raw": "2026年底"},
                ],
                "printed_cells": [
                    {"field": "indicator_name", "text": "验收合格率", "page": 1,
                     "bbox": [100.0, 400.0, 180.0, 412.0]},
                    {"field": "target", "text": "98%", "page": 1,
                     "bbox": [300.0, 400.0, 330.0, 412.0]},
                    {"field": "indicator_name", "text": "完成时限", "page": 1,
                     "bbox": [100.0, 600.0, 160.0, 612.0]},
                    {"field": "target", "text": "2026年底", "page": 1,
                     "bbox": [300.0, 600.0, 350.0, 612.0]},
                ],
            }
        ],
    }  # fmt: skip


def test_seals_of_reads_compound_and_fixed_seals_in_pt() -> None:
    seals = seals_of(_truth())
    w, h = 595.2755905511812, 841.8897637795277  # A4 in pt
    assert seals == [
        SealOnPage(1, 0.5 * w, 0.5 * h, 60.0, True),
        SealOnPage(2, 0.66 * w, 0.24 * h, 0.085 * w, False),
    ]


def test_reaches_measures_the_disc_to_the_nearest_point_of_the_box() -> None:
    seal = SealOnPage(1, 100.0, 100.0, 10.0, True)
    assert reaches(seal, [108.0, 90.0, 120.0, 95.0])  # corner (108, 95): 9.4 from the centre
    assert not reaches(seal, [108.0, 90.0, 120.0, 92.0])  # corner (108, 92): 11.3
    assert reaches(seal, [0.0, 0.0, 200.0, 200.0])  # the centre inside the box


def test_a_line_is_covered_when_any_value_on_its_height_is() -> None:
    # the seal (297.6, 420.9, r 60) reaches the target 98% (its nearest point 32 pt away) and
    # not the name (117.6 pt); the line 完成时限 at 600 pt is 179 pt below the centre
    lines = covered_lines(_truth())
    assert [ind["name"] for _, ind in lines] == ["验收合格率"]
