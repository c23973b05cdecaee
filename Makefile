# Loket — `make run` opens the app on a demo database; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DIR ?= demo-data
STAMP := $(VENV)/.installed

.PHONY: run test lint format i18n demo bench dist dist-test clean hub-demo hub-demo-stop

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

compile: $(STAMP)
	$(PY) -m loket.i18n.tools compile

run: $(STAMP) compile
	@test -f $(DEMO_DIR)/loket.sqlite || $(PY) -m loket --data-dir $(DEMO_DIR) demo --visitors 300
	$(PY) -m loket --data-dir $(DEMO_DIR)

test: $(STAMP) compile
	$(PY) -m ruff check loket ui tests bench
	$(PY) -m ruff format --check loket ui tests bench
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check loket ui tests bench

format: $(STAMP)
	$(PY) -m ruff check --fix loket ui tests bench
	$(PY) -m ruff format loket ui tests bench

i18n: $(STAMP)
	$(PY) -m loket.i18n.tools all

demo: $(STAMP)
	$(PY) -m loket --data-dir $(DEMO_DIR) demo --visitors 300

# A local PostgreSQL hub with two enrolled PCs (demo-hub/), see tools/hub_demo.py.
hub-demo: $(STAMP) compile
	$(PY) tools/hub_demo.py

hub-demo-stop: $(STAMP)
	$(PY) tools/hub_demo.py --stop

bench: $(STAMP) compile
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py

# One-folder desktop bundle (dist/loket/: `loket` app + `loket-cli`), see pyinstaller.spec.
dist: $(STAMP) compile
	$(PY) -m pip install --quiet -e '.[bundle]'
	$(PY) -m PyInstaller --noconfirm --clean pyinstaller.spec

# Smoke test of the built bundle: --version, demo data, app start-up, letter, export.
dist-test: $(STAMP)
	$(PY) tests/bundle_smoke.py dist/loket

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
