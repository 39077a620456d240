"""``make bench-scale``: what a nightly run costs when the warehouse is large and the night small.

Why: a province's warehouse grows every year while a night brings a handful of documents, so the
cost of a run must follow what changed, not what is held. This builds warehouses holding the landed
rows of N documents (1,000 and 10,000 by default) quickly — the seed PDF is extracted once and its
rows are landed N times through the real landing code, each under its own file and content hash —
and then times real nightly runs of the flow in one child process, as `perfbudget serve` runs
them (Prefect's start-up paid once, by a first 'cold' run):

* 0 new documents (an unchanged night),
* 1 new text-layer document,
* 50 new documents,

printing for each: wall time split by stage (from the run's own `raw.runs.<stage>_seconds`),
interpreter start-up measured apart, warehouse size, peak RSS of the whole process tree, and the
latency of the auditor queries in ``queries/`` on the published file. It also measures the merge
step of the sharded design the README describes for a Dask cluster: per-worker Parquet files of
the landed rows merged into one warehouse by a single writer.

    python -m bench.bench_scale [--docs 1000 10000] [--workdir DIR] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from bench.proctree import tree_cpu_s, tree_rss_mb
from flows import landing
from flows.extract.documents import extract_document
from flows.forms import read_forms
from flows.inventory import Inventory, SourceFile
from flows.marts import dbt_build, project_fingerprint
from flows.models import DocumentExtraction, ProjectForm
from flows.publish import prepare_working_copy, publish
from flows.settings import DBT_PROJECT_DIR, PROJECT_ROOT

SEED_PDF = PROJECT_ROOT / "data" / "raw" / "平罗县委政法委_2024年项目支出绩效目标表.pdf"
QUERIES = PROJECT_ROOT / "queries"
TARGETS = {"unchanged": 5.0, "1 new": 15.0}  # seconds, end to end without interpreter start-up
QUERY_TARGET = 1.0
LANDING_BATCH = 500  # documents per landing transaction while building the corpus
STAGES = ("inventory", "extraction", "landing", "dbt", "publish")


def variant_bytes(template: bytes, i: int) -> bytes:
    """The template PDF with a comment after %%EOF: a valid PDF with its own content hash."""
    return template + f"\n% perfbudget bench-scale document {i}\n".encode()


def renamed(doc: DocumentExtraction, i: int, sha: str, name: str) -> DocumentExtraction:
    """The template extraction as document `i`: its own hash and file, its own project names
    (so dim_project grows with the warehouse, as it would with real departments)."""

    def project(p: ProjectForm) -> ProjectForm:
        fields = dict(p.fields)
        old = fields["project_name"]
        fields["project_name"] = replace(old, value=f"{old.value}（{i:05d}）")
        return replace(p, fields=fields)

    return replace(doc, sha256=sha, source_file=name, projects=[project(p) for p in doc.projects])


def land_corpus(workdir: Path, n: int, template: DocumentExtraction) -> tuple[Path, Path, float]:
    """A raw folder of `n` files and a warehouse holding their landed rows (no marts yet)."""
    import hashlib

    raw = workdir / "raw"
    warehouse = workdir / "warehouse" / "perfbudget.duckdb"
    raw.mkdir(parents=True)
    seed = SEED_PDF.read_bytes()
    t0 = time.perf_counter()
    con = landing.connect(warehouse)
    inv = Inventory()
    batch: list[tuple[DocumentExtraction, str | None]] = []
    try:
        for i in range(n):
            data = variant_bytes(seed, i)
            name = f"dept_{i:05d}.pdf"
            path = raw / name
            path.write_bytes(data)
            sha = hashlib.sha256(data).hexdigest()
            st = path.stat()
            batch.append((replace(renamed(template, i, sha, name), file_size=len(data)), None))
            stat = (st.st_size, st.st_mtime_ns, st.st_ino)
            inv.new.append(SourceFile(path=path, source_file=name, sha256=sha, stat=stat))
            if len(batch) == LANDING_BATCH or i == n - 1:
                landing.land_documents(con, batch)
                batch = []
        landing.record_files(con, inv)
        con.execute("checkpoint")
    finally:
        con.close()
    land_s = time.perf_counter() - t0
    print(
        f"corpus: {n:,} documents landed in {land_s:.1f} s; load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return raw, warehouse, land_s


def first_build(warehouse: Path) -> float:
    """The corpus's first (full) dbt build, as a night builds it: in the working copy published
    by rename (dbt's partial parse checks the profile's path, so a corpus built on the published
    name made the first measured night re-parse the whole project)."""
    import resource

    def cpu() -> float:
        used = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        return sum(u.ru_utime + u.ru_stime for u in used)

    t0, c0 = time.perf_counter(), cpu()
    building = prepare_working_copy(warehouse)
    dbt_build(building)
    publish(building, warehouse)
    seconds = time.perf_counter() - t0
    load = os.getloadavg()[0]
    print(
        f"corpus: first (full) dbt build {seconds:.1f} s, CPU {cpu() - c0:.1f} s; load {load:.1f}",
        flush=True,
    )
    return seconds


def copy_corpus(src: Path, dst: Path) -> None:
    """A working copy of a kept corpus: raw files hard-linked (same inode, size and mtime, so the
    file map recorded when they were landed still recognises them unread), warehouse copied."""
    shutil.copytree(src / "raw", dst / "raw", copy_function=os.link)
    shutil.copytree(src / "warehouse", dst / "warehouse")


def kept_corpus(kept: Path, n: int, template: DocumentExtraction) -> Path:
    """The kept corpus of `n` documents first-built by this dbt project: landed once, built once
    per dbt project (`built-<fingerprint>`), made now if missing. Returns its folder."""
    fingerprint = project_fingerprint(DBT_PROJECT_DIR)
    landed, built = kept / f"n{n}" / "landed", kept / f"n{n}" / f"built-{fingerprint}"
    if not (landed / "done").exists():
        shutil.rmtree(landed, ignore_errors=True)
        _, _, land_s = land_corpus(landed, n, template)
        (landed / "done").write_text(f"{land_s}\n")
    if not (built / "done").exists():
        shutil.rmtree(built, ignore_errors=True)
        built.mkdir(parents=True)
        copy_corpus(landed, built)
        first_build(built / "warehouse" / "perfbudget.duckdb")
        (built / "done").write_text("built\n")
    else:
        print(f"corpus: reused the kept first build {built}", flush=True)
    return built


def build_corpus(
    workdir: Path, n: int, template: DocumentExtraction, kept: Path | None = None
) -> tuple[Path, Path, float]:
    """The corpus of `n` documents, landed and built, in `workdir`.

    With `kept` (a folder that outlives the bench), the landed corpus is made once and reused,
    and so is its first build as long as the dbt project is the one that built it (landing 10,000
    documents takes minutes, their first full build far longer): the runs measured always start
    from a copy, so the kept corpus stays as it was."""
    if kept is None:
        raw, warehouse, land_s = land_corpus(workdir, n, template)
        first_build(warehouse)
        return raw, warehouse, land_s
    built = kept_corpus(kept, n, template)
    copy_corpus(built, workdir)
    land_s = float((kept / f"n{n}" / "landed" / "done").read_text())
    return workdir / "raw", workdir / "warehouse" / "perfbudget.duckdb", land_s


@dataclass
class RunResult:
    label: str
    wall_s: float
    startup_s: float
    peak_rss_mb: float
    stages: dict[str, float] = field(default_factory=dict)
    size_mb: float = 0.0
    cpu_s: float = 0.0  # CPU seconds of the whole process tree (flow, workers, dbt, Prefect)


MARK = "@@bench"  # prefix of the served child's own lines among Prefect's log output
PLAN = [("cold", 0), ("unchanged", 0), ("1 new", 1), ("50 new", 50)]  # (run, documents added)


def served_runs(raw: Path, warehouse: Path, runs: int = len(PLAN)) -> None:
    """The child process: nightly runs one after another in one process, as `perfbudget serve`
    runs them (Prefect's start-up is paid by the first, 'cold', run only)."""
    from flows import dbt_server
    from flows.pipeline import ingest
    from flows.settings import RunOptions

    # as `perfbudget serve` does: a warm dbt, imported and parsed once, before the first night
    t0 = time.perf_counter()
    sockets = Path(tempfile.mkdtemp(prefix="perfbudget-bench-dbt-"))
    server = dbt_server.start(sockets / "dbt.sock", warehouse)
    print(MARK, "dbt_server", time.perf_counter() - t0, flush=True)
    try:
        added = 0
        for label, new in PLAN[:runs]:
            add_new_documents(raw, new, added)
            added += new
            print(MARK, "start", label, flush=True)
            t0 = time.perf_counter()
            ingest(RunOptions(raw_dir=raw, warehouse=warehouse))
            print(MARK, "end", label, time.perf_counter() - t0, flush=True)
    finally:
        dbt_server.stop(server)
        shutil.rmtree(sockets, ignore_errors=True)


def run_nightlies(raw: Path, warehouse: Path, runs: int = len(PLAN)) -> list[RunResult]:
    """The served runs in a child process, sampling its process tree's memory per run."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "bench.bench_scale", "--served", str(raw), str(warehouse)]
    cmd += ["--runs", str(runs)]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    current: list[str] = []
    peaks: dict[str, float] = {}
    cpu_at_start: dict[str, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            if current:
                label = current[0]
                peaks[label] = max(peaks.get(label, 0.0), tree_rss_mb(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    results, tail = [], []
    assert proc.stdout is not None
    for line in proc.stdout:
        tail = [*tail[-40:], line]
        if not line.startswith(MARK):
            continue
        _, what, *rest = line.split()
        if what == "dbt_server":
            print(
                f"  warm dbt started (dbt imported, project parsed) in {float(rest[0]):.2f} s, "
                "paid once per served process",
                flush=True,
            )
        elif what == "start":
            current[:] = [" ".join(rest)]
            cpu_at_start[current[0]] = tree_cpu_s(proc.pid)
        else:
            label, seconds = " ".join(rest[:-1]), float(rest[-1])
            size = warehouse.stat().st_size / 2**20
            cpu = tree_cpu_s(proc.pid) - cpu_at_start.get(label, 0.0)
            stages_run = last_run_stages(warehouse)
            results.append(RunResult(label, seconds, 0.0, 0.0, stages_run, size, cpu))
            # as it happens, so a long bench that is stopped still says what it measured
            stages = ", ".join(f"{k} {v:.2f}" for k, v in results[-1].stages.items())
            stages += f", outside the stages {seconds - sum(results[-1].stages.values()):.2f}"
            rss, load = peaks.get(label, 0.0), os.getloadavg()[0]
            print(
                f"  run {label}: {seconds:.2f} s ({stages}); CPU {cpu:.2f} s; RSS {rss:.0f} MB; "
                f"load {load:.1f}",
                flush=True,
            )
    proc.wait()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError("the served runs failed:\n" + "".join(tail))
    for r in results:  # a run's peak: sampled from its start until the next run starts
        r.startup_s, r.peak_rss_mb = startup_seconds(), peaks.get(r.label, 0.0)
    return results


def last_run_stages(warehouse: Path) -> dict[str, float]:
    """The stage timings the run recorded about itself (raw.runs.<stage>_seconds)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cols = [f"{s}_seconds" for s in STAGES]
        row = con.execute(
            f"select {', '.join(cols)} from raw.runs order by started_at desc limit 1"
        ).fetchone()
        return dict(zip(STAGES, row, strict=True))
    finally:
        con.close()


_STARTUP: float | None = None


def dbt_import_seconds() -> float:
    """What a one-shot `perfbudget run` pays for dbt before its build starts: a child
    interpreter importing dbt (its partial parse comes on top)."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import dbt.cli.main"], check=True)
    return time.perf_counter() - t0 - bare_interpreter_seconds()


def bare_interpreter_seconds() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - t0


def startup_seconds() -> float:
    """What a run pays before it does anything: the interpreter importing the flow."""
    global _STARTUP
    if _STARTUP is None:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import flows.cli, flows.pipeline"], check=True)
        _STARTUP = time.perf_counter() - t0
    return _STARTUP


def query_latencies(warehouse: Path) -> dict[str, float]:
    """Each auditor query in queries/ on the published file, as `perfbudget sql` runs it."""
    out = {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for path in sorted(QUERIES.glob("*.sql")):
            t0 = time.perf_counter()
            con.execute(path.read_text(encoding="utf-8")).fetchall()
            out[path.stem] = time.perf_counter() - t0
    finally:
        con.close()
    return out


def add_new_documents(raw: Path, count: int, start: int) -> None:
    """`count` new text-layer documents for tonight (fresh bytes, so fresh hashes)."""
    seed = SEED_PDF.read_bytes()
    for i in range(start, start + count):
        (raw / f"new_{i:05d}.pdf").write_bytes(variant_bytes(seed, 10**6 + i))


def sharded_merge(warehouse: Path, workdir: Path, shards: int = 8) -> tuple[float, float]:
    """The Dask design's single-writer step: write the landed rows as `shards` per-worker Parquet
    files (as workers would), then merge them into a fresh warehouse. Returns (write s, merge s)."""
    shard_dir = workdir / "shards"
    shard_dir.mkdir()
    con = duckdb.connect(str(warehouse), read_only=True)
    t0 = time.perf_counter()
    try:
        for table in landing.RAW_TABLES:
            for k in range(shards):
                con.execute(
                    f"copy (select * from raw.{table} where hash(document_sha256) % {shards} = {k})"
                    f" to '{shard_dir / f'{table}_{k}.parquet'}' (format parquet)"
                )
    finally:
        con.close()
    write_s = time.perf_counter() - t0
    merged = workdir / "merged.duckdb"
    t0 = time.perf_counter()
    con = landing.connect(merged)
    try:
        for table in landing.RAW_TABLES:
            con.execute(
                f"insert into raw.{table} select * "
                f"from read_parquet('{shard_dir}/{table}_*.parquet')"
            )
        con.execute("checkpoint")
    finally:
        con.close()
    return write_s, time.perf_counter() - t0


def bench(
    n: int,
    workdir: Path,
    template: DocumentExtraction,
    kept: Path | None = None,
    runs: int = len(PLAN),
) -> None:
    print(f"\n== {n:,} documents ==", flush=True)
    raw, warehouse, land_s = build_corpus(workdir, n, template, kept)
    print(
        f"corpus: {n:,} documents landed in {land_s:.1f} s through flows.landing "
        f"({n / land_s:.0f}/s); warehouse {warehouse.stat().st_size / 2**20:.0f} MB",
        flush=True,
    )
    results = run_nightlies(raw, warehouse, runs)
    print(
        f"interpreter start-up (python importing the flow): {startup_seconds():.2f} s, paid once "
        "per process; 'cold' is the first run in a process (Prefect's start-up), the others "
        "are runs of an already served flow"
    )
    print(
        f"dbt import in a one-shot `perfbudget run` (not served): {dbt_import_seconds():.2f} s "
        "on top of each night's build (served: paid once, by the warm dbt)"
    )
    header = f"{'run':<10}{'wall s':>8}" + "".join(f"{s:>11}" for s in STAGES)
    print(header + f"{'CPU s':>8}{'peak RSS':>10}{'size MB':>9}{'target':>8}")
    for r in results:
        target = TARGETS.get(r.label)
        verdict = "" if target is None else ("ok" if r.wall_s <= target else f"> {target:.0f}")
        stages = "".join(f"{r.stages.get(s, float('nan')):>11.2f}" for s in STAGES)
        print(
            f"{r.label:<10}{r.wall_s:>8.2f}{stages}{r.cpu_s:>8.2f}"
            f"{r.peak_rss_mb:>9.0f}M{r.size_mb:>9.0f}{verdict:>8}"
        )
    last = results[-1]
    if last.label == "50 new":
        rest = last.wall_s - last.stages["extraction"]
        print(
            f"50 new: extraction {last.stages['extraction']:.1f} s + the rest {rest:.1f} s "
            f"({'ok' if rest <= 30 else '> 30'}; target: the rest ≤ 30 s)"
        )
    for name, secs in query_latencies(warehouse).items():
        print(f"query {name:<32}{secs * 1000:>8.0f} ms {'ok' if secs <= QUERY_TARGET else 'SLOW'}")
    size = warehouse.stat().st_size
    t0 = time.perf_counter()
    shutil.copyfile(warehouse, workdir / "copy.duckdb")
    copy_s = time.perf_counter() - t0
    print(
        f"publish copy of {size / 2**20:.0f} MB: {copy_s:.2f} s ({size / 2**20 / copy_s:.0f} MB/s)"
    )
    write_s, merge_s = sharded_merge(warehouse, workdir)
    print(
        f"sharded landing: 8 Parquet shards written in {write_s:.1f} s, merged in {merge_s:.1f} s"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated corpora")
    ap.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="a folder to keep the landed (and first-built) corpora in and reuse them from",
    )
    ap.add_argument(
        "--prepare",
        action="store_true",
        help="only make the kept corpora, landed and first-built (with --corpus), and stop",
    )
    ap.add_argument(
        "--runs",
        type=int,
        default=len(PLAN),
        help="how many of the nights cold, unchanged, 1 new, 50 new to run (default all)",
    )
    ap.add_argument("--served", nargs=2, type=Path, help=argparse.SUPPRESS)  # the child process
    args = ap.parse_args(argv)
    if args.served:
        served_runs(*args.served, runs=args.runs)
        return
    root = args.workdir or Path(tempfile.mkdtemp(prefix="perfbudget-scale-"))
    template = read_forms(extract_document(SEED_PDF, SEED_PDF.parent))
    print(
        f"template: {SEED_PDF.name}, {len(template.projects)} projects, "
        f"{sum(len(p.indicators) for p in template.projects)} indicators; workdir {root}"
    )
    try:
        for n in args.docs:
            if args.prepare and args.corpus:
                kept_corpus(args.corpus, n, template)
                continue
            bench(n, root / f"n{n}", template, args.corpus, args.runs)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
