# Safe City, édition annotée : construire, servir, tester.
#
# `make help` liste les cibles : chacune est décrite par les lignes « ## » qui la précèdent
# (la liste est tirée de ce fichier, elle ne peut pas s’en écarter).
#
# L’environnement .venv est créé à la première utilisation à partir du verrou requirements.txt
# (empreintes vérifiées), et refait dès que requirements.txt, l’interpréteur ou le chemin du
# dépôt change. Un fichier .pth y met scripts/ sur sys.path : l’extension Markdown `edition`
# (scripts/edition/) est ainsi importable par mkdocs. Les paquets système sont listés dans
# apt-packages.txt ; `make test` et `make build` vérifient d’abord qu’ils sont là
# (scripts/prerequisites.py).

SHELL       := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS   += --no-print-directory

PYTHON ?= python3
ADDR   ?= 127.0.0.1:8000
PYTEST_ARGS ?=
T      ?= tests/
# The full run in two processes (pytest-xdist; each test file stays in one of them): the
# browser tests spend much of their time waiting on Chromium. Chosen tests (T=…) run in one.
JOBS   ?= $(if $(filter tests tests/,$(strip $(T))),2,0)

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

## Affiche cette liste des cibles
help:
	@echo "Cibles (make CIBLE) :"
	@awk '/^## /{d[++n] = substr($$0, 4); next} \
	     /^[a-z][a-z-]*:/ && n {sub(/:.*/, ""); printf "  %-12s %s\n", $$0, d[1]; \
	                            for (i = 2; i <= n; i++) printf "  %-12s %s\n", "", d[i]} {n = 0}' \
	    $(firstword $(MAKEFILE_LIST))
	@echo "Variables : ADDR=hôte:port (serve, preview), T=tests à lancer et JOBS=processus (test), PYTEST_ARGS, BENCH_ARGS."

## Crée .venv à partir du verrou requirements.txt (fait de lui-même par les autres cibles)
venv: $(STAMP)

$(STAMP): requirements.txt
	@echo "==> création de .venv à partir de requirements.txt (empreintes vérifiées)"
	@command -v $(PYTHON) >/dev/null || { echo "erreur : $(PYTHON) introuvable (PYTHON=... pour en choisir un autre)" >&2; exit 1; }
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
	@echo "==> .venv prêt : $$("$(VPY)" -c 'import mkdocs, material; print("mkdocs", mkdocs.__version__, "+ material", material.__version__)')"

## Construit et sert le site sur http://127.0.0.1:8000/ (ADDR=hôte:port pour changer),
## rechargé à chaque modification ; un port déjà pris est signalé tout de suite
serve:
	@$(PYTHON) scripts/serve.py --verifier $(ADDR)
	@$(MAKE) -s venv
	@"$(VPY)" scripts/serve.py $(ADDR)

## Construit toute l’édition dans site/ : vérification du contenu, MkDocs strict, puis les
## étapes de scripts/build.py (recherche, citations, images d’aperçu, PDF, copie hors ligne,
## en-têtes)
build:
	@$(PYTHON) scripts/prerequisites.py build
	@$(MAKE) -s venv
	"$(VPY)" scripts/build.py --site site

## make build, puis sert site/ tel quel sur http://127.0.0.1:8000/ (ADDR=hôte:port)
preview:
	@$(PYTHON) scripts/serve.py --verifier=preview $(ADDR)
	@$(MAKE) build
	@echo "==> site/ servi sur http://$(ADDR)/ (Ctrl-C pour arrêter)"
	"$(VPY)" -m http.server --bind $(firstword $(subst :, ,$(ADDR))) --directory site $(lastword $(subst :, ,$(ADDR)))

## Captures des pages principales (téléphone et ordinateur, clair et sombre) dans screenshots/
screenshots: build
	"$(VPY)" scripts/screenshots.py site

## Lance tous les tests, comme la CI ; T=tests/test_x.py pour un seul fichier (ou
## T=tests/test_x.py::test_y), qui ne construit que ce dont ce fichier a besoin ; JOBS=1 pour
## la suite entière en un seul processus
test:
	@$(PYTHON) scripts/prerequisites.py test
	@$(MAKE) -s venv
	@rc=0; "$(VPY)" -m pytest -q $(if $(filter-out 0 1,$(JOBS)),-n $(JOBS) --dist loadfile) \
	    $(T) $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "erreur : pytest n’a trouvé aucun test dans $(T)" >&2; exit 1; fi; \
	exit $$rc

# Benchmark: prints figures, never fails on timing. Lighthouse comes from node_modules/
# (npm ci: no install scripts, no browser download; it drives /usr/bin/chromium).
BENCH_ARGS ?=
## Mesures (durée de construction, rechargement de make serve, poids des pages, montée en
## charge, Lighthouse) : affiche les chiffres, n’échoue jamais sur un temps
bench: venv node_modules/.package-lock.json
	"$(VPY)" scripts/bench.py $(BENCH_ARGS)

## make bench sans le corpus de 1 000 pages ni Lighthouse
bench-quick: venv
	"$(VPY)" scripts/bench.py --quick $(BENCH_ARGS)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

## Vérifie le contenu seul, sans rien construire : une ligne par problème (fichier:ligne)
check: venv
	"$(VPY)" -m edition.check docs

# Regenerate the lock from PyPI itself (not this machine's extra indexes or find-links),
# with pip-tools in a throwaway venv.
## Refait le verrou requirements.txt à partir de requirements.in (demande l’accès à PyPI)
lock:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/v"; \
	"$$tmp/v/bin/pip" install --quiet --disable-pip-version-check pip-tools; \
	env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	    "$$tmp/v/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras \
	    --no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple \
	    --output-file requirements.txt requirements.in
	@echo "==> requirements.txt mis à jour"

## Efface ce que les constructions ont produit (site/, site-mkdocs/, caches)
clean:
	rm -rf site site-mkdocs .pytest_cache
	find . -path ./.venv -prune -o -path ./.git -prune -o -type d -name __pycache__ -print0 | xargs -0 rm -rf

## make clean, et efface aussi .venv
distclean: clean
	rm -rf .venv
