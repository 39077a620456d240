"""Scan and photo damage benchmark: cell exact recall per damage kind, blank verdicts, pages
per minute and the peak RSS of the whole process tree (this process and its workers, sampled).

Pages are the demo 绩效目标表 form (tests/fixtures/scans.py) with values varied by seed,
rendered at 200 dpi and damaged by one kind each, in two groups with the issue's targets:
- scan (≥ 0.98): every kind of `scans.DAMAGES` (clean, skew, noise, seal, rotate, light, faint,
  photo, combo), `scans.HARD_DAMAGES` (faded) and `fill` (coloured heading fills, clean);
- photo (≥ 0.95): every kind of `scans.PHOTO_DAMAGES` (perspective, curve, shadow, light, moire,
  lowres, desk, phone). `light` is in both groups with different strengths; each group applies
  its own function.

Seed ranges (one page per seed, every kind damages the same pages):
- **dev** seeds 100–999: for tuning and before/after figures while developing;
- **held-out** seeds from 7000 (the default): never looked at while developing; the figures to
  report. Tests use seeds below 100.

Metric (the issue's): a printed cell string counts when one extracted cell of its page has
exactly that text. `nfkc` compares after NFKC and whitespace folding, as the validation scorer
(shared/validation/score/common.norm) does; `strict` also holds full/half width (（ vs ( ), which
the recogniser cannot always tell. The verdict against the target is on `nfkc`, as the
validation scorer counts. A page without a table counts all its cells as missed.
With `--show`, each cell the `nfkc` metric misses is printed with its page's seed, the
extracted cell nearest to it (difflib) and a cause (`miss_cause`), and each kind's misses are
counted by cause: what tells the grid's misses (cells merged or cut) from the reading's.
`blank` counts pages the pipeline's blank test (`flows.extract.documents.is_blank`, on the page
written as an image-only PDF) would throw away: every page here is readable, so it must be 0.

    .venv/bin/python -m bench.bench_photos --range dev --pages 2 --workers 2
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.match import loose  # noqa: E402
from bench.pages import run_pages, worker_engine  # noqa: E402
from bench.proctree import TreeRss  # noqa: E402
from flows.extract.documents import is_blank  # noqa: E402
from ocr.engines import OcrOptions  # noqa: E402
from ocr.page import ocr_page  # noqa: E402
from tests.fixtures import scans  # noqa: E402

# (group, kind) → damage; the group's target is the cell exact recall bar
SCAN_DAMAGES: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    **scans.DAMAGES,
    **scans.HARD_DAMAGES,
    "fill": lambda im, s: im,  # the heading fills are in the page spec
}
GROUPS: dict[str, tuple[float, dict[str, Callable[[np.ndarray, int], np.ndarray]]]] = {
    "scan": (0.98, SCAN_DAMAGES),
    "photo": (0.95, scans.PHOTO_DAMAGES),
}
KINDS = [f"{g}:{k}" for g, (_, table) in GROUPS.items() for k in table]
RANGES = {"dev": (100, 999), "heldout": (7000, 10**9)}
FILLS = [(0.35, 0.5, 0.85), (0.75, 0.75, 0.75), (0.8, 0.88, 1.0)]


def page_spec(seed: int, fill: bool) -> scans.PageSpec:
    """A demo form whose values vary with `seed` (funds, code), optionally with heading fills."""
    funds = str(10 + (seed * 37) % 990)
    code = f"{(seed * 7919) % 1000000:06d}"
    return scans.demo_page_spec(
        funds=funds, code=code, heading_fill=FILLS[seed % len(FILLS)] if fill else None
    )


# Why a printed cell string was not extracted, from the extracted cell nearest to it
MERGED = "merged"  # read inside a longer cell: its cell joined a neighbour's (grid)
GLUED = "glued"  # read with one mark more at its edge or inside (a speck, a rule's stroke)
CUT = "cut"  # a longer string holds the read text: the cell was split or lost a part
MISREAD = "misread"  # a cell of its own read otherwise (recognition, specks)
LOST = "lost"  # nothing near it was extracted


def miss_cause(truth: str, read: list[str]) -> tuple[str, str | None]:
    """The cause of a missed cell (`MERGED`, `GLUED`, `CUT`, `MISREAD`, `LOST`) and the
    nearest extracted text, compared as the metric compares (`loose`). Containment decides
    before likeness: a cell merged with its neighbour reads the truth and a neighbour's text
    (two characters or more), a speck glued to it one mark more."""
    want = loose(truth)
    texts = [t for t in {loose(r) for r in read} if t]
    merged = [t for t in texts if want in t]
    if merged:
        near = min(merged, key=len)
        return (GLUED if len(near) == len(want) + 1 else MERGED), near
    near = difflib.get_close_matches(want, texts, n=1, cutoff=0.5)
    if not near:
        return LOST, None
    return (CUT if near[0] in want else MISREAD), near[0]


def _work(args: tuple[str, int, str, int]) -> dict:
    """Render, damage and OCR one page; score its cells against the spec."""
    kind, seed, tmp, threads = args
    options = OcrOptions(threads=threads)
    engine = worker_engine(options)
    group, name = kind.split(":")
    spec = page_spec(seed, fill=kind == "scan:fill")
    stem = kind.replace(":", "_")
    pdf = scans.render_pdf(Path(tmp) / f"{stem}_{seed}.pdf", [spec])
    image = GROUPS[group][1][name](scans.rasterize(pdf, 0, 200), seed)
    scanned = scans.write_scanned_pdf([image], Path(tmp) / f"{stem}_{seed}_scan.pdf")
    blank = is_blank(scanned, 1)
    t0, c0 = time.perf_counter(), time.process_time()
    grid = ocr_page(image, 1, options, engine=engine)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    texts = [c.text for t in grid.tables for c in t.cells]
    truth = [c.text for c in spec.cells if c.text]
    got_exact = set(texts)
    got_loose = {loose(t) for t in texts}
    return {
        "kind": kind,
        "seed": seed,
        "wall": wall,
        "cpu": cpu,
        "n": len(truth),
        "exact": sum(t in got_exact for t in truth),
        "loose": sum(loose(t) in got_loose for t in truth),
        "tables": len(grid.tables),
        "blank": blank,
        "missed": [(t, *miss_cause(t, texts)) for t in truth if loose(t) not in got_loose],
    }


def plan(range_name: str, pages: int, first: int | None, kinds: list[str]) -> list[int]:
    """Seeds to run, all inside the named range (dev and held-out never overlap)."""
    lo, hi = RANGES[range_name]
    start = lo if first is None else first
    seeds = list(range(start, start + pages))
    if not (lo <= seeds[0] and seeds[-1] <= hi):
        raise SystemExit(f"seeds {seeds[0]}-{seeds[-1]} leave the {range_name} range {lo}-{hi}")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise SystemExit(f"unknown kinds {unknown}; known: {KINDS}")
    return seeds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--range", choices=tuple(RANGES), default="heldout")
    ap.add_argument("--pages", type=int, default=2, help="pages (seeds) per damage kind")
    ap.add_argument("--seed", type=int, default=None, help="first seed (inside --range)")
    ap.add_argument("--kinds", nargs="*", default=KINDS, help="group:kind, e.g. photo:curve")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--threads", type=int, default=1, help="inference threads per worker")
    ap.add_argument("--show", type=int, default=0, help="print up to N missed cells per kind")
    a = ap.parse_args(argv)

    seeds = plan(a.range, a.pages, a.seed, a.kinds)
    tmp = tempfile.mkdtemp(prefix="bench_photos_")
    jobs = [(k, s, tmp, a.threads) for k in a.kinds for s in seeds]
    load = os.getloadavg()
    print(
        f"{len(jobs)} pages ({a.pages} per kind, {a.range} seeds {seeds[0]}-{seeds[-1]}), "
        f"workers {a.workers}, threads {a.threads}, cpus {os.cpu_count()}, "
        f"load before {load[0]:.2f}"
    )
    t0 = time.perf_counter()
    with TreeRss() as rss:
        results = run_pages(_work, jobs, a.workers)
    total = time.perf_counter() - t0
    load_after = os.getloadavg()

    print(
        f"\n{'damage':17} {'pages':>5} {'tables':>6} {'blank':>5} {'cells':>5} {'strict':>7} "
        f"{'nfkc':>7} {'target':>7} {'s/page':>7} {'CPU-s/page':>10}"
    )
    all_n = all_ex = all_lo = 0
    for kind in a.kinds:
        rs = [r for r in results if r["kind"] == kind]
        n = sum(r["n"] for r in rs)
        ex = sum(r["exact"] for r in rs)
        lo = sum(r["loose"] for r in rs)
        all_n, all_ex, all_lo = all_n + n, all_ex + ex, all_lo + lo
        ok = sum(r["tables"] == 1 for r in rs)
        blank = sum(r["blank"] for r in rs)
        wall = sum(r["wall"] for r in rs) / len(rs)
        cpu = sum(r["cpu"] for r in rs) / len(rs)
        target = GROUPS[kind.split(":")[0]][0]
        verdict = "ok" if lo / n >= target and not blank else "MISSED"
        print(
            f"{kind:17} {len(rs):5d} {ok:3d}/{len(rs):<2d} {blank:5d} {n:5d} {ex / n:7.1%} "
            f"{lo / n:7.1%} {f'{target:.0%}':>4} {verdict:6} {wall:5.2f} {cpu:10.2f}"
        )
        if a.show:
            missed = [(r["seed"], *m) for r in rs for m in r["missed"]]
            causes = Counter(cause for _, _, cause, _ in missed)
            if causes:
                print("    causes: " + ", ".join(f"{c} {n}" for c, n in causes.most_common()))
            for seed, text, cause, near in missed[: a.show]:
                print(f"    missed (seed {seed}, {cause}): {text!r} read {near!r}")
    print(
        f"{'all':17} {len(results):5d} {'':6} {sum(r['blank'] for r in results):5d} {all_n:5d} "
        f"{all_ex / all_n:7.1%} {all_lo / all_n:7.1%} {'':15} "
        f"{sum(r['cpu'] for r in results) / len(results):10.2f}"
    )
    print(
        f"\n{len(results)} pages in {total:.1f} s (render + damage + OCR): "
        f"{60 * len(results) / total:.1f} pages/min on {a.workers} workers; "
        f"peak RSS of the process tree {rss.peak_mb:.0f} MiB; "
        f"load average {load[0]:.2f} before, {load_after[0]:.2f} after (machine shared?)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
