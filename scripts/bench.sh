#!/usr/bin/env bash
# `make bench`: builds release, starts the Worker on a fresh state, measures, writes
# bench/results.json and bench/results.md.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/setup.sh test
bash scripts/build-app.sh
bash scripts/build-worker.sh
# Signing and verifying a pass natively (release profile, opt-level 3, not the app's size
# profile), before the Worker starts so that it competes with less. One JSON line.
log "timing pass signing and verification (native, release)"
pass_bench="$(cargo run --release --quiet -p borderpass-shared --example pass_bench | tail -n 1)"
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
BORDERPASS_URL="http://127.0.0.1:$port" BORDERPASS_PASS_BENCH="$pass_bench" \
  BORDERPASS_BENCH_STATE="$state" node bench/bench.mjs
log "wrote bench/results.json and bench/results.md"
