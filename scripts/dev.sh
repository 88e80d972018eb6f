#!/usr/bin/env bash
# `make dev`: set up, build, migrate and load demo data, then serve BorderPass on the real
# Workers runtime (wrangler dev: workerd with local D1 and Durable Objects under .wrangler/).
source "$(dirname "$0")/env.sh"
cd "$ROOT"
port="${PORT:-8787}"
bash scripts/setup.sh dev
bash scripts/build-app.sh
bash scripts/build-worker.sh
bash scripts/db.sh --persist-to .wrangler/state
# The province's side of the sync: its simulator, confirming each received trip's steps one by one
# (every 15 s) and calling the edge back, with the secrets of .dev.vars (scripts/setup.sh).
province_port="${PROVINCE_PORT:-9799}"
set -a
# shellcheck disable=SC1091
source .dev.vars
set +a
bash scripts/province-sim.sh start "$province_port" .wrangler/province-sim "http://127.0.0.1:$port" \
  --schedule-ms 15000
# wrangler dev runs no cron by itself: this loop calls the scheduled job each minute as
# Cloudflare's cron trigger would (the province push and the status pull; pushes also follow writes).
( while sleep 60; do curl -fsS "http://127.0.0.1:$port/__scheduled?cron=*/1+*+*+*+*" >/dev/null 2>&1 || true; done ) &
cron_pid=$!
# The demo driver's trip for today, through the real API once the Worker answers (its records
# flow to the simulator, whose confirmations fill the trip's timeline).
BORDERPASS_URL="http://127.0.0.1:$port" node scripts/demo-trip.mjs &
demo_pid=$!
# The demo resident's approved pass and a few crossings with goods over the past weeks, through
# the real API (the resident applies, the demo officer approves and records them).
BORDERPASS_URL="http://127.0.0.1:$port" node scripts/demo-resident.mjs &
demo_resident_pid=$!
trap 'kill "$cron_pid" "$demo_pid" "$demo_resident_pid" 2>/dev/null; bash scripts/province-sim.sh stop "$province_port"' EXIT
log "the province simulator at http://127.0.0.1:$province_port (what it received: /control/received)"
log "BorderPass at http://127.0.0.1:$port  (Ctrl-C stops it; cron: GET /__scheduled)"
log "one-time codes (sign-up, new device, forgotten password) go to the local SMS inbox: http://127.0.0.1:$port/dev/sms"
# SMS_ADAPTER=local: the local SMS double, set only here and by the tests (never in wrangler.toml).
wrangler dev --local --ip 127.0.0.1 --port "$port" --persist-to .wrangler/state \
  --test-scheduled --show-interactive-dev-session=false --var SMS_ADAPTER:local \
  --var "PROVINCE_URL:http://127.0.0.1:$province_port"
