"""Photo-like pages benchmark: cell-level exact recall per damage kind, pages per minute and the
peak RSS of the whole process tree (this process and its workers, sampled).

Pages are the demo 绩效目标表 form (tests/fixtures/scans.py) with varied values, some with solid
heading fills, rendered at 200 dpi and damaged by one kind each: the phone-photo damages
(`scans.PHOTO_DAMAGES`: perspective, curvature, shadows, uneven light, moiré, low resolution, the
sheet on a desk) and the hard scans (`scans.HARD_DAMAGES`: faded), plus `fill` (coloured heading
fills, clean). Seeds start at 7000 by default: tests and tuning use seeds below 100, so these
pages are held out.

Metric (the issue's): a printed cell string counts when one extracted cell of its page has
exactly that text. `nfkc` compares after NFKC and whitespace folding, as the validation scorer
(shared/validation/score/common.norm) does; `strict` also holds full/half width (（ vs ( ), which
the recogniser cannot always tell. A page without a table counts all its cells as missed.

    .venv/bin/python -m bench.bench_photos --pages 2 --workers 2
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ocr.engines import OcrOptions, get_engine  # noqa: E402
from ocr.page import ocr_page  # noqa: E402
from tests.fixtures import scans  # noqa: E402

KINDS = ["fill", *scans.HARD_DAMAGES, *scans.PHOTO_DAMAGES]
FILLS = [(0.35, 0.5, 0.85), (0.75, 0.75, 0.75), (0.8, 0.88, 1.0)]


def page_spec(seed: int, fill: bool) -> scans.PageSpec:
    """A demo form whose values vary with `seed` (funds, code), optionally with heading fills."""
    funds = str(10 + (seed * 37) % 990)
    code = f"{(seed * 7919) % 1000000:06d}"
    return scans.demo_page_spec(
        funds=funds, code=code, heading_fill=FILLS[seed % len(FILLS)] if fill else None
    )


def loose(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


_ENGINE: dict[str, object] = {}


def _work(args: tuple[str, int, str, int]) -> dict:
    """Render, damage and OCR one page; score its cells against the spec."""
    kind, seed, tmp, threads = args
    engine = _ENGINE.get("e")
    if engine is None:
        engine = _ENGINE["e"] = get_engine("rapidocr", OcrOptions(threads=threads))
    spec = page_spec(seed, fill=kind == "fill")
    pdf = scans.render_pdf(Path(tmp) / f"{kind}_{seed}.pdf", [spec])
    clean = scans.rasterize(pdf, 0, 200)
    image = clean if kind == "fill" else scans.damage(clean, kind, seed)
    t0 = time.perf_counter()
    grid = ocr_page(image, 1, OcrOptions(threads=threads), engine=engine)
    wall = time.perf_counter() - t0
    texts = [c.text for t in grid.tables for c in t.cells]
    truth = [c.text for c in spec.cells if c.text]
    got_exact = set(texts)
    got_loose = {loose(t) for t in texts}
    return {
        "kind": kind,
        "seed": seed,
        "wall": wall,
        "n": len(truth),
        "exact": sum(t in got_exact for t in truth),
        "loose": sum(loose(t) in got_loose for t in truth),
        "tables": len(grid.tables),
        "missed": [t for t in truth if t not in got_exact],
    }


class TreeRss:
    """Peak resident memory of this process and all its descendants, sampled every 0.2 s."""

    def __init__(self) -> None:
        import psutil

        self._proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                procs = [self._proc, *self._proc.children(recursive=True)]
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
            except psutil.Error:
                pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __enter__(self) -> TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2, help="pages per damage kind")
    ap.add_argument("--seed", type=int, default=7000, help="first seed (held out: ≥ 1000)")
    ap.add_argument("--kinds", nargs="*", default=KINDS)
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--threads", type=int, default=1, help="inference threads per worker")
    ap.add_argument("--show", type=int, default=0, help="print up to N missed cells per kind")
    a = ap.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="bench_photos_")
    jobs = [
        (k, a.seed + 100 * i + j, tmp, a.threads)
        for i, k in enumerate(a.kinds)
        for j in range(a.pages)
    ]
    load = os.getloadavg()
    print(
        f"{len(jobs)} pages ({a.pages} per kind, seeds from {a.seed}), workers {a.workers}, "
        f"threads {a.threads}, cpus {os.cpu_count()}, load before {load[0]:.2f}"
    )
    t0 = time.perf_counter()
    with TreeRss() as rss:
        if a.workers > 1:
            with mp.get_context("fork").Pool(a.workers) as pool:
                results = pool.map(_work, jobs, chunksize=1)
        else:
            results = [_work(j) for j in jobs]
    total = time.perf_counter() - t0
    load_after = os.getloadavg()

    print(
        f"\n{'damage':11} {'pages':>5} {'tables':>6} {'cells':>5} {'strict':>7} {'nfkc':>7} "
        f"{'s/page':>7}"
    )
    all_n = all_ex = all_lo = 0
    for kind in a.kinds:
        rs = [r for r in results if r["kind"] == kind]
        n = sum(r["n"] for r in rs)
        ex = sum(r["exact"] for r in rs)
        lo = sum(r["loose"] for r in rs)
        all_n, all_ex, all_lo = all_n + n, all_ex + ex, all_lo + lo
        ok = sum(r["tables"] == 1 for r in rs)
        wall = sum(r["wall"] for r in rs) / len(rs)
        print(
            f"{kind:11} {len(rs):5d} {ok:3d}/{len(rs):<2d} {n:5d} {ex / n:7.1%} {lo / n:7.1%} "
            f"{wall:7.2f}"
        )
        if a.show:
            missed = [m for r in rs for m in r["missed"]][: a.show]
            for m in missed:
                print(f"    missed: {m!r}")
    print(
        f"{'all':11} {len(results):5d} {'':6} {all_n:5d} {all_ex / all_n:7.1%} "
        f"{all_lo / all_n:7.1%}"
    )
    print(
        f"\n{len(results)} pages in {total:.1f} s (render + damage + OCR): "
        f"{60 * len(results) / total:.1f} pages/min on {a.workers} workers; "
        f"peak RSS of the process tree {rss.peak / 2**20:.0f} MiB; "
        f"load average {load[0]:.2f} before, {load_after[0]:.2f} after (machine shared?)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
