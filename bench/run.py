"""``make bench``: speed, memory and indicator accuracy of the scan path on documents with a truth.

Why: the tests hold a few scans to exact golden rows; this measures the same production path on
a larger, varied set and puts the figures next to the targets. Scanned documents are generated
from the fixture truths (the seed 政法委 and the 农业农村局 projects), one document per damage
kind of ``tests/fixtures/scans.DAMAGES`` with deterministic seeds, each holding a few complete
projects (two pages each). Pages are extracted through ``flows.extract.documents`` in a process
pool (two workers, one inference thread each, as the nightly flow runs them) and the parsed
projects are scored against the truth:

* an indicator is correct when (project, 一级, 二级 as printed, 三级, 指标值) all match the truth
  after NFKC and whitespace removal; precision, recall and F1 per damage kind and overall;
* a table's funds are exact when 年度资金总额, 财政拨款 and 其他资金 all match.

    python -m bench.run [--pages 54] [--workers 2] [--kinds clean skew ...] [--dpi 200]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.match import loose
from flows.extract.documents import extract_page, finish_document, open_document
from flows.forms import read_forms
from flows.models import DocumentExtraction, PageGrid
from ocr.engines import OcrOptions
from tests.fixtures import scans
from tests.fixtures.agri_truth import AGRI_PROJECTS
from tests.fixtures.build_seed_pdf import build_seed_pdf
from tests.fixtures.seed_truth import SEED_PROJECTS, SeedProject

F1_CLEAN, F1_DAMAGED = 0.99, 0.97
MIN_PAGES_PER_MIN = 20.0
MAX_MEMORY_MB = 2048.0

Key = tuple[str, str, str, str, str]


@dataclass
class Score:
    """Indicator and funds counts of one damage kind (or all of them)."""

    pages: int = 0
    truth: int = 0
    predicted: int = 0
    correct: int = 0
    tables: int = 0
    funds_exact: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.pages += other.pages
        self.truth += other.truth
        self.predicted += other.predicted
        self.correct += other.correct
        self.tables += other.tables
        self.funds_exact += other.funds_exact
        self.misses += other.misses

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.truth if self.truth else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def funds_rate(self) -> float:
        return self.funds_exact / self.tables if self.tables else 0.0


@dataclass(frozen=True)
class BenchDoc:
    """One generated scan: its damage kind, file and the projects printed in it."""

    kind: str
    path: Path
    projects: tuple[SeedProject, ...]


def truth_keys(projects: Sequence[SeedProject]) -> list[Key]:
    return [
        (loose(p.project_name), loose(i.level1), loose(i.level2), loose(i.name), loose(i.target))
        for p in projects
        for i in p.indicators
    ]


def extracted_keys(doc: DocumentExtraction) -> list[Key]:
    return [
        (
            loose(p.fields["project_name"].value),
            loose(i.level1.value),
            loose(i.level2.value),
            loose(i.name.value),
            loose(i.target.value),
        )
        for p in doc.projects
        for i in p.indicators
    ]


def score(bench_doc: BenchDoc, doc: DocumentExtraction) -> Score:
    """Multiset match of indicators; funds matched by project name."""
    truth, got = Counter(truth_keys(bench_doc.projects)), Counter(extracted_keys(doc))
    s = Score(
        pages=doc.page_count or 0,
        truth=sum(truth.values()),
        predicted=sum(got.values()),
        correct=sum((truth & got).values()),
        tables=len(bench_doc.projects),
    )
    s.misses += [f"{bench_doc.kind}: missed {k}" for k in (truth - got).elements()]
    s.misses += [f"{bench_doc.kind}: read   {k}" for k in (got - truth).elements()]
    s.misses += [f"{bench_doc.kind}: {stage}: {msg}" for stage, msg in doc.errors]
    unused = list(doc.projects)
    for p in bench_doc.projects:
        match = next(
            (q for q in unused if loose(q.fields["project_name"].value) == loose(p.project_name)),
            None,
        )
        if match is None:
            s.misses.append(f"{bench_doc.kind}: no table for {p.project_name}")
            continue
        unused.remove(match)
        f = match.funds
        read = tuple(loose(v.value) if v is not None else "" for v in (f.total, f.fiscal, f.other))
        want = (p.total_funds, p.fiscal_funds, p.other_funds)
        if read == want:
            s.funds_exact += 1
        else:
            s.misses.append(f"{bench_doc.kind}: funds of {p.project_name}: {read} != {want}")
    return s


def plan_documents(kinds: Sequence[str], pages: int) -> list[tuple[str, tuple[SeedProject, ...]]]:
    """(damage kind, projects) per document; together about `pages` pages.

    Projects are dealt round-robin from both truths, so every project and both departments are
    scanned under several kinds of damage."""
    pool = [*SEED_PROJECTS, *AGRI_PROJECTS]
    per_doc = max(1, round(pages / (2 * len(kinds))))
    return [
        (kind, tuple(pool[(k * per_doc + j) % len(pool)] for j in range(per_doc)))
        for k, kind in enumerate(kinds)
    ]


def build_document(
    folder: Path, k: int, kind: str, projects: tuple[SeedProject, ...], dpi: int
) -> BenchDoc:
    """Render `projects`, damage every page (seeded by document and page) and scan them."""
    text_pdf = build_seed_pdf(folder / f"{kind}_text.pdf", projects=projects)
    images = [
        scans.damage(scans.rasterize(text_pdf, i, dpi), kind, seed=1000 * k + i)
        for i in range(2 * len(projects))
    ]
    path = scans.write_scanned_pdf(images, folder / f"{kind}.pdf", dpi)
    return BenchDoc(kind, path, projects)


def build_documents(
    folder: Path, kinds: Sequence[str], pages: int, dpi: int, workers: int
) -> list[BenchDoc]:
    """All documents, built in throwaway processes: the damage simulators need ~0.5 GB of float
    arrays, which must not count towards the pipeline's memory."""
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
        futures = [
            pool.submit(build_document, folder, k, kind, projects, dpi)
            for k, (kind, projects) in enumerate(plan_documents(kinds, pages))
        ]
        return [f.result() for f in futures]


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MB.

    Not ``getrusage``: a spawned worker is vfork+exec'ed, and Linux carries the parent's peak
    into the child's ``ru_maxrss`` (and so into ``RUSAGE_CHILDREN``); VmHWM belongs to the
    process's own address space."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def extract_page_measured(
    path: Path, page: int, kind: str, options: OcrOptions
) -> tuple[PageGrid, int, float]:
    """`extract_page` in a worker, with the worker's pid and peak RSS so far."""
    grid = extract_page(path, page, kind, options)
    return grid, os.getpid(), peak_rss_mb()


def extract_all(
    docs: Sequence[BenchDoc], workers: int, options: OcrOptions
) -> tuple[list[DocumentExtraction], float, dict[int, float]]:
    """Every page through `extract_page` in a pool, then `finish_document`.

    Returns the documents, the wall time and each worker's peak RSS (MB) by pid."""
    opened = [open_document(d.path, d.path.parent) for d in docs]
    peaks: dict[int, float] = {}
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
        futures = [
            [
                pool.submit(extract_page_measured, d.path, n, doc.kind or "pdf", options)
                for n in range(1, (doc.page_count or 0) + 1)
            ]
            for d, doc in zip(docs, opened, strict=True)
        ]
        out = []
        for doc, fs in zip(opened, futures, strict=True):
            pages = []
            for f in fs:
                grid, pid, peak = f.result()
                pages.append(grid)
                peaks[pid] = max(peaks.get(pid, 0.0), peak)
            out.append(read_forms(finish_document(doc, pages)))
    return out, time.perf_counter() - t0, peaks


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(
    docs: Sequence[BenchDoc],
    results: Sequence[DocumentExtraction],
    wall: float,
    workers: int,
    worker_peaks: dict[int, float],
    show: int,
) -> bool:
    """Print the table; True when every target is met."""
    per_kind = {d.kind: score(d, r) for d, r in zip(docs, results, strict=True)}
    total = Score()
    for s in per_kind.values():
        total.add(s)
    ok = True
    head = (
        f"{'damage':8} {'pages':>5} {'indic.':>6} {'prec.':>6} {'recall':>6} {'F1':>6} "
        f"{'target':>7} {'':4}  {'funds exact':>11} {'':4}"
    )
    print(head)
    print("-" * len(head))
    for kind, s in per_kind.items():
        target = F1_CLEAN if kind == "clean" else F1_DAMAGED
        f1_ok, funds_ok = s.f1 >= target, s.funds_exact == s.tables
        ok &= f1_ok and funds_ok
        print(
            f"{kind:8} {s.pages:5d} {s.truth:6d} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
            f"{'≥' + format(target, '.2f'):>7} {verdict(f1_ok):4}  "
            f"{f'{s.funds_exact}/{s.tables}':>11} {verdict(funds_ok):4}"
        )
    damaged = Score()
    for kind, s in per_kind.items():
        if kind != "clean":
            damaged.add(s)
    print("-" * len(head))
    for label, s, target in (("damaged", damaged, F1_DAMAGED), ("all", total, None)):
        if not s.tables:
            continue
        tgt = f"≥{target:.2f}" if target else ""
        f1_ok = target is None or s.f1 >= target
        print(
            f"{label:8} {s.pages:5d} {s.truth:6d} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
            f"{tgt:>7} {verdict(f1_ok) if target else '':4}  "
            f"{f'{s.funds_exact}/{s.tables}':>11} {verdict(s.funds_exact == s.tables):4}"
        )
    ppm = 60 * total.pages / wall
    main_mb = peak_rss_mb()
    peak_mb = main_mb + sum(worker_peaks.values())  # as if every peak coincided: an upper bound
    speed_ok, mem_ok = ppm >= MIN_PAGES_PER_MIN, peak_mb < MAX_MEMORY_MB
    ok &= speed_ok and mem_ok
    print(
        f"\nspeed   {total.pages} pages in {wall:.1f} s with {workers} workers on "
        f"{os.cpu_count()} cpus: {ppm:.1f} pages/min (target ≥{MIN_PAGES_PER_MIN:.0f}) "
        f"{verdict(speed_ok)}"
    )
    workers_txt = " + ".join(f"{v:.0f}" for v in sorted(worker_peaks.values(), reverse=True))
    print(
        f"memory  peak RSS main {main_mb:.0f} MB + workers {workers_txt} MB = {peak_mb:.0f} MB "
        f"(target <{MAX_MEMORY_MB:.0f}) {verdict(mem_ok)}"
    )
    if show and total.misses:
        print(f"\nfirst {min(show, len(total.misses))} of {len(total.misses)} differences:")
        for line in total.misses[:show]:
            print("  " + line)
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=54, help="about this many pages in all")
    ap.add_argument("--kinds", nargs="*", default=list(scans.DAMAGES), choices=list(scans.DAMAGES))
    ap.add_argument("--dpi", type=int, default=200, help="scan resolution")
    ap.add_argument("--workers", type=int, default=2, help="extraction processes")
    ap.add_argument("--engine", default="rapidocr", choices=["rapidocr", "paddleocr"])
    ap.add_argument("--show", type=int, default=20, help="print up to N differences")
    ap.add_argument("--keep", type=Path, default=None, help="write the scans here and keep them")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    a = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="perfbudget_bench_") as tmp:
        folder = a.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        docs = build_documents(folder, a.kinds, a.pages, a.dpi, a.workers)
        n_pages = sum(2 * len(d.projects) for d in docs)
        print(
            f"{len(docs)} scanned documents, {n_pages} pages at {a.dpi} dpi "
            f"({sum(len(d.projects) for d in docs)} tables, engine {a.engine}), "
            f"built in {time.perf_counter() - t0:.0f} s\n"
        )
        options = OcrOptions(engine=a.engine, dpi=a.dpi, threads=1)
        results, wall, peaks = extract_all(docs, a.workers, options)
        ok = report(docs, results, wall, a.workers, peaks, a.show)
    return 0 if ok or not a.strict else 1


if __name__ == "__main__":
    sys.exit(main())
