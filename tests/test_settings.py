"""Run options: every setting from the CLI, the environment or prefect.yaml's parameters."""

from __future__ import annotations

import pytest

from flows.cli import build_parser
from flows.settings import PROJECT_ROOT, RunOptions


def test_ocr_engine_from_env_and_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    assert RunOptions().ocr_options().engine == "rapidocr"
    monkeypatch.setenv("PERFBUDGET_OCR_ENGINE", "paddleocr")
    assert RunOptions.from_env().ocr_options().engine == "paddleocr"
    args = build_parser().parse_args(["run", "--ocr-engine", "rapidocr"])
    assert RunOptions.from_env(ocr_engine=args.ocr_engine).ocr_engine == "rapidocr"


def test_page_workers_get_one_inference_thread_each() -> None:
    assert RunOptions(runner="process").ocr_options().threads == 1
    assert RunOptions(runner="dask", dask_address="tcp://127.0.0.1:1").ocr_options().threads == 0


def test_relative_paths_mean_the_project_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFBUDGET_WAREHOUSE", "data/warehouse/x.duckdb")
    assert RunOptions.from_env().warehouse == PROJECT_ROOT / "data/warehouse/x.duckdb"
