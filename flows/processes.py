"""Stopping the child processes a run or `perfbudget serve` starts (Prefect's server, the warm
dbt), one way everywhere.

Why: each was stopped with its own copy of terminate → wait → kill; a child that ignores
SIGTERM must still be gone (and reaped) when the run ends, or it holds its port, its socket or
the warehouse file.
"""

from __future__ import annotations

import subprocess


def end_process(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """Ask the process to stop (SIGTERM), give it `grace` seconds, then kill it; always reaped."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
