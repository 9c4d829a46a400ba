# Pelican-quickstart shape: variables on top, `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
OUTPUTDIR ?= output
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The fast tier: unit tests of every module; no browser, no full-site build, no stress test.
FAST_TESTS = -m "not browser and not build and not slow"
# make serve DRAFTS=1 builds content/_drafts/ too (pelicanconf.py reads it from the environment).
DRAFTS ?=
export DRAFTS
JEKYLL ?=

help:
	@echo 'make serve       install everything, build, serve at http://$(HOST):$(PORT)/ with live reload'
	@echo 'make devserver   the same as make serve'
	@echo 'make html        install what the build needs and build the site into $(OUTPUTDIR)/'
	@echo 'make figures     regenerate every figure (python -m figures)'
	@echo 'make notebooks   run the notebooks whose code changed and freeze their outputs (build/freeze/)'
	@echo 'make publish     build for publishing with publishconf.py'
	@echo 'make check       the edit-and-check loop: unit tests only (no browser, no site build; under a minute)'
	@echo 'make test        install what the tests need (Chromium and nginx included) and run every test'
	@echo 'make bench       measure page weight, Lighthouse scores and build times; write docs/performance.md'
	@echo 'make lint        ruff format --check and ruff check'
	@echo 'make clean       remove the output folder and the build cache'
	@echo 'make import JEKYLL=path/to/site   move a Jekyll blog into content/ (posts, drafts, includes, assets)'

# Set-up is incremental: each stamp is redone only when its lock file changes.
$(BIN)/.site-deps: pyproject.toml requirements.lock
	bash tools/setup.sh site
	@touch $@

$(BIN)/.test-deps: $(BIN)/.site-deps requirements-test.lock
	bash tools/setup.sh test
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# npm ci also runs package.json's postinstall: it bundles plotly.js (core + heatmap).
install: $(BIN)/.site-deps node_modules/.installed

# Chromium draws changed Mermaid diagrams (plugins/mermaid/render.py) and figures' static
# pictures (kaleido), so every target that builds makes sure it is there.
chromium:
	bash tools/setup.sh chromium

html: install chromium
	$(BIN)/python -m tools.build --output $(OUTPUTDIR)

figures: install chromium
	$(BIN)/python -m figures

notebooks: install
	$(BIN)/python -m tools.notebooks

serve: html
	$(BIN)/python -m tools.serve --host $(HOST) --port $(PORT) --output $(OUTPUTDIR)

devserver: serve

publish: install chromium
	$(BIN)/python -m tools.build --settings publishconf.py --output $(OUTPUTDIR)

# No Chromium: nothing in this tier starts a browser (tests/conftest.py marks any that would).
check: install $(BIN)/.test-deps
	$(BIN)/python -m pytest $(FAST_TESTS) $(PYTEST_ARGS)

test: install chromium $(BIN)/.test-deps
	bash tools/setup.sh nginx
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install chromium $(BIN)/.test-deps
	bash tools/setup.sh nginx
	$(BIN)/python -m tools.bench --write docs/performance.md

lint: $(BIN)/.test-deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

import: $(BIN)/.site-deps
	@test -n "$(JEKYLL)" || { echo 'usage: make import JEKYLL=path/to/jekyll-site'; exit 2; }
	$(BIN)/python -m tools.import_jekyll "$(JEKYLL)"

clean:
	rm -rf $(OUTPUTDIR) $(OUTPUTDIR).previous $(dir $(OUTPUTDIR)).$(notdir $(OUTPUTDIR)).spare build/cache

.PHONY: help install chromium html figures notebooks serve devserver publish check test bench lint clean import
