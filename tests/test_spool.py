"""A killed night's read-ahead spool does not stay behind (`flows.extract.spool`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from flows.extract.spool import clear_dead_spools, night_spool, spools_root

# a night that makes its spool, writes a page into it, says where, and waits to be killed
HOLD = """
import os, sys, time
from pathlib import Path
from flows.extract.spool import night_spool
with night_spool(Path(sys.argv[1])) as spool:
    (spool / "page.pkl").write_bytes(b"x" * 1000)
    print(spool, flush=True)
    if sys.argv[2:] == ["fork"] and os.fork() == 0:  # a page worker, forked with the lock
        print(os.getpid(), flush=True)
    time.sleep(600)
"""


def _night_holding(root: Path, fork_worker: bool = False) -> tuple[subprocess.Popen, Path]:
    command = [sys.executable, "-c", HOLD, str(root)] + (["fork"] if fork_worker else [])
    night = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    return night, Path(night.stdout.readline().strip())


def test_a_killed_nights_spool_is_removed_by_the_next_night_never_a_live_one(
    tmp_path: Path,
) -> None:
    """Before, a night killed with SIGKILL left its spool for good (`TemporaryDirectory` never
    cleaned up). Now the next night removes it; a night still running keeps its own."""
    killed, dead_spool = _night_holding(tmp_path)
    live, live_spool = _night_holding(tmp_path)
    try:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        assert dead_spool.is_dir() and (dead_spool / "page.pkl").exists()  # what was left
        with night_spool(tmp_path) as mine:
            assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
                [live_spool.name, mine.name]
            )
        assert [p.name for p in tmp_path.iterdir()] == [live_spool.name]  # its own on leaving
    finally:
        live.kill()
        live.wait(timeout=30)
    assert clear_dead_spools(tmp_path) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_spool_is_held_by_the_workers_the_night_forked(tmp_path: Path) -> None:
    """The lock goes with the open folder into a page worker the night forked: a night killed
    while its worker lives on (still writing pages) keeps its spool until that worker is gone."""
    night, spool = _night_holding(tmp_path, fork_worker=True)
    worker = int(night.stdout.readline())
    try:
        night.send_signal(signal.SIGKILL)
        night.wait(timeout=30)
        assert clear_dead_spools(tmp_path) == 0 and spool.is_dir()
    finally:
        os.kill(worker, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while clear_dead_spools(tmp_path) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # the worker's end reaches the kernel's lock a moment later
    assert not spool.exists()


def test_spools_are_per_user_in_the_temporary_folder(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    assert spools_root() == tmp_path / f"perfbudget-spools-{os.getuid()}"
