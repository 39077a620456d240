"""The nightly ingestion as a Prefect flow.

    inventory → open documents → extract pages (fanned out) → parse → land → dbt build → publish

One typed task per stage; the flow wires them. Work happens in a working copy of the warehouse
that is published by an atomic rename only when everything succeeded (`flows.publish`), so a run
killed at any point leaves the published warehouse as it was. A document that cannot be read is
recorded in `ingest_errors` and never stops the run.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import ProcessPoolTaskRunner

from flows import landing
from flows.extract.documents import extract_page, finish_document, open_document
from flows.forms import read_forms
from flows.inventory import Inventory, SourceFile
from flows.inventory import take_inventory as classify
from flows.marts import dbt_build
from flows.models import DocumentExtraction, PageGrid
from flows.publish import failpoint, fault, prepare_working_copy, publish
from flows.settings import RunOptions
from ocr.engines import OcrOptions


@dataclass
class RunSummary:
    """What one run did, for the terminal, the `runs` table and the Prefect artifact."""

    run_id: str = ""
    started_at: datetime | None = None
    ended_at: datetime | None = None
    documents_seen: int = 0
    documents_new: int = 0
    documents_changed: int = 0
    documents_unchanged: int = 0
    documents_removed: int = 0
    documents_ingested: int = 0
    documents_failed: int = 0
    pages_extracted: int = 0
    pages_ocred: int = 0
    low_confidence_cells: int = 0
    projects: int = 0
    indicators: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (file, stage, message)

    @property
    def duration_seconds(self) -> float:
        if self.started_at is None or self.ended_at is None:
            return 0.0
        return (self.ended_at - self.started_at).total_seconds()

    def lines(self) -> list[str]:
        out = [
            f"documents: {self.documents_seen} seen, {self.documents_ingested} ingested, "
            f"{self.documents_failed} failed "
            f"({self.documents_new} new, {self.documents_changed} changed, "
            f"{self.documents_unchanged} unchanged, {self.documents_removed} removed)",
            f"pages: {self.pages_extracted} extracted, {self.pages_ocred} OCRed, "
            f"{self.low_confidence_cells} low-confidence cells",
            f"warehouse: {self.projects} projects, {self.indicators} indicators",
        ]
        out += [f"  ! {f} [{stage}] {msg}" for f, stage, msg in self.errors]
        return out

    def markdown(self) -> str:
        rows = [
            ("documents seen", self.documents_seen),
            ("new / changed / unchanged / removed",
             f"{self.documents_new} / {self.documents_changed} / {self.documents_unchanged}"
             f" / {self.documents_removed}"),
            ("ingested / failed", f"{self.documents_ingested} / {self.documents_failed}"),
            ("pages extracted / OCRed", f"{self.pages_extracted} / {self.pages_ocred}"),
            ("low-confidence cells", self.low_confidence_cells),
            ("projects / indicators", f"{self.projects} / {self.indicators}"),
            ("duration", f"{self.duration_seconds:.1f} s"),
        ]  # fmt: skip
        out = ["# nightly-ingest", "", "| | |", "|---|---|"]
        out += [f"| {k} | {v} |" for k, v in rows]
        if self.errors:
            out += ["", "## errors", "", "| file | stage | error |", "|---|---|---|"]
            out += [f"| {f} | {stage} | {msg} |" for f, stage, msg in self.errors]
        return "\n".join(out)

    def run_row(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "documents_new": self.documents_new,
            "documents_changed": self.documents_changed,
            "documents_unchanged": self.documents_unchanged,
            "documents_removed": self.documents_removed,
            "documents_failed": self.documents_failed,
            "pages_extracted": self.pages_extracted,
            "pages_ocred": self.pages_ocred,
            "low_confidence_cells": self.low_confidence_cells,
            "duration_seconds": self.duration_seconds,
        }


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@task(cache_policy=NO_CACHE)
def take_inventory(raw_dir: Path, building: Path) -> Inventory:
    """Compare the raw folder with the working copy: what is new, changed, unchanged, gone."""
    con = landing.connect(building)
    try:
        return classify(raw_dir, con)
    finally:
        con.close()


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def open_source(entry: SourceFile, raw_dir: Path, max_pages: int) -> DocumentExtraction:
    """Hash, sniff and count pages; an unreadable file comes back with its error, not raised."""
    return open_document(entry.path, raw_dir, max_pages=max_pages, sha256=entry.sha256)


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def extract_one_page(path: Path, page: int, kind: str, ocr: OcrOptions) -> PageGrid:
    """One page, on whichever worker the task runner picks; retried for transient faults."""
    fault("extract", str(path))
    return extract_page(path, page, kind, ocr)


@task(cache_policy=NO_CACHE)
def parse(doc: DocumentExtraction) -> DocumentExtraction:
    """Read the forms printed on the document's page grids (flows.forms); what the reader cannot
    read becomes the document's parse errors, never an exception."""
    return read_forms(doc)


@task(retries=1, retry_delay_seconds=2, cache_policy=NO_CACHE)
def land(doc: DocumentExtraction, building: Path, status: str | None = None) -> None:
    """Land one document in its own transaction in the working copy."""
    con = landing.connect(building)
    try:
        landing.land_document(con, doc, status=status)
        failpoint("land")
    finally:
        con.close()


@task(cache_policy=NO_CACHE)
def update_file_map(inventory: Inventory, building: Path) -> None:
    """Present, renamed, replaced and vanished file names."""
    con = landing.connect(building)
    try:
        landing.record_files(con, inventory)
    finally:
        con.close()


@task(cache_policy=NO_CACHE)
def build_marts(building: Path) -> None:
    """dbt build: staging, intermediate, marts and their tests, in the working copy."""
    failpoint("dbt")
    dbt_build(building)


@task(cache_policy=NO_CACHE)
def finish_run(summary: RunSummary, building: Path, warehouse: Path) -> RunSummary:
    """Count the marts, record the run, then publish the working copy atomically."""
    con = landing.connect(building)
    try:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        if {"dim_project", "fct_indicator"} <= tables:
            summary.projects = con.execute("select count(*) from dim_project").fetchall()[0][0]
            summary.indicators = con.execute("select count(*) from fct_indicator").fetchall()[0][0]
        summary.ended_at = _now()
        landing.record_run(con, summary.run_row())
        con.execute("checkpoint")
    finally:
        con.close()
    failpoint("publish")
    publish(building, warehouse)
    return summary


def _collect_pages(
    doc: DocumentExtraction, futures: list[PrefectFuture], progress: object
) -> list[PageGrid]:
    """Page results in page order; a page whose task failed after its retries becomes an error."""
    pages = []
    for number, fut in enumerate(futures, start=1):
        fut.wait()
        failpoint("extract")
        if fut.state.is_completed():
            pages.append(fut.result())
        else:
            doc.errors.append(
                ("extract", f"page {number} failed after retries: {fut.state.message}")
            )
        if progress is not None:
            progress.advance(progress.task_ids[1])
    return pages


def _marts_exist(warehouse: Path) -> bool:
    if not warehouse.exists():
        return False
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return bool(
            con.execute(
                "select 1 from duckdb_tables() where table_name = 'fct_indicator'"
            ).fetchall()
        )
    finally:
        con.close()


@flow(name="nightly-ingest", task_runner=ProcessPoolTaskRunner(max_workers=2), log_prints=True)
def ingest(options: RunOptions | None = None) -> RunSummary:
    """Bring the warehouse up to date with the raw folder, then publish it."""
    options = options or RunOptions.from_env()
    raw_dir = options.raw_dir.resolve()
    summary = RunSummary(run_id=uuid.uuid4().hex, started_at=_now())
    building = prepare_working_copy(options.warehouse)
    inventory = take_inventory(raw_dir, building)
    summary.documents_seen = len(inventory.present)
    summary.documents_new, summary.documents_changed = len(inventory.new), len(inventory.changed)
    summary.documents_unchanged = len(inventory.unchanged) + len(inventory.copies)
    summary.documents_removed = len(inventory.removed)

    docs = [open_source(e, raw_dir, options.max_pages) for e in inventory.to_extract]
    futures = {
        i: [
            extract_one_page.submit(entry.path, n, doc.kind or "pdf", options.ocr_options())
            for n in range(1, (doc.page_count or 0) + 1)
        ]
        for i, (entry, doc) in enumerate(zip(inventory.to_extract, docs, strict=True))
        if not doc.errors
    }
    with _progress(options, docs, futures) as progress:
        for i, doc in enumerate(docs):
            if i in futures:
                doc = parse(finish_document(doc, _collect_pages(doc, futures[i], progress)))
            quarantined = any(stage == "extract" for stage, _ in doc.errors) and doc.failed
            land(doc, building, status="quarantined" if quarantined else None)
            _count(summary, doc, options.low_confidence_threshold)
            if progress is not None:
                progress.advance(progress.task_ids[0])
    update_file_map(inventory, building)
    if options.build_marts and (inventory.has_changes or not _marts_exist(options.warehouse)):
        build_marts(building)
    summary = finish_run(summary, building, options.warehouse)
    create_markdown_artifact(
        key="nightly-ingest-summary", markdown=summary.markdown(), description="run summary"
    )
    return summary


def _count(summary: RunSummary, doc: DocumentExtraction, threshold: float) -> None:
    summary.documents_failed += doc.failed
    summary.documents_ingested += not doc.failed
    summary.pages_extracted += len(doc.pages)
    summary.pages_ocred += sum(1 for p in doc.pages if p.extractor not in (None, "camelot"))
    summary.low_confidence_cells += sum(
        1 for p in doc.pages for t in p.tables for c in t.cells if c.confidence < threshold
    )
    summary.errors += [(doc.source_file, stage, msg) for stage, msg in doc.errors]


def _progress(options: RunOptions, docs: list, futures: dict):
    """A terminal progress bar (documents, pages) when the run is attended."""
    if not options.progress:
        return nullcontext(None)
    from rich.progress import Progress

    progress = Progress()
    progress.add_task("documents", total=len(docs))
    progress.add_task("pages", total=sum(len(f) for f in futures.values()))
    return progress


def task_runner_for(options: RunOptions):
    """The task runner the options ask for: a local process pool, or an existing Dask cluster."""
    if options.runner == "dask":
        if not options.dask_address:
            raise ValueError("runner 'dask' needs --dask-address tcp://HOST:PORT")
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=options.dask_address)
    if options.runner == "process":
        return ProcessPoolTaskRunner(max_workers=options.workers)
    raise ValueError(f"unknown runner {options.runner!r}: use 'process' or 'dask'")


def run_ingest(options: RunOptions) -> RunSummary:
    """Run the flow on the task runner the options name."""
    return ingest.with_options(task_runner=task_runner_for(options))(options)
