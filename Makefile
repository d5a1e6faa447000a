# Two commands on a fresh machine: `make demo` and `make test`. Each creates .venv and
# installs what it needs first. `.ci/run` adds the Debian packages (graphviz, chromium).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: test demo bench lint clean graphviz

$(VENV)/.installed-%: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[$*]'
	touch $@

test: $(VENV)/.installed-test
	$(PY) -m pytest -q
	$(PY) -m ruff check .

demo: $(VENV)/.installed-test graphviz
	$(PY) -m examples

# The lessons draw with Graphviz's `dot`: install Debian's package when it is missing and
# we may (root with apt-get); otherwise say how.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends graphviz >/dev/null; \
	  else \
	    echo "make demo needs Graphviz's dot program: sudo apt-get install graphviz" \
	         "(macOS: brew install graphviz; conda: conda install -c conda-forge graphviz)"; \
	    exit 1; \
	  fi; }

bench: $(VENV)/.installed-bench
	$(PY) benchmarks/run.py

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .

clean:
	rm -rf out .hypothesis
