"""Benchmarks: ``python -m bench.run`` (document level) and ``bench/bench_ocr.py`` (cell level)."""
