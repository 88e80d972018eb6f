# BorderPass: the two front-door commands (see README.md), plus benchmarks.
# Each installs what it needs first (scripts/setup.sh), so a fresh machine needs nothing else.

.PHONY: dev test bench fuzz build setup clean

dev:            ## set up, build, load demo data, serve at http://127.0.0.1:8787
	@bash scripts/dev.sh

test:           ## set up, build, run every test (unit, runtime, browser)
	@bash scripts/test.sh

bench:          ## set up, build release, measure; writes bench/results.json and bench/results.md
	@bash scripts/bench.sh

fuzz:           ## longer fuzzing: parsers (20x the cases, a random seed), the API (schemathesis, time-boxed)
	@bash scripts/fuzz.sh

build:          ## build the app (dist/) and the Worker (edge/build/)
	@bash scripts/setup.sh dev
	@bash scripts/build-app.sh
	@bash scripts/build-worker.sh

setup:
	@bash scripts/setup.sh test

clean:
	rm -rf dist edge/build edge/build-test .wrangler e2e/artifacts bench/results.json bench/results.md
