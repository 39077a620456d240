"""A night's dbt started while its last pages are read, so the marts build starts warm.

Why: after the pages, an unserved night ran `dbt build` in a fresh child that first imported
dbt, registered the adapter and loaded its partial parse (~3 CPU-s, one core, the other idle)
before its first node; nothing else could run meanwhile. Here a warm dbt
(`flows.dbt_server`, what `perfbudget serve` keeps for its nights) is launched while the pool's
last pages are read: it imports dbt and parses the project beside them, and the build is sent
to it (`flows.marts` uses the server named in PERFBUDGET_DBT_SERVER). It lives for this night
only and is ended with it.

It starts when the pages still to be collected are at most `lead_pages` (the pool's last
rounds), not with the night: a warm dbt holds ~130-145 MiB (measured), which beside both
workers through the whole night would sit on the run's memory peak for nothing. A night already
served by a warm dbt (`perfbudget serve`, the test suite's) starts none; a server that fails to
start leaves the build to a child of its own, as before.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Self

from flows import dbt_server
from flows.processes import end_process

log = logging.getLogger(__name__)


class DbtAhead:
    """The night's own warm dbt, launched by `start_when` and named to the build by `ready`."""

    def __init__(self, warehouse: Path, lead_pages: int, wanted: bool = True) -> None:
        self.warehouse = warehouse
        self.lead_pages = lead_pages
        # a night that already has a warm dbt (served) builds on that one
        self.wanted = wanted and not os.environ.get(dbt_server.SERVER_ENV)
        self.proc: subprocess.Popen | None = None
        self.folder: Path | None = None

    def start_when(self, pages_left: int) -> None:
        """Launch the warm dbt once no more than `lead_pages` pages are left to collect."""
        if not self.wanted or self.proc is not None or pages_left > self.lead_pages:
            return
        self.folder = Path(tempfile.mkdtemp(prefix="perfbudget-dbt-"))
        # in the warehouse's folder: the build names the file as a one-shot build does, and
        # the two share dbt's partial parse (`dbt_server.profile_path`)
        folder = self.warehouse.resolve().parent
        self.proc = dbt_server.launch(self.socket, self.warehouse, cwd=folder)

    @property
    def socket(self) -> Path:
        assert self.folder is not None
        return self.folder / "dbt.sock"

    def ready(self) -> bool:
        """Wait for the launched dbt and name it to the build; False (the build starts its own
        dbt) when none was launched or it did not start."""
        if self.proc is None:
            return False
        try:
            dbt_server.wait_listening(self.proc, self.socket)
        except RuntimeError as exc:
            log.warning("the night's warm dbt did not start (%s): the build starts its own", exc)
            self.stop()
            return False
        return True

    def stop(self) -> None:
        """End the warm dbt, un-name it and remove its socket's folder."""
        if self.proc is not None:
            if os.environ.get(dbt_server.SERVER_ENV) == str(self.socket):
                os.environ.pop(dbt_server.SERVER_ENV, None)
            end_process(self.proc, grace=30)
            if self.proc.stdout is not None:
                self.proc.stdout.close()
            self.proc = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
