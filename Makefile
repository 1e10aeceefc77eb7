# Deliberatie: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
export FLASK_APP := wsgi.py

PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test translations extract-messages serve-prod clean

run: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

translations: $(MO_FILES)

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

# Refresh the catalogues after changing user-facing strings.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python scripts/fill_dutch_catalogue.py

clean:
	rm -rf $(VENV) instance .pytest_cache

# Production-like: 2 gunicorn instances x WORKERS, PostgreSQL (DATABASE_URL), Redis (rate limits).
# Needs SECRET_KEY in the environment; see docs/operations.md.
serve-prod: $(VENV)/.installed translations
	BIN=$(BIN) scripts/serve-prod.sh
