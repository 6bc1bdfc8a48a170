# Vangnet — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export VANGNET_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test lint format install install-dev browser-deps bench messages compile-messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: create the venv, migrate SQLite under var/, load demo data, serve on PORT
run: install
	$(BIN)/vangnet migrate --no-input -v 0
	$(BIN)/vangnet demo
	$(BIN)/vangnet serve --port $(PORT)

## browser-deps: Debian's Chromium for the Playwright tests (no browser download), and
## GNU gettext for the translation test (tests/test_i18n.py runs makemessages)
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi
	@if ! command -v pdftoppm >/dev/null; then \
	  echo "installing Debian poppler-utils (PDF pages to images for the export tests)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils >/dev/null; \
	fi
	@if ! command -v xgettext >/dev/null; then \
	  echo "installing Debian gettext for the translation test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; \
	fi

## test: the whole suite (unit, integration, browser); DATABASE_URL selects PostgreSQL
test: install-dev browser-deps
	$(BIN)/pytest -q

## messages: refresh the English catalogue after changing Dutch source strings
messages: install-dev
	cd src/vangnet && ../../$(BIN)/vangnet makemessages -l en --no-obsolete --ignore "static/*"
	@echo "translate the new entries in src/vangnet/locale/en/LC_MESSAGES/django.po, then: make compile-messages"

compile-messages: install-dev
	cd src/vangnet && ../../$(BIN)/vangnet compilemessages

lint: install-dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

bench: install-dev
	$(BIN)/vangnet bench

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
