"""The `nightly-ingest` deployment, read from prefect.yaml so the schedule is declared once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from flows.settings import PROJECT_ROOT

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
    schedules = [
        Cron(s["cron"], timezone=s.get("timezone"), active=s.get("active", True))
        for s in spec.get("schedules", [])
    ]
    return ingest.to_deployment(
        name=spec["name"],
        description=spec.get("description"),
        tags=spec.get("tags"),
        parameters=spec.get("parameters", {}),
        schedules=schedules,
    )


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def start_local_server(host: str = "127.0.0.1", port: int = 4200) -> subprocess.Popen:
    """`prefect server start` on loopback; returns once its API answers."""
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not _port_open(host, port):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"the Prefect server did not start on {host}:{port}")
        time.sleep(0.5)
    return proc


def serve(host: str = "127.0.0.1", port: int = 4200) -> None:
    """Start a local Prefect server and serve the nightly deployment until interrupted."""
    from prefect import serve as prefect_serve

    server = start_local_server(host, port)
    os.environ["PREFECT_API_URL"] = f"http://{host}:{port}/api"
    try:
        prefect_serve(nightly_deployment())
    finally:
        server.terminate()
        server.wait(timeout=30)
