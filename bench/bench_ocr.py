"""OCR benchmark: speed, memory and cell-text accuracy of `ocr.page.ocr_page` per damage type.

Pages come from the seed PDF (text layer) when present, else from the demo form of
tests/fixtures/scans.py. Each page is damaged deterministically (tests/fixtures/scans.DAMAGES),
written to an image-only PDF and read back like a real scan. The truth of every cell is the text
layer of the same page inside the cell rectangle found on the clean render (pypdfium2), so the
score is independent of the OCR engine.

    .venv/bin/python bench/bench_ocr.py --pages 4 --kinds clean skew noise seal rotate
    .venv/bin/python bench/bench_ocr.py --profile RAW_DIR --limit 10   # where a page's CPU goes
    .venv/bin/python bench/bench_ocr.py --record RAW_DIR crops.pkl --limit 10  # keep the crops
    .venv/bin/python bench/bench_ocr.py --replay crops.pkl --widths 320/320 192/128  # try paddings
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.match import loose  # noqa: E402
from bench.pages import run_pages, worker_engine  # noqa: E402
from flows.models import join_wrapped  # noqa: E402
from ocr.engines import OcrOptions, get_engine  # noqa: E402
from ocr.grid import find_tables  # noqa: E402
from ocr.page import ocr_page, rasterize_pdf_page  # noqa: E402
from ocr.preprocess import prepare  # noqa: E402
from tests.fixtures import scans  # noqa: E402

Truth = dict[tuple[int, int, int], tuple[int, int, str]]


def page_truth(pdf: Path, index: int, dpi: int) -> Truth:
    """(table, row, col) → (rowspan, colspan, text-layer text) from the clean render's grid."""
    import pypdfium2 as pdfium

    img = rasterize_pdf_page(pdf, index, dpi)
    tables = find_tables(prepare(img, None, fix_orientation=False).gray)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[index]
        _, height = page.get_size()
        tp = page.get_textpage()
        s = 72 / dpi
        out: Truth = {}
        for ti, t in enumerate(tables):
            for c in t.cells:
                x0, y0, x1, y1 = c.bbox
                raw = tp.get_text_bounded(
                    x0 * s + 1, height - y1 * s + 1, x1 * s - 1, height - y0 * s - 1
                )
                text = join_wrapped(raw.replace("\r", "").split("\n"))
                out[(ti, c.row, c.col)] = (c.rowspan, c.colspan, text)
    finally:
        doc.close()
    return out


def _work(args: tuple[str, int, str, int, int, int, str]) -> dict:
    """Damage one page, round-trip it through an image-only PDF, OCR it, score it."""
    pdf, index, kind, seed, dpi, threads, engine_name = args
    options = OcrOptions(engine=engine_name, threads=threads)
    engine = worker_engine(options)
    clean = rasterize_pdf_page(pdf, index, dpi)
    damaged = scans.damage(clean, kind, seed)
    with tempfile.TemporaryDirectory() as tmp:
        scan_pdf = scans.write_scanned_pdf([damaged], Path(tmp) / "scan.pdf", dpi)
        image = rasterize_pdf_page(scan_pdf, 0, dpi)
    t0, c0 = time.perf_counter(), time.process_time()
    grid = ocr_page(image, index + 1, options, engine=engine)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    got = {
        (ti, c.row, c.col): (c.rowspan, c.colspan, c.text, c.confidence)
        for ti, t in enumerate(grid.tables)
        for c in t.cells
    }
    return {
        "kind": kind,
        "page": index,
        "wall": wall,
        "cpu": cpu,
        "got": got,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


# Where a page's CPU goes: (label, function name, file suffix); cumulative, so nested rows
# overlap (recognition runs inside read_cells, orientation inside prepare).
STAGES = (
    ("prepare (all)", "prepare", "ocr/preprocess.py"),
    ("  orientation test", "detect_quarter_turns", "ocr/preprocess.py"),
    ("  straighten rules", "straighten_rules", "ocr/preprocess.py"),
    ("  deskew", "skew_angle", "ocr/preprocess.py"),
    ("find_tables", "find_tables", "ocr/grid.py"),
    ("read_cells (all)", "read_cells", "ocr/page.py"),
    ("  cell ink", "_cell_ink", "ocr/cellink.py"),
    ("read_outside (bands)", "read_outside", "ocr/page.py"),
    ("reread_empty_cells", "reread_empty_cells", "ocr/page.py"),
    ("cell_tables + spaces", "cell_tables", "ocr/page.py"),
    ("recognition (onnx)", "__call__", "ch_ppocr_rec/main.py"),
    ("detection (onnx)", "__call__", "ch_ppocr_det/main.py"),
)


# Who asks the recogniser for crops, nearest first: (label, function name, file suffix).
CROP_SOURCES = (
    ("small-glyph crops (3 each)", "_glyph_crops", "ocr/page.py"),
    ("read_upright_glyphs", "read_upright_glyphs", "ocr/page.py"),
    ("reread_low_confidence", "reread_low_confidence", "ocr/page.py"),
    ("reread_empty_cells", "reread_empty_cells", "ocr/page.py"),
    ("line split at a rule", "_split_line", "ocr/page.py"),
    ("read_cells: lines", "read_cells", "ocr/page.py"),
    ("read_outside (bands)", "read_outside", "ocr/page.py"),
    ("orientation test", "detect_quarter_turns", "ocr/preprocess.py"),
)


REPEATED = "(repeats, read once)"


class CropCounter:
    """Counts the crops each stage sends to the recogniser (`WidthSplitRecognizer`), and those
    read once for a repeated crop: what each re-read adds per page."""

    def __init__(self) -> None:
        from collections import Counter

        self.crops: Counter[str] = Counter()
        self.glyph_ids: set[int] = set()

    def __enter__(self) -> CropCounter:
        import ocr.page as page_mod
        from ocr import engines

        self._patched = [
            # `read` (which __call__ delegates to): the page reads cells through it directly
            (engines.WidthSplitRecognizer, "read", engines.WidthSplitRecognizer.read),
            (page_mod, "_glyph_crops", page_mod._glyph_crops),
        ]
        call, glyph_crops = self._patched[0][2], self._patched[1][2]
        counter = self

        def counted_glyph_crops(*args: object, **kw: object) -> list:
            out = glyph_crops(*args, **kw)
            counter.glyph_ids.update(id(c) for c in out)
            return out

        def counted_call(rec: object, args: object) -> object:
            imgs = [args.img] if hasattr(args.img, "shape") else list(args.img)  # type: ignore[attr-defined]
            source = counter.source(sys._getframe(1))
            for im in imgs:
                counter.crops[CROP_SOURCES[0][0] if id(im) in counter.glyph_ids else source] += 1
            counter.crops[REPEATED] += len(imgs) - len(set(engines.same_crops(imgs)))
            counter.glyph_ids.clear()  # read now: an id may be reused by a later crop
            return call(rec, args)

        engines.WidthSplitRecognizer.read = counted_call  # type: ignore[method-assign]
        page_mod._glyph_crops = counted_glyph_crops
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, value in self._patched:
            setattr(owner, name, value)

    @staticmethod
    def source(frame: object) -> str:
        """The label of the nearest calling stage in CROP_SOURCES."""
        labels = {(name, suffix): label for label, name, suffix in CROP_SOURCES[1:]}
        while frame is not None:
            code = frame.f_code  # type: ignore[attr-defined]
            for (name, suffix), label in labels.items():
                if code.co_name == name and code.co_filename.endswith(suffix):
                    return label
            frame = frame.f_back  # type: ignore[attr-defined]
        return "other"


def ocr_pages_of(folder: Path) -> list[tuple[Path, int, str]]:
    """(file, 1-based page, kind) of every page OCR reads in a raw folder: image pages and PDF
    pages without a text layer."""
    import pypdfium2 as pdfium
    from PIL import Image

    from flows.extract.textlayer import has_text_layer

    pages: list[tuple[Path, int, str]] = []
    for path in sorted(folder.iterdir()):
        suffix = path.suffix.lower()
        if suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
            with Image.open(path) as im:
                pages += [(path, i, "image") for i in range(1, getattr(im, "n_frames", 1) + 1)]
        elif suffix == ".pdf":
            pdf = pdfium.PdfDocument(str(path))
            try:
                scanned = [i + 1 for i in range(len(pdf)) if not has_text_layer(pdf[i])]
                pages += [(path, i, "pdf") for i in scanned]
            finally:
                pdf.close()
    return pages


def profile(folder: Path, limit: int, dpi: int, top: int = 0) -> int:
    """CPU seconds per OCR page of a raw folder (one process, one inference thread, as a page
    worker runs) and where they go, stage by stage (cProfile on process time); with `top`, the
    functions spending the most CPU of their own: where a stage's time is, when the stages do
    not say."""
    import cProfile
    import pstats

    from flows.extract.documents import load_image_page

    pages = ocr_pages_of(folder)[:limit]
    options = OcrOptions(threads=1, dpi=dpi)
    c0 = time.process_time()
    engine = get_engine("rapidocr", options)
    made = time.process_time() - c0
    c0 = time.process_time()
    images = [
        load_image_page(p, n) if kind == "image" else rasterize_pdf_page(p, n - 1, dpi)
        for p, n, kind in pages
    ]
    loading = time.process_time() - c0
    prof = cProfile.Profile(time.process_time)
    c0 = time.process_time()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    with CropCounter() as counter:
        prof.enable()
        for (_, n, _), image in zip(pages, images, strict=True):
            ocr_page(image, n, options, engine)
        prof.disable()
    cpu = time.process_time() - c0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    n = max(len(pages), 1)
    print(
        f"{len(pages)} OCR pages of {folder}: {cpu / n:.2f} CPU-s per page (profiled); engine "
        f"made in {made:.2f} CPU-s (once per worker); loading/rasterising {loading / n:.2f} "
        "CPU-s per page"
    )
    # the kernel's share: mostly first touches of memory the heap trims gave back
    # (`ocr.page.release_memory`), each page's arrays faulted in again
    print(
        f"  of which system {(r1.ru_stime - r0.ru_stime) / n:.2f} CPU-s per page, "
        f"{(r1.ru_minflt - r0.ru_minflt) / n:,.0f} minor page faults per page"
    )
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    for label, name, suffix in STAGES:
        rows = [v for (f, _, fn), v in stats.items() if fn == name and f.endswith(suffix)]
        total, calls = sum(v[3] for v in rows), sum(v[1] for v in rows)
        print(
            f"  {label:24s} {total / n:6.2f} CPU-s per page  {total / max(cpu, 1e-9):6.1%}  "
            f"{calls / n:6.1f} calls per page"
        )
    if top:
        print(f"functions by own CPU (top {top}):")
        own = sorted(stats.items(), key=lambda kv: -kv[1][2])[:top]
        for (f, line, fn), v in own:
            where = f"{Path(f).parent.name}/{Path(f).name}:{line}" if line else f
            print(
                f"  {v[2] / n:6.3f} own {v[3] / n:6.3f} cum CPU-s per page {v[1] / n:7.1f} calls"
                f"  {fn} ({where})"
            )
    repeats = counter.crops.pop(REPEATED, 0)
    print(
        f"crops sent to the recogniser: {sum(counter.crops.values()) / n:.1f} per page, "
        f"{repeats / n:.1f} of them repeats read once"
    )
    for label, count in counter.crops.most_common():
        print(f"  {label:28s} {count / n:6.1f} per page")
    return 0


def record_crops(folder: Path, limit: int, dpi: int, out: Path) -> int:
    """Every recogniser call of OCR-reading a raw folder's scan/image pages, kept with its
    readings (pickle): the input of `replay_crops`, which tries a recogniser setting on exactly
    these crops in seconds instead of re-running whole pages."""
    import pickle

    from flows.extract.documents import load_image_page
    from ocr import engines

    pages = ocr_pages_of(folder)[:limit]
    options = OcrOptions(threads=1, dpi=dpi)
    engine = get_engine("rapidocr", options)
    calls: list[dict] = []
    call = engines.WidthSplitRecognizer.read  # __call__ and the cell reads both come here

    def recorded(rec: object, args: object) -> object:
        out = call(rec, args)  # type: ignore[arg-type]
        res = out[0]
        imgs = [args.img] if hasattr(args.img, "shape") else list(args.img)  # type: ignore[attr-defined]
        calls.append(
            {
                "page": current,
                "source": CropCounter.source(sys._getframe(1)),
                "imgs": [np.ascontiguousarray(im) for im in imgs],
                "txts": list(res.txts),  # type: ignore[attr-defined]
                "scores": [float(x) for x in res.scores],  # type: ignore[attr-defined]
            }
        )
        return out

    engines.WidthSplitRecognizer.read = recorded  # type: ignore[method-assign]
    try:
        for current_page in pages:
            current = f"{current_page[0].name}#{current_page[1]}"
            path, n, kind = current_page
            image = (
                load_image_page(path, n)
                if kind == "image"
                else rasterize_pdf_page(path, n - 1, dpi)
            )
            ocr_page(image, n, options, engine)
    finally:
        engines.WidthSplitRecognizer.read = call  # type: ignore[method-assign]
    with out.open("wb") as fh:
        pickle.dump({"pages": [f"{p.name}#{n}" for p, n, _ in pages], "calls": calls}, fh)
    crops = sum(len(c["imgs"]) for c in calls)
    print(f"{crops} crops in {len(calls)} calls of {len(pages)} pages -> {out}")
    return 0


class WidthCounter:
    """The recogniser under `WidthSplitRecognizer`, counting the crops it reads at each padded
    width: how many crops a setting re-reads at 320 px."""

    def __init__(self, rec: object) -> None:
        from collections import Counter

        self.__dict__["rec"] = rec
        self.__dict__["crops"] = Counter()

    def __getattr__(self, name: str) -> object:
        return getattr(self.rec, name)

    def __setattr__(self, name: str, value: object) -> None:
        setattr(self.rec, name, value)

    def __call__(self, args: object) -> object:
        imgs = [args.img] if hasattr(args.img, "shape") else list(args.img)  # type: ignore[attr-defined]
        self.crops[int(self.rec.rec_image_shape[2])] += len(imgs)  # type: ignore[attr-defined]
        return self.rec(args)  # type: ignore[operator]


def replay_crops(recorded: Path, settings: list[str], show: int) -> int:
    """Recognition CPU and changed readings (against the readings recorded with the default
    `OcrOptions`) of each setting 'min_width/short_width[/short_recheck]' (e.g. '320/320' =
    PP-OCR's padding, '192/128/0.9') on recorded crops, call by call as the pipeline made them,
    and how many crops each padded width read (re-reads at 320 included).

    A changed reading is not an error in itself (the truth is per cell, not per crop): the
    changes listed here are what the end-to-end accuracy runs must judge."""
    import pickle

    from rapidocr.ch_ppocr_rec import TextRecInput

    from ocr import engines

    with recorded.open("rb") as fh:
        data = pickle.load(fh)
    calls = data["calls"]
    n_pages = max(len(data["pages"]), 1)
    engine = get_engine("rapidocr", OcrOptions(threads=1))
    base_rec = engine._ocr.text_rec.rec  # type: ignore[attr-defined]
    print(f"{sum(len(c['imgs']) for c in calls)} crops of {n_pages} pages")
    print(
        f"{'setting':>16} {'CPU-s/page':>10} {'changed':>8} {'short':>6} {'long':>6}  "
        "crops per padded width"
    )
    for setting in settings:
        parts = setting.split("/")
        min_w, short_w = int(parts[0]), int(parts[1])
        recheck = float(parts[2]) if len(parts) > 2 else 0.0
        counted = WidthCounter(base_rec)
        rec = engines.WidthSplitRecognizer(counted, min_w, 2.0, 640, short_w, recheck)
        changed: list[tuple[str, str, str, float, float, str]] = []
        n_short = n_long = 0
        c0 = time.process_time()
        outs = [rec(TextRecInput(img=c["imgs"], return_word_box=False)) for c in calls]
        cpu = time.process_time() - c0
        for c, res in zip(calls, outs, strict=True):
            for im, old, new, so, sn in zip(
                c["imgs"], c["txts"], res.txts, c["scores"], res.scores, strict=True
            ):
                if old != new:
                    short = im.shape[1] / max(im.shape[0], 1) < 2.0
                    n_short += short
                    n_long += not short
                    changed.append(
                        (c["page"], old, new, so, float(sn), "short" if short else "long")
                    )
        widths = " ".join(f"{w}:{n}" for w, n in sorted(counted.crops.items()))
        print(
            f"{setting:>16} {cpu / n_pages:10.2f} {len(changed):8d} {n_short:6d} {n_long:6d}  "
            f"{widths}"
        )
        for page, old, new, so, sn, cls in changed[:show]:
            print(f"    {cls:5} {page}: {old!r} ({so:.2f}) -> {new!r} ({sn:.2f})")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=3, help="pages per damage type")
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--kinds", nargs="*", default=[*scans.DAMAGES, *scans.HARD_DAMAGES])
    ap.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="processes, each with its own engine (throughput: one per core)",
    )
    ap.add_argument(
        "--threads", type=int, default=1, help="inference threads per engine (0: runtime default)"
    )
    ap.add_argument("--engine", default="rapidocr", choices=["rapidocr", "paddleocr"])
    ap.add_argument("--pdf", type=Path, default=None, help="text-layer PDF to scan")
    ap.add_argument("--show", type=int, default=0, help="print up to N mismatches per kind")
    ap.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="instead: CPU per OCR page of this raw folder's scans/images, stage by stage",
    )
    ap.add_argument("--limit", type=int, default=10, help="pages profiled (--profile)")
    ap.add_argument(
        "--top", type=int, default=0, help="also the N functions by own CPU (--profile)"
    )
    ap.add_argument(
        "--record",
        nargs=2,
        type=Path,
        metavar=("RAW", "OUT"),
        help="instead: keep every recogniser call of RAW's scan/image pages in OUT (pickle)",
    )
    ap.add_argument(
        "--replay",
        type=Path,
        default=None,
        help="instead: CPU and changed readings of --widths settings on recorded crops",
    )
    ap.add_argument(
        "--widths",
        nargs="*",
        default=["320/320", "192/320", "192/128/0.9", "192/96/0.9"],
        help="replayed settings: rec_min_width/rec_short_width[/rec_short_recheck]",
    )
    a = ap.parse_args(argv)
    if a.profile is not None:
        return profile(a.profile, a.limit, a.dpi, a.top)
    if a.record is not None:
        return record_crops(a.record[0], a.limit, a.dpi, a.record[1])
    if a.replay is not None:
        return replay_crops(a.replay, a.widths, a.show)

    tmpdir = Path(tempfile.mkdtemp(prefix="bench_ocr_"))
    pdf = a.pdf or (scans.SEED_PDF if scans.SEED_PDF.exists() else None)
    if pdf is None:
        pdf = scans.render_pdf(tmpdir / "demo.pdf", [scans.demo_page_spec()])
    import pypdfium2 as pdfium

    n_src = len(pdfium.PdfDocument(str(pdf)))
    print(
        f"engine {a.engine}; source {pdf.name}: {n_src} pages, {a.pages} per damage type, "
        f"dpi {a.dpi}, workers {a.workers}, threads {a.threads or 'default'}, "
        f"cpus {os.cpu_count()}"
    )
    truths = {i: page_truth(pdf, i, a.dpi) for i in range(min(n_src, a.pages))}
    jobs = [
        (str(pdf), i % n_src, kind, 1000 * k + i, a.dpi, a.threads, a.engine)
        for k, kind in enumerate(a.kinds)
        for i in range(a.pages)
    ]
    for i in {j[1] for j in jobs} - truths.keys():
        truths[i] = page_truth(pdf, i, a.dpi)

    t0 = time.perf_counter()
    results = run_pages(_work, jobs, a.workers)
    total = time.perf_counter() - t0
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(
        f"\n{'damage':8} {'pages':>5} {'grid ok':>7} {'cells':>6} {'exact':>7} {'loose':>7} "
        f"{'s/page':>7} {'cpu/page':>8}"
    )
    all_ex = all_lo = all_n = 0
    for kind in a.kinds:
        rs = [r for r in results if r["kind"] == kind]
        n = ex = lo = grid_ok = 0
        shown = 0
        for r in rs:
            truth = truths[r["page"]]
            got = r["got"]
            grid_ok += {k: v[:2] for k, v in truth.items()} == {k: v[:2] for k, v in got.items()}
            for key, (_, _, text) in truth.items():
                if not text:
                    continue
                n += 1
                g = got.get(key, (0, 0, "", 0.0))[2]
                ex += g == text
                lo += loose(g) == loose(text)
                if loose(g) != loose(text) and shown < a.show:
                    shown += 1
                    print(f"   {kind} p{r['page'] + 1} {key}: {text!r} -> {g!r}")
        all_ex, all_lo, all_n = all_ex + ex, all_lo + lo, all_n + n
        wall = sum(r["wall"] for r in rs) / len(rs)
        cpu = sum(r["cpu"] for r in rs) / len(rs)
        print(
            f"{kind:8} {len(rs):5d} {grid_ok:4d}/{len(rs):<2d} {n:6d} {ex / n:7.1%} "
            f"{lo / n:7.1%} {wall:7.2f} {cpu:8.2f}"
        )
    print(
        f"{'all':8} {len(results):5d} {'':7} {all_n:6d} {all_ex / all_n:7.1%} {all_lo / all_n:7.1%}"
    )
    print(
        f"\npages {len(results)} in {total:.1f} s (damage + scan PDF round trip + OCR): "
        f"{60 * len(results) / total:.1f} pages/min; OCR only "
        f"{60 * len(results) / sum(r['wall'] for r in results) * max(1, a.workers):.1f} "
        f"pages/min"
    )
    print(f"peak RSS: main {peak_self:.0f} MiB, largest worker {peak_kids:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
