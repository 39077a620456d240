"""Extractors: each turns pages of a source file into `PageGrid`s of the shared cell model."""

from __future__ import annotations
