"""A pytest plugin that records each test's CPU time, its own and its waited-for children's.

Why: the suite is timed on a machine that other work shares, where wall times (`--durations`)
grow with the load; CPU seconds do not, and they are what two xdist workers have to share. Each
test's setup, call and teardown are counted together, so a shared fixture's cost lands on the
first test that reads it. Children count once they are waited for (dbt builds, CLI runs, page
worker pools), and so do the live descendants the test kept busy: the worker's warm dbt and
Prefect test server run every night's build and API call, and without them a night's dbt build
would land on no test (their CPU is read from /proc at each test's start and end; a descendant
that exits unwaited-for during a test is lost).

Use: `python -m pytest -p tests.cputimes ...`; each process appends JSON lines
(node id, worker, cpu, wall, start) to $PERFBUDGET_CPU_TIMES (default /tmp/perfbudget-cpu.jsonl),
and `python -m tests.cputimes FILE` prints the dearest tests and each worker's busy time.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

OUT_ENV = "PERFBUDGET_CPU_TIMES"
DEFAULT_OUT = "/tmp/perfbudget-cpu.jsonl"


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def proc_stat(pid: int) -> tuple[int, int] | None:
    """A process's parent pid and its CPU in clock ticks (its own and its waited-for
    children's: utime stime cutime cstime) from /proc; None when it is gone or there is none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after the command name, which may hold ' '
    return int(fields[1]), sum(int(f) for f in fields[11:15])


def _descendants_cpu() -> float:
    """CPU seconds of this process's live descendants (their own and their waited children's),
    from /proc; 0 where there is no /proc."""
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        if not entry.name.isdigit():
            continue
        stat = proc_stat(int(entry.name))
        if stat is None:
            continue  # gone meanwhile
        pid = int(entry.name)
        parent[pid], ticks[pid] = stat
    me, total = os.getpid(), 0
    for pid in ticks:
        p, seen = parent.get(pid), 0
        while p is not None and p > 1 and seen < 64:
            if p == me:
                total += ticks[pid]
                break
            p, seen = parent.get(p), seen + 1
    return total / TICK


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system + _descendants_cpu()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    cpu0, wall0, start = _cpu(), time.perf_counter(), time.time()
    yield
    row = {
        "test": item.nodeid,
        "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
        "cpu": round(_cpu() - cpu0, 2),
        "wall": round(time.perf_counter() - wall0, 2),
        "start": round(start, 2),
    }
    with open(os.environ.get(OUT_ENV, DEFAULT_OUT), "a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def report(path: Path, top: int = 40) -> str:
    """The dearest tests by CPU, then per module and per worker (busy wall, CPU, first/last)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    lines = [f"{'cpu s':>7} {'wall s':>7}  worker  test"]
    for r in sorted(rows, key=lambda r: -r["cpu"])[:top]:
        lines.append(f"{r['cpu']:7.1f} {r['wall']:7.1f}  {r['worker']:6}  {r['test']}")
    modules: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        m = modules[r["test"].split("::")[0]]
        m[0] += r["cpu"]
        m[1] += r["wall"]
    lines.append("\nper module (cpu s, wall s):")
    for name, (cpu, wall) in sorted(modules.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"{cpu:7.1f} {wall:7.1f}  {name}")
    t0 = min(r["start"] for r in rows)
    lines.append("\nper worker (cpu s, busy wall s, first start, last end, from the first start):")
    workers: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        workers[r["worker"]].append(r)
    for name, rs in sorted(workers.items()):
        cpu, wall = sum(r["cpu"] for r in rs), sum(r["wall"] for r in rs)
        first = min(r["start"] for r in rs) - t0
        last = max(r["start"] + r["wall"] for r in rs) - t0
        lines.append(f"{name:6} {cpu:7.1f} {wall:7.1f} {first:7.1f} {last:7.1f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT)))
