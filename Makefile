# Learning Rates, Hands-On: aliases for course.py, the set-up that needs no make (Windows, macOS, Linux).
#   make lab    = python course.py lab    open the course in JupyterLab (creates .venv on first use)
#   make test   = python course.py test   unit tests, every notebook under nbval, the website's build
#                                         and browser checks (what CI runs)
#   make test-notorch / make test-oldest  = python course.py test-notorch / test-oldest
# course.py creates the virtual environment from the pinned set in requirements.lock.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8888
.PHONY: lab test test-notorch test-oldest test-portable unit notebooks-test e2e execute-notebooks figures site bench slides editions replicate clean-venv help

help:
	@echo "make lab     - start JupyterLab on the course (http://127.0.0.1:$(PORT), token auth)"
	@echo "make test    - unit tests + every notebook under nbval (+ browser tests if Chromium is there)"
	@echo "make test-notorch - unit tests + notebooks 00-04 without PyTorch (.venv-notorch)"
	@echo "make test-oldest - unit tests + every notebook at pyproject's floors (.venv-oldest)"
	@echo "make test-portable - unit tests + notebooks under other CPUs' kernels (VARIANTS=\"avx2 baseline ...\")"
	@echo "make e2e     - only the browser tests (JupyterLab + headless Chromium), screenshots in tests/e2e/screenshots"
	@echo "make figures - regenerate figures/ from course_lib"
	@echo "make replicate - every claim on fresh seeds (<= 30 min): replication/results.json + site/replication.md"
	@echo "make site    - build the course website from the stored notebooks into build/site (offline)"
	@echo "make bench   - run the benchmarks, write benchmarks/results.md"
	@echo "make slides  - one offline reveal.js deck per notebook in build/slides (open *.slides.html); LANG=zh: 中文"
	@echo "make editions - student and instructor editions of the notebooks in build/editions; LANG=zh: 中文"

$(STAMP): requirements-torch.lock requirements.lock pyproject.toml course.py
	$(PYTHON) course.py setup

lab:
	PORT=$(PORT) $(PYTHON) course.py lab

test:
	$(PYTHON) course.py test

test-notorch:
	$(PYTHON) course.py test-notorch

test-oldest:
	$(PYTHON) course.py test-oldest

# The portability matrix (scripts/test_portable.py): the same suite under the kernels of other
# CPUs and thread counts. VARIANTS empty = all of them: native avx2 baseline threads1 threads4.
VARIANTS ?=
test-portable: $(STAMP)
	$(PY) scripts/test_portable.py $(VARIANTS)

# The unit tests: every module's tests and doctests and ruff, without the browser and without
# building or executing the whole course (-m integration: the editions, the website), one pytest
# worker per core. Prints its time.
unit:
	$(PYTHON) course.py unit

e2e: $(STAMP)
	$(PY) -m pytest tests/e2e -m e2e -p no:randomly

execute-notebooks: $(STAMP)
	$(PY) scripts/execute_notebooks.py notebooks/*.ipynb

figures: $(STAMP)
	MPLBACKEND=Agg $(PY) scripts/make_figures.py

# The website: Sphinx + myst-nb from the stored outputs (nothing executed, nothing fetched).
# make test builds and checks it too (tests/test_site_build.py, tests/e2e/test_site_in_browser.py).
site: $(STAMP)
	$(PY) scripts/build_site.py --out build/site

# How sure are we? Every registered claim on fresh seed sets (scripts/replicate.py; <= 30 min on 2
# cores, two claims at a time). REPLICATE_ARGS="--only restarts", "--numpy-only", "--quick", "--from-json", "--jobs 1".
replicate: $(STAMP)
	MPLBACKEND=Agg $(PY) scripts/replicate.py $(REPLICATE_ARGS)

bench: $(STAMP)
	MPLBACKEND=Agg $(PY) benchmarks/run.py --before benchmarks/before.json $(BENCH_ARGS)

# Offline decks with Python alone (no npm, no network): reveal.js (scripts/deck/reveal.js) and the
# website's MathJax (site/_static/mathjax) are copied into build/slides/_assets.
# LANG=zh: the Chinese edition's decks and editions (notebooks/zh_CN -> build/slides/zh_CN, build/editions/zh_CN).
# Only a LANG given on make's command line counts: the shell's LANG (en_US.UTF-8, the locale) is not a choice.
COURSE_EDITION := $(if $(filter command line,$(origin LANG)),$(LANG),en)

slides: $(STAMP)
	$(PY) scripts/slides.py --decks build/slides --lang $(COURSE_EDITION)

editions: $(STAMP)
	$(PY) scripts/editions.py --out build/editions --lang $(COURSE_EDITION)

clean-venv:
	rm -rf $(VENV)
