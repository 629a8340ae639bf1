# The two commands of the README:
#   make site   set up (.venv, Python and npm packages), then build the book into _build/html
#               (tito book build: jupyter-book build . -W -n --keep-going)
#   make test   set up, then lint and run every test (the site tests build the book themselves)
#   make torch  install PyTorch, the compatibility suite's oracle (tests/compat skip without it,
#               unless REQUIRE_TORCH=1, as in CI)
# Set-up steps are stamped: they rerun only when requirements.txt, pyproject.toml or package-lock.json change.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.tinytorch-setup
NPM_STAMP := node_modules/.tinytorch-setup

TORCH_STAMP := $(VENV)/.tinytorch-torch

.PHONY: setup site test torch clean

setup: $(PY_STAMP) $(NPM_STAMP)

$(PY_STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

torch: $(TORCH_STAMP)

$(TORCH_STAMP): requirements-torch.txt $(PY_STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-torch.txt
	touch $@

site: setup
	$(BIN)/tito book build

# REQUIRE_BROWSER=1 (set by .ci/run) turns a missing browser into a failure instead of a skip.
test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest

clean:
	rm -rf _build artifacts
