"""Prefect's temporary API server for a `perfbudget run` that names no API, started as the run
starts.

Why: a flow run without PREFECT_API_URL makes Prefect start a temporary server
(`SubprocessASGIServer`) when the flow is called, and to do so Prefect imports its whole server
package into the flow's process first (FastAPI, SQLAlchemy, every API route: 4-5 CPU-s) only to
name the class, then waits while the server's own process imports the same package again
(~6 CPU-s): two serial steps on one core, the other idle, before the first page is read (dev
timeline: ~10 s of a ~50 s run of 30 scan pages, `bench.timeline`). Started here, the server
is the same program with the same settings — uvicorn on Prefect's app factory, UI off, as
Prefect runs it — launched before the flow's own modules are imported, and the flow process
never imports the server package: the server boots on one core while the flow imports and opens
its documents on the other.

A configured API (PREFECT_API_URL, a profile) or ephemeral mode turned off is left to Prefect.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from flows.processes import end_process

# What Prefect sets for its own temporary server (prefect.server.api.server
# `SubprocessASGIServer._run_uvicorn_command`): no UI, the ephemeral server's settings.
PREFECT_SERVER_ENV = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
}
# The background services an ephemeral server runs that a one-shot night does not use, off.
# The server lives for one run on a port nobody else is told, with no UI: the night's record is
# the warehouse's (`runs`, `ingest_errors`) and, in Prefect's database, the flow run with its
# state, logs and summary artifact, which the flow writes through the API itself; no part of the
# run reads what these services make. Measured on 31 dev scan pages: the server 9.4 CPU-s all
# on, 8.0 with triggers and the event stream off, 6.2 with all four off (`bench.timeline`).
# - triggers: automations (reactive and proactive triggers, their actions) read every event and
#   poll every 5 s; a temporary server has none defined (loading their state cost ~1 CPU-s of
#   its start);
# - events stream out: forwards events over websockets to subscribers (the UI, `prefect events
#   stream`); nothing can subscribe to a server nobody is told of;
# - task-run recorder and event persister: write each page task's states and every event into
#   Prefect's database, a UI's view of a night that the run itself never reads (its tasks' retries
#   and results live in the flow's process). Served nights (`perfbudget serve`'s server, or
#   PREFECT_API_URL's) keep them, and the event vacuum goes with the persister (nothing to trim).
# - telemetry: a heartbeat to Prefect's servers (an HTTPS post) as the server starts, then every
#   10 minutes. The Makefile turns it off for its targets, but a night started as
#   `perfbudget run` from cron or a shell (the lead's bench) had it on: offline, each start logged
#   a failed lookup of sens-o-matic.prefect.io. No CPU was measured for it (server start to
#   healthy + 5 s, three runs each: 4.14-4.42 CPU-s on, 4.16-4.35 off): off because a one-shot
#   server has nothing to report, not for speed.
IDLE_SERVICES_ENV = {
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}
SERVER_ENV = {**PREFECT_SERVER_ENV, **IDLE_SERVICES_ENV}
# Set in the run's environment while its Prefect server is the temporary one started here
# (`TemporaryApi.launch`), and so in every page worker it starts: that server runs none of the
# services that read events (IDLE_SERVICES_ENV), so the run and its workers send none
# (`mute_unread_events`).
EVENTS_UNREAD_ENV = "PERFBUDGET_PREFECT_EVENTS_UNREAD"
# uvicorn's exit status when the port was taken between choosing it and binding it (Prefect
# retries on another port on the same status)
PORT_TAKEN = 3
POLL = 0.1  # seconds between health checks, as Prefect's


def api_healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether the Prefect API at `url` (…/api) answers its health check now."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as answer:  # noqa: S310
            return answer.status == 200
    except OSError:  # refused, reset, timed out (URLError is one)
        return False


def free_port() -> int:
    """A port on the loopback that nothing listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(port: int) -> list[str]:
    """uvicorn on Prefect's app factory, as Prefect starts its temporary server."""
    spec = find_spec("prefect")
    if spec is None or spec.origin is None:
        raise ImportError("prefect is not installed")
    return [
        sys.executable, "-m", "uvicorn",
        "--app-dir", str(Path(spec.origin).parent.parent),
        "--factory", "prefect.server.api.server:create_app",
        "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "error", "--lifespan", "on",
    ]  # fmt: skip


@dataclass
class TemporaryApi:
    """One temporary Prefect server process and its API URL."""

    proc: subprocess.Popen
    port: int

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @classmethod
    def launch(cls) -> TemporaryApi:
        """Start the server's process and return at once (`wait_ready` waits for it). It is
        stopped when this process exits, as Prefect stops its own: after Prefect's log and
        event workers have sent what they hold (they drain at threading's exit, before
        `atexit`; a server stopped when the flow returned refused the run's last logs)."""
        port = free_port()
        env = {**os.environ, **SERVER_ENV}
        env.pop("PREFECT_API_URL", None)
        api = cls(subprocess.Popen(server_command(port), env=env), port)
        atexit.register(api.stop)
        os.environ[EVENTS_UNREAD_ENV] = "1"  # the workers started from now on inherit it
        return api

    def wait_ready(self, timeout: float) -> None:
        """Until the API answers its health check; a port taken meanwhile is chosen again.
        `timeout` counts the pauses between checks, as Prefect counts its own (so a loaded
        machine, where each check itself takes long, is given the same patience)."""
        waited = 0.0
        while waited < timeout:
            if self.proc.poll() == PORT_TAKEN:
                relaunched = TemporaryApi.launch()
                self.proc, self.port = relaunched.proc, relaunched.port
            elif self.proc.poll() is not None:
                raise RuntimeError(f"Prefect's temporary server exited {self.proc.returncode}")
            if api_healthy(self.api_url, timeout=5):
                return
            time.sleep(POLL)
            waited += POLL
        self.stop()
        raise RuntimeError(f"Prefect's temporary server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        end_process(self.proc)
        os.environ.pop(EVENTS_UNREAD_ENV, None)


def mute_unread_events() -> bool:
    """Send no Prefect events from this process when the run's server is the temporary one
    (EVENTS_UNREAD_ENV); whether they were muted.

    Why: every task run emits an event per state (pending, running, completed: ~3 a page, page
    workers forwarding theirs through the flow's process), each built, sized as JSON, given the
    flow run's related resources and sent over a websocket, where the temporary server parses it
    and hands it to services it does not run: the task-run recorder and the event persister are
    off (IDLE_SERVICES_ENV), so nothing of it reaches Prefect's database or anyone's screen. The
    flow run, its states, its logs (the warnings and errors an operator reads) and its summary
    artifact go through the API, not events, and stay. A configured API (`perfbudget serve`'s,
    PREFECT_API_URL's) records task runs from these events: there the variable is not set and
    nothing changes."""
    if os.environ.get(EVENTS_UNREAD_ENV) != "1":
        return False
    from prefect.events.clients import NullEventsClient
    from prefect.events.worker import EventsWorker

    EventsWorker.set_client_override(NullEventsClient)
    return True


def wanted() -> bool:
    """Whether Prefect would start a temporary server for a flow run here: no API configured
    (environment or profile) and ephemeral mode allowed."""
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    return not settings.api.url and bool(settings.server.ephemeral.enabled)


def launch_if_wanted() -> TemporaryApi | None:
    """The temporary server started now when Prefect would start one for the flow, else None.

    Launched before Prefect is imported when the environment names no API (`likely_wanted`):
    reading Prefect's settings (`wanted`) imports Prefect, ~1.2 CPU-s on one core while the
    other idled, and the server's boot (~4 CPU-s, the run's longest serial step before its
    first page) waited behind it. Prefect's settings still decide: a server they do not want
    (an API named in a profile, ephemeral mode turned off) is stopped before it answers, so a
    wrong guess costs that server's start, never the night."""
    api = TemporaryApi.launch() if likely_wanted() else None
    if wanted():
        return api or TemporaryApi.launch()
    if api is not None:
        api.stop()
    return None


def likely_wanted() -> bool:
    """Whether Prefect will start a temporary server, as far as the environment says without
    importing Prefect: no PREFECT_API_URL. A profile's API and the ephemeral-mode settings are
    `wanted`'s to read."""
    return not os.environ.get("PREFECT_API_URL")


@contextmanager
def serving(api: TemporaryApi | None) -> Iterator[None]:
    """Run the flow on `api` (nothing changes when it is None): wait for it to answer, then name
    it in the environment (the page workers inherit it) and in Prefect's global settings, which
    every thread of this process reads. A settings context of the flow's thread alone is not
    enough: the process pool's threads (its event forwarder, its future resolvers) read the
    global settings, found no API there and started a second temporary server in this process
    (dev timeline: +10 CPU-s of server start, +4.5 CPU-s of the server package's import)."""
    if api is None:
        yield
        return
    from prefect.context import refresh_global_settings_context
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    api.wait_ready(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    muted = mute_unread_events()
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = api.api_url
    refresh_global_settings_context()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before
        if muted:
            from prefect.events.worker import EventsWorker

            EventsWorker.set_client_override(None)
        refresh_global_settings_context()
