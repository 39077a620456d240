"""A warm dbt for served nights: dbt imported and the project parsed once per served process.

A one-shot `dbt build` pays for importing dbt (3-5 s of CPU; ~20 s wall on a busy machine) and
for loading or re-parsing the project before its first node, every night. `perfbudget serve`
(flows/deploy.py) starts this server once; it keeps dbt imported and the parsed manifest in
memory and runs each night's build with `dbtRunner` on request. Builds are one at a time.

Why a process of its own and not dbtRunner inside the flow: dbt-duckdb keeps its DuckDB
connection open after a build, and DuckDB allows one process to write a file; the server closes
its connection after every build, so the flow (another process: `serve` runs each flow run in a
child) can open the warehouse again to record the run and publish.

The protocol is one JSON line each way over a Unix socket: the request names the dbt arguments
and the warehouse; the answer carries dbt's exit code (0 ok, 1 a node failed, 2 dbt itself failed)
and what dbt printed. flows/marts.py falls back to a one-shot child process when no server is
configured (`PERFBUDGET_DBT_SERVER`) or it does not answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from flows.processes import end_process

SERVER_ENV = "PERFBUDGET_DBT_SERVER"  # the socket path a served flow run sends its builds to
PROJECT_IGNORED = {"target", "logs", "dbt_packages"}


def request(socket_path: str, args: list[str], warehouse: Path, timeout: float = 6 * 3600) -> dict:
    """Run `dbt <args>` on the server; raises OSError when it cannot be reached."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(socket_path)
        # dbt's own settings from the environment (DBT_RESOURCE_TYPES, …) as a child would see them
        dbt_env = {k: v for k, v in os.environ.items() if k.startswith("DBT_")}
        message = {"args": args, "warehouse": str(warehouse.resolve()), "env": dbt_env}
        sock.sendall(json.dumps(message).encode() + b"\n")
        with sock.makefile("rb") as answer:
            line = answer.readline()
    if not line:
        raise ConnectionError("the dbt server closed the connection without an answer")
    return json.loads(line)


def project_state(project_dir: Path) -> str:
    """A hash of every file of the dbt project (sources, not its outputs): a parsed manifest is
    reused only while it is the same."""
    digest = hashlib.sha256()
    for path in sorted(project_dir.rglob("*")):
        rel = path.relative_to(project_dir)
        if rel.parts[0] in PROJECT_IGNORED or not path.is_file():
            continue
        stat = path.stat()
        digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


# dbt settings that choose which nodes a build runs or what it writes, not what the parse makes:
# a manifest parsed without them serves a build with them (`models_only` builds in the tests set
# the first; a test reading dbt's own manifest.json the last, `json_artifacts_args`).
BUILD_ONLY_ENV = frozenset({"DBT_RESOURCE_TYPES", "DBT_EXCLUDE_RESOURCE_TYPES", "DBT_WRITE_JSON"})
MANIFESTS_KEPT = 4  # parsed manifests kept: a few warehouses (or settings) built in turn


class WarmDbt:
    """dbt imported once; the manifest parsed once per (project state, warehouse file name,
    dbt settings).

    The file's name, not its path: the manifest names relations by the DuckDB catalog, which is
    the file name up to its first dot, and holds no path (profiles.yml reads the path from the
    environment at each build). So nights in different folders (every test's own) share one
    parse, as one-shot builds share dbt's partial parse by running in the warehouse's folder."""

    def __init__(self) -> None:
        from dbt.cli.main import dbtRunner

        self.runner_class = dbtRunner
        self.manifests: dict[tuple[str, str, str], object] = {}  # oldest first
        self.manifest: object | None = None

    def _parsed(self, args: list[str], warehouse: str, env: dict[str, str] | None) -> None:
        """The project's manifest for these arguments, parsed now unless one was parsed of the
        same project files, warehouse file name and dbt settings."""
        for name in [k for k in os.environ if k.startswith("DBT_")]:
            del os.environ[name]  # only the requesting run's dbt settings apply
        os.environ.update(env or {})
        os.environ["PERFBUDGET_WAREHOUSE"] = profile_path(warehouse)  # read by profiles.yml
        project_dir = Path(args[args.index("--project-dir") + 1])
        settings = {k: v for k, v in (env or {}).items() if k not in BUILD_ONLY_ENV}
        name = Path(warehouse).name
        key = (project_state(project_dir), name, json.dumps(settings, sort_keys=True))
        self.manifest = self.manifests.pop(key, None)
        if self.manifest is None:
            parsed = self.runner_class().invoke(["parse", *_parse_args(args)])
            if not parsed.success:
                return
            self.manifest = parsed.result
        self.manifests[key] = self.manifest  # the newest last
        while len(self.manifests) > MANIFESTS_KEPT:
            del self.manifests[next(iter(self.manifests))]

    def warm_up(self, args: list[str], warehouse: str) -> None:
        """Parse the project before the first night asks (the served process's start-up)."""
        env = {k: v for k, v in os.environ.items() if k.startswith("DBT_")}
        quiet = io.StringIO()
        with (
            contextlib.redirect_stdout(quiet),
            contextlib.redirect_stderr(quiet),
            contextlib.suppress(Exception),
        ):
            self._parsed(args, warehouse, env)

    def build(self, args: list[str], warehouse: str, env: dict[str, str] | None = None) -> dict:
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                self._parsed(args, warehouse, env)
                no_json = json_artifacts_args(env)
                result = self.runner_class(manifest=self.manifest).invoke([*args, *no_json])
                if no_json:  # else dbt wrote its own, as a one-shot build
                    write_artifacts(result, self.manifest, target_path(args))
            code = 0 if result.success else (2 if result.exception is not None else 1)
            if result.exception is not None:
                out.write(f"\n{type(result.exception).__name__}: {result.exception}\n")
        except BaseException as exc:  # noqa: BLE001 - reported to the flow, the server lives on
            code = 2
            out.write(f"\n{type(exc).__name__}: {exc}\n")
            self.manifests.clear()
            self.manifest = None
        finally:
            release_warehouse()
        return {"returncode": code, "output": out.getvalue()[-20000:]}


def profile_path(warehouse: str) -> str:
    """The warehouse as profiles.yml is given it: by name when this process runs in its folder,
    as a one-shot build is (`flows.marts._run_dbt`), else its path. dbt keeps its partial parse
    only while the profile renders the same, so a night's own warm dbt (`flows.dbt_ahead`, run
    in the warehouse's folder) and a one-shot build share the parse the other saved; with the
    path, each re-parsed the whole project (~8 CPU-s) after the other."""
    path = Path(warehouse)
    return path.name if path.parent == Path.cwd() else warehouse


def json_artifacts_args(env: dict[str, str] | None) -> list[str]:
    """`--no-write-json` for a warm build, unless its run set DBT_WRITE_JSON (then dbt's own).

    Why: dbt ends every parse and every build by writing manifest.json (4.5 MB on a 30-document
    night, packed by mashumaro code it compiles on first use: ~0.4 CPU-s a night, one core) and
    graph.gpickle. A night reads dbt's manifest only when its build failed (flows/build_results.py:
    which test, which model), and the warm dbt holds the manifest in memory, so it writes one
    then (`write_artifacts`); run_results.json, which the night reads after every build, is
    written always."""
    return [] if env and "DBT_WRITE_JSON" in env else ["--no-write-json"]


def write_artifacts(result: object, manifest: object, target: Path) -> None:
    """What a warm build run with `--no-write-json` leaves in `target`: run_results.json always;
    manifest.json only when the build failed (a stale one from an earlier night is removed, so
    flows/build_results.py never reads another build's)."""
    from dbt.parser.manifest import write_manifest

    run_result = getattr(result, "result", None)
    if hasattr(run_result, "write"):
        run_result.write(str(target / "run_results.json"))
    if getattr(result, "success", False) or manifest is None:
        (target / "manifest.json").unlink(missing_ok=True)
    else:
        write_manifest(manifest, str(target))


def target_path(args: list[str]) -> Path:
    """The build's `--target-path` (every build of ours names one: `settings.dbt_project_args`)."""
    return Path(args[args.index("--target-path") + 1])


def _parse_args(args: list[str]) -> list[str]:
    """The build's project, profile, log and target options, for `dbt parse`."""
    keep = {"--project-dir", "--profiles-dir", "--log-path", "--target-path"}
    out: list[str] = []
    for i, a in enumerate(args):
        if a in keep and i + 1 < len(args):
            out += [a, args[i + 1]]
    # the parse's manifest.json was overwritten by the build's unread (`json_artifacts_args`)
    return [*out, "--quiet", "--no-use-colors", "--no-write-json"]


def release_warehouse() -> None:
    """Close dbt-duckdb's DuckDB connection: the flow's process must open the file next."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        with contextlib.suppress(Exception):
            env.close()
    DuckDBConnectionManager.close_all_connections()


def serve(socket_path: str, warm_up: dict | None = None) -> None:
    """Answer build requests on `socket_path`, one at a time, until killed; with `warm_up`
    (the arguments and warehouse of the nights to come) the project is parsed first."""
    warm = WarmDbt()
    if warm_up:
        warm.warm_up(warm_up["args"], warm_up["warehouse"])
    Path(socket_path).unlink(missing_ok=True)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(socket_path)
        server.listen(4)
        print("ready", flush=True)
        while True:
            conn, _ = server.accept()
            with conn, conn.makefile("rwb") as stream:
                line = stream.readline()
                if not line:
                    continue
                req = json.loads(line)
                answer = warm.build(req["args"], req["warehouse"], req.get("env"))
                with contextlib.suppress(OSError):  # the asking run was killed: serve the next
                    stream.write(json.dumps(answer).encode() + b"\n")
                    stream.flush()


def listening(socket_path: str) -> bool:
    """Whether a warm dbt answers on `socket_path`: a connection that sends no request is
    closed by the server unanswered (`serve`), so connecting is the whole check."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        try:
            sock.connect(socket_path)
        except OSError:
            return False
    return True


def start(
    socket_path: Path, warehouse: Path | None = None, timeout: float = 600
) -> subprocess.Popen:
    """Start a server (`python -m flows.dbt_server SOCKET`) and return once it listens (dbt
    imported; with `warehouse`, the published warehouse the nights build, the project parsed as
    their builds will need it); PERFBUDGET_DBT_SERVER is set for this process and the flow runs
    it starts."""
    proc = launch(socket_path, warehouse)
    wait_listening(proc, socket_path, timeout)
    return proc


def launch(
    socket_path: Path, warehouse: Path | None = None, cwd: Path | None = None
) -> subprocess.Popen:
    """Start a server as `start` does and return at once: it imports dbt and parses the project
    while the caller works (`wait_listening` waits for it and names it to the builds). In `cwd`
    (the warehouse's folder) its builds name the warehouse as a one-shot build does
    (`profile_path`)."""
    cmd = [sys.executable, "-m", "flows.dbt_server", str(socket_path)]
    if warehouse is not None:
        from flows.marts import build_args
        from flows.publish import working_copy_path
        from flows.settings import DBT_PROJECT_DIR

        building = str(working_copy_path(warehouse).resolve())
        cmd.append(json.dumps({"args": build_args(DBT_PROJECT_DIR), "warehouse": building}))
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=cwd)


def wait_listening(proc: subprocess.Popen, socket_path: Path, timeout: float = 600) -> None:
    """Until a launched server says it listens, then set PERFBUDGET_DBT_SERVER for this process
    and the flow runs it starts; RuntimeError (the server killed) when it exits or times out."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while proc.stdout.readline().strip() != "ready":
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("the dbt server did not start")
    os.environ[SERVER_ENV] = str(socket_path)


def stop(proc: subprocess.Popen) -> None:
    os.environ.pop(SERVER_ENV, None)
    end_process(proc, grace=30)


def exit_on_sigterm() -> None:
    """Take SIGTERM (how a night or `perfbudget serve` ends its warm dbt, `end_process`) as
    `sys.exit`, so that the interpreter's exit runs multiprocessing's finalizers: dbt makes its
    manifest's and its connections' locks in a spawn context, POSIX semaphores registered with a
    resource tracker of this process's own, and a server ended by the signal's default action
    left them to that tracker, which warned "There appear to be 2 leaked semaphore objects to
    clean up at shutdown" on every night's output."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))


if __name__ == "__main__":
    exit_on_sigterm()
    serve(sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else None)
