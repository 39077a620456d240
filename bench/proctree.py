"""A process and its descendants, read from /proc: the memory and CPU a benchmark reports are the
whole tree's (the flow, its page workers, Prefect's server, dbt), not one process's.

One walk for every benchmark (`bench.bench_scale`, `bench.bench_photos`; each had its own: one
read /proc, the other psutil). A process's children are listed per thread
(`/proc/PID/task/TID/children`), and the flow starts its page workers and servers from threads
other than its main one: the main thread's list alone missed every child of a thread still
running.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def tree_pids(pid: int) -> list[int]:
    """`pid` and every process below it, parents first; processes that ended are left out."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop(0)
        try:
            tasks = list(Path(f"/proc/{p}/task").iterdir())
        except (FileNotFoundError, ProcessLookupError):
            continue
        out.append(p)
        for task in tasks:
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except (FileNotFoundError, ProcessLookupError, ValueError):
                continue
    return out


def tree_rss_mb(pid: int) -> float:
    """Resident memory (VmRSS) of `pid` and all its descendants, in MiB."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(ln.split()[1]) for ln in f if ln.startswith("VmRSS:")), 0)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total / 1024


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process and its descendants have used so far, the ended
    children they waited for included: on a machine others share, what a run costs when its wall
    time is stretched by their load."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


class TreeRss:
    """The peak resident memory of a process tree (this process by default), sampled every
    `interval` seconds while the `with` block runs: `peak_mb`."""

    def __init__(self, pid: int | None = None, interval: float = 0.2) -> None:
        self.pid = os.getpid() if pid is None else pid
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:  # at least one sample, however short the block
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
