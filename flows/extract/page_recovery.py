"""A page that kills or hangs its page worker costs that page, never the night.

Why: a page whose reading ends its worker process (a native crash in onnxruntime or OpenCV, the
kernel's OOM killer, `os._exit`) broke the whole process pool: `concurrent.futures` fails every
page submitted to a broken pool with `BrokenProcessPool`, which the flow's first wait raised,
and the run failed unpublished — every document of the night lost with it. A page stuck in a
native call (no exception, no result) held the night for ever.

Here the flow waits for each page (`NightPages.result`) at most `RunOptions.page_timeout_seconds`;
when the pool broke, or the page outlived that, the pool is restarted (`restart`: the runner's
`flows.extract.workers.PageWorkers.restart`) and every page whose result the broken pool lost is
submitted again, so none is lost and none lands twice (each page keeps one future: the one whose
result the flow takes). Which page ended the worker cannot be told from the outside: the pool
runs its pages first in, first out, so the worker was reading one of the first `workers` pages
not yet in — one more for the order Prefect's two submitting threads may swap. Those suspects
(the hung page alone, when it was a timeout) are run first, one at a time with nothing beside
them; a suspect that ends its worker or hangs again when alone is the culprit and comes back as
a `LostPage` (the flow records it as its document's error and quarantines the document), the
others are read as usual. Each break settles at least one suspect, so a night ends.

A restarted pool's workers load their OCR engine as they start, and the pool is asked to show a
worker started (`PagePool.start_up`) before a suspect is read on it: a worker that dies there (a
broken model file) killed no page, and is told as a start-up death, blaming none (a later worker
dying as it starts breaks the pool beside the pages then in it, which are read alone on a worker
shown started, so it blames none either). Every death of a pool — a break, a hang, a start-up —
counts against `RunOptions.max_pool_deaths` until a page is read again: at that many deaths in
a row with no page read between them, a machine on which reading kills its workers (a native
library that crashes here) is not left to restart the pool once per page for hours, while a
night of many bad pages among good ones (each costs two deaths, then a page is read) goes on to
its end. The pool is ended, every page not yet in comes back as a `LostPage` of the cut
(`NightPages.cut_short` says why), and those documents are quarantined, to be read next night.
The task runs of a dead pool's pages are set Crashed (`PagePool.crashed`), or Prefect's UI would
show them Running for ever.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageCall:
    """One page of tonight for the page workers: the arguments of its task."""

    path: Path
    page: int
    kind: str


@dataclass(frozen=True)
class LostPage:
    """A page that ended or hung its worker again when read alone, or that the night, cut short,
    did not read (`cut`): why, in one sentence."""

    message: str
    cut: bool = False


class PagePool(Protocol):
    """What the recovery asks of the page workers (`flows.extract.workers.PageWorkers`)."""

    def restart(self, kill: bool) -> list[int | None]:
        """End the pool (its workers killed first when `kill`), start a new one of the same
        size; the old workers' exit codes."""
        ...

    def start_up(self) -> list[int | None] | None:
        """None once a worker of the new pool has started (its OCR engine loaded), the one
        the suspects are then read on; else the pool is ended and its workers' exit codes
        come back."""
        ...

    def stop(self, kill: bool) -> list[int | None]:
        """End the pool for the night (killing its workers when `kill`); their exit codes."""
        ...

    def crashed(self, futures: Sequence[Any], reason: str) -> None:
        """Set the task runs of `futures`, lost with their pool, Crashed with `reason`."""
        ...


class _NightCut(Exception):
    """The pool died more often than the night allows (`NightPages.cut_short`)."""


@dataclass(frozen=True)
class _Failure:
    """How the pool failed a page: it broke (a worker died) or the page outlived the timeout."""

    hung: bool


def exit_description(codes: Sequence[int | None]) -> str:
    """How the dead worker ended, from the exit codes of the broken pool's workers: the pool
    ends the survivors with SIGTERM, so the first other code is the dead one's."""
    died = [code for code in codes if code is not None and code != -signal.SIGTERM]
    code = died[0] if died else (codes[0] if codes else None)
    if code is None:
        return "exit code unknown"
    if code < 0:
        return f"signal {-code} ({signal.Signals(-code).name})"
    return f"exit code {code}"


class NightPages:
    """Tonight's page tasks on the page workers, each page's result waited for by the flow in
    submission order (`result`), re-run on a restarted pool when a worker dies or a page hangs.

    `submit` sends one page to the pool and returns its Prefect future (a
    `PrefectConcurrentFuture`, whose `wrapped_future` fails with `BrokenProcessPool` when the
    pool broke); `pool` restarts, starts and stops the page workers (`PagePool`); `workers` is
    the pool's size; after `max_deaths` deaths of the pool in a row, no page read between them,
    the night is cut short."""

    def __init__(
        self,
        submit: Callable[[PageCall], Any],
        pool: PagePool,
        workers: int,
        timeout: float,
        max_deaths: int,
    ) -> None:
        self._submit = submit
        self._pool = pool
        self._suspects_per_break = workers + 1
        self._timeout = timeout
        self._max_deaths = max_deaths
        self._calls: list[PageCall] = []
        self._futures: list[Any] = []
        self._lost: dict[int, LostPage] = {}
        self._dead_codes: list[int | None] = []
        # the futures whose task runs were set Crashed, by id; held, so that no id is reused by a
        # later future (a replaced page's old future would otherwise be freed)
        self._crashed: dict[int, Any] = {}
        self._started = True  # whether the pool's worker is known to have started
        self.deaths = 0  # tonight's, for the record
        self._deaths_in_a_row = 0  # since a page was last read: what the allowance counts
        self.cut_short: str | None = None

    def submit(self, call: PageCall) -> int:
        """Send `call` to the pool; its handle for `result`."""
        self._calls.append(call)
        self._futures.append(self._submit(call))
        return len(self._calls) - 1

    def result(self, handle: int) -> Any:
        """The page's finished future (its task's state is the page's outcome), or a LostPage
        when the page ended or hung its worker again when read alone, or was left unread by a
        night cut short."""
        while handle not in self._lost:
            if self.cut_short is not None:
                return self._after_cut(handle)
            failure = self._wait(self._futures[handle])
            if failure is None:
                self._deaths_in_a_row = 0
                return self._futures[handle]
            with contextlib.suppress(_NightCut):  # cut short: `cut_short` says why
                self._recover(handle, failure)
        return self._lost[handle]

    def _after_cut(self, handle: int) -> Any:
        """A page of a night cut short: its future when its result was in, else a LostPage."""
        future = self._futures[handle]
        if future.wrapped_future.done() and not _lost_by_pool(future):
            return future
        self._lost[handle] = LostPage(f"not read: {self.cut_short}; read again next night", True)
        return self._lost[handle]

    def _wait(self, future: Any) -> _Failure | None:
        """None once the page's task has a state; else how the pool failed it."""
        try:
            exc = future.wrapped_future.exception(timeout=self._timeout)
        except concurrent.futures.TimeoutError:
            return _Failure(hung=True)
        except concurrent.futures.CancelledError:
            return _Failure(hung=False)
        return _Failure(hung=False) if _pool_failure(exc) else None

    def _recover(self, waited: int, failure: _Failure) -> None:
        """Restart the pool; run the suspects alone, each on a worker known to have started,
        then every other page the broken pool lost (`NightPages`). Raises _NightCut when the
        pool has died too often."""
        codes, lost = self._replace_pool(kill=failure.hung)
        if failure.hung:
            suspects = [waited]
            log.warning("page %s gave no result in %.0f s", self._name(waited), self._timeout)
        else:
            suspects = lost[: self._suspects_per_break]
            log.warning("a page worker died (%s); %d page(s) to read again: %s first, alone",
                        exit_description(codes), len(lost),
                        ", ".join(self._name(i) for i in suspects))  # fmt: skip
        for i in suspects:
            self._start_pool()
            self._futures[i] = self._submit(self._calls[i])
            again = self._wait(self._futures[i])
            if again is None:
                self._deaths_in_a_row = 0
                continue
            try:
                self._replace_pool(kill=again.hung)
            finally:  # a night cut short there still names its culprit
                self._lost[i] = LostPage(self._why(i, again, self._dead_codes))
                log.warning("page %s: %s", self._name(i), self._lost[i].message)
        for i in lost:
            if i not in suspects:
                self._futures[i] = self._submit(self._calls[i])

    def _replace_pool(self, kill: bool) -> tuple[list[int | None], list[int]]:
        """A death of the pool: end it, set its lost pages' task runs Crashed, put a new one in
        its place (its start is proven before a suspect is read on it, `_start_pool`); the dead
        workers' exit codes and the pages the old pool lost. Raises _NightCut at the night's
        allowance of deaths, the pool ended and none started."""
        cut = self._died()
        codes = self._pool.stop(kill) if cut else self._pool.restart(kill)
        self._dead_codes = codes
        self._started = False
        lost = [i for i, f in enumerate(self._futures) if i not in self._lost and _lost_by_pool(f)]
        how = exit_description(codes)
        ended = "were killed: a page outlived the timeout" if kill else f"died ({how})"
        # pages lost by an earlier pool and not yet submitted again were reported with it
        crashed = [self._futures[i] for i in lost if id(self._futures[i]) not in self._crashed]
        self._crashed.update((id(future), future) for future in crashed)
        self._pool.crashed(crashed, f"the page workers {ended}")
        if cut:
            self._cut(how)
        return codes, lost

    def _start_pool(self) -> None:
        """Until the restarted pool's worker has started (`PagePool.start_up`): a death there
        counts, blames no page, and the pool is started again. Raises _NightCut at the night's
        allowance of deaths."""
        while not self._started:
            died = self._pool.start_up()
            if died is None:
                self._started = True
                return
            cut = self._died()
            how = exit_description(died)
            log.warning("a page worker died while starting (%s): no page is blamed", how)
            if cut:
                self._cut(f"{how}, while starting")
            self._pool.restart(True)

    def _died(self) -> bool:
        """Count a death of the pool; whether it is the allowance's last."""
        self.deaths += 1
        self._deaths_in_a_row += 1
        return self._deaths_in_a_row >= self._max_deaths

    def _cut(self, how: str) -> None:
        """End the night's reading: every page not yet in is left (`cut_short` says why)."""
        row = self._deaths_in_a_row
        times = f"{row} time{'s' if row > 1 else ''} in a row, no page read between"
        self.cut_short = (
            f"the night was cut short: the page workers died {times} "
            f"(RunOptions.max_pool_deaths), the last: {how}"
        )
        log.error("%s; every page not yet read is left for the next night", self.cut_short)
        raise _NightCut

    def _why(self, index: int, failure: _Failure, codes: list[int | None]) -> str:
        page = self._calls[index].page
        if failure.hung:
            return (
                f"page {page} gave no result within {self._timeout:.0f} s, twice (the second "
                "time read alone): its worker was ended"
            )
        return f"worker died reading page {page} ({exit_description(codes)})"

    def _name(self, index: int) -> str:
        call = self._calls[index]
        return f"{call.page} of {call.path.name}"


def _lost_by_pool(future: Any) -> bool:
    """Whether a page's future was failed by its pool (broken, ended) rather than finished with
    its task's state: a task's own failure comes back as a state, never as an exception."""
    wrapped = future.wrapped_future
    if not wrapped.done():
        return False  # on the new pool already (submitted again after the restart)
    return wrapped.cancelled() or _pool_failure(wrapped.exception())


def _pool_failure(exc: BaseException | None) -> bool:
    """Whether a page's future failed because of its pool: broken (`BrokenProcessPool`, a
    RuntimeError) or shut down under a call submitted late (RuntimeError). Anything else (a
    result that cannot be unpickled) is the page's own failure, which the flow raises as before."""
    return isinstance(exc, RuntimeError)
