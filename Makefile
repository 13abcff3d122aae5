# Two entry points for a fresh clone (see README):  `make run`  and  `make test`.
# Both create the virtual environment in $(VENV) first if it is missing or out of date.

PYTHON ?= python3
VENV   ?= .venv
CORES  ?= 8
# The pinned pair installs from local disk on the project's machines; elsewhere pip's choice.
TORCH  ?= torch==2.14.1 torchvision==0.29.1

BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)

.PHONY: run test env lint

run: $(VENV)/.installed
	snakemake --cores $(CORES)

test: $(VENV)/.installed
	pytest

env: $(VENV)/.installed

lint: $(VENV)/.installed
	ruff check src tests benchmarks
	snakemake --lint

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(TORCH) || $(BIN)/pip install --quiet torch torchvision
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@
