# Two commands on a fresh machine: `make demo` and `make test`. Each creates .venv, installs
# what it needs first (Debian packages through .ci/need when we are root with apt-get; otherwise
# it says which), then runs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: test typecheck demo bench lint clean graphviz test-system

# One stamp per extra, remade when pyproject.toml changes; a venv without a working pip
# (an interrupted first run) is completed in place.
$(VENV)/.installed-%: pyproject.toml
	$(PY) -m pip --version >/dev/null 2>&1 || $(PYTHON) -m venv $(VENV) || { \
	  echo "could not create $(VENV); on Debian: sudo apt-get install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[$*]'
	touch $@

test: test-system $(VENV)/.installed-test
	$(PY) -m mypy
	$(PY) -m pytest -q -rs  # -rs: any skipped test is listed, never silent
	$(PY) -m ruff check .

# Types: the [tool.mypy] settings in pyproject.toml, over autograd, nn and viz.
typecheck: $(VENV)/.installed-test
	$(PY) -m mypy

# What the suite drives besides Python: Graphviz's dot (rendering tests), Debian's Chromium
# (browser tests, through playwright: never `playwright install`) and a font for both.
test-system:
	@sh .ci/need "make test" dot=graphviz /usr/bin/chromium=chromium \
	  /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf=fonts-dejavu-core

demo: $(VENV)/.installed-test graphviz
	$(PY) -m examples

# The lessons draw with Graphviz's `dot`.
graphviz:
	@sh .ci/need "make demo" dot=graphviz

# The peers are bench-only: micrograd and JAX in .venv (the bench extra); HIPS autograd in a
# venv of its own, since its package is also called `autograd`. 12 min on a busy 2-core machine.
PEERS ?= .venv-peers
HIPS_AUTOGRAD ?= autograd==1.9.1

bench: $(VENV)/.installed-bench $(PEERS)/.installed
	BENCH_PEERS_PYTHON=$(PEERS)/bin/python $(PY) benchmarks/run.py

$(PEERS)/.installed: Makefile
	test -x $(PEERS)/bin/python || $(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install --quiet --disable-pip-version-check '$(HIPS_AUTOGRAD)'
	touch $@

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .

clean:
	rm -rf out .hypothesis
