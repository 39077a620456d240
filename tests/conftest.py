"""Shared fixtures: one Prefect test harness and one end-to-end run per test session.

The harness starts a throwaway Prefect API (~18 s), so it is session-scoped; the sample run
(seed PDF plus deliberately bad files) is built once and read by every end-to-end test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.settings import PROJECT_ROOT

SEED_PDF = PROJECT_ROOT / "data" / "raw" / "平罗县委政法委_2024年项目支出绩效目标表.pdf"
GOLDEN = PROJECT_ROOT / "tests" / "golden"


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def write_bad_documents(raw: Path) -> dict[str, str]:
    """The inputs a nightly run meets in the wild; returns file name → expected error stage."""
    from reportlab.pdfgen.canvas import Canvas

    (raw / "empty.pdf").write_bytes(b"")
    (raw / "损坏的 文件.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00\x13garbage\xff" * 64)
    minutes = Canvas(str(raw / "meeting_minutes.pdf"), invariant=1)
    minutes.setFont("Helvetica", 12)
    minutes.drawString(72, 720, "Minutes of the budget meeting: no table on this page.")
    minutes.save()
    return {"empty.pdf": "read", "损坏的 文件.pdf": "open", "meeting_minutes.pdf": "parse"}


@dataclass
class SampleRun:
    raw: Path
    warehouse: Path
    summary: object
    bad: dict[str, str]

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        import duckdb  # lazily: the paddle test environment (make test-paddle) has no duckdb

        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> SampleRun:
    """`perfbudget run` on the seed PDF plus an empty, a corrupt and a table-less PDF."""
    from flows.pipeline import ingest
    from flows.settings import RunOptions

    root = tmp_path_factory.mktemp("sample")
    raw = root / "raw"
    raw.mkdir()
    shutil.copy(SEED_PDF, raw / SEED_PDF.name)
    bad = write_bad_documents(raw)
    warehouse = root / "warehouse" / "perfbudget.duckdb"
    summary = ingest(RunOptions(raw_dir=raw, warehouse=warehouse))
    return SampleRun(raw=raw, warehouse=warehouse, summary=summary, bad=bad)
