"""`perfbudget run`'s own start of Prefect's temporary server (flows/prefect_api.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from flows import prefect_api
from tests.conftest import QUIET_PREFECT_SERVER_ENV


def test_the_server_is_started_as_prefect_starts_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same program, arguments and server settings as Prefect's `SubprocessASGIServer`
    (captured, not run): a Prefect upgrade that changes how its temporary server starts fails
    here instead of in a night."""
    import prefect.server.api.server as server_module

    started: list[tuple[list[str], dict[str, str]]] = []

    def popen(args: list[str], env: dict[str, str], **_: object) -> None:
        started.append((args, env))

    monkeypatch.setattr(server_module.subprocess, "Popen", popen)
    server_module.SubprocessASGIServer(port=8765)._run_uvicorn_command()
    [(args, env)] = started
    assert args == prefect_api.server_command(8765)
    assert {k: env[k] for k in prefect_api.PREFECT_SERVER_ENV} == prefect_api.PREFECT_SERVER_ENV


def test_the_servers_background_services_a_night_does_not_use_are_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In the environment `perfbudget run` gives its temporary server, no background service of
    an ephemeral server is enabled (automations, the event stream, the task-run recorder and the
    event persister with its vacuum: each reads every event the night's page tasks send; the
    telemetry heartbeat). Prefect's own temporary server runs five of them (Actions,
    Distributor, EventPersister, ReactiveTriggers, TaskRunRecorder) and three periodic ones
    (proactive triggers, the event vacuum and telemetry). The caller's environment is a
    shell's without the Makefile's `PREFECT_SERVER_ANALYTICS_ENABLED=false` (cron's, a
    bench's): the Makefile's export hid that telemetry was on for such a night. Read in this
    process, under settings built afresh from that environment as a server's process builds
    them at its start: a child Python paid ~5.5 CPU-s to import Prefect's server for the same
    two lists, which a worker has loaded once it ran a test on the Prefect harness."""
    import prefect.server.api.server  # noqa: F401  (every service registered, as the server does)
    from prefect.context import SettingsContext
    from prefect.server.services.base import RunInEphemeralServers
    from prefect.server.services.perpetual_services import get_enabled_perpetual_services
    from prefect.settings import Settings

    monkeypatch.delenv("PREFECT_SERVER_ANALYTICS_ENABLED", raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    for name, value in prefect_api.SERVER_ENV.items():
        monkeypatch.setenv(name, value)
    root = SettingsContext.get()
    assert root is not None
    with SettingsContext(profile=root.profile, settings=Settings()):
        assert [s.__name__ for s in RunInEphemeralServers.enabled_services()] == []
        assert [c.function.__name__ for c in get_enabled_perpetual_services(ephemeral=True)] == []


def test_a_server_is_started_only_where_prefect_would_start_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A configured API, or ephemeral mode turned off, is Prefect's to use as it is."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_SERVER_ALLOW_EPHEMERAL_MODE,
        temporary_settings,
    )

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        assert prefect_api.wanted() is True
        with temporary_settings({PREFECT_SERVER_ALLOW_EPHEMERAL_MODE: False}):
            assert prefect_api.wanted() is False
            assert prefect_api.launch_if_wanted() is None
    with temporary_settings({PREFECT_API_URL: "http://prefect.example:4200/api"}):
        assert prefect_api.wanted() is False
        assert prefect_api.launch_if_wanted() is None


LAUNCH_ORDER_RUN = """
import sys
from flows import prefect_api

class Launched:
    def stop(self) -> None:
        print("stopped")

def launch() -> Launched:
    print("launched, prefect imported:", "prefect" in sys.modules)
    return Launched()

prefect_api.TemporaryApi.launch = staticmethod(launch)
print("returned:", type(prefect_api.launch_if_wanted()).__name__)
"""


def test_the_server_is_launched_before_prefect_is_imported() -> None:
    """With no API in the environment the server's process starts before Prefect is imported to
    read its settings (~1.2 CPU-s that its boot waited behind), and is kept when the settings
    want it."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    out = subprocess.run(
        [sys.executable, "-c", LAUNCH_ORDER_RUN],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.splitlines() == ["launched, prefect imported: False", "returned: Launched"]


def test_a_server_launched_on_the_environments_guess_is_stopped_when_settings_say_no(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No API in the environment, but ephemeral mode turned off in Prefect's settings (as a
    profile can): the server launched on the guess is stopped and the run gets none. An API in
    the environment launches nothing."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_SERVER_ALLOW_EPHEMERAL_MODE,
        temporary_settings,
    )

    events: list[str] = []

    class Launched:
        def stop(self) -> None:
            events.append("stopped")

    def launch() -> Launched:
        events.append("launched")
        return Launched()

    monkeypatch.setattr(prefect_api.TemporaryApi, "launch", staticmethod(launch))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(
        {PREFECT_SERVER_ALLOW_EPHEMERAL_MODE: False}, restore_defaults={PREFECT_API_URL}
    ):
        assert prefect_api.launch_if_wanted() is None
    assert events == ["launched", "stopped"]
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.example:4200/api")
    with temporary_settings({PREFECT_API_URL: "http://prefect.example:4200/api"}):
        assert prefect_api.launch_if_wanted() is None
    assert events == ["launched", "stopped"]


def test_without_a_server_of_its_own_the_run_is_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.example:4200/api")
    with prefect_api.serving(None):
        assert os.environ["PREFECT_API_URL"] == "http://prefect.example:4200/api"
    assert os.environ["PREFECT_API_URL"] == "http://prefect.example:4200/api"


FLOW_ON_OWN_SERVER = textwrap.dedent(
    """
    import os, sys
    from flows import prefect_api

    api = prefect_api.launch_if_wanted()
    from prefect import flow, task
    from flows.extract.workers import PageWorkers

    from prefect.events.worker import EventsWorker

    def events_client() -> str:
        override = EventsWorker._client_override
        return override[0].__name__ if override else "none"

    @task
    def one() -> str:
        return events_client()

    @flow(task_runner=PageWorkers(1))
    def night() -> str:
        return one.submit().result() + "," + events_client()

    with prefect_api.serving(api):
        named = os.environ["PREFECT_API_URL"] == api.api_url
        print(night(), named, "prefect.server.api.server" in sys.modules, api.proc.pid)
    print("PREFECT_API_URL" in os.environ, events_client())
    """
)


def test_a_flow_runs_on_the_server_started_for_it_without_importing_prefects_server(
    tmp_path: Path,
) -> None:
    """A run with no API configured: its flow and a page worker's task run on the server
    started before the flow was imported, which is named to the page workers' environment; the
    flow's process never loads Prefect's server package (the process pool's own threads, which
    read Prefect's global settings, started a second server when the API was named in the
    flow's settings context alone), and the server is gone when the process is. Neither the
    page worker nor the flow sends events to that server, which runs no service that reads them
    (`prefect_api.mute_unread_events`); after the night the flow's process sends them again."""
    env = {
        **os.environ,
        **QUIET_PREFECT_SERVER_ENV,
        "PREFECT_HOME": str(tmp_path),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "600",
    }
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.run(
        [sys.executable, "-c", FLOW_ON_OWN_SERVER],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    result, after = proc.stdout.strip().splitlines()[-2:]
    clients, named, server_imported, pid = result.split()
    muted = "NullEventsClient,NullEventsClient"  # the worker's task, the flow
    assert (clients, named, server_imported) == (muted, "True", "False")
    assert after == "False none"
    assert not Path(f"/proc/{pid}").exists()


def test_events_are_muted_only_while_the_runs_own_server_is_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Launching the temporary server marks the run's environment (inherited by the page
    workers it starts); while marked, a process's Prefect events are not built or sent
    (`emit_event` returns before building one); stopping the server clears the mark. Unmarked
    (a configured API, `perfbudget serve`'s) nothing is changed."""
    from prefect.events.clients import NullEventsClient
    from prefect.events.worker import EventsWorker

    started: list[list[str]] = []

    class Proc:
        pid = 0

    def popen(args: list[str], env: dict[str, str]) -> Proc:
        started.append(args)
        return Proc()

    monkeypatch.delenv(prefect_api.EVENTS_UNREAD_ENV, raising=False)
    monkeypatch.setattr(EventsWorker, "_client_override", None)
    monkeypatch.setattr(prefect_api, "subprocess", SimpleNamespace(Popen=popen))
    monkeypatch.setattr(prefect_api, "end_process", lambda proc: None)
    monkeypatch.setattr(prefect_api.atexit, "register", lambda stop: None)
    assert prefect_api.mute_unread_events() is False
    assert EventsWorker._client_override is None

    api = prefect_api.TemporaryApi.launch()
    assert len(started) == 1
    assert os.environ[prefect_api.EVENTS_UNREAD_ENV] == "1"
    assert prefect_api.mute_unread_events() is True
    assert EventsWorker._client_override == (NullEventsClient, ())  # emit_event: None, unsent
    api.stop()
    assert prefect_api.EVENTS_UNREAD_ENV not in os.environ
