# Safe City, édition annotée — build, serve and test.
#
#   make serve   build and serve live on http://127.0.0.1:8000/ (ADDR=host:port to change);
#                mkdocs serve, restarted when scripts/**/*.py change (scripts/serve.py)
#   make build   the whole edition into site/ (content check, strict MkDocs build, cards,
#                PDF, offline zip, host headers: scripts/build.py)
#   make preview make build, then serve site/ as is on http://127.0.0.1:8000/
#   make test    pytest over tests/ (builds the site itself, drives Debian's Chromium)
#   make check   content check alone (python -m edition.check docs)
#   make bench   benchmark: build time, page weight, scale, Lighthouse (prints figures)
#   make screenshots  key pages at phone and desktop sizes, light and dark, into screenshots/
#   make lock    regenerate requirements.txt from requirements.in (needs network to PyPI)
#   make clean   remove build outputs; `make distclean` also removes .venv
#
# The virtual environment .venv is created from the hash-pinned lock requirements.txt on
# first use, and recreated whenever requirements.txt (or the interpreter, or the checkout's
# path) changes. It carries a .pth file that puts scripts/ on sys.path, so that the
# Markdown extension `edition` (scripts/edition/) is importable by mkdocs.

SHELL       := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS   += --no-print-directory

PYTHON ?= python3
ADDR   ?= 127.0.0.1:8000
PYTEST_ARGS ?=

ROOT     := $(CURDIR)
VENV     := $(ROOT)/.venv
VPY      := $(VENV)/bin/python
STAMP    := $(VENV)/.installed-from-lock
PTH_NAME := edition-scripts.pth

# Reproducible builds: the date of the last commit, or a fixed date (2022-01-01 UTC)
# when there is no commit yet. tests/helpers.py uses the same rule when run without make.
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
SOURCE_DATE_EPOCH := $(shell t=$$(git -C "$(ROOT)" log -1 --format=%ct 2>/dev/null || true); echo $${t:-1640995200})
endif
export SOURCE_DATE_EPOCH

# Material 9.7+ prints a multi-line banner about MkDocs 2 on every build; keep output readable.
export NO_MKDOCS_2_WARNING := 1

# What the venv was made from; if this differs from the stamp's content, rebuild it.
VENV_ID := $(shell sha256sum "$(ROOT)/requirements.txt" 2>/dev/null | cut -c1-64) $(ROOT) $(PYTHON)
ifneq ($(strip $(file < $(STAMP))),$(strip $(VENV_ID)))
.PHONY: $(STAMP)
endif

.PHONY: help venv serve build preview screenshots test check bench bench-quick lock clean distclean

help:
	@sed -n '3,10s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

venv: $(STAMP)

$(STAMP): requirements.txt
	@echo "==> creating .venv from requirements.txt (hash-checked)"
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (set PYTHON=...)" >&2; exit 1; }
	@rm -rf "$(VENV)"
	@$(PYTHON) -m venv "$(VENV)"
	@# (pip's notes about this machine's extra local indexes are filtered out)
	@"$(VPY)" -m pip install --quiet --disable-pip-version-check --progress-bar off \
	    --require-hashes -r requirements.txt 2>&1 \
	    | { grep -v "^WARNING: Location 'file://.*' is ignored" || true; }
	@site=$$("$(VPY)" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'); \
	    echo "$(ROOT)/scripts" > "$$site/$(PTH_NAME)"; \
	    echo "==> $$site/$(PTH_NAME) -> $(ROOT)/scripts"
	@printf '%s\n' "$(VENV_ID)" > "$(STAMP)"
	@echo "==> .venv ready: $$("$(VPY)" -c 'import mkdocs, material; print("mkdocs", mkdocs.__version__, "+ material", material.__version__)')"

serve: venv
	@echo "==> serving on http://$(ADDR)/ (Ctrl-C to stop)"
	@"$(VPY)" scripts/serve.py $(ADDR)

build: venv
	"$(VPY)" scripts/build.py --site site

# The full build (PDF, offline zip, cards, headers included), served as a host would.
preview: build
	@echo "==> serving site/ on http://$(ADDR)/ (Ctrl-C to stop)"
	"$(VPY)" -m http.server --bind $(firstword $(subst :, ,$(ADDR))) --directory site $(lastword $(subst :, ,$(ADDR)))

# Screenshots of key pages (375x812 and 1280x800, light and dark) into screenshots/.
screenshots: build
	"$(VPY)" scripts/screenshots.py site

test: venv
	@rc=0; "$(VPY)" -m pytest -q tests/ $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; \
	exit $$rc

# Benchmark: prints figures, never fails on timing. Lighthouse comes from node_modules/
# (npm ci: no install scripts, no browser download; it drives /usr/bin/chromium).
BENCH_ARGS ?=
bench: venv node_modules/.package-lock.json
	"$(VPY)" scripts/bench.py $(BENCH_ARGS)

bench-quick: venv
	"$(VPY)" scripts/bench.py --quick $(BENCH_ARGS)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

# The content check alone: one line per problem (file:line: what is wrong: what to do).
check: venv
	"$(VPY)" -m edition.check docs

# Regenerate the lock from PyPI itself (not this machine's extra indexes or find-links),
# with pip-tools in a throwaway venv.
lock:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/v"; \
	"$$tmp/v/bin/pip" install --quiet --disable-pip-version-check pip-tools; \
	env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	    "$$tmp/v/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras \
	    --no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple \
	    --output-file requirements.txt requirements.in
	@echo "==> requirements.txt updated"

clean:
	rm -rf site .pytest_cache
	find . -path ./.venv -prune -o -path ./.git -prune -o -type d -name __pycache__ -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf .venv
