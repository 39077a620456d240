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
"""

from __future__ import annotations

import concurrent.futures
import logging
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageCall:
    """One page of tonight for the page workers: the arguments of its task."""

    path: Path
    page: int
    kind: str


@dataclass(frozen=True)
class LostPage:
    """A page that ended or hung its worker again when read alone: why, in one sentence."""

    message: str


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
    pool broke); `restart(kill)` ends the pool (killing its workers first when `kill`) and starts
    a new one, returning the old workers' exit codes; `workers` is the pool's size."""

    def __init__(
        self,
        submit: Callable[[PageCall], Any],
        restart: Callable[[bool], list[int | None]],
        workers: int,
        timeout: float,
    ) -> None:
        self._submit = submit
        self._restart = restart
        self._suspects_per_break = workers + 1
        self._timeout = timeout
        self._calls: list[PageCall] = []
        self._futures: list[Any] = []
        self._lost: dict[int, LostPage] = {}
        self.restarts = 0

    def submit(self, call: PageCall) -> int:
        """Send `call` to the pool; its handle for `result`."""
        self._calls.append(call)
        self._futures.append(self._submit(call))
        return len(self._calls) - 1

    def result(self, handle: int) -> Any:
        """The page's finished future (its task's state is the page's outcome), or a LostPage
        when the page ended or hung its worker again when read alone."""
        while handle not in self._lost:
            failure = self._wait(self._futures[handle])
            if failure is None:
                return self._futures[handle]
            self._recover(handle, failure)
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
        """Restart the pool; run the suspects alone, then every other page the broken pool
        lost (`NightPages`)."""
        codes = self._restart_pool(kill=failure.hung)
        lost = [i for i, f in enumerate(self._futures) if i not in self._lost and _lost_by_pool(f)]
        if failure.hung:
            suspects = [waited]
            log.warning("page %s gave no result in %.0f s", self._name(waited), self._timeout)
        else:
            suspects = lost[: self._suspects_per_break]
            log.warning("a page worker died (%s); %d page(s) to read again: %s first, alone",
                        exit_description(codes), len(lost),
                        ", ".join(self._name(i) for i in suspects))  # fmt: skip
        for i in suspects:
            self._futures[i] = self._submit(self._calls[i])
            again = self._wait(self._futures[i])
            if again is None:
                continue
            codes = self._restart_pool(kill=again.hung)
            self._lost[i] = LostPage(self._why(i, again, codes))
            log.warning("page %s: %s", self._name(i), self._lost[i].message)
        for i in lost:
            if i not in suspects:
                self._futures[i] = self._submit(self._calls[i])

    def _restart_pool(self, kill: bool) -> list[int | None]:
        self.restarts += 1
        return self._restart(kill)

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
        return False  # on the new pool already (submitted by Prefect's thread after the restart)
    return wrapped.cancelled() or _pool_failure(wrapped.exception())


def _pool_failure(exc: BaseException | None) -> bool:
    """Whether a page's future failed because of its pool: broken (`BrokenProcessPool`, a
    RuntimeError) or shut down under a call submitted late (RuntimeError). Anything else (a
    result that cannot be unpickled) is the page's own failure, which the flow raises as before."""
    return isinstance(exc, RuntimeError)
