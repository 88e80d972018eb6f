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
log "BorderPass at http://127.0.0.1:$port  (Ctrl-C stops it; cron: GET /__scheduled)"
log "one-time codes (sign-up, new device, forgotten password) go to the local SMS inbox: http://127.0.0.1:$port/dev/sms"
# SMS_ADAPTER=local: the local SMS double, set only here and by the tests (never in wrangler.toml).
exec wrangler dev --local --ip 127.0.0.1 --port "$port" --persist-to .wrangler/state \
  --test-scheduled --show-interactive-dev-session=false --var SMS_ADAPTER:local
