#!/usr/bin/env bash
# `make test`: set up, check, build, and run every test tier:
#   1. format and lints (native and wasm32), 2. native unit and property tests,
#   3. API tests against wrangler dev (workerd, local D1 and Durable Objects),
#   4. browser tests in Debian's Chromium (Playwright) against the same Worker,
#   5. API fuzzing from docs/openapi.json (scripts/api-fuzz.sh) against the same Worker.
# The Worker runs on its own port with a fresh state directory, and is stopped by PID at exit.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/setup.sh test

log "format"
cargo fmt --all --check
log "lints (native)"
cargo clippy --workspace --all-targets -- -D warnings
log "lints (wasm32)"
cargo clippy --workspace --target wasm32-unknown-unknown -- -D warnings

log "unit and property tests"
cargo test --workspace

bash scripts/build-app.sh
source scripts/test-worker-args.sh
# The real Worker (what `make dev` serves; e2e/api/test-switches.test.mjs checks that it ignores
# the test switches), then the test Worker with them (edge/build-test/).
bash scripts/build-worker.sh
BORDERPASS_WORKER_FEATURES="$test_worker_features" bash scripts/build-worker.sh

port="${BORDERPASS_TEST_PORT:-8799}"
mkdir -p .wrangler
state="$(mktemp -d "$ROOT/.wrangler/test-state.XXXXXX")"
cleanup() {
  bash scripts/worker.sh stop "$port"
  bash scripts/province-sim.sh stop "$BORDERPASS_PROVINCE_PORT"
  rm -rf "$state"
}
trap cleanup EXIT
bash scripts/db.sh --persist-to "$state"
log "starting wrangler dev on 127.0.0.1:$port"
# The province's side of the sync: the simulator, on its own port and state.
bash scripts/province-sim.sh start "$BORDERPASS_PROVINCE_PORT" "$state/province-sim" "http://127.0.0.1:$port"
bash scripts/worker.sh start "$port" "$state" "${worker_args[@]}"

export BORDERPASS_URL="http://127.0.0.1:$port"
export BORDERPASS_STATE="$state"
# What a test needs to restart the Worker the same way (e2e/lib/worker.mjs).
export BORDERPASS_PORT="$port"
export BORDERPASS_WORKER_ARGS="${worker_args[*]}"
export BORDERPASS_PLAIN_WORKER_ARGS="${plain_worker_args[*]}"
log "runtime and browser tests"
node --test --test-concurrency=1 --test-reporter=spec e2e/api/*.test.mjs e2e/browser/*.test.mjs
# Last, as it changes what every role may change (demo accounts included).
log "API fuzzing from docs/openapi.json (schemathesis)"
bash scripts/api-fuzz.sh quick
log "all tests passed"
