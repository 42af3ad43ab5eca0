# Everything a fresh Debian machine with Python 3.11 needs goes through these targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := var/demo
DEMO_MARCHES ?= 20000

.PHONY: install demo test quality fix bench lock clean docs

$(STAMP): requirements/dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	mkdir -p $(DEMO_DIR)
	$(BIN)/spaser demo generate --marches $(DEMO_MARCHES) --seed 2024 --out $(DEMO_DIR)/decp-demo.json
	$(BIN)/spaser decp import $(DEMO_DIR)/decp-demo.json --store $(DEMO_DIR)/store --report-json $(DEMO_DIR)/import-report.json
	$(BIN)/spaser decp quality --store $(DEMO_DIR)/store

test: install
	$(BIN)/pytest -n 2

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

fix: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench.run

docs: install
	$(BIN)/python -m spaser.indicators.methodology > docs/indicateurs.md

lock:
	cd requirements && uv pip compile --python-version 3.11 --generate-hashes base.in -o base.txt
	cd requirements && uv pip compile --python-version 3.11 --generate-hashes dev.in -o dev.txt

clean:
	rm -rf $(VENV) var
