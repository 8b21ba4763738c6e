# OCOP Market. `make run` serves the demo on the embedded default; `make test` runs the suite.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1:8000

.PHONY: install install-dev run migrate demo test lint format messages schema bench clean

$(VENV)/.runtime: requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(PY) manage.py load_demo

run: demo
	@echo "=================================================================="
	@echo " OCOP Market at http://$(HOST)/   (GraphQL: /graphql/, admin: /admin/)"
	@echo " Demo admin login: admin@ocop.local / ocop-demo-2026"
	@echo "=================================================================="
	DEBUG=1 $(PY) manage.py runserver $(HOST)

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# English catalogs: locale/en (everything) and traceability/locale/en (that app's own). Tests and benches hold no
# user-facing strings. After `make messages`, fill every empty msgstr and clear `#, fuzzy`, then `make messages` again.
I18N_IGNORE := --ignore=.venv --ignore=var --ignore=tests --ignore=bench

messages: install
	DEBUG=1 $(PY) manage.py makemessages -l en $(I18N_IGNORE)
	DEBUG=1 $(PY) manage.py compilemessages $(I18N_IGNORE)

clean:
	rm -rf var/ocop.sqlite3* var/media var/static var/test-media

schema: install
	DEBUG=1 $(PY) manage.py graphql_schema --out docs/schema.graphql
