# One command interface. On a fresh machine with Python 3.11+ and make:
#   make demo   - install, generate a demo program, ingest it, show its figures
#   make test   - install, run the test suite (installs Chromium for the browser tests when root)
#   make dashboard - serve the dashboard on the current store
#   make notebook / make notebooks-run - JupyterLab on notebooks/, or every notebook run headless
#   make bench  - the benchmarks, written to docs/benchmarks.md (SIZES=100k for a quick run, SIZES=100M on request)
SHELL := /bin/bash
# This machine sets PYTHONDONTWRITEBYTECODE: without bytecode compiled at install, imports take seconds longer.
export UV_COMPILE_BYTECODE := 1
# The uv cache may sit on another file system than the project.
export UV_LINK_MODE := copy

# Use uv from PATH when there is one; otherwise bootstrap it into .tools/ with pip.
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif

.PHONY: demo test test-fast bench notebook notebooks-run install clean report dashboard chromium bytecode

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.installed: pyproject.toml uv.lock | $(filter .tools/bin/uv,$(UV))
	$(UV) sync --frozen --all-groups
	touch $@

install: .venv/.installed  ## create .venv from uv.lock

# The project's own modules are installed editable (not compiled by uv): compile them here, since
# this machine's PYTHONDONTWRITEBYTECODE stops Python from caching them (0.3 s off every command).
# compileall only rewrites what changed.
bytecode: .venv/.installed
	@$(UV) run --frozen python -m compileall -q src dashboard > /dev/null

demo: .venv/.installed bytecode  ## generate a demo program, ingest it, serve the dashboard
	$(UV) run --frozen takedown demo

dashboard: .venv/.installed bytecode  ## serve the dashboard on the current store ($$TAKEDOWN_DB or data/takedown.duckdb)
	$(UV) run --frozen takedown dashboard

# The browser tests and the report's PDF drive Debian's Chromium (Playwright's own browser download is
# not reachable); the report tests read the PDF with poppler's pdftotext, and Chinese titles need a
# CJK font. The DuckLake tests start a real PostgreSQL (tests/lake_postgres.py). As root (CI) they
# are installed when missing; elsewhere the README says how.
SYSTEM_PACKAGES = chromium poppler-utils fonts-noto-cjk postgresql
# The call's workbook is also filled in a real spreadsheet program (tests/report/test_calls_libreoffice.py):
# LibreOffice Calc, without its recommended packages (Java, help, extra fonts: hundreds of MB it does not need).
SPREADSHEET_PACKAGES = libreoffice-calc
chromium:
	@if { [ ! -x /usr/bin/chromium ] || ! command -v pdftotext >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
			|| ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } \
		&& [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(SYSTEM_PACKAGES); fi
	@if ! command -v soffice >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SPREADSHEET_PACKAGES); fi

test: .venv/.installed bytecode chromium  ## the whole test suite
	$(UV) run --frozen pytest -n 2 --dist loadfile

# The edit-test loop: every test but the browser, PDF, notebook, kill, lake and slow ones (pytest
# markers, applied in tests/conftest.py). CI runs `make test`.
FAST_TESTS = not (browser or pdf or notebook or kill or lake or slow)
test-fast: .venv/.installed bytecode  ## the tests without a browser, PDF, notebook, kill, lake or slow test (< 60 s)
	$(UV) run --frozen pytest -n 2 --dist loadfile -m "$(FAST_TESTS)"

# JupyterLab refuses to start as root ("Running as root is not recommended") unless told to:
# containers and CI machines run as root.
JUPYTER_AS_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)
notebook: .venv/.installed  ## JupyterLab on notebooks/ (pulled into a throw-away environment by uv)
	$(UV) run --frozen --with jupyterlab jupyter lab $(JUPYTER_AS_ROOT) notebooks/

# The notebooks `make notebooks-run` runs, and where it writes them executed: the committed
# notebooks keep no outputs, so a run never dirties the checkout.
NOTEBOOKS ?= $(wildcard notebooks/*.ipynb)
NOTEBOOKS_OUT ?= data/notebooks
notebooks-run: .venv/.installed  ## run the notebooks top to bottom without a browser (nbclient), into $(NOTEBOOKS_OUT)/
	mkdir -p $(NOTEBOOKS_OUT)
	$(UV) run --frozen jupyter execute --kernel_name=python3 \
		--output='$(abspath $(NOTEBOOKS_OUT))/{notebook_name}' $(NOTEBOOKS)

# Complaint items per benchmark size; `make bench SIZES=100k` for a quick run; 100M only on request
# (`make bench SIZES=100M`: its targets table is kept for later default runs).
SIZES ?= 100k,1M,10M
bench: .venv/.installed bytecode chromium  ## every stage at each of $(SIZES) items into docs/benchmarks.md (time per stage: there)
	$(UV) run --frozen python benchmarks/bench_all.py --sizes $(SIZES)

clean:
	rm -rf .venv .tools data/*.duckdb data/*.duckdb.* data/.*.tmp

# Last month (UTC): the 15th of this month, one month back, is always in the previous month.
LAST_MONTH = $(shell date -u -d "$$(date -u +%Y-%m-15) -1 month" +%Y-%m)

report: .venv/.installed bytecode  ## last month's Good-Faith call report from the current store, into data/report/
	$(UV) run --frozen takedown report --month $(LAST_MONTH) --out data/report
