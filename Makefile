# One target per chore; CI runs the same targets (see .ci/run).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint format validate setup dev-setup clean

# The virtualenv is rebuilt whenever a requirements file changes.
$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
dev-setup: $(VENV)/.installed-dev

run: setup
	$(PY) -m streamlit run app.py --server.port $(PORT)

lint: dev-setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: dev-setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

validate: setup
	$(PY) -m incidents validate

test: dev-setup lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
