# The two commands a new machine needs: `make run` (the app) and `make test` (the whole suite).
# Each creates .venv when missing and reinstalls only when pyproject.toml changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test test-fast lint bench screenshots clean

# gradlab first checks that Qt can open a window here; if not, it prints the missing system
# libraries and the apt (or dnf) command that installs them, and exits 1 (gradlab.cli.qt_platform).
run: $(VENV)/.installed-run
	$(BIN)/gradlab

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest --hypothesis-profile=ci

# While working: everything but the GUI and the long training runs (about 30 s).
test-fast: $(VENV)/.installed-test
	$(BIN)/pytest -m "not slow and not gui"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check gradlab tests benchmarks tools
	$(BIN)/ruff format --check gradlab tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PIP) -e '.[gui]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) -e '.[gui,test,oracle]'
	touch $@ $(VENV)/.installed-run

# The worst cases on a 1024×768 projector (window and presentation) and in presentation at
# 1920×1080, into screenshots/. Needs xvfb-run (Debian: xvfb xauth).
screenshots: $(VENV)/.installed-run
	xvfb-run -a -s "-screen 0 1024x768x24" $(BIN)/python tools/screenshots.py --windowed
	xvfb-run -a -s "-screen 0 1920x1080x24" $(BIN)/python tools/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
