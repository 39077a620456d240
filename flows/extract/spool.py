"""The folder a night's read-ahead pages wait in (`flows.extract.read_ahead`), cleared even when
the night that made it was killed.

Why: the spool was a `tempfile.TemporaryDirectory`, removed when `perfbudget run` left it. A
night killed (SIGKILL, the OOM killer) never left it, and its pages stayed in /tmp for good:
dozens of `/tmp/perfbudget-ahead-*` on the machine the tests kill nights on, each a few pages'
grids. Now every spool sits in one folder of the user's (`SPOOLS` in the temporary folder), and
its night holds an exclusive `flock` on the spool for its life (its forked page workers inherit
the lock). The kernel drops the lock when the last of them dies, however it died, so the next
night (on any warehouse) removes every spool nobody holds before it makes its own — never one of
a night still running beside it. Sweeping and making are one step under a lock on the folder,
so a spool is locked before another night can see it. Spools of the old scheme
(`/tmp/perfbudget-ahead-*`) are not this scheme's to judge: remove them by hand once.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

SPOOLS = "perfbudget-spools"


def spools_root() -> Path:
    """This user's folder of spools in the temporary folder (per user: /tmp is shared)."""
    return Path(tempfile.gettempdir()) / f"{SPOOLS}-{os.getuid()}"


@contextmanager
def night_spool(root: Path | None = None) -> Iterator[Path]:
    """A new spool folder in `root` (`spools_root`), locked for as long as this night (and the
    processes it forks) lives and removed when it ends; the spools of nights that died without
    removing theirs are removed first."""
    root = root or spools_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _locked(root):
        cleared = clear_dead_spools(root)
        spool = Path(tempfile.mkdtemp(prefix="ahead-", dir=root))
        held = os.open(spool, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(held, fcntl.LOCK_EX)
    if cleared:
        log.info("removed %d read-ahead spool(s) of nights that were killed", cleared)
    try:
        yield spool
    finally:
        shutil.rmtree(spool, ignore_errors=True)
        os.close(held)


def clear_dead_spools(root: Path) -> int:
    """Remove every spool in `root` whose lock nobody holds (its night is dead); how many."""
    cleared = 0
    for spool in sorted(root.glob("ahead-*")):
        try:
            fd = os.open(spool, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:  # gone meanwhile, or not a folder
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a night still running holds it
            continue
        else:
            shutil.rmtree(spool, ignore_errors=True)
            cleared += 1
        finally:
            os.close(fd)
    return cleared


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """An exclusive lock on the folder of spools: one night sweeps and makes its spool at a
    time."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
