"""Which generated documents have a seal stamped over their indicator grid, and over which values.

Why: a seal's characters read into indicator values (#8, #10) are measured only on documents
where the seal lands on the grid; in a random dev range most seals sit on the header, the funds
block or blank paper. The generator records where it stamped each seal (`scans.apply_compound`:
centre as fractions of the page, radius in pt, before the page's skew; the fixed seal of the
`seal` and `combo` damages at `scans._seal_centre`) and where it printed every value
(`printed_cells`, pt, top-left origin), so the overlap is a geometric fact of the truth, not a
guess from the scan. A seal on a greyscale page is as dark as the print (red suppression cannot
take it): those are listed as `dark`.

    python -m bench.layoutgen.sealed --truth DIR/truth [--dark-only]
    python -m bench.layoutgen.sealed --scout --start 0 --count 2000 [--dark-only]

`--scout` finds such seeds without scanning anything: the generator's draws are replayed with
the rasterisation and damage stubbed out (they draw from their own seeded generators, never
from the seed's `random.Random`, so every record and every page is the one a real run writes);
only the typesetting runs, some 20 times faster than generating the scans.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import numpy as np
from reportlab.lib.pagesizes import A4, landscape

from bench.layoutgen.generate import seeds
from bench.layoutgen.score import Warehouse
from bench.match import loose

# The printed fields of an indicator line (forms.py `_val` fields of the grid).
INDICATOR_FIELDS = frozenset(
    {"indicator_name", "target", "target_value", "actual", "weight", "score"}
)
# `scans._seal_centre`: the fixed seal of the `seal` and `combo` damages, as page fractions.
FIXED_SEAL = (0.66, 0.24, 0.085)


@dataclass(frozen=True)
class SealOnPage:
    """One stamped seal in pt of its page (top-left origin) and whether it is grey (dark)."""

    page: int
    cx: float
    cy: float
    r: float
    dark: bool


@dataclass(frozen=True)
class Covered:
    """A printed indicator value that a seal's disc reaches."""

    file: str
    page: int
    field: str
    text: str
    dark: bool


def covered_lines(truth: dict, dark_only: bool = False) -> list[tuple[dict, dict]]:
    """(project, indicator) of every indicator line one of whose printed values a seal's disc
    reaches. A line's values are the indicator fields printed on its name's page whose boxes
    share the name's height band (a wrapped name spans the line's whole height)."""
    seals = [s for s in seals_of(truth) if s.dark or not dark_only]
    out = []
    for pr in truth.get("projects") or []:
        cells = [c for c in pr.get("printed_cells") or [] if c["field"] in INDICATOR_FIELDS]
        by_name = {loose(i["name"]): i for i in pr["indicators"]}
        for name in (c for c in cells if c["field"] == "indicator_name"):
            ind = by_name.get(loose(name["text"]))
            if ind is None:
                continue
            top, bottom = name["bbox"][1], name["bbox"][3]
            line = [
                c
                for c in cells
                if c["page"] == name["page"]
                and min(bottom, c["bbox"][3]) - max(top, c["bbox"][1]) > 0
            ]
            if any(s.page == name["page"] and reaches(s, c["bbox"]) for s in seals for c in line):
                out.append((pr, ind))
    return out


def page_size(truth: dict) -> tuple[float, float]:
    """The rendered page in pt (the layout's orientation)."""
    return landscape(A4) if (truth.get("layout") or {}).get("landscape") else A4


def seals_of(truth: dict) -> list[SealOnPage]:
    """Every seal the generator stamped on the document's pages."""
    w, h = page_size(truth)
    out = []
    for rec in truth.get("degradations") or []:
        if "seal" in rec:
            cx, cy = rec["seal"]["center"]
            out.append(
                SealOnPage(rec["page"], cx * w, cy * h, rec["seal"]["radius_pt"], rec["grayscale"])
            )
        elif rec.get("damage") in ("seal", "combo"):
            fx, fy, fr = FIXED_SEAL
            out.append(SealOnPage(rec["page"], fx * w, fy * h, fr * w, False))
    return out


def reaches(seal: SealOnPage, bbox: list[float]) -> bool:
    """Whether the seal's disc meets the box (x0, top, x1, bottom) at all."""
    x0, y0, x1, y1 = bbox
    dx = max(x0 - seal.cx, 0.0, seal.cx - x1)
    dy = max(y0 - seal.cy, 0.0, seal.cy - y1)
    return dx * dx + dy * dy <= seal.r * seal.r


def covered_values(truth: dict) -> list[Covered]:
    """The indicator values of the document that a stamped seal's disc reaches."""
    seals = seals_of(truth)
    out = []
    for pr in truth.get("projects") or []:
        for cell in pr.get("printed_cells") or []:
            if cell["field"] not in INDICATOR_FIELDS:
                continue
            for s in seals:
                if s.page == cell["page"] and reaches(s, cell["bbox"]):
                    out.append(Covered(truth["file"], s.page, cell["field"], cell["text"], s.dark))
                    break
    return out


@contextmanager
def _no_scans() -> Iterator[None]:
    """The generator with its rasterisation, damage and image writing stubbed out."""
    from bench.layoutgen import generate
    from tests.fixtures import scans

    tiny = np.full((4, 4, 3), 255, np.uint8)
    with (
        mock.patch.object(scans, "rasterize", lambda *a, **k: tiny),
        mock.patch.object(scans, "apply_compound", lambda im, rec: im),
        mock.patch.object(scans, "damage", lambda im, kind, seed=0: im),
        mock.patch.object(scans, "write_scanned_pdf", lambda *a, **k: None),
        mock.patch.object(generate.cv2, "imwrite", lambda *a, **k: True),
    ):
        yield


def scout(seed: int) -> list[dict]:
    """The truths `generate(seed)` writes, without scanning a page (see the module's note)."""
    from bench.layoutgen.generate import generate

    with _no_scans(), tempfile.TemporaryDirectory() as tmp:
        return generate(seed, Path(tmp))


def _listing(truth: dict, dark_only: bool) -> str | None:
    if truth["kind"] == "text_pdf":
        return None
    cov = [c for c in covered_values(truth) if c.dark or not dark_only]
    if not cov:
        return None
    dark = sum(c.dark for c in cov)
    cols = (truth["seed"], truth["file"], truth["kind"], truth["doc_type"], len(cov), dark)
    return "\t".join(str(c) for c in cols)


def _scout_lines(args: tuple[int, bool]) -> list[str]:
    seed, dark_only = args
    return [ln for t in scout(seed) if (ln := _listing(t, dark_only))]


# What each form's line is judged on (bench.layoutgen.score): the plan's name and target, the
# self-evaluation's name, actual, weight and score.
JUDGED = {
    "target": (("name", "indicator_name"), ("target_raw", "target_raw")),
    "self_evaluation": (
        ("name", "indicator_name"),
        ("actual_raw", "actual_raw"),
        ("weight", "weight"),
        ("score", "score"),
    ),
}


def _same(want: object, got: object) -> bool:
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        try:
            return got is not None and abs(float(got) - float(want)) <= 1e-4  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
    return loose(want) == loose(got)


def landed_lines(truth: dict, wh: Warehouse) -> list[tuple[dict, dict | None, list[str]]]:
    """Each sealed line of the document with the landed line it is nearest to and the judged
    fields that differ (all of them when nothing landed). Nearest: the same name, else the
    most characters of name and value in common (difflib), so a name with a seal's glyphs
    glued on still finds its line."""
    table = "fct_indicator" if truth["doc_type"] == "target" else "fct_indicator_result"
    rows = wh.rows_of(table, truth["file"])
    judged = JUDGED[truth["doc_type"]]
    out = []
    for pr, ind in covered_lines(truth, dark_only=True):
        # the line's own project first: one name is printed in two years' tables
        own = [r for r in rows if loose(wh.project_name(r)) == loose(pr["project_name"])]
        cands = [r for r in own if r.get("year") == pr["year"]] or own or rows
        # of lines landed under one name (a row split in two) the one that reads the most right
        named = [r for r in cands if loose(r.get("indicator_name")) == loose(ind["name"])]
        got = max(
            named, key=lambda r: sum(_same(ind[t], r.get(g)) for t, g in judged), default=None
        )
        if got is None and cands:
            want = loose(ind["name"]) + loose(ind.get("target_raw"))

            def near(r: dict, want: str = want) -> float:
                text = loose(r.get("indicator_name")) + loose(r.get("target_raw"))
                return difflib.SequenceMatcher(None, want, text).ratio()

            got = max(cands, key=near)
            got = got if near(got) >= 0.5 else None
        wrong = [t for t, g in judged if got is None or not _same(ind[t], got.get(g))]
        out.append((ind, got, wrong))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--truth", type=Path, help="list the documents of these truths")
    ap.add_argument("--scout", action="store_true", help="list dev seeds without scanning")
    ap.add_argument("--range", choices=("dev", "dev2"), default="dev", help="dev range to scout")
    ap.add_argument("--start", type=int, default=0, help="offset of the first seed to scout")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dark-only", action="store_true", help="grey seals only")
    ap.add_argument(
        "--warehouse", type=Path, help="with --truth: every dark-sealed line and what landed"
    )
    a = ap.parse_args(argv)
    if a.warehouse is not None:
        wh = Warehouse(a.warehouse)
        for p in sorted(a.truth.glob("*.json")):
            truth = json.loads(p.read_text(encoding="utf-8"))
            for ind, got, wrong in landed_lines(truth, wh):
                judged = JUDGED[truth["doc_type"]]
                want = " | ".join(str(ind[t]) for t, _ in judged)
                read = "-" if got is None else " | ".join(str(got.get(g)) for _, g in judged)
                mark = "ok" if not wrong else "WRONG " + ",".join(wrong)
                print(f"{truth['file']}\t{mark}\t{want}\t{read}")
        return 0
    print("seed\tfile\tkind\tdoc_type\tcovered\tdark")
    if a.scout:
        todo = [(s, a.dark_only) for s in seeds(a.range, a.count, a.start)]
        with ProcessPoolExecutor(max_workers=a.workers) as pool:
            for lines in pool.map(_scout_lines, todo, chunksize=8):
                for ln in lines:
                    print(ln, flush=True)
        return 0
    for p in sorted(a.truth.glob("*.json")):
        ln = _listing(json.loads(p.read_text(encoding="utf-8")), a.dark_only)
        if ln:
            print(ln)
    return 0


if __name__ == "__main__":
    sys.exit(main())
