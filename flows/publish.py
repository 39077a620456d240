"""Build in a working copy, publish by atomic rename: auditors never see a half-built warehouse.

DuckDB allows one writer and no other process while it writes. The flow therefore never opens the
published file for writing: it copies it to `<name>.building`, lands and builds there, and
`os.replace`s the copy over the published file. A reader that had the old file open keeps reading
that complete old state (the inode lives on until it closes); the next connection sees the new one.
A run killed at any point leaves the published file untouched; the next run discards the stale
copy and starts again from the published state.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path


def working_copy_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".building")


def prepare_working_copy(warehouse: Path) -> Path:
    """A fresh copy of the published warehouse (or nothing, for a first run) to build into."""
    building = working_copy_path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)  # left by a run that was killed
    if warehouse.exists():
        shutil.copyfile(warehouse, building)
    return building


def publish(building: Path, warehouse: Path) -> None:
    """Atomically replace the published warehouse with the finished working copy."""
    wal = building.with_name(building.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"{building} still has a write-ahead log; it was not closed cleanly")
    with building.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(building, warehouse)
    dir_fd = os.open(warehouse.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def failpoint(stage: str) -> None:
    """Die here, as `kill -9` would, when PERFBUDGET_FAILPOINT names this stage.

    The crash-safety tests use it to kill a run at an exact point (during extraction, landing or
    the dbt build) instead of racing a timer against the pipeline."""
    if os.environ.get("PERFBUDGET_FAILPOINT") == stage:
        os.kill(os.getpid(), signal.SIGKILL)


class InjectedFault(RuntimeError):
    """A fault raised on purpose by PERFBUDGET_FAULT, to test retries and quarantine."""


def fault(stage: str, subject: str) -> None:
    """Raise when PERFBUDGET_FAULT is `stage:<part of subject>` (e.g. `extract:broken.pdf`): a
    transient-looking error that survives the retries, so a test can watch the quarantine.

    `stage-dies:<part>` ends the process instead, as a native crash would (exit code 70), and
    `stage-hangs:<part>` never returns, as a hung native call would: the tests of a page that
    kills or hangs its worker (`flows.extract.page_recovery`) use them."""
    spec = os.environ.get("PERFBUDGET_FAULT", "")
    want_stage, _, want_subject = spec.partition(":")
    if not want_subject or want_subject not in subject:
        return
    if want_stage == stage:
        raise InjectedFault(f"injected {stage} fault for {subject}")
    if want_stage == f"{stage}-dies":
        os._exit(INJECTED_EXIT_CODE)
    if want_stage == f"{stage}-hangs":
        while True:
            time.sleep(60)


def page_fault(path: Path, page: int) -> None:
    """`fault` for reading page `page` of `path`: its subject is `<path>#<page>#`, so
    `extract-dies:bad.png#2#` ends the worker reading that page and no other."""
    fault("extract", f"{path}#{page}#")


# the exit code of a process PERFBUDGET_FAULT's `-dies` ended
INJECTED_EXIT_CODE = 70
