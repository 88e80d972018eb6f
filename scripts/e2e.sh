#!/usr/bin/env bash
# Runs some runtime/browser test files against a freshly built Worker on its own port and
# state, the way `make test` does (without the lints and unit tests). For working on one area:
#   scripts/e2e.sh e2e/api/trips.test.mjs e2e/browser/trips.test.mjs
# BORDERPASS_TEST_PORT picks the port (default 8799); SKIP_BUILD=1 reuses dist/ and the Worker
# builds. The test Worker (with the test switches) is built into edge/build-test/; the real one
# (edge/build/) only when e2e/api/test-switches.test.mjs is among the files, which checks it.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
[ "$#" -gt 0 ] || set -- e2e/api/*.test.mjs e2e/browser/*.test.mjs
source scripts/test-worker-args.sh
if [ "${SKIP_BUILD:-}" != 1 ]; then
  bash scripts/build-app.sh
  case " $* " in
    *test-switches*) bash scripts/build-worker.sh ;;
  esac
  BORDERPASS_WORKER_FEATURES="$test_worker_features" bash scripts/build-worker.sh
fi
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
# The province's side of the sync: the simulator, on its own port and state.
bash scripts/province-sim.sh start "$BORDERPASS_PROVINCE_PORT" "$state/province-sim" "http://127.0.0.1:$port"
bash scripts/worker.sh start "$port" "$state" "${worker_args[@]}"
export BORDERPASS_URL="http://127.0.0.1:$port" BORDERPASS_STATE="$state" BORDERPASS_PORT="$port"
export BORDERPASS_WORKER_ARGS="${worker_args[*]}"
export BORDERPASS_PLAIN_WORKER_ARGS="${plain_worker_args[*]}"
node --test --test-concurrency=1 --test-reporter=spec "$@"
