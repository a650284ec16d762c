# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint bench browser-deps clean

$(VENV)/.app-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.app-installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## Install, build the store on first start (real geography + demo data) and serve the app.
run: $(VENV)/.app-installed
	$(PY) -m streamlit run app.py --server.port $(PORT)

## Install, lint and run every test (unit, store on SQLite and PostgreSQL if TEST_DATABASE_URL is set, pages, browser).
test: $(VENV)/.dev-installed browser-deps
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

## Debian's Chromium for the browser tests (never a downloaded browser), and poppler to render PDFs to images.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver poppler-utils >/dev/null; \
	  else echo "Chromium ou poppler absent : installez les paquets Debian chromium, chromium-driver et poppler-utils."; exit 1; fi; \
	fi

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .

bench: $(VENV)/.dev-installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) data/maillage.db data/maillage.db-* static/vendor
