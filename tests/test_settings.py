"""Run options: every setting from the CLI, the environment or prefect.yaml's parameters."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows.cli import build_parser, main
from flows.settings import PROJECT_ROOT, ConfigurationError, RunOptions


def test_ocr_engine_from_env_and_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    assert RunOptions().ocr_options().engine == "rapidocr"
    monkeypatch.setenv("PERFBUDGET_OCR_ENGINE", "paddleocr")
    assert RunOptions.from_env().ocr_options().engine == "paddleocr"
    args = build_parser().parse_args(["run", "--ocr-engine", "rapidocr"])
    assert RunOptions.from_env(ocr_engine=args.ocr_engine).ocr_engine == "rapidocr"


def test_page_workers_get_one_inference_thread_each() -> None:
    assert RunOptions(runner="process").ocr_options().threads == 1
    assert RunOptions(runner="dask", dask_address="tcp://127.0.0.1:1").ocr_options().threads == 0


def test_relative_paths_mean_the_current_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PERFBUDGET_WAREHOUSE", "data/warehouse/x.duckdb")
    assert RunOptions.from_env().warehouse == tmp_path / "data/warehouse/x.duckdb"
    assert RunOptions().raw_dir == PROJECT_ROOT / "data" / "raw"  # the default: the checkout's


def test_served_runs_take_the_settings_of_perfbudget_serve(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """prefect.yaml's relative paths mean the checkout; PERFBUDGET_* override them, relative to
    the folder `perfbudget serve` was started in."""
    from flows.deploy import run_parameters

    declared = {"raw_dir": "data/raw", "warehouse": "data/warehouse/perfbudget.duckdb"}
    for env in ("PERFBUDGET_RAW_DIR", "PERFBUDGET_WAREHOUSE", "PERFBUDGET_OCR_ENGINE"):
        monkeypatch.delenv(env, raising=False)
    assert run_parameters(declared) == {
        "raw_dir": str(PROJECT_ROOT / "data/raw"),
        "warehouse": str(PROJECT_ROOT / "data/warehouse/perfbudget.duckdb"),
    }
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PERFBUDGET_RAW_DIR", "inbox")
    monkeypatch.setenv("PERFBUDGET_WAREHOUSE", str(tmp_path / "wh.duckdb"))
    monkeypatch.setenv("PERFBUDGET_OCR_ENGINE", "paddleocr")
    assert run_parameters(declared) == {
        "raw_dir": str(tmp_path / "inbox"),
        "warehouse": str(tmp_path / "wh.duckdb"),
        "ocr_engine": "paddleocr",
    }


def test_page_workers_are_given_the_flows_ephemeral_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PREFECT_API_URL every page worker started an ephemeral Prefect server of its own
    (three servers in one night, ~220 MB each): the flow names its own server to them instead,
    and leaves a configured API alone."""
    import prefect.server.api.server as server_module
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.pipeline import share_api_with_workers

    started: list[str] = []

    class FlowsServer:  # the per-process singleton the flow's client already started
        api_url = "http://127.0.0.1:8123/api"

        def start(self) -> None:
            started.append(self.api_url)

    monkeypatch.setattr(server_module, "SubprocessASGIServer", FlowsServer)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        share_api_with_workers()
    assert started == [FlowsServer.api_url]
    assert os.environ["PREFECT_API_URL"] == FlowsServer.api_url
    monkeypatch.delenv("PREFECT_API_URL")
    with temporary_settings({PREFECT_API_URL: "http://prefect.example:4200/api"}):
        share_api_with_workers()
    assert started == [FlowsServer.api_url] and "PREFECT_API_URL" not in os.environ


def test_every_dbt_command_finds_the_project_and_writes_where_the_build_does() -> None:
    """One list of dbt's location options for `dbt build` and `dbt docs generate`."""
    from flows.marts import build_args
    from flows.settings import dbt_project_args

    project = Path("/srv/dbt_project")
    assert dbt_project_args(project) == [
        "--project-dir", "/srv/dbt_project", "--profiles-dir", "/srv/dbt_project",
        "--log-path", "/srv/dbt_project/logs", "--target-path", "/srv/dbt_project/target",
        "--quiet", "--no-use-colors",
    ]  # fmt: skip
    assert dbt_project_args(project, Path("/tmp/t"))[7] == "/tmp/t"
    assert build_args(project, Path("/tmp/t"))[:11] == [
        "build",
        *dbt_project_args(project, Path("/tmp/t")),
    ]


def test_the_page_recovery_bounds_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An operator slows or tightens a night without editing code: below the flags, as the
    paths and the engine."""
    monkeypatch.setenv("PERFBUDGET_PAGE_TIMEOUT_SECONDS", "120")
    monkeypatch.setenv("PERFBUDGET_MAX_POOL_DEATHS", "3")
    options = RunOptions.from_env()
    assert (options.page_timeout_seconds, options.max_pool_deaths) == (120.0, 3)
    assert RunOptions.from_env(max_pool_deaths=5).max_pool_deaths == 5


def test_a_setting_the_option_cannot_take_is_one_line_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PERFBUDGET_MAX_POOL_DEATHS", "0")
    with pytest.raises(ConfigurationError) as caught:
        RunOptions.from_env()
    assert str(caught.value) == "PERFBUDGET_MAX_POOL_DEATHS='0': Input should be greater than 0"
    monkeypatch.setenv("PERFBUDGET_MAX_POOL_DEATHS", "ten")
    assert main(["sql", "select 1"]) == 2  # every command, not only run: no traceback
    assert capsys.readouterr().err == (
        "error: PERFBUDGET_MAX_POOL_DEATHS='ten': Input should be a valid integer, unable to "
        "parse string as an integer\n"
    )
