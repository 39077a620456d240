"""The `nightly-ingest` deployment, read from prefect.yaml so the schedule is declared once."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from flows.prefect_api import api_healthy
from flows.processes import end_process
from flows.settings import PROJECT_ROOT, ConfigurationError

PREFECT_YAML = PROJECT_ROOT / "prefect.yaml"
DEPLOYMENT_NAME = "nightly-ingest"


def deployment_spec(path: Path = PREFECT_YAML, name: str = DEPLOYMENT_NAME) -> dict[str, Any]:
    """The deployment's entry in prefect.yaml."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dep in spec["deployments"]:
        if dep["name"] == name:
            return dep
    raise KeyError(f"no deployment {name!r} in {path}")


def nightly_deployment(path: Path = PREFECT_YAML):  # -> RunnerDeployment
    """A RunnerDeployment of the ingest flow with prefect.yaml's schedules and parameters."""
    from prefect.schedules import Cron

    from flows.pipeline import ingest

    spec = deployment_spec(path)
    parameters = dict(spec.get("parameters", {}))
    parameters["options"] = run_parameters(parameters.get("options", {}))
    schedules = [
        Cron(s["cron"], timezone=s.get("timezone"), active=s.get("active", True))
        for s in spec.get("schedules", [])
    ]
    return ingest.to_deployment(
        name=spec["name"],
        description=spec.get("description"),
        tags=spec.get("tags"),
        parameters=parameters,
        schedules=schedules,
    )


SETTINGS_FROM_ENV = {
    "raw_dir": "PERFBUDGET_RAW_DIR",
    "warehouse": "PERFBUDGET_WAREHOUSE",
    "ocr_engine": "PERFBUDGET_OCR_ENGINE",
}


def run_parameters(declared: dict[str, Any]) -> dict[str, Any]:
    """The served runs' options: prefect.yaml's, overridden by PERFBUDGET_RAW_DIR /
    PERFBUDGET_WAREHOUSE / PERFBUDGET_OCR_ENGINE as `perfbudget serve` sees them.

    Paths become absolute here: prefect.yaml's relative paths mean the project folder, an
    environment variable's the folder `perfbudget serve` was started in; a flow run must not
    depend on its own working folder."""
    options = dict(declared)
    for key, env in SETTINGS_FROM_ENV.items():
        value = os.environ.get(env)
        if key == "ocr_engine":
            options.update({key: value} if value else {})
        elif value:
            options[key] = str(Path(value).expanduser().absolute())
        elif key in options and not Path(options[key]).is_absolute():
            options[key] = str(PROJECT_ROOT / options[key])
    return options


def port_taken(host: str, port: int) -> bool:
    """Whether something already listens on (or holds) host:port."""
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return True
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def start_local_server(host: str = "127.0.0.1", port: int = 4200) -> subprocess.Popen:
    """`prefect server start` on loopback; returns once its API answers.

    The port is checked first: with the port taken, `prefect server start` dies, and a check
    that only connects would find the other program and report success."""
    if port_taken(host, port):
        raise ConfigurationError(
            f"port {port} on {host} is already in use; choose another with --port"
        )
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://{host}:{port}/api"
    deadline = time.monotonic() + 120
    while not api_healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise ConfigurationError(f"the Prefect server did not start on {host}:{port}")
        time.sleep(0.5)
    return proc


def serve(host: str = "127.0.0.1", port: int = 4200) -> None:
    """Serve the nightly deployment until interrupted: against PREFECT_API_URL when it is set,
    else against a local Prefect server started here on host:port, and only that server (the
    served runs and the worker's API client are pointed at it explicitly, so nothing falls back
    to an ephemeral in-process API).

    A warm dbt (flows/dbt_server.py) is started beside it: dbt imported and the project parsed
    once, here, instead of by every night's build (each served night runs in a process of its
    own, which would pay both again). When PERFBUDGET_DBT_SERVER already names a warm dbt that
    listens, the nights build on that one and none is started, as with PREFECT_API_URL's
    server: a second one would pay dbt's import and the parse (~8-10 CPU-s) for the same
    builds, which a warm dbt runs one at a time anyway."""
    api = os.environ.get("PREFECT_API_URL")
    server = None if api else start_local_server(host, port)  # a taken port: refused first
    from prefect import serve as prefect_serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    api = api or f"http://{host}:{port}/api"
    os.environ["PREFECT_API_URL"] = api  # inherited by the processes that run the flow
    try:
        with _warm_dbt(), temporary_settings({PREFECT_API_URL: api}):
            print(f"serving nightly-ingest against {api}", flush=True)
            prefect_serve(nightly_deployment())
    finally:
        if server is not None:
            end_process(server, grace=30)


@contextlib.contextmanager
def _warm_dbt() -> Iterator[None]:
    """The served nights' warm dbt while serving: the one PERFBUDGET_DBT_SERVER names when it
    listens, else one started here (parsed for the warehouse the nights build) and stopped
    after."""
    import tempfile

    from flows import dbt_server

    given = os.environ.get(dbt_server.SERVER_ENV)
    if given and dbt_server.listening(given):
        yield
        return
    sockets = Path(tempfile.mkdtemp(prefix="perfbudget-dbt-"))
    options = run_parameters(deployment_spec().get("parameters", {}).get("options", {}))
    warehouse = Path(options["warehouse"]) if options.get("warehouse") else None
    dbt = dbt_server.start(sockets / "dbt.sock", warehouse)  # sets PERFBUDGET_DBT_SERVER
    try:
        yield
    finally:
        dbt_server.stop(dbt)
        (sockets / "dbt.sock").unlink(missing_ok=True)
        sockets.rmdir()
