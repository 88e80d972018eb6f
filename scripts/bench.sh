#!/usr/bin/env bash
# `make bench`: builds release, starts the Worker on a fresh state, measures, writes
# bench/results.json and bench/results.md.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/setup.sh test
bash scripts/build-app.sh
bash scripts/build-worker.sh
port="${BORDERPASS_BENCH_PORT:-8798}"
mkdir -p .wrangler
state="$(mktemp -d "$ROOT/.wrangler/bench-state.XXXXXX")"
cleanup() {
  bash scripts/worker.sh stop "$port"
  rm -rf "$state"
}
trap cleanup EXIT
bash scripts/db.sh --persist-to "$state"
bash scripts/worker.sh start "$port" "$state"
log "measuring"
BORDERPASS_URL="http://127.0.0.1:$port" node bench/bench.mjs
log "wrote bench/results.json and bench/results.md"
