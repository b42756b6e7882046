# The course's commands. `make lab` and `make test` do all the set-up they
# need: a virtual environment from environment.yml, a Docker engine (found,
# or provisioned where the course may), and the catalog's images.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# JupyterLab refuses to run as root unless told to (containers, CI machines).
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help setup engine images lab test test-unit bench nightly clean leftovers lint

help:
	@echo "make lab        set everything up, then open JupyterLab on the notebooks"
	@echo "make test       set everything up, then run the whole test suite"
	@echo "make setup      only the virtual environment (.venv) from environment.yml"
	@echo "make engine     find the Docker engine, or install one (root on Debian/Ubuntu)"
	@echo "make images     pull the course's images, or build their offline stand-ins"
	@echo "make test-unit  only the unit tests of utils"
	@echo "make bench      print notebook times, stand-in sizes and helper overhead"
	@echo "make nightly    execute every notebook with papermill and write a report"
	@echo "make clean      remove everything the course labelled on the engine"
	@echo "make leftovers  list what the course left on the engine"
	@echo "make lint       run ruff on the Python code"

$(STAMP): environment.yml pyproject.toml scripts/pip_requirements.py
	@$(PYTHON) -m venv $(VENV) || { echo "error: could not create a virtual environment with $(PYTHON)."; \
	  echo "Next: install Python 3.10 or newer with its venv module (Debian: apt-get install python3-venv)."; exit 1; }
	$(PYTHON) scripts/pip_requirements.py environment.yml > $(VENV)/requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $(VENV)/requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

setup: $(STAMP)

engine: setup
	$(PY) -m utils engine --provision

images: engine
	$(PY) -m utils images

lab: images
	$(VENV)/bin/jupyter lab $(LAB_ARGS) notebooks/

test: images
	$(VENV)/bin/pytest

test-unit: engine
	$(VENV)/bin/pytest tests/unit

bench: images
	$(PY) -m utils bench

nightly: images
	$(PY) -m utils nightly

clean: setup
	$(PY) -m utils clean

leftovers: setup
	$(PY) -m utils leftovers

lint: setup
	$(VENV)/bin/ruff check utils tests scripts
