"""perfbudget: 绩效目标表 documents → cell grids → long-format rows in DuckDB → dbt marts."""

from __future__ import annotations

EXTRACTION_VERSION = "2"  # 2: pages without a text layer and image files go to OCR
"""Bump when extraction or parsing changes what a document yields: every document landed by an
older version is extracted again on the next run."""
