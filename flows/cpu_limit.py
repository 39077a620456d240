"""A CPU-time limit on a stretch of Python code in the main thread.

The form reader is pure Python over a document's page grids; a reading that explodes on one
document (a search over many ways to split a run of glued labels once took more than six CPU
minutes) must cost that document, not the night. The limit counts the process's CPU seconds
(ITIMER_PROF), not wall time: a busy machine does not make a document fail.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class CpuTimeLimit(Exception):
    """Raised inside the limited code when it has used its CPU seconds."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"used its limit of {seconds:g} CPU-s")
        self.seconds = seconds


@contextmanager
def cpu_time_limit(seconds: float | None) -> Iterator[None]:
    """Raise CpuTimeLimit in the code under the `with` once it has used `seconds` CPU seconds.
    No limit when `seconds` is None or not positive, or off the main thread (signals reach only
    the main thread; the flow runs its stages there). A timer set before is put back after."""
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _over(signum: int, frame: object) -> None:
        raise CpuTimeLimit(seconds)

    before = signal.signal(signal.SIGPROF, _over)
    outer = signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, *outer)
        signal.signal(signal.SIGPROF, before)
