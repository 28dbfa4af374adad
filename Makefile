# One target per chore; CI runs the same targets (see .ci/run).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-fast lint typecheck format validate setup dev-setup clean basemap glyphs screenshot browser bench \
	mutation tracks firs java parity bench-engines nginx cluster cluster-test bench-load plotly-map axe

# The virtualenv is rebuilt whenever a requirements file changes.
$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt $(VENV)/cff/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# cffconvert (CITATION.cff validation) needs an older jsonschema than the tests: its own venv.
$(VENV)/cff/.installed: requirements-cff.txt
	test -x $(VENV)/cff/bin/python || $(PYTHON) -m venv $(VENV)/cff
	$(VENV)/cff/bin/python -m pip install --quiet -r requirements-cff.txt
	touch $@

$(VENV)/.installed-mutation: $(VENV)/.installed-dev requirements-mutation.txt
	$(PY) -m pip install --quiet -r requirements-mutation.txt
	touch $@

setup: $(VENV)/.installed
dev-setup: $(VENV)/.installed-dev

run: setup
	$(PY) -m components.serve --server.port $(PORT)

lint: dev-setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# incidents/ strictly, components/ and app.py in mypy's default mode (pyproject.toml).
typecheck: dev-setup
	$(PY) -m mypy

format: dev-setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

validate: setup
	$(PY) -m incidents validate

# axe-core (the browser suite's accessibility checker) from npm at the version pinned in
# package-lock.json; the tests inject it from node_modules, so they never fetch it at run time.
node_modules/.axe-installed: package.json package-lock.json
	command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm; }
	npm ci --silent --no-audit --no-fund
	touch $@

axe: node_modules/.axe-installed

# Two workers, one test file each at a time, so a browser suite keeps its one app server.
test: dev-setup axe lint typecheck
	$(PY) -m pytest -n 2 --dist loadfile --ignore=tests/cluster

# The inner loop: everything but the browser suite.
test-fast: dev-setup lint typecheck
	$(PY) -m pytest -n 2 --dist loadfile --ignore=tests/e2e --ignore=tests/cluster

# Mutation testing of the pure core (view, filters, model, export, flat; [tool.mutmut] in
# pyproject.toml) against the unit tests. Not part of `make test`: a full run takes long.
# Resumes where it stopped; `rm -rf mutants` starts afresh. Lists the survivors at the end.
MUTATION_CHILDREN ?= 2
mutation: $(VENV)/.installed-mutation
	$(VENV)/bin/mutmut run --max-children $(MUTATION_CHILDREN)
	$(VENV)/bin/mutmut results

# The query engine on Apache Spark: pyspark (requirements-spark.txt) with Debian's Java runtime.
$(VENV)/.installed-spark: $(VENV)/.installed-dev requirements-spark.txt
	$(PY) -m pip install --quiet -r requirements-spark.txt
	touch $@

java:
	command -v java >/dev/null || { apt-get update -qq && apt-get install -y -qq default-jre-headless; }

# Every filter keeps the same ids on DuckDB, on Spark (local mode) and by brute force, on the
# fixture data and on Hypothesis views (tests/parity). Spark starts in about a minute on two
# cores, so this is a target of its own, run by CI after `make test`.
parity: java $(VENV)/.installed-spark
	ATLAS_SPARK=1 $(PY) -m pytest -q -p no:cacheprovider tests/parity tests/unit/test_engine.py

# Debian's Chromium for the browser tests (never a downloaded browser); needs root.
browser:
	command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

# Debian's nginx for the replicas' balancer (make cluster, make cluster-test); needs root.
# Only the binary is used: the Debian service is never started (deploy/cluster.py runs its own).
nginx:
	command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx; }

# N replicas of the dashboard on localhost ports (from CLUSTER_FIRST_PORT; 0: any free ones) behind nginx with sticky sessions, in the
# foreground (Ctrl-C stops all); the generated nginx.conf, pid, logs and temp files are in
# CLUSTER_DIR (docs/architecture.md, "Replicas behind a balancer").
REPLICAS ?= 3
CLUSTER_PORT ?= 8080
CLUSTER_FIRST_PORT ?= 8501
CLUSTER_DIR ?= tmp/cluster
cluster: setup nginx
	$(PY) -m deploy.cluster --replicas $(REPLICAS) --port $(CLUSTER_PORT) --first-port $(CLUSTER_FIRST_PORT) --run-dir $(CLUSTER_DIR)

# The cluster smoke test: 2 replicas + nginx, one journey, one replica killed (CI runs it).
cluster-test: dev-setup nginx browser
	$(PY) -m pytest -q -p no:cacheprovider tests/cluster

# 50 browser sessions against 1, 2 and 3 replicas; writes its section of bench/results.md.
bench-load: dev-setup nginx browser
	$(PY) -m bench.load

# Performance at 1k-1M synthetic incidents against the plain plotly-express page; writes
# bench/results.md. Takes several minutes (the 1M baseline alone is slow).
bench: dev-setup
	$(PY) -m bench.run

# The query engine (DuckDB) beside the in-memory pandas path at 1M and 10M synthetic rows, each
# in a fresh process, then the page on each file in Chromium; writes bench/engines.md. Long (10M
# rows are written and compiled once to /tmp); never in CI.
bench-engines: dev-setup
	$(PY) -m bench.engines run --sizes 1000000,10000000

# The README's screenshot, taken by the browser suite against the real app.
screenshot: dev-setup
	SCREENSHOT_PATH=docs/screenshot.png $(PY) -m pytest -q tests/e2e -k screenshot

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Rebuild the offline basemap (static/basemap) from Natural Earth via the world-atlas npm
# package, and its labels from Natural Earth's GeoJSON in NE_DIR (ne_10m_geography_marine_polys.json,
# ne_50m_populated_places.json) and the gazetteer; needs node and npm. The result is committed,
# so `make run` never needs this (docs/architecture.md, "Basemap").
BASEMAP_BUILD := .build/basemap
NE_DIR ?= .build/natural-earth
basemap: dev-setup
	mkdir -p $(BASEMAP_BUILD)/raw
	cd $(BASEMAP_BUILD) && npm install --silent --no-save world-atlas@2.0.2 topojson-client@3.1.0
	NODE_PATH=$(BASEMAP_BUILD)/node_modules node tools/build_basemap.mjs $(BASEMAP_BUILD)/node_modules/world-atlas $(BASEMAP_BUILD)/raw 50m
	$(PY) tools/fix_basemap.py $(BASEMAP_BUILD)/raw static/basemap
	cp $(BASEMAP_BUILD)/node_modules/world-atlas/LICENSE static/basemap/LICENSE-world-atlas

# Airspace layers converted from open datasets (incidents/layers/README.md). Each clones the
# source at the pinned commit into .build/ (or uses an existing clone there) and converts it;
# the result is committed, so `make run` never needs these. Set *_REPO to a local clone to
# work offline.
TRACKS_REPO ?= https://github.com/data-reporter/PLA_Path_Database
TRACKS_COMMIT ?= 6e5f1ee0e0b2d2c487d7c201aedc48bfb1800dcf
FIRS_REPO ?= https://github.com/vatsimnetwork/vatspy-data-project
FIRS_COMMIT ?= 9f8d09cbdf139063510823f82325ab79c740a4ca

tracks: setup
	test -d .build/pla || git clone --quiet $(TRACKS_REPO) .build/pla
	git -C .build/pla checkout --quiet $(TRACKS_COMMIT)
	$(PY) -m incidents layers tracks --source .build/pla -o incidents/layers/pla-tracks.geojson

firs: setup
	test -d .build/vatspy || git clone --quiet $(FIRS_REPO) .build/vatspy
	git -C .build/vatspy checkout --quiet $(FIRS_COMMIT)
	$(PY) -m incidents layers firs --source .build/vatspy -o incidents/layers/vatspy-firs.geojson
	$(PY) tools/build_labels.py $(NE_DIR) $(BASEMAP_BUILD)/raw/countries.geojson static/basemap/labels.geojson

# The labels' SDF glyphs (static/basemap/glyphs) from Noto Sans; needs Debian's fonts-noto-core.
NOTO_DIR ?= /usr/share/fonts/truetype/noto
glyphs: dev-setup
	test -f $(NOTO_DIR)/NotoSans-Regular.ttf || { apt-get update -qq && apt-get install -y -qq fonts-noto-core; }
	$(PY) tools/build_glyphs.py $(NOTO_DIR) static/basemap/glyphs
	cp /usr/share/doc/fonts-noto-core/copyright static/basemap/glyphs/LICENSE-noto

# The plotly.js partial bundle of the published views (static/vendor/plotly-map.min.js:
# scatter and the MapLibre map, 3.0 MB against 4.8 MB for the full bundle), taken from the npm
# release of the same plotly.js version the plotly package bundles. Committed, so `make run`
# never needs npm; without it the published views fall back to the full bundle.
PLOTLY_BUILD := .build/plotly
plotly-map: setup
	mkdir -p $(PLOTLY_BUILD)
	cd $(PLOTLY_BUILD) && npm pack --silent plotly.js@$$($(CURDIR)/$(PY) -c "from plotly.offline import get_plotlyjs_version as v; print(v())")
	tar -xzf $(PLOTLY_BUILD)/plotly.js-*.tgz -C $(PLOTLY_BUILD) package/dist/plotly-map.min.js package/LICENSE
	cp $(PLOTLY_BUILD)/package/dist/plotly-map.min.js static/vendor/plotly-map.min.js
	cp $(PLOTLY_BUILD)/package/LICENSE static/vendor/LICENSE-plotly.js
