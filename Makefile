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

## Debian's Chromium for the browser tests (never a downloaded browser).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "Chromium absent (/usr/bin/chromium) : installez les paquets Debian chromium et chromium-driver."; exit 1; fi; \
	fi

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .

bench: $(VENV)/.dev-installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) data/maillage.db data/maillage.db-* static/vendor
