"""perfbudget: 绩效目标表 documents → cell grids → long-format rows in DuckDB → dbt marts."""

from __future__ import annotations
