# Two commands on a fresh machine: `make demo` and `make test`. Each creates .venv and
# installs what it needs first. `.ci/run` adds the Debian packages (graphviz, chromium).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: test demo bench lint clean

$(VENV)/.installed-%: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[$*]'
	touch $@

test: $(VENV)/.installed-test
	$(PY) -m pytest -q
	$(PY) -m ruff check .

demo: $(VENV)/.installed-test
	$(PY) -m examples

bench: $(VENV)/.installed-bench
	$(PY) benchmarks/run.py

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .

clean:
	rm -rf out .hypothesis
