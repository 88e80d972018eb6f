#!/usr/bin/env bash
# `make bench`: builds release, starts the Worker on a fresh state, measures, writes
# bench/results.json and bench/results.md. Then the province sync (bench/province.mjs): a second
# Worker on fresh state, configured with the province simulator's address and secrets, and the
# simulator beside it; its figures are merged into the same files.
#   bench.sh            everything
#   bench.sh province   only the province sync (keeps the other figures of bench/results.json)
#   bench.sh resident   only the border resident's scan to recorded crossing (same)
source "$(dirname "$0")/env.sh"
cd "$ROOT"
only="${1:-all}"
case "$only" in all | province | resident) ;; *) echo "usage: bench.sh [province|resident]" >&2; exit 2 ;; esac
bash scripts/setup.sh test
bash scripts/build-app.sh
bash scripts/build-worker.sh
port="${BORDERPASS_BENCH_PORT:-8798}"
province_port="${BORDERPASS_BENCH_PROVINCE_PORT:-$((port + 1000))}"
mkdir -p .wrangler
states=()
cleanup() {
  bash scripts/worker.sh stop "$port"
  bash scripts/province-sim.sh stop "$province_port"
  rm -rf "${states[@]}"
}
trap cleanup EXIT
# The local SMS double (the bench signs accounts up with one-time codes, as the tests do).
worker_vars=(--var SMS_ADAPTER:local)

if [ "$only" = all ]; then
  # Signing and verifying a pass natively (release profile, opt-level 3, not the app's size
  # profile), before the Worker starts so that it competes with less. One JSON line.
  log "timing pass signing and verification (native, release)"
  pass_bench="$(cargo run --release --quiet -p borderpass-shared --example pass_bench | tail -n 1)"
  state="$(mktemp -d "$ROOT/.wrangler/bench-state.XXXXXX")"
  states+=("$state")
  bash scripts/db.sh --persist-to "$state"
  # Without the province's settings: the pusher does nothing while these figures are taken.
  bash scripts/worker.sh start "$port" "$state" "${worker_vars[@]}"
  log "measuring"
  BORDERPASS_URL="http://127.0.0.1:$port" BORDERPASS_PASS_BENCH="$pass_bench" \
    BORDERPASS_BENCH_STATE="$state" node bench/bench.mjs
  bash scripts/worker.sh stop "$port"
fi

if [ "$only" = resident ]; then
  state="$(mktemp -d "$ROOT/.wrangler/bench-state.XXXXXX")"
  states+=("$state")
  bash scripts/db.sh --persist-to "$state"
  bash scripts/worker.sh start "$port" "$state" "${worker_vars[@]}"
  log "measuring a border resident's crossing, scan to recorded"
  BORDERPASS_URL="http://127.0.0.1:$port" node bench/resident.mjs
  exit 0
fi

# The province sync: the simulator and a Worker that pushes to it, both on fresh state, with the
# secrets of .dev.vars (scripts/setup.sh writes them; wrangler reads that file too).
secret() { sed -n "s/^$1=//p" .dev.vars | head -n 1; }
PROVINCE_PUSH_SECRET="$(secret PROVINCE_PUSH_SECRET)"
PROVINCE_CALLBACK_SECRET="$(secret PROVINCE_CALLBACK_SECRET)"
if [ -z "$PROVINCE_PUSH_SECRET" ] || [ -z "$PROVINCE_CALLBACK_SECRET" ]; then
  echo "bench: .dev.vars lacks the province secrets (run scripts/setup.sh)" >&2
  exit 1
fi
export PROVINCE_PUSH_SECRET PROVINCE_CALLBACK_SECRET
province_state="$(mktemp -d "$ROOT/.wrangler/bench-province-state.XXXXXX")"
states+=("$province_state")
bash scripts/db.sh --persist-to "$province_state"
bash scripts/province-sim.sh start "$province_port" "$province_state/province-sim" "http://127.0.0.1:$port"
bash scripts/worker.sh start "$port" "$province_state" "${worker_vars[@]}" \
  --var "PROVINCE_URL:http://127.0.0.1:$province_port" \
  --var "PROVINCE_PUSH_SECRET:$PROVINCE_PUSH_SECRET" \
  --var "PROVINCE_CALLBACK_SECRET:$PROVINCE_CALLBACK_SECRET"
log "measuring the province sync"
BORDERPASS_URL="http://127.0.0.1:$port" BORDERPASS_PROVINCE_URL="http://127.0.0.1:$province_port" \
  node bench/province.mjs
log "wrote bench/results.json and bench/results.md"
