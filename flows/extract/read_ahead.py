"""Tonight's first pages, read by the page workers while Prefect's server boots and handed to
their page tasks.

Why: `perfbudget run` forks its page workers as it starts (`flows.extract.early_workers`). Each
loaded the OCR engine and then waited: for Prefect's temporary server to answer (its boot is the
run's longest serial step), then for the flow to create its run, take the inventory, open the
documents and submit the first pages. One core idled through that (`bench.timeline`: the run's
start). Now each worker, its engine loaded, first reads pages of the same guess of tonight's
files the workers were started on (`flows.inventory.unrecorded`) into a spool folder, a few
pages in all (`ReadAhead.pages`), and only then waits for the API. The page task
(`flows.pipeline.extract_one_page`) takes a page read ahead instead of reading it again: the
same function (`extract_page`) on the same bytes with the same options gives the same PageGrid.

A page is claimed by creating its lock file (the first worker wins) and read under an
exclusive lock on it. A task that finds a claimed page waits for that lock (the claimant is
the other worker, still reading: a worker runs tasks only once its own pages ahead are read)
and takes what was written; when nothing was (the read failed, the claimant was killed) the
task reads the page itself, as it always did, with its retries. A page is keyed by its file's
identity (device, inode, size, modification time), its number, its kind and the OCR options,
not by the path's spelling: a file changed since it was read ahead is read again. A wrong
guess (a page the flow does not ask for) costs that page's reading, never a result.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flows.models import PageGrid
    from ocr.engines import OcrOptions

log = logging.getLogger(__name__)

# pages read ahead per page worker: the idle start is ~1-2 pages' reading per worker
# (server boot ~4 CPU-s, then the flow's run, inventory and first submissions)
ROUNDS = 2


@dataclass(frozen=True)
class ReadAhead:
    """Where the workers put the pages they read ahead, and which pages (path, number, kind),
    in the order the flow submits them."""

    spool: Path
    pages: tuple[tuple[Path, int, str], ...]


_spool: Path | None = None  # this worker's spool, set when it read ahead (`read`)


def key(path: Path, page: int, kind: str, ocr: OcrOptions) -> str | None:
    """The spool's name of a page: its file's identity, number, kind and the OCR options; None
    when the file cannot be looked at (its task says why)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    ident = f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{page}:{kind}"
    return hashlib.sha256(f"{ident}:{ocr.model_dump_json()}".encode()).hexdigest()[:32]


def read(ahead: ReadAhead, ocr: OcrOptions) -> None:
    """Worker side, before the API answers: read each planned page no other worker has claimed
    into the spool. A page that fails to read leaves no result: its task reads it again."""
    from flows.extract.documents import extract_page
    from flows.publish import page_fault

    global _spool
    _spool = ahead.spool
    for path, page, kind in ahead.pages:
        name = key(path, page, kind, ocr)
        if name is None:
            continue
        try:
            fd = os.open(ahead.spool / f"{name}.lock", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            continue  # the other worker reads it
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                page_fault(path, page)
                grid = extract_page(path, page, kind, ocr)
            except Exception as exc:  # noqa: BLE001 - the task reads it again, and reports
                log.info("page %s of %s not read ahead: %s", page, path, exc)
                continue
            part = ahead.spool / f"{name}.part"
            part.write_bytes(pickle.dumps(grid, protocol=pickle.HIGHEST_PROTOCOL))
            part.rename(ahead.spool / f"{name}.pkl")
        finally:
            os.close(fd)  # releases the lock


def taken(path: Path, page: int, kind: str, ocr: OcrOptions) -> PageGrid | None:
    """Task side: the page as a worker read it ahead, removed from the spool, waiting while
    the other worker still reads it; None when it was not read ahead (read it now)."""
    if _spool is None:
        return None
    name = key(path, page, kind, ocr)
    if name is None:
        return None
    try:
        fd = os.open(_spool / f"{name}.lock", os.O_RDONLY)
    except FileNotFoundError:
        return None  # not among the pages read ahead
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # the claimant's read is over
    finally:
        os.close(fd)
    result = _spool / f"{name}.pkl"
    try:
        data = result.read_bytes()
    except FileNotFoundError:
        return None  # its read failed or was cut short
    result.unlink(missing_ok=True)
    return pickle.loads(data)  # noqa: S301 - written by this run's own workers
