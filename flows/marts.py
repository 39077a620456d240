"""dbt: build the staging → intermediate → marts models on the warehouse file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flows.settings import DBT_PROJECT_DIR


class DbtBuildError(RuntimeError):
    """`dbt build` failed: a model, a data test, a unit test or a contract."""


def dbt_build(warehouse: Path, project_dir: Path = DBT_PROJECT_DIR) -> None:
    """Run `dbt build` against `warehouse` in a child process.

    A child process, not dbtRunner in-process: dbt-duckdb keeps its DuckDB connection open after
    the build, and DuckDB refuses a second connection with another configuration in the same
    process, so the flow could not read its own warehouse afterwards."""
    env = {**os.environ, "PERFBUDGET_WAREHOUSE": str(warehouse.resolve())}
    cmd = [
        sys.executable, "-c", "from dbt.cli.main import cli; cli()",
        "build",
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--log-path", str(project_dir / "logs"),
        "--target-path", str(project_dir / "target"),
        "--quiet", "--no-use-colors",
    ]  # fmt: skip
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = (proc.stdout + proc.stderr).strip()[-4000:]
        raise DbtBuildError(f"dbt build failed (exit {proc.returncode}):\n{detail}")
