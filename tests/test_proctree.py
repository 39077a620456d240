"""`bench.proctree`, the one walk of a process tree the benchmarks measure memory and CPU over:
a child started from a thread other than the main one is part of the tree (the flow starts its
page workers and servers from such threads)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.proctree import TreeRss, tree_pids, tree_rss_mb


@contextmanager
def _child_of_a_running_thread() -> Iterator[subprocess.Popen]:
    """A `sleep` started from a thread that is still running while the block runs."""
    started, done = threading.Event(), threading.Event()
    holder: list[subprocess.Popen] = []

    def start() -> None:
        holder.append(subprocess.Popen(["sleep", "30"]))
        started.set()
        done.wait()

    thread = threading.Thread(target=start)
    thread.start()
    started.wait()
    _asleep(holder[0].pid)
    try:
        yield holder[0]
    finally:
        done.set()
        thread.join()
        holder[0].kill()
        holder[0].wait()


def _asleep(pid: int) -> None:
    """Wait until `pid` is `sleep` asleep: between the fork, the exec and sleep's own start its
    resident memory changes, and the tests compare two readings of it."""
    for _ in range(1000):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "S" and Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"sleep"):
            return
        time.sleep(0.01)
    raise AssertionError(f"{pid} never went to sleep")


def _vm_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(ln.split()[1]) for ln in f if ln.startswith("VmRSS:")) / 1024


def test_a_child_of_another_thread_is_in_the_tree() -> None:
    me = os.getpid()
    with _child_of_a_running_thread() as child:
        # the main thread's own list of children does not hold it
        main_thread = Path(f"/proc/{me}/task/{me}/children").read_text().split()
        assert str(child.pid) not in main_thread
        pids = tree_pids(me)
        assert pids[0] == me and child.pid in pids
        assert tree_pids(child.pid) == [child.pid]
        assert tree_rss_mb(child.pid) == _vm_rss_mb(child.pid)


def test_an_ended_process_is_no_part_of_a_tree() -> None:
    proc = subprocess.Popen(["true"])
    proc.wait()
    assert tree_pids(proc.pid) == [] and tree_rss_mb(proc.pid) == 0.0


def test_the_sampler_keeps_the_trees_peak() -> None:
    with _child_of_a_running_thread() as child:
        with TreeRss(child.pid, interval=60) as rss:  # one sample, however short the block
            rss_now = _vm_rss_mb(child.pid)
        assert rss.peak_mb == rss_now
