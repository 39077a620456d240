"""Lone comparators on faded low-resolution scans: how many 指标性质 cells read exactly as the
recogniser's greedy reading, and as the reader takes them through the column's alphabet
(`flows.forms.rows.alphabet_choice` over `Cell.readings`).

Pages are `tests/fixtures/scans.nature_column_spec` (三级指标 | 指标性质 | 指标值 | 度量单位, a
comparator alone in each 指标性质 cell) rasterised at `--dpi` (150) with the compound scan damage
of one seed each (`scans.draw_compound`); even seeds have their ink faded (at least 0.5). Seed
ranges as bench/bench_photos.py: dev 100–999 for developing, held-out from 7000 (the default),
tests below 100. A cell counts when its text (NFKC) is the printed comparator; `changed` lists
every cell the alphabet changed, right or wrong, `empty` every comparator read as nothing.

Each seed also damages a page of the same table whose cells are blank in a pattern (`BLANK`:
every cell of some rows, the 指标性质 cell of others): a blank cell read as any text is a false
reading (the re-read of empty cells showing ink must never add one).

    .venv/bin/python -m bench.bench_comparators --range dev --pages 24
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.match import loose  # noqa: E402
from flows.forms.rows import alphabet_choice  # noqa: E402
from flows.forms.spec import NATURE_ALPHABET  # noqa: E402
from ocr.engines import OcrOptions, get_engine  # noqa: E402
from ocr.page import ocr_page  # noqa: E402
from tests.fixtures import scans  # noqa: E402

RANGES = {"dev": (100, 999), "heldout": (7000, 10**9)}
ROWS = [
    ("≥", "90", "%"),
    ("=", "94", "%"),
    ("≤", "5", "‰"),
    (">", "98", "%"),
    ("<", "3", "‰"),
    ("≥", "85", "%"),
    ("=", "100", "%"),
    ("≤", "2", "天"),
]
# Rows of the blank page: "" prints nothing.
BLANK = [
    ("", "", ""),
    ("", "90", "%"),
    ("≥", "", ""),
    ("", "", ""),
    ("", "5", "‰"),
    ("=", "", "%"),
    ("", "", ""),
    ("", "2", ""),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--range", choices=tuple(RANGES), default="heldout")
    ap.add_argument("--pages", type=int, default=12, help="pages (seeds), one damage draw each")
    ap.add_argument("--dpi", type=int, default=150)
    a = ap.parse_args(argv)
    first = RANGES[a.range][0]
    opts = OcrOptions(threads=1)
    engine = get_engine("rapidocr", opts)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = scans.render_pdf(Path(tmp) / "nature.pdf", [scans.nature_column_spec(ROWS)])
        clean = scans.rasterize(pdf, 0, a.dpi)
        blank_pdf = scans.render_pdf(Path(tmp) / "blank.pdf", [scans.nature_column_spec(BLANK)])
        blank_page = scans.rasterize(blank_pdf, 0, a.dpi)
    cells = greedy = chosen = blanks = false_reads = 0
    changed: list[str] = []
    empty: list[str] = []
    false: list[str] = []
    cpu0 = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    for seed in range(first, first + a.pages):
        rec = scans.draw_compound(seed, a.dpi)
        if seed % 2 == 0:
            rec["ink"], rec["ink_amount"] = "faded", max(rec["ink_amount"], 0.5)
        grid = ocr_page(scans.apply_compound(clean, rec), 1, opts, engine)
        table = grid.tables[0] if grid.tables else None
        for r, (printed, _, _) in enumerate(ROWS, start=1):
            cells += 1
            cell = table.at(r, 1) if table is not None else None
            if cell is None:
                continue
            pick = alphabet_choice(cell, NATURE_ALPHABET)
            after = pick[0] if pick else cell.text
            if not cell.text:
                empty.append(f"seed {seed} row {r}: printed {printed!r}")
            greedy += loose(cell.text) == loose(printed)
            chosen += loose(after) == loose(printed)
            if after != cell.text:
                changed.append(
                    f"seed {seed} row {r}: printed {printed!r}, read {cell.text!r} -> {after!r}"
                )
        grid = ocr_page(scans.apply_compound(blank_page, rec), 1, opts, engine)
        table = grid.tables[0] if grid.tables else None
        for r, row in enumerate(BLANK, start=1):
            for c, printed in enumerate(row, start=1):
                cell = table.at(r, c) if table is not None else None
                if printed or cell is None or (cell.row, cell.col) != (r, c):
                    continue  # printed, or merged with a neighbour by a lost rule
                blanks += 1
                if cell.text:
                    false_reads += 1
                    false.append(f"seed {seed} row {r} col {c}: blank read {cell.text!r}")
    cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu0
    print(f"{a.pages} pages ({a.range} seeds from {first}), {a.dpi} dpi compound damage")
    print(f"greedy reading exact   {greedy}/{cells} ({greedy / max(cells, 1):.1%})")
    print(f"through the alphabet   {chosen}/{cells} ({chosen / max(cells, 1):.1%})")
    print(f"read empty             {len(empty)}/{cells}")
    print(f"blank cells read as text {false_reads}/{blanks}")
    print(f"OCR {cpu:.1f} CPU-s ({cpu / max(2 * a.pages, 1):.2f} per page, one thread)")
    for line in changed:
        print("  changed:", line)
    for line in empty:
        print("  empty:", line)
    for line in false:
        print("  false:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
