# Lieux de liens — every command a developer or CI needs. `make` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= var/lieux.sqlite3
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx

.DEFAULT_GOAL := help
.PHONY: help run test test-dates test-dates-all screenshots explore lint fix bench browser messages test-assets clean lock

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

# Installs come from the lock files (exact versions, sha256 of every file); pyproject.toml keeps
# the ranges they are resolved from (`make lock`), and the package itself goes in without deps.
LOCK_RUNTIME := requirements/runtime.txt
LOCK_TEST := requirements/test.txt
UV_VERSION := 0.13.9
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --upgrade --generate-hashes --universal --python-version 3.11

$(BIN)/lieux: pyproject.toml $(LOCK_RUNTIME)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r $(LOCK_RUNTIME)
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/lieux $(LOCK_TEST)
	$(BIN)/pip install -q --require-hashes -r $(LOCK_TEST)
	@touch $@

lock: $(BIN)/lieux ## re-resolve requirements/*.txt (runtime; runtime + test) from pyproject.toml's ranges, with hashes
	$(BIN)/pip install -q uv==$(UV_VERSION)
	$(UV_COMPILE) -o $(LOCK_RUNTIME)
	$(UV_COMPILE) --extra test -o $(LOCK_TEST)

run: $(BIN)/lieux ## set up ./var/lieux.sqlite3 (real lieux + demo data) and serve on http://127.0.0.1:8000
	@mkdir -p $(dir $(DB))
	$(BIN)/lieux init --db $(DB)
	$(BIN)/lieux seed --demo --db $(DB)
	$(BIN)/lieux serve --db $(DB) --host $(HOST) --port $(PORT)

browser: ## install Debian's Chromium, faketime and nginx for the tests (needs root)
	@test -x $(CHROMIUM) && command -v faketime >/dev/null && test -x $(NGINX) || \
		{ apt-get update -qq && apt-get install -y -qq chromium faketime nginx; }

# axe-core for the accessibility checks of the browser tests, from the npm registry, pinned and
# checked against its published integrity; pytest itself never downloads anything.
AXE_VERSION := 4.14.1
AXE_INTEGRITY := sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
AXE := var/test-assets/axe-core-$(AXE_VERSION).min.js

$(AXE):
	@mkdir -p $(dir $@)
	cd $(dir $@) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null
	test "$$($(PYTHON) -c 'import base64,hashlib,sys; print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' $(dir $@)axe-core-$(AXE_VERSION).tgz)" = "$(AXE_INTEGRITY)"
	tar -xzOf $(dir $@)axe-core-$(AXE_VERSION).tgz package/axe.min.js > $@.tmp && mv $@.tmp $@
	rm $(dir $@)axe-core-$(AXE_VERSION).tgz

# ical.js, the parser of Thunderbird, to read our feeds as that client does (its UMD build).
ICALJS_VERSION := 2.2.1
ICALJS_INTEGRITY := sha512-yK/UlPbEs316igb/tjRgbFA8ZV75rCsBJp/hWOatpyaPNlgw0dGDmU+FoicOcwX4xXkeXOkYiOmCqNPFpNPkQg==
ICALJS := var/test-assets/ical.js-$(ICALJS_VERSION).min.js

$(ICALJS):
	@mkdir -p $(dir $@)
	cd $(dir $@) && npm pack --silent ical.js@$(ICALJS_VERSION) >/dev/null
	test "$$($(PYTHON) -c 'import base64,hashlib,sys; print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' $(dir $@)ical.js-$(ICALJS_VERSION).tgz)" = "$(ICALJS_INTEGRITY)"
	tar -xzOf $(dir $@)ical.js-$(ICALJS_VERSION).tgz package/dist/ical.es5.min.cjs > $@.tmp && mv $@.tmp $@
	rm $(dir $@)ical.js-$(ICALJS_VERSION).tgz

# opening_hours.js, OpenStreetMap's reference evaluator, to read our OSM export as OSM tools do
# (run with node by tests/hours/osm_js.py). Its CommonJS build requires one package, suncalc
# (for sunrise/sunset; i18next is only used by its site/ code): both go into one folder laid out
# as node resolves `require('suncalc')`.
OHJS_VERSION := 3.15.0
OHJS_INTEGRITY := sha512-gSPN1YSLCcS4H4YL3Pc/0QRgoafuIhasQ44bM0U+62TABoEyIEeP9AuAIGSGHd9AWycq1eBwxbNfgkiCpx8bCQ==
SUNCALC_VERSION := 2.0.2
SUNCALC_INTEGRITY := sha512-cedP91TuhxggoERke/jLkUVr/VMUifEMz1OkxfBZezvOFQdk8LSe9CFv7/Ov0Frn2tc2YUs+44oSrXeNEyTyGQ==
OHJS_DIR := var/test-assets/opening_hours-$(OHJS_VERSION)
OHJS := $(OHJS_DIR)/opening_hours.js
SUNCALC := $(OHJS_DIR)/node_modules/suncalc/suncalc.cjs

$(OHJS):
	@mkdir -p $(dir $@)
	cd $(dir $@) && npm pack --silent opening_hours@$(OHJS_VERSION) >/dev/null
	test "$$($(PYTHON) -c 'import base64,hashlib,sys; print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' $(dir $@)opening_hours-$(OHJS_VERSION).tgz)" = "$(OHJS_INTEGRITY)"
	tar -xzOf $(dir $@)opening_hours-$(OHJS_VERSION).tgz package/build/opening_hours.js > $@.tmp && mv $@.tmp $@
	rm $(dir $@)opening_hours-$(OHJS_VERSION).tgz

$(SUNCALC):
	@mkdir -p $(dir $@)
	cd $(dir $@) && npm pack --silent suncalc@$(SUNCALC_VERSION) >/dev/null
	test "$$($(PYTHON) -c 'import base64,hashlib,sys; print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' $(dir $@)suncalc-$(SUNCALC_VERSION).tgz)" = "$(SUNCALC_INTEGRITY)"
	tar -xzOf $(dir $@)suncalc-$(SUNCALC_VERSION).tgz package/package.json > $(dir $@)package.json
	tar -xzOf $(dir $@)suncalc-$(SUNCALC_VERSION).tgz package/suncalc.cjs > $@.tmp && mv $@.tmp $@
	rm $(dir $@)suncalc-$(SUNCALC_VERSION).tgz

test-assets: $(AXE) $(ICALJS) $(OHJS) $(SUNCALC) ## fetch the test-only npm assets (axe-core, ical.js, opening_hours.js) into var/test-assets

# pytest-xdist processes. Most of the suite waits (on the servers, browsers and nginx it starts):
# two workers kept 104% of one core busy over the run, three use the 2-core machine's both.
# `worksteal` lets an idle worker take tests queued for a busy one (a few last close to a minute;
# by file, `loadfile`, four workers ended later than two by module: the big files came last).
TEST_WORKERS ?= 3
# The test runs keep Python's bytecode cache (__pycache__, git-ignored) even where the shell
# says not to write it: otherwise every pytest worker, and every `lieux` the tests start,
# compiles the sources again (half of what collecting the suite costs).
test test-dates test-dates-all explore: export PYTHONDONTWRITEBYTECODE :=

# pytest rewrites the asserts of each test module it imports and caches the result in
# __pycache__: in a fresh clone every worker would rewrite all of them at once (a collection
# takes 14 s of CPU without that cache, 5 s with it). One collection fills it (and compiles
# lieux/) while the npm assets download and ruff runs; its output is not needed (the suite's
# own run reports any error), only the cache.
test: $(VENV)/.test-deps browser ## install test dependencies, lint, run the whole suite, then the tests that read the clock with it moved
	@$(BIN)/pytest --collect-only -q -p no:xdist >/dev/null 2>&1 & primed=$$!; \
	$(MAKE) --no-print-directory test-assets lint; status=$$?; wait $$primed; exit $$status
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal
	$(MAKE) --no-print-directory test-dates

# What the browser tests show, as PNGs for people to look at after changing a page or an embed
# (tests/screenshots.py); `make test` does not take them.
screenshots: $(VENV)/.test-deps browser test-assets ## the browser tests, saving what each page and embed looks like to var/screenshots/
	LIEUX_SCREENSHOTS=1 $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal -m browser

# Instants (Europe/Brussels) where date bugs live: the Saturday evening before the clocks go
# forward, the Sunday morning they go back (inside the repeated hour), New Year's Eve and a leap
# day. faketime moves the clock by an offset (an absolute `@date` breaks time.sleep), for the
# servers the tests start too. The browser tests are left out: Chromium does not run under it.
# Only the tests that can read the machine's clock (marker real_clock: they start `lieux` or run
# its CLI; every other test pins "now", and a tripwire fails it if it reads the clock) can see
# the moved clock: `test-dates` runs those, but the ones marked any_day (they start `lieux` to
# check signals, worker processes, proxies, arguments or input caps, nothing a date changes);
# `test-dates-all` runs every test (docs/testing.md).
MOVED_CLOCKS := 2027-03-27T21:30 2027-10-31T02:15+02:00 2026-12-31T23:30 2028-02-29T09:00
OFFSET_TO = $(BIN)/python -c 'import sys, datetime as d, zoneinfo as z; \
	at = d.datetime.fromisoformat(sys.argv[1]); \
	at = at if at.tzinfo else at.replace(tzinfo=z.ZoneInfo("Europe/Brussels")); \
	print(f"{round((at - d.datetime.now(d.UTC)).total_seconds()):+d}")'

DATES_MARKERS ?= real_clock and not any_day and not browser and not proxy

# The files holding such tests are found once; the moved clocks then run side by side, one
# pytest process each (those tests mostly wait on the processes they start: three side by side
# took 40 s, then the fourth alone 27 s more), and each run's output is shown when all are done.
test-dates: $(VENV)/.test-deps browser test-assets ## the tests that read the real clock, with the clock moved to each of MOVED_CLOCKS
	@runs=$$(mktemp -d) && $(BIN)/pytest --collect-only -q -p no:xdist -m "$(DATES_MARKERS)" \
		> $$runs/selected || { cat $$runs/selected; rm -rf $$runs; exit 1; }; \
	files=$$(sed -n 's/::.*//p' $$runs/selected | sort -u); \
	test -n "$$files" || { echo "no test selected by -m \"$(DATES_MARKERS)\""; rm -rf $$runs; exit 1; }; \
	for at in $(MOVED_CLOCKS); do \
		offset=$$($(OFFSET_TO) $$at) || { wait; rm -rf $$runs; exit 1; }; \
		echo "faketime $$offset s" > $$runs/$$at.log; \
		{ faketime -f "$$offset" $(BIN)/pytest -q -p no:xdist -m "$(DATES_MARKERS)" $$files \
			>> $$runs/$$at.log 2>&1; echo $$? > $$runs/$$at.status; } & \
	done; \
	wait; failed=0; \
	for at in $(MOVED_CLOCKS); do \
		echo "== the clock moved to $$at ($$(head -n 1 $$runs/$$at.log))"; \
		if [ "$$(cat $$runs/$$at.status)" = 0 ]; then tail -n 1 $$runs/$$at.log; \
		else tail -n +2 $$runs/$$at.log; failed=1; fi; \
	done; \
	rm -rf $$runs; exit $$failed

test-dates-all: ## every test but the browser and proxy ones, with the clock moved to each of MOVED_CLOCKS
	@$(MAKE) --no-print-directory test-dates DATES_MARKERS="not browser and not proxy"

explore: $(VENV)/.test-deps test-assets ## the property tests with new random examples, many more than the suite's
	HYPOTHESIS_PROFILE=explore $(BIN)/pytest -n $(TEST_WORKERS) tests/hours/test_osm.py tests/hours/test_osm_js.py -k agree

lint: $(VENV)/.test-deps ## ruff check + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fix: $(VENV)/.test-deps ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.test-deps ## measure the hot paths against /healthz on a real server
	$(BIN)/python -m bench

# fr/nl/en cover every page (babel.cfg); ar, es, pt, ro, tr, uk the public side only
# (babel-public.cfg, docs/translating.md). A new catalogue starts from public.pot with empty
# translations, which fall back to the French source string by string; `update` keeps what
# translators wrote, adds new strings empty and drops the ones no longer in the source.
PUBLIC_LANGS := ar es pt ro tr uk
PUBLIC_HEADER := '\# The public side of Lieux de liens: pages, widgets, feeds, poster, guide.' \
	'\# These translations need review by a native speaker: TRANSLATORS.md' \
	'\# says who reviewed which language. Keep every placeholder, %(name)s or' \
	'\# {name}, as it is. An empty msgstr shows the French text.' \
	'\# How to contribute: docs/translating.md.'
# Babel takes Spanish and Portuguese plurals from CLDR, with a form for round millions in the
# middle ("1 millón de"); gettext's two forms are what Poedit and Weblate expect (Portuguese as
# in Portugal: 0 is plural). A new catalogue gets them; `update` keeps a catalogue's header.
TWO_PLURALS = $(BIN)/python -c 'import sys; from babel.messages.pofile import read_po, write_po; \
	path = sys.argv[1]; catalog = read_po(open(path, "rb")); \
	catalog.mime_headers = [(k, "nplurals=2; plural=(n != 1);" if k == "Plural-Forms" else v) for k, v in catalog.mime_headers]; \
	write_po(open(path, "wb"), catalog, width=76, omit_header=False)'
EXTRACT = $(BIN)/pybabel extract -k _ -k gettext -k ngettext:1,2 --no-location --sort-output --project "Lieux de liens"

messages: $(VENV)/.test-deps ## extract the French strings; update nl/en (every page) and ar/es/pt/ro/tr/uk (the public side)
	$(EXTRACT) -F babel.cfg -o lieux/translations/messages.pot .
	for lang in nl en; do $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -l $$lang -i lieux/translations/messages.pot -d lieux/translations; done
	$(EXTRACT) -F babel-public.cfg --header-comment "$$(printf '%s\n' $(PUBLIC_HEADER))" -o lieux/translations/public.pot .
	for lang in $(PUBLIC_LANGS); do po=lieux/translations/$$lang/LC_MESSAGES/messages.po; \
		if [ -f $$po ]; then \
			$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -l $$lang -i lieux/translations/public.pot -d lieux/translations || exit 1; \
		else \
			$(BIN)/pybabel init -l $$lang -i lieux/translations/public.pot -d lieux/translations || exit 1; \
			case $$lang in es|pt) $(TWO_PLURALS) $$po || exit 1;; esac; \
		fi; \
	done

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) var
