#!/usr/bin/env bash
# `make fuzz`: the fuzzing of `make test`, for longer and with fresh randomness.
#   1. parser fuzzing (shared/tests/parser_fuzz.rs): FUZZ_SCALE times the cases (default 20),
#      a random seed (FUZZ_SEED=<n> to repeat one); a failure is saved in
#      shared/tests/parser_fuzz.regressions (commit it with the fix).
#   2. API fuzzing (scripts/api-fuzz.sh long): FUZZ_EXAMPLES cases per operation (default 50)
#      and a random seed, against a freshly built Worker on its own port and state.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/setup.sh test

log "parser fuzzing (x${FUZZ_SCALE:-20}, seed ${FUZZ_SEED:-random})"
FUZZ_SCALE="${FUZZ_SCALE:-20}" FUZZ_SEED="${FUZZ_SEED:-random}" \
  cargo test -p borderpass-shared --test parser_fuzz

bash scripts/build-app.sh
bash scripts/build-worker.sh
port="${BORDERPASS_FUZZ_PORT:-8797}"
mkdir -p .wrangler
state="$(mktemp -d "$ROOT/.wrangler/fuzz-state.XXXXXX")"
cleanup() {
  bash scripts/worker.sh stop "$port"
  rm -rf "$state"
}
trap cleanup EXIT
bash scripts/db.sh --persist-to "$state"
source scripts/test-worker-args.sh
bash scripts/worker.sh start "$port" "$state" "${worker_args[@]}"
BORDERPASS_URL="http://127.0.0.1:$port" BORDERPASS_PORT="$port" bash scripts/api-fuzz.sh long
