"""The vertical rules a text-layer page draws (`flows.extract.pdfrules`), read from its paths:
stroked pieces, bars drawn as thin fills, a form XObject's paths placed by its matrix; never a
slanted stroke, a curve or a shaded cell."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from reportlab.pdfgen.canvas import Canvas

from flows.extract.pdfrules import vertical_rules


def _rules_of(path: Path) -> list[tuple[float, float, float]]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return sorted(
            (round(x, 2), round(lo, 2), round(hi, 2)) for x, lo, hi in vertical_rules(pdf[0])
        )
    finally:
        pdf.close()


def test_stroked_pieces_bars_and_a_form_xobjects_rules_are_read(tmp_path: Path) -> None:
    path = tmp_path / "rules.pdf"
    c = Canvas(str(path), invariant=1)
    c.setLineWidth(1)
    c.rect(100, 600, 50, 40, stroke=1, fill=0)  # a cell: its two sides are rules
    c.line(300, 500, 300, 560)  # a line drawn upward ...
    c.line(320, 560, 320, 500)  # ... and downward
    c.line(400, 500, 410, 560)  # slanted: no rule
    c.bezier(450, 500, 460, 520, 440, 540, 450, 560)  # a curve ending straight above its start
    c.rect(200, 400, 1.5, 80, stroke=0, fill=1)  # a bar: the rule along its middle
    c.rect(250, 400, 60, 80, stroke=0, fill=1)  # a shaded cell: no rule
    c.rect(330, 400, 2, 10, stroke=0, fill=1)  # a short thick mark: no bar
    c.beginForm("frame")
    c.line(10, 0, 10, 30)
    c.endForm()
    c.saveState()
    c.translate(50, 100)
    c.doForm("frame")  # drawn at x 60, y 100-130
    c.restoreState()
    c.showPage()
    c.save()
    assert _rules_of(path) == [
        (60.0, 100.0, 130.0),
        (100.0, 600.0, 640.0),
        (150.0, 600.0, 640.0),
        (200.75, 400.0, 480.0),
        (300.0, 500.0, 560.0),
        (320.0, 500.0, 560.0),
    ]


def test_a_page_drawing_nothing_has_no_rules(tmp_path: Path) -> None:
    path = tmp_path / "text.pdf"
    c = Canvas(str(path), invariant=1)
    c.drawString(100, 700, "no rules here")
    c.showPage()
    c.save()
    assert _rules_of(path) == []
