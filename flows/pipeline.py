"""The nightly ingestion as a Prefect flow.

    inventory → open documents → extract pages (fanned out) → parse → land → dbt build → publish

One typed task per stage; the flow wires them. Work happens in a working copy of the warehouse
that is published by an atomic rename only when everything succeeded (`flows.publish`), so a run
killed at any point leaves the published warehouse as it was. A document that cannot be read is
recorded in `ingest_errors` and never stops the run.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.states import Failed, State
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.dbt_ahead import DbtAhead
from flows.extract import read_ahead
from flows.extract.documents import (
    extract_in_process,
    extract_page,
    finish_document,
    open_document,
    printable,
)
from flows.extract.page_recovery import LostPage, NightPages, PageCall
from flows.extract.reread import box_rereader
from flows.extract.workers import PageWorkers, release_page_workers
from flows.forms import read_forms
from flows.models import DocumentExtraction, PageGrid
from flows.publish import failpoint, page_fault, prepare_working_copy, publish
from flows.settings import RunOptions
from ocr.engines import OcrOptions

# The warehouse's stages (landing, inventory, marts, preflight: DuckDB) are imported where the
# flow calls them, not here: every page worker unpickles the flow and so imports this module,
# and DuckDB held ~25 MiB in each of them (measured with `import flows.pipeline`) though a
# worker never opens the warehouse.
if TYPE_CHECKING:
    from flows.inventory import FileChanges, Inventory, SourceFile
    from flows.marts import Quarantined

STAGES = ("inventory", "extraction", "landing", "dbt", "publish")
# documents landed per transaction: one transaction per batch, not per document (each landing
# scans the warehouse's large raw tables once to replace rows); small enough that a night's
# batch of OCRed documents held in memory stays small
LANDING_BATCH = 25
# the night's warm dbt starts when this many rounds of the pool's pages are left to collect
# (`flows.dbt_ahead`): ~1.4 CPU-s a scan page, so two rounds of two workers are ~3 s at idle,
# about what the warm dbt's start took (1.5-3.7 CPU-s, dbt imported and the project parsed)
DBT_AHEAD_ROUNDS = 2


class StageClock:
    """Adds up wall time per stage, so each run says where its time went (`raw.runs`)."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into = into

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.into[stage] = self.into.get(stage, 0.0) + time.perf_counter() - t0


def deterministic(exc: BaseException | None) -> bool:
    """A failure that would happen again on every attempt: too many pixels, a missing OCR
    engine or model. Retrying it only costs time, and quarantining it (retried every night)
    would cost time every night; it fails the document for good instead."""
    from PIL import Image

    return isinstance(
        exc, ValueError | ImportError | FileNotFoundError | Image.DecompressionBombError
    )


def _worth_retrying(task: object, task_run: object, state: object) -> bool:
    """Prefect's retry_condition_fn: retry what may succeed on another attempt only."""
    return not deterministic(_exception_of(state))


def _exception_of(state: object) -> BaseException | None:
    data = getattr(state, "data", None)
    if isinstance(data, BaseException):
        return data
    try:
        result = state.result(raise_on_failure=False)  # type: ignore[attr-defined]
    except Exception:
        return None
    return result if isinstance(result, BaseException) else None


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
    cut_short: str | None = None  # why the night left pages unread (`NightPages.cut_short`)
    stage_seconds: dict[str, float] = field(default_factory=dict)  # inventory, extraction, …

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
            "time: " + ", ".join(f"{s} {self.stage_seconds.get(s, 0.0):.1f} s" for s in STAGES),
        ]
        out += [f"  ! {f} [{stage}] {msg}" for f, stage, msg in self.errors]
        if self.cut_short is not None:
            out.append(f"{self.cut_short}: the documents above left unread are read next night")
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
        if self.cut_short is not None:
            out += ["", f"**{self.cut_short}**: the documents left unread are read next night"]
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
            **{f"{stage}_seconds": self.stage_seconds.get(stage, 0.0) for stage in STAGES},
        }


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@task(cache_policy=NO_CACHE)
def take_inventory(raw_dir: Path, building: Path, full_check: bool = False) -> Inventory:
    """Compare the raw folder with the working copy: what is new, changed, unchanged, gone."""
    from flows import landing
    from flows.inventory import take_inventory as classify

    with landing.session(building) as con:
        return classify(raw_dir, con, full_check=full_check)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def open_source(entry: SourceFile, raw_dir: Path, max_pages: int) -> DocumentExtraction:
    """Hash, sniff and count pages; an unreadable file comes back with its error, not raised."""
    return open_document(entry.path, raw_dir, max_pages=max_pages, sha256=entry.sha256)


@task(retries=2, retry_delay_seconds=1, retry_condition_fn=_worth_retrying, cache_policy=NO_CACHE)
def extract_one_page(path: Path, page: int, kind: str, ocr: OcrOptions) -> PageGrid:
    """One page, on whichever worker the task runner picks; retried for transient faults. A
    page a worker read ahead while Prefect's server booted is taken as it was read
    (`flows.extract.read_ahead`)."""
    page_fault(path, page)
    grid = read_ahead.taken(path, page, kind, ocr)
    return grid if grid is not None else extract_page(path, page, kind, ocr)


@task(cache_policy=NO_CACHE)
def parse(
    doc: DocumentExtraction, cpu_seconds_per_page: float, path: Path, ocr: OcrOptions
) -> DocumentExtraction:
    """Read the forms printed on the document's page grids (flows.forms); what the reader cannot
    read becomes the document's parse errors, never an exception. The reader may ask for a box
    of a page at `path` to be read again (`flows.extract.reread`, with the night's `ocr`). Call
    it with the document `quote()`d: Prefect would otherwise walk every cell of it to find task
    inputs (~0.1 CPU-s for a 10-page text PDF, per task call)."""
    return read_forms(doc, cpu_seconds_per_page, box_rereader(path, doc.kind, ocr, doc.pages))


@task(retries=1, retry_delay_seconds=2, cache_policy=NO_CACHE)
def land(
    docs: list[tuple[DocumentExtraction, str | None]], building: Path
) -> list[tuple[str, str]]:
    """Land a batch of documents (each with its status) in one transaction in the working copy,
    on the night's connection; a document that cannot be landed is recorded as its ingest error
    and the others land (`landing.land_batch`). Returns (source_file, why) of those. Called with
    the batch `quote()`d, as `parse` is."""
    from flows import landing

    with landing.session(building) as con:
        refused = landing.land_batch(con, docs)
        failpoint("land")
    return [(doc.source_file, why) for doc, why in refused]


@task(cache_policy=NO_CACHE)
def update_file_map(changes: FileChanges, building: Path) -> None:
    """New, changed, renamed, replaced and vanished file names (only those: not the Inventory,
    whose every entry Prefect would walk to record the task's inputs)."""
    from flows import landing

    with landing.session(building) as con:
        landing.record_files(con, changes)


@task(cache_policy=NO_CACHE)
def build_marts(building: Path) -> list[Quarantined]:
    """dbt build: staging, intermediate, marts and their tests, in the working copy; documents
    whose rows alone fail a data test or make a model fail are quarantined and the rest is
    built."""
    failpoint("dbt")
    return dbt_build(building)


@task(cache_policy=NO_CACHE)
def finish_run(summary: RunSummary, building: Path, warehouse: Path) -> RunSummary:
    """Count the marts, record the run, then publish the working copy atomically."""
    from flows import landing

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


def dbt_build(building: Path) -> list[Quarantined]:
    """`flows.marts.dbt_build`, imported when the marts are built (see the imports above)."""
    from flows.marts import dbt_build as build

    return build(building)


def _submit_page(
    local: TaskRunner | None, pool: NightPages | None, call: PageCall, ocr: OcrOptions
) -> PrefectFuture | int:
    """A page to the flow's task runner: the page workers through `pool` (a page that ends or
    hangs its worker is read again, `flows.extract.page_recovery`; its handle), or another
    runner (a Dask cluster); or to `local` (a thread of the flow's own process) when the night
    is too small to pay for starting the pool."""
    if local is not None:
        params = {"path": call.path, "page": call.page, "kind": call.kind, "ocr": ocr}
        return local.submit(extract_one_page, params)
    if pool is not None:
        return pool.submit(call)
    return extract_one_page.submit(call.path, call.page, call.kind, ocr)


def _night_pages(
    local: TaskRunner | None, options: RunOptions, ocr: OcrOptions
) -> NightPages | None:
    """The page workers' recovery from a page that ends or hangs its worker, when tonight's
    pages go to the flow's own page workers (not `local`, not a Dask cluster, which replaces
    its lost workers itself); pages are read with tonight's `ocr` options."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    runner = context.task_runner if context is not None else None
    if local is not None or not isinstance(runner, PageWorkers):
        return None

    def submit(call: PageCall) -> PrefectFuture:
        return extract_one_page.submit(call.path, call.page, call.kind, ocr)

    runner.load_on_start(ocr)
    return NightPages(
        submit, runner, options.workers, options.page_timeout_seconds, options.max_pool_deaths
    )


def _collect_pages(
    doc: DocumentExtraction,
    futures: list[PrefectFuture | int],
    progress: object,
    path: Path,
    pool: NightPages | None,
) -> tuple[list[PageGrid] | None, bool]:
    """Page results in page order; a page whose task failed becomes an error (naming the file as
    the warehouse does, not by its absolute path). Also whether any failure was transient (worth
    quarantining and trying again next run).

    A page that ended or hung its worker again when read alone (`flows.extract.page_recovery`)
    gives None for the pages: the document lands none of its rows (no half document in the
    marts) and is quarantined with that page's error, to be read again next night, as the
    documents a data test quarantines are."""
    pages: list[PageGrid] = []
    transient = lost = False
    for number, handle in enumerate(futures, start=1):
        fut = handle if pool is None else pool.result(handle)
        if isinstance(fut, LostPage):
            transient = lost = True
            if not (fut.cut and ("extract", fut.message) in doc.errors):  # a cut: once a document
                doc.errors.append(("extract", fut.message))
            if progress is not None:
                progress.advance(progress.task_ids[1])
            continue
        fut.wait()
        failpoint("extract")
        if fut.state.is_completed():
            pages.append(fut.result())
            continue
        exc = _exception_of(fut.state)
        if deterministic(exc):
            why = str(exc).replace(str(path), doc.source_file)
            doc.errors.append(("extract", f"page {number} cannot be read: {why}"))
        else:
            transient = True
            why = f"{type(exc).__name__}: {exc}" if exc is not None else fut.state.message
            doc.errors.append(("extract", f"page {number} failed after retries: {why}"))
        if progress is not None:
            progress.advance(progress.task_ids[1])
    return (None if lost else pages), transient


@flow(name="nightly-ingest", task_runner=PageWorkers(2), log_prints=True)
def ingest(options: RunOptions | None = None) -> RunSummary | State:
    """Bring the warehouse up to date with the raw folder, then publish it.

    A night cut short (`RunSummary.cut_short`) still publishes what it read, but its flow run
    ends Failed with the reason, its summary as the state's data: an operator's Prefect UI and
    alerts must not show a night that left documents unread as Completed."""
    from flows.preflight import preflight

    options = options or RunOptions.from_env()
    preflight(options)
    # the night's own warm dbt, started during the pool's last rounds of pages (dbt_ahead)
    lead = DBT_AHEAD_ROUNDS * options.workers
    with DbtAhead(options.warehouse, lead, wanted=options.build_marts) as dbt:
        summary = _night(options, dbt)
    if summary.cut_short is not None:
        return Failed(message=summary.cut_short, data=summary)
    return summary


def _night(options: RunOptions, dbt: DbtAhead) -> RunSummary:
    """The flow's stages (`ingest`), with the dbt that its marts build may start ahead."""
    from flows import landing
    from flows.marts import marts_current

    share_api_with_workers()
    raw_dir = options.raw_dir.resolve()
    summary = RunSummary(run_id=uuid.uuid4().hex, started_at=_now())
    clock = StageClock(summary.stage_seconds)
    with clock("publish"):
        building = prepare_working_copy(options.warehouse)
    # one warehouse connection for the inventory, every landing and the file map (closed before
    # dbt, which needs the file to itself); each document still lands in its own transaction
    with landing.night(building), ExitStack() as stack:
        with clock("inventory"):
            inventory = take_inventory(raw_dir, building, options.full_check)
        summary.documents_seen = len(inventory.present)
        summary.documents_new = len(inventory.new)
        summary.documents_changed = len(inventory.changed)
        summary.documents_unchanged = len(inventory.unchanged) + len(inventory.copies)
        summary.documents_removed = len(inventory.removed)

        with clock("extraction"):
            docs = [open_source(e, raw_dir, options.max_pages) for e in inventory.to_extract]
            # a few text-layer pages: one thread of this process (pdfium allows one at a time)
            here = [(e.path, d) for e, d in zip(inventory.to_extract, docs, strict=True)]
            in_process = extract_in_process(here)
            if in_process or not here:
                # no page goes to the pool tonight: workers started before the flow (and
                # adopted by its runner, `flows.extract.early_workers`) end now
                release_page_workers()
            local = stack.enter_context(ThreadPoolTaskRunner(1)) if in_process else None
            ocr = options.ocr_options()
            pool = _night_pages(local, options, ocr)
            # submitting is extraction's cost too (a task run and a pickled call per page)
            futures = {
                i: [
                    _submit_page(local, pool, PageCall(entry.path, n, doc.kind or "pdf"), ocr)
                    for n in range(1, (doc.page_count or 0) + 1)
                ]
                for i, (entry, doc) in enumerate(zip(inventory.to_extract, docs, strict=True))
                if not doc.errors
            }
        pending: list[tuple[DocumentExtraction, str | None]] = []  # parsed, to be landed
        pages_left = sum(len(pages) for pages in futures.values())
        with _progress(options, docs, futures) as progress:
            for i, doc in enumerate(docs):
                dbt.start_when(pages_left)
                pages_left -= len(futures.get(i, []))
                transient = False
                with clock("extraction"):
                    if i in futures:
                        path = inventory.to_extract[i].path
                        pages, transient = _collect_pages(doc, futures[i], progress, path, pool)
                        doc = finish_document(doc, pages or [])
                        if pages is not None:
                            doc = parse(quote(doc), options.reader_cpu_seconds_per_page, path, ocr)
                doc.errors = [(stage, printable(msg)) for stage, msg in doc.errors]
                quarantined = transient and doc.failed
                pending.append((doc, "quarantined" if quarantined else None))
                _count(summary, doc)
                if len(pending) == LANDING_BATCH or i == len(docs) - 1:
                    with clock("landing"):
                        _refused(summary, pending, land(quote(pending), building))
                    pending = []
                if progress is not None:
                    progress.advance(progress.task_ids[0])
        with clock("landing"):
            update_file_map(inventory.file_changes(), building)
        summary.cut_short = pool.cut_short if pool is not None else None
    release_page_workers()  # every page is read: their memory goes before dbt starts
    if options.build_marts and (inventory.has_changes or not marts_current(building)):
        with clock("dbt"):
            dbt.ready()
            _count_quarantined(summary, build_marts(building))
    summary = finish_run(summary, building, options.warehouse)
    create_markdown_artifact(
        key="nightly-ingest-summary", markdown=summary.markdown(), description="run summary"
    )
    return summary


def share_api_with_workers() -> None:
    """Page workers report to the flow's own Prefect API. A run without PREFECT_API_URL uses an
    ephemeral server that workers do not inherit: each worker started its own (measured ~220 MB
    apiece, two per night). The ephemeral server is a per-process singleton, so this names the
    one the flow already runs; a configured API is left alone."""
    from prefect.settings import get_current_settings

    if get_current_settings().api.url or not get_current_settings().server.ephemeral.enabled:
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()  # already running for this flow: a no-op
    os.environ["PREFECT_API_URL"] = server.api_url


def _count(summary: RunSummary, doc: DocumentExtraction) -> None:
    """A document's part of the run's figures. Its low-confidence cells are those an OCR page
    kept for review: below the review line that page was read with (`PageGrid.review_below`,
    the run's `OcrOptions.low_confidence_threshold`), the line the reader judges its readings
    by; a text layer's cells are printed glyphs and never counted. (The summary once counted
    against a line of its own, 0.8, while the pages were read and kept against 0.85.)"""
    summary.documents_failed += doc.failed
    summary.documents_ingested += not doc.failed
    summary.pages_extracted += len(doc.pages)
    summary.pages_ocred += sum(1 for p in doc.pages if p.extractor not in (None, "camelot"))
    summary.low_confidence_cells += sum(
        1
        for p in doc.pages
        if p.review_below is not None
        for t in p.tables
        for c in t.cells
        if c.confidence < p.review_below
    )
    summary.errors += [(doc.source_file, stage, msg) for stage, msg in doc.errors]


def _refused(
    summary: RunSummary,
    landed: list[tuple[DocumentExtraction, str | None]],
    refused: list[tuple[str, str]],
) -> None:
    """Documents of a landed batch whose rows could not be landed count as failed, with why."""
    names = {source_file for source_file, _ in refused}
    moved = sum(1 for doc, _ in landed if doc.source_file in names and not doc.failed)
    summary.documents_ingested -= moved
    summary.documents_failed += moved
    summary.errors += [(source_file, "land", why) for source_file, why in refused]


def _count_quarantined(summary: RunSummary, found: list[Quarantined]) -> None:
    """Documents taken out of the build by a failing data test or model count as failed, with
    why."""
    n = len({q.sha256 for q in found})
    summary.documents_ingested = max(0, summary.documents_ingested - n)
    summary.documents_failed += n
    summary.errors += [(q.source_file, "validate", q.message) for q in found]


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
        return PageWorkers(options.workers)
    raise ValueError(f"unknown runner {options.runner!r}: use 'process' or 'dask'")


def run_ingest(options: RunOptions) -> RunSummary:
    """Run the flow on the task runner the options name; a night cut short (its run Failed)
    hands back its summary too, any other failure is raised."""
    state = ingest.with_options(task_runner=task_runner_for(options))(options, return_state=True)
    result = state.result(raise_on_failure=False)
    if isinstance(result, RunSummary):
        return result
    return state.result()  # the flow's own failure, raised
