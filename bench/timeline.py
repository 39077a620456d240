"""Where a `perfbudget run` spends its wall time: a timeline of its processes and stages.

Why: pages per minute end to end (issue #11) counts Prefect's start, the page workers' start,
form reading, landing and `dbt build` as well as OCR, and recognition alone had been tuned. This
runs `perfbudget run` as a user does and, every `--interval` seconds, reads /proc: the CPU each
process of the run's tree used since the last sample (by role: the flow, Prefect's server, each
page worker, dbt) and the whole machine's busy cores (other users' load included, so a figure
is read against it). The run's own log lines (Prefect's task-run lines) are stamped as they
arrive and the summary's stage times are kept.

    python -m bench.timeline --raw DIR [--work DIR] [--interval 0.5] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.proctree import tree_pids

TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of every core since boot, from /proc/stat's first line."""
    with open("/proc/stat") as f:
        parts = [float(x) for x in f.readline().split()[1:]]
    idle = parts[3] + parts[4]  # idle + iowait
    return sum(parts) - idle, sum(parts)


def role(cmdline: str, is_root: bool = True) -> str:
    """What a process of the run is, from its command line and whether it is the run's own
    process (`is_root`): a page worker forked from the run (`flows.extract.early_workers`)
    carries the run's command line."""
    if "uvicorn" in cmdline or "prefect.server" in cmdline:
        return "server"
    if "multiprocessing" in cmdline or "spawn_main" in cmdline:
        return "worker"
    if "dbt" in cmdline:
        return "dbt"
    if "perfbudget" in cmdline:
        return "flow" if is_root else "worker"
    return "other"


def threads_waited(pid: int) -> float:
    """Seconds the live threads of a process waited runnable for a core: /proc/PID/schedstat is
    its main thread's alone (dbt's and DuckDB's work runs on others). A thread that ended takes
    its share with it, so a sample's wait is floored at zero."""
    waited = 0.0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                waited += int(f.read().split()[1]) / 1e9
        except OSError:
            continue  # a thread that ended since the listing
    return waited


def tree(root: int) -> dict[int, tuple[str, float, float]]:
    """Every live process under root (root included; `bench.proctree.tree_pids`): pid → (role,
    CPU seconds used, seconds spent runnable but waiting for a core). The wait is what other load
    on the machine cost the run: on an idle machine it would have run then."""
    out: dict[int, tuple[str, float, float]] = {}
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            waited = threads_waited(pid)
        except OSError:
            continue  # ended since the walk
        fields = stat[stat.rindex(")") + 2 :].split()
        out[pid] = (role(cmd, pid == root), (int(fields[11]) + int(fields[12])) / TICKS, waited)
    return out


@dataclass
class Timeline:
    """Samples (t, machine busy cores, CPU cores per role, cores' worth of waiting per role)
    and stamped output lines."""

    samples: list[tuple[float, float, dict[str, float], dict[str, float]]] = field(
        default_factory=list
    )
    lines: list[tuple[float, str]] = field(default_factory=list)
    wall: float = 0.0
    cpu_by_role: dict[str, float] = field(default_factory=dict)


def run(
    raw: Path,
    work: Path,
    interval: float,
    prefect_home: Path | None = None,
    exe: Path | None = None,
) -> Timeline:
    """`perfbudget run` over raw into a fresh warehouse under work, sampled. Prefect's home (its
    API database) is `prefect_home` when given, kept between runs as a night's is, else a fresh
    one under work (a first night: the database is created and migrated)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    exe = exe or Path(sys.executable).with_name("perfbudget")
    cmd = [str(exe), "run", "--raw", str(raw), "--warehouse", str(work / "bench.duckdb")]
    env = os.environ | {
        "TERM": "dumb",
        "PREFECT_HOME": str(prefect_home or work / "prefect_home"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    }
    line = Timeline()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )

    def read() -> None:
        assert proc.stdout is not None
        for text in proc.stdout:
            line.lines.append((time.perf_counter() - t0, text.rstrip()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    last_cpu: dict[int, tuple[float, float]] = {}
    last_busy, last_total = machine_busy()
    last_t = time.perf_counter()
    while proc.poll() is None:
        time.sleep(interval)
        now = time.perf_counter()
        busy, total = machine_busy()
        cores = os.cpu_count() or 1
        machine = (busy - last_busy) / max(total - last_total, 1e-9) * cores
        per_role: dict[str, float] = {}
        waits: dict[str, float] = {}
        for pid, (r, cpu, wait) in tree(proc.pid).items():
            cpu0, wait0 = last_cpu.get(pid, (0.0, 0.0))
            last_cpu[pid] = (cpu, wait)
            key = f"{r}{pid}" if r == "worker" else r
            per_role[key] = per_role.get(key, 0.0) + (cpu - cpu0) / (now - last_t)
            waits[key] = waits.get(key, 0.0) + max(0.0, wait - wait0) / (now - last_t)
            line.cpu_by_role[r] = line.cpu_by_role.get(r, 0.0) + cpu - cpu0
        line.samples.append((now - t0, machine, per_role, waits))
        last_busy, last_total, last_t = busy, total, now
    line.wall = time.perf_counter() - t0
    reader.join(timeout=5)
    return line


def report(line: Timeline, every: float) -> list[str]:
    """The timeline in rows of `every` seconds: machine cores busy, the run's cores by role,
    and the run's output lines that arrived in that span (task runs started/finished)."""
    workers = sorted({k for _, _, r, _ in line.samples for k in r if k.startswith("worker")})
    names = {w: f"w{i + 1}" for i, w in enumerate(workers)}
    cols = ["flow", "server", *workers, "dbt", "other"]
    head = f"{'t':>6} {'mach':>5} " + " ".join(f"{names.get(c, c):>6}" for c in cols)
    out = [head]
    t, i = 0.0, 0
    while t < line.wall:
        span = [s for s in line.samples if t < s[0] <= t + every]
        if span:
            mach = sum(s[1] for s in span) / len(span)
            vals = [sum(s[2].get(c, 0.0) for s in span) / len(span) for c in cols]
            out.append(f"{t:6.1f} {mach:5.2f} " + " ".join(f"{v:6.2f}" for v in vals))
        while i < len(line.lines) and line.lines[i][0] <= t + every:
            text = line.lines[i][1]
            if any(k in text for k in MARKS):
                out.append(f"{'':13}| {line.lines[i][0]:6.1f} {text[:110]}")
            i += 1
        t += every
    out.append(f"wall {line.wall:.1f} s; CPU-s by role: " + ", ".join(
        f"{k} {v:.1f}" for k, v in sorted(line.cpu_by_role.items())
    ))  # fmt: skip
    out += [text for _, text in line.lines if text.startswith(("time:", "pages:", "documents:"))]
    return out


# output lines worth a place on the timeline
MARKS = ("Beginning flow", "Created task run", "Finished in state", "time:", "Starting")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, required=True)
    ap.add_argument("--work", type=Path, default=Path("/tmp/perfbudget_timeline"))
    ap.add_argument("--prefect-home", type=Path, default=None, help="kept between runs")
    ap.add_argument("--exe", type=Path, default=None, help="the perfbudget to run (another build)")
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("--every", type=float, default=2.0, help="seconds per printed row")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)
    line = run(a.raw.resolve(), a.work.resolve(), a.interval, a.prefect_home, a.exe)
    print("\n".join(report(line, a.every)))
    if a.json:
        a.json.write_text(json.dumps(line.__dict__, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
