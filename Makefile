# Two commands: `make lab` opens the course, `make test` runs every test.
# Both create .venv and install what is needed the first time, and only when
# requirements*.txt or pyproject.toml changed after that. `make lab` installs only what a
# learner needs (requirements.txt); `make test` adds the test tools (requirements-dev.txt).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# JupyterLab settings installed by `make lab`: no "official Jupyter news" prompt.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
ROOT_FLAG := $(shell [ "$$(id -u)" = "0" ] && echo --allow-root)
NBVAL := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg
# JupyterHub's proxy (configurable-http-proxy, an npm package) lives in workshop/node_modules,
# pinned by workshop/package-lock.json. Without npm the JupyterHub test skips (fails under CI).
NODE_STAMP := workshop/node_modules/.installed
APP ?= builder
# Extra arguments for `make lab` (e.g. LAB_ARGS=--no-browser --port=8890)
LAB_ARGS ?=
PORT ?= 8866

.PHONY: lab test test-fast test-long test-faults content check notebooks app site bench bench-class bench-install bench-suite lint clean help
# Every test and notebook run gets an empty, temporary progress folder: nbval's kernels do not
# pass through the test fixtures, and nothing may touch the learner's real record.
TMPDATA := COURSE_DATA_DIR=$$(mktemp -d -t course-data-XXXXXX)

help:
	@echo "make lab    - set up .venv if needed and open the course in JupyterLab"
	@echo "make test   - set up .venv if needed and run every test"
	@echo "make test-fast - unit tests + strict nbval of the notebooks changed since the last commit"
	@echo "make test-long - the safety property tests with 100,000 examples each"
	@echo "make test-faults - the fault suite at full counts (kill -9, races, full disk...)"
	@echo "make check  - validate the course content"
	@echo "make content - after a content edit: check, then regenerate guide, lessons, exercises"
	@echo "make bench  - run the benchmarks and write benchmarks/RESULTS.md (figures only)"
	@echo "make bench-class / bench-install / bench-suite - the slow measurements (class size, install, suite)"
	@echo "make app    - serve the routine builder as a web app on 127.0.0.1 (APP=quiz for the quiz)"
	@echo "make site   - build the lessons as an offline HTML site in site/"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(LAB_OVERRIDES): tools/lab-overrides.json | $(STAMP)
	@mkdir -p $(dir $@)
	cp tools/lab-overrides.json $@

$(NODE_STAMP): workshop/package.json workshop/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix workshop --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: tests/test_jupyterhub.py will be skipped (install Node.js + npm)"; \
	fi

lab: $(STAMP) $(LAB_OVERRIDES)
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 $(ROOT_FLAG) $(LAB_ARGS) notebooks/00_welcome.ipynb

check: $(STAMP)
	$(PY) -m course check

test: $(DEV_STAMP) $(NODE_STAMP)
	$(PY) -m course check
	$(TMPDATA) $(PY) -m pytest -n 2 --dist loadfile --ignore=tests/browser tests
	$(TMPDATA) $(PY) -m pytest -n 2 --dist loadfile $(NBVAL) notebooks solutions
	$(TMPDATA) $(PY) -m pytest -n 2 --dist loadfile --nbval-lax exercises
	@bash tests/browser/install_axe.sh || echo "axe-core not installed: the accessibility checks will skip (fail under CI)"
	$(TMPDATA) $(PY) -m pytest -p no:xdist tests/browser

# What a careful tester does to a learner's record, at full counts: >= 100 kill -9 during
# writes, 4 (and 2) processes x 500 answers racing to create one new record (30 rounds each),
# a stray WAL, a full disk, a read-only folder. Prints answers lost and records wrongly moved
# aside (both must be 0). `make test` runs the same suite with small counts.
test-faults: $(DEV_STAMP)
	$(TMPDATA) $(PY) -m tests.faults

# The inner loop: unit tests without the servers, then strict nbval of the notebooks changed
# since the last commit (modified or new). Not a replacement for `make test`.
test-fast: $(DEV_STAMP)
	$(TMPDATA) $(PY) -m pytest -n 2 -q --ignore=tests/browser -m "not integration" tests
	@changed=$$( { git diff --name-only HEAD -- notebooks solutions; \
		git ls-files --others --exclude-standard notebooks solutions; } | grep '\.ipynb$$' | sort -u); \
	if [ -n "$$changed" ]; then $(TMPDATA) $(PY) -m pytest -n 2 $(NBVAL) $$changed; \
	else echo "no changed notebooks"; fi

# The safety properties with ten times the examples `make test` uses (>= 100,000 each).
test-long: $(DEV_STAMP)
	$(TMPDATA) SAFETY_EXAMPLES=100000 $(PY) -m pytest -n 2 -q tests/test_safety_properties.py tests/test_routine_properties.py

# After any edit of course/content: validate it, then regenerate everything made from it
# (the instructor guide, the stored lessons and solutions, the exercises), in that order.
content: $(DEV_STAMP)
	$(PY) -m course check
	$(PY) -m course guide --out docs/instructor-guide.md
	$(PY) tools/execute_notebooks.py notebooks/*.ipynb solutions/*.ipynb
	$(PY) -m course exercises

# Re-execute the stored lessons and solutions after a change to the course package, so
# they are stored executed with fresh, deterministic output. Each notebook runs against an
# empty progress folder, and no widget state is stored: viewers without a kernel then show
# each widget's static fallback instead of a blank widget.
notebooks: $(DEV_STAMP)
	$(PY) tools/execute_notebooks.py notebooks/*.ipynb solutions/*.ipynb
	$(PY) -m course exercises

# The routine builder (APP=builder) or the safety quiz (APP=quiz) alone, served by Voila on
# 127.0.0.1 with a token; the address to open is printed.
app: $(STAMP)
	$(PY) -m course app $(APP) --port $(PORT)

# Every lesson as static HTML (from the stored executed notebooks) plus an index, in site/.
site: $(STAMP)
	$(PY) -m course site --out site

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check course tests benchmarks tools

# Benchmarks write their figures into benchmarks/results/ and benchmarks/RESULTS.md is rebuilt
# from all of them. The slow ones (a JupyterHub class, a fresh install, the whole suite) have
# targets of their own; their last results stay in benchmarks/results/ until re-run.
bench: $(DEV_STAMP) $(NODE_STAMP)
	@mkdir -p benchmarks/results
	$(PY) -m pytest benchmarks --benchmark-only -p no:xdist \
		--benchmark-json=benchmarks/results/pytest-benchmark.json
	$(PY) -m benchmarks.kernel_memory
	$(PY) tools/bench_results.py

bench-class: $(DEV_STAMP) $(NODE_STAMP)
	$(PY) -m benchmarks.class_size --learners 10 20 40
	$(PY) tools/bench_results.py

bench-install: $(DEV_STAMP)
	$(PY) -m benchmarks.install_time
	$(PY) tools/bench_results.py

bench-suite: $(DEV_STAMP) $(NODE_STAMP)
	$(PY) -m benchmarks.suite_time
	$(PY) tools/bench_results.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .benchmarks site workshop/node_modules
