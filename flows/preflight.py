"""The checks a run makes before anything is touched: kept apart from the flow (flows.pipeline),
whose import (Prefect) costs ~3 CPU-s, so that `perfbudget run` refuses a wrong raw folder or a
missing OCR engine in a fraction of that."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.inventory import any_entry
from flows.settings import ConfigurationError, RunOptions, check_ocr_engine, shown


class RawFolderMissing(ConfigurationError):
    """The raw folder is missing or empty while the warehouse holds documents from it."""


def preflight(options: RunOptions) -> None:
    """Refuse a run that would do harm or cannot succeed, before anything is touched.

    A missing or empty raw folder where the warehouse knows documents is almost always a wrong
    --raw or an unmounted share: running would mark every document removed. It needs the
    operator's explicit --allow-empty-raw. The OCR engine must be installed (a missing engine
    would quarantine every scan, every night)."""
    check_ocr_engine(options.ocr_engine)
    if options.allow_empty_raw:
        return
    raw = options.raw_dir
    if not raw.is_dir():
        what = "is not a folder" if raw.exists() else "does not exist"
        raise RawFolderMissing(
            f"the raw folder {shown(raw)} {what}; pass --allow-empty-raw to run anyway"
        )
    known = _documents_known(options.warehouse)
    if known and not any_entry(raw):  # not discover(): 10,000 files listed and sorted for this
        raise RawFolderMissing(
            f"the raw folder {shown(raw)} is empty but the warehouse holds {known} document "
            "file(s) from it; pass --allow-empty-raw to mark them all removed"
        )


def _documents_known(warehouse: Path) -> int:
    """How many present document files the published warehouse knows (0 for a new one)."""
    if not warehouse.exists():
        return 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute("select count(*) from raw.document_files where is_present").fetchone()
        return row[0] if row else 0
    except duckdb.Error:
        return 0
    finally:
        con.close()
