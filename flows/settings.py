"""Run options as a pydantic model: every setting has a description, a default and an env var."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

# Telemetry off before prefect or dbt are imported anywhere: no machine here reaches the internet.
for _key, _value in (
    ("DO_NOT_TRACK", "1"),
    ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
    ("DBT_SEND_ANONYMOUS_USAGE_STATS", "false"),
    ("PREFECT_LOGGING_LEVEL", "WARNING"),
    # A run without PREFECT_API_URL starts an ephemeral API, and each page worker connects to
    # it; on a busy machine the 20 s default was measured to expire and fail the whole night.
    ("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180"),
):
    os.environ.setdefault(_key, _value)


def dbt_project_args(project_dir: Path, target: Path | None = None) -> list[str]:
    """Where every dbt command of ours finds its project and profile and writes its logs and
    artifacts (`target`: the project's target/ unless given), quietly and without colours: the
    night's `dbt build` (`flows.marts.build_args`) and `dbt docs generate` (`flows.docs_site`)."""
    return [
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--log-path", str(project_dir / "logs"),
        "--target-path", str(target or project_dir / "target"),
        "--quiet", "--no-use-colors",
    ]  # fmt: skip


class ConfigurationError(RuntimeError):
    """A run that cannot succeed as configured: said in one sentence, exit 2, nothing touched."""


def shown(path: Path) -> str:
    """A path as an operator typed it: relative to the current folder when it lies inside."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def check_ocr_engine(name: str) -> None:
    """Fail fast when the chosen OCR engine is not installed or has no models: otherwise every
    scan would fail, one by one, every night."""
    from importlib.util import find_spec

    if name == "rapidocr":
        if find_spec("rapidocr") is None:
            raise ConfigurationError("OCR engine rapidocr is not installed: pip install -e .")
    elif name == "paddleocr":
        if find_spec("paddleocr") is None or find_spec("paddle") is None:
            raise ConfigurationError(
                "OCR engine paddleocr is not installed: pip install -e .[paddle], "
                "or choose --ocr-engine rapidocr"
            )
        model_dir = os.environ.get("PERFBUDGET_PADDLE_MODEL_DIR", "")
        if not model_dir or not Path(model_dir).is_dir():
            raise ConfigurationError(
                "OCR engine paddleocr needs PERFBUDGET_PADDLE_MODEL_DIR set to a folder "
                "holding its det and rec model folders"
            )
    else:
        raise ConfigurationError(f"unknown OCR engine {name!r}: choose rapidocr or paddleocr")


# The options a night takes from its environment as `PERFBUDGET_<OPTION>` (cron, a served
# deployment's worker), below the command line's flags: where it reads and writes, its OCR engine,
# and the page recovery's bounds an operator may need to change on a slow or crashing machine.
ENV_OPTIONS = ("raw_dir", "warehouse", "ocr_engine", "page_timeout_seconds", "max_pool_deaths")


def env_name(option: str) -> str:
    """The environment variable of a run option: `PERFBUDGET_` and its name in capitals."""
    return f"PERFBUDGET_{option.upper()}"


class RunOptions(BaseModel):
    """What one ingestion run reads and where it writes."""

    raw_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "raw",
        description="Folder of source documents (PDF, PNG, JPEG, TIFF), searched recursively.",
    )
    warehouse: Path = Field(
        default=PROJECT_ROOT / "data" / "warehouse" / "perfbudget.duckdb",
        description="DuckDB file the raw rows land in and dbt builds the marts in.",
    )
    max_pages: int = Field(
        default=1000, description="Documents with more pages are refused (bounds a run's time)."
    )
    progress: bool = Field(default=False, description="Show a progress bar in the terminal.")
    allow_empty_raw: bool = Field(
        default=False,
        description="Run even when the raw folder is missing or empty while the warehouse holds "
        "documents (they are then all marked removed).",
    )
    full_check: bool = Field(
        default=False,
        description="Hash every file in the raw folder, even those whose size, modification time "
        "and inode are as last recorded (a periodic check against bytes changed in place).",
    )
    reader_cpu_seconds_per_page: float = Field(
        default=30.0,
        description="CPU seconds the form reader may spend per page of a document before it "
        "gives that document up as one parse error (a reading that explodes on one document "
        "must not hold up the night; documents read in well under a second per page).",
    )
    page_timeout_seconds: float = Field(
        default=300.0,
        gt=0,
        description="Wall seconds the flow waits for one page's result from the page workers, "
        "counted from when it starts waiting for that page (every earlier page is in by then, so "
        "the page has a worker); past it the page is taken as hung in a native call, the pool "
        "is restarted and the page retried alone once (`flows.extract.page_recovery`). A scan "
        "page takes ~1.5 CPU-s; the first one also waits for the workers' start.",
    )
    max_pool_deaths: int = Field(
        default=10,
        gt=0,
        description="Deaths of the page workers' pool in a row, no page read between them, that a "
        "night allows (a page that ends or hangs its worker, a worker dying as it starts; a page "
        "that kills its worker twice costs two, and the next page read starts the count again): "
        "at this many the pool is ended, the pages not yet read are left (their documents "
        "quarantined with one `ingest_errors` line each, read next night) and the run says the "
        "night was cut short (exit status 3). Bounds a night on a machine where reading kills "
        "every worker (a broken model file, a native library that crashes here), which otherwise "
        "restarted the pool once per page.",
    )
    build_marts: bool = Field(
        default=True, description="Run `dbt build` after landing (off only in narrow tests)."
    )

    runner: str = Field(
        default="process",
        description="Where per-page extraction runs: 'process' (a pool over the local cores) or "
        "'dask' (an existing Dask cluster at dask_address).",
    )
    dask_address: str | None = Field(
        default=None, description="Scheduler address for runner 'dask', e.g. tcp://10.0.0.5:8786."
    )
    workers: int = Field(default=2, description="Processes for runner 'process'.")
    ocr_engine: str = Field(
        default="rapidocr",
        description="OCR engine for scans: 'rapidocr' (PP-OCR ONNX weights shipped in the wheel) "
        "or 'paddleocr' (needs `pip install -e .[paddle]` and PERFBUDGET_PADDLE_MODEL_DIR).",
    )
    ocr_dpi: int = Field(default=200, description="Resolution scanned PDF pages are OCRed at.")

    def ocr_options(self):  # -> ocr.engines.OcrOptions
        """The OCR settings for page workers: one inference thread each, since the process pool
        already uses every core (measured 28 vs 20 pages/min against one multi-threaded run)."""
        from ocr.engines import OcrOptions

        threads = 1 if self.runner == "process" else 0
        return OcrOptions(engine=self.ocr_engine, dpi=self.ocr_dpi, threads=threads)

    @field_validator("raw_dir", "warehouse")
    @classmethod
    def _relative_to_cwd(cls, value: Path) -> Path:
        """Relative paths mean the current folder, as in every command-line tool. (prefect.yaml's
        relative parameters mean the project folder: `flows.deploy` resolves them there.)"""
        return value.expanduser().absolute()

    @classmethod
    def from_env(cls, **overrides: object) -> RunOptions:
        """Defaults, then the environment's `PERFBUDGET_<OPTION>` for each of `ENV_OPTIONS`, then
        explicit overrides (the command line's flags). A value the option cannot take is a
        ConfigurationError naming its variable, not a traceback."""
        from_env = {
            name: os.environ[env_name(name)]
            for name in ENV_OPTIONS
            if os.environ.get(env_name(name))
        }
        values = {**from_env, **{k: v for k, v in overrides.items() if v is not None}}
        try:
            return cls(**values)
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error["loc"] else ""
            shown_as = env_name(name) if name in from_env and name not in overrides else name
            raise ConfigurationError(f"{shown_as}={values.get(name)!r}: {error['msg']}") from None
