"""dbt: build the staging → intermediate → marts models on the warehouse file."""

from __future__ import annotations

import os
from pathlib import Path

from flows.settings import DBT_PROJECT_DIR


class DbtBuildError(RuntimeError):
    """`dbt build` failed: a model, a data test, a unit test or a contract."""


def dbt_build(warehouse: Path, project_dir: Path = DBT_PROJECT_DIR) -> None:
    """Run `dbt build` in-process against `warehouse` (the profile reads PERFBUDGET_WAREHOUSE)."""
    from dbt.cli.main import dbtRunner  # dbt is slow to import; only the build needs it

    os.environ["PERFBUDGET_WAREHOUSE"] = str(warehouse.resolve())
    args = [
        "build",
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--log-path", str(project_dir / "logs"),
        "--target-path", str(project_dir / "target"),
        "--quiet",
    ]  # fmt: skip
    result = dbtRunner().invoke(args)
    if not result.success:
        failures = []
        for r in getattr(result.result, "results", None) or []:
            if str(r.status) not in ("success", "pass"):
                failures.append(f"{r.node.name}: {r.status} {r.message or ''}".strip())
        detail = "; ".join(failures) or str(result.exception)
        raise DbtBuildError(f"dbt build failed: {detail}")
