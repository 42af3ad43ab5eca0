# Everything a fresh Debian machine with Python 3.11 needs goes through these targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR_STAMPS := spaser/static/vendor/dsfr-chart/.sha256 var/vendor/axe-core/.sha256
DEMO_DIR := var/demo
DEMO_STORE := var/store
DEMO_MARCHES ?= 20000
DEMO_SETTINGS := config.settings.dev

.PHONY: install demo test test-pg quality fix bench lock clean docs

$(STAMP): requirements/dev.txt pyproject.toml tools/system_packages.sh
	tools/system_packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Front-end assets from pinned npm tarballs, checked against their sha256 (the script writes the stamps): DSFR
# Chart for the site, axe-core for the browser tests' accessibility checks.
$(VENDOR_STAMPS): tools/vendor_assets.py $(STAMP)
	$(BIN)/python tools/vendor_assets.py
	touch $@

install: $(STAMP) $(VENDOR_STAMPS)

# The synthetic DECP is generated and imported once, then its synthetic reference (SIRENE, ESUS, inclusive
# employers) built once (the stamps live in the store, so deleting var/store rebuilds both); migrate, load_demo
# and collectstatic are safe to rerun.
$(DEMO_DIR)/decp-demo.json: | $(STAMP)
	mkdir -p $(DEMO_DIR)
	$(BIN)/spaser demo generate --marches $(DEMO_MARCHES) --seed 2024 --out $@.tmp
	mv $@.tmp $@

$(DEMO_STORE)/.demo-imported: $(DEMO_DIR)/decp-demo.json
	$(BIN)/spaser decp import $< --store $(DEMO_STORE) --report-json $(DEMO_DIR)/import-report.json
	$(BIN)/spaser decp quality --store $(DEMO_STORE)
	touch $@

$(DEMO_STORE)/.demo-referenced: $(DEMO_STORE)/.demo-imported
	$(BIN)/spaser demo reference --store $(DEMO_STORE)
	$(BIN)/spaser demo balances --store $(DEMO_STORE) --out $(DEMO_DIR)/balances-demo.csv
	$(BIN)/spaser observatory balances $(DEMO_DIR)/balances-demo.csv --store $(DEMO_STORE)
	touch $@

demo: install $(DEMO_STORE)/.demo-referenced
	@$(BIN)/python -c "import socket, sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', 8000)) == 0 and \
		'Le port 8000 est déjà occupé (une autre démo tourne-t-elle ?) : arrêtez ce service puis relancez make demo.')"
	# Every start: the observatory follows the store (and the code that computes it).
	$(BIN)/spaser observatory refresh --store $(DEMO_STORE)
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(BIN)/python manage.py load_demo
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(BIN)/python manage.py load_demo_publications
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(BIN)/python manage.py load_demo_directory
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(BIN)/python manage.py load_demo_governance
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(BIN)/python manage.py load_demo_questionnaires
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Spaser est disponible sur http://127.0.0.1:8000/"
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(BIN)/gunicorn config.wsgi --bind 127.0.0.1:8000 \
		--workers 2 --threads 8 --access-logfile -

test: install
	$(BIN)/pytest -n 2

# The same suite on a throwaway PostgreSQL 15 cluster (loopback, removed afterwards).
test-pg: install
	bash tools/test_pg.sh -n 2

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py collectstatic --noinput --dry-run -v0

fix: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench.run

docs: install
	$(BIN)/spaser methodology > docs/indicateurs.md
	$(BIN)/python manage.py spaser_schema > docs/spaser-schema.json
	$(BIN)/spaser table-schemas --out docs/schemas

lock:
	cd requirements && uv pip compile --python-version 3.11 --generate-hashes base.in -o base.txt
	cd requirements && uv pip compile --python-version 3.11 --generate-hashes dev.in -o dev.txt

clean:
	rm -rf $(VENV) var spaser/static/vendor
