"""The nightly ingestion as a Prefect flow: discover → extract → land → build marts.

One typed task per stage; the flow only wires them. A document that cannot be read is recorded in
`raw.ingest_errors` by its own landing and never stops the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows import landing
from flows.extract.documents import extract_document
from flows.marts import dbt_build
from flows.models import DocumentExtraction
from flows.settings import RunOptions

IGNORED_NAMES = {".gitkeep", ".DS_Store"}


@dataclass
class RunSummary:
    """What one run did, for the terminal and for the operator's morning check."""

    documents_seen: int = 0
    documents_ingested: int = 0
    documents_failed: int = 0
    projects: int = 0
    indicators: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (file, stage, message)

    def lines(self) -> list[str]:
        out = [
            f"documents: {self.documents_seen} seen, {self.documents_ingested} ingested, "
            f"{self.documents_failed} failed",
            f"warehouse: {self.projects} projects, {self.indicators} indicators",
        ]
        out += [f"  ! {f} [{stage}] {msg}" for f, stage, msg in self.errors]
        return out


@task(cache_policy=NO_CACHE)
def discover_documents(raw_dir: Path) -> list[Path]:
    """Every file under `raw_dir`, in name order, hidden files aside; symlinks are kept so that
    `extract` can refuse the ones pointing outside the folder."""
    return sorted(
        p
        for p in raw_dir.rglob("*")
        if (p.is_file() or p.is_symlink())
        and p.name not in IGNORED_NAMES
        and not p.name.startswith(".")
    )


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def extract(path: Path, raw_dir: Path) -> DocumentExtraction:
    """Extract one document; retried for transient faults (bad input is an error entry, not an
    exception, so it is never retried)."""
    return extract_document(path, raw_dir)


@task(retries=1, retry_delay_seconds=2, cache_policy=NO_CACHE)
def land(doc: DocumentExtraction, warehouse: Path) -> None:
    """Land one document in its own transaction."""
    con = landing.connect(warehouse)
    try:
        landing.land_document(con, doc)
    finally:
        con.close()


@task(cache_policy=NO_CACHE)
def build_marts(warehouse: Path) -> None:
    """dbt build: staging, intermediate, marts and their tests."""
    dbt_build(warehouse)


@task(cache_policy=NO_CACHE)
def summarize(docs: list[DocumentExtraction], warehouse: Path) -> RunSummary:
    """Counts for the run summary, read back from the marts."""
    import duckdb

    summary = RunSummary(documents_seen=len(docs))
    for doc in docs:
        if doc.failed:
            summary.documents_failed += 1
        else:
            summary.documents_ingested += 1
        summary.errors += [(doc.source_file, stage, msg) for stage, msg in doc.errors]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = {
            r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
        }
        if {"dim_project", "fct_indicator"} <= tables:
            summary.projects = con.execute("select count(*) from dim_project").fetchall()[0][0]
            summary.indicators = con.execute("select count(*) from fct_indicator").fetchall()[0][0]
    finally:
        con.close()
    return summary


@flow(name="nightly-ingest", log_prints=True)
def ingest(options: RunOptions | None = None) -> RunSummary:
    """Ingest every document in the raw folder into the warehouse and rebuild the marts."""
    options = options or RunOptions.from_env()
    raw_dir = options.raw_dir.resolve()
    docs = []
    for path in discover_documents(raw_dir):
        doc = extract(path, raw_dir)
        land(doc, options.warehouse)
        docs.append(doc)
    if options.build_marts:
        build_marts(options.warehouse)
    return summarize(docs, options.warehouse)
