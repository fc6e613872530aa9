# Two commands for a new machine: `make run` serves the demo, `make test` runs every test.
# `make serve` is production mode on this machine (DEBUG off, gunicorn, worker; see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE := congress.settings

.PHONY: run serve test lint bench screenshots messages requirements

# The installs read only the compiled lists, where every package is pinned (docs/dependencies.md).
# The venv's own pip installs the pinned lists; upgrading it first cost a newcomer's first
# `make run` some 4 s, so only the dev tools (pip-tools) get a newer one. --no-compile: pip
# byte-compiled every module of every package (8.0 → 5.4 s here); Python compiles the ones the
# app imports on first use, which `migrate` did not measurably slow.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-compile -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The system checks run once, when runserver starts (0.3 s each in the two commands before it).
run: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py migrate --noinput --skip-checks
	DEBUG=1 $(PY) manage.py load_demo --if-empty --skip-checks
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

serve: $(VENV)/.installed
	deploy/serve.sh

test: $(VENV)/.dev-installed
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(VENV)/.dev-installed
	$(PY) manage.py makemessages -l zh_Hans --ignore '.venv/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages --ignore '.venv'

# Recompile both pinned lists from the .in files (direct dependencies only) with the dev list's
# pip-compile; commit the four files together. Pins already in the lists are kept; to move a
# transitive one: make requirements PIP_COMPILE_ARGS='--upgrade-package NAME'.
PIP_COMPILE_OPTS := --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
	--no-emit-trusted-host --newline=lf
requirements: $(VENV)/.dev-installed
	$(VENV)/bin/pip-compile $(PIP_COMPILE_OPTS) $(PIP_COMPILE_ARGS) -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile $(PIP_COMPILE_OPTS) $(PIP_COMPILE_ARGS) -o requirements-dev.txt requirements-dev.in
