#!/usr/bin/env bash
# Applies the D1 migrations to the local database and loads the demo data (both idempotent).
# Usage: db.sh [--persist-to DIR]
source "$(dirname "$0")/env.sh"
cd "$ROOT"
persist=()
if [ "${1:-}" = "--persist-to" ]; then persist=(--persist-to "$2"); fi
log "applying D1 migrations (local)"
CI=true wrangler d1 migrations apply DB --local "${persist[@]}" >/dev/null
log "loading demo data"
for seed in edge/seed/demo.sql edge/seed/demo-accounts.sql; do
  wrangler d1 execute DB --local "${persist[@]}" --file "$seed" >/dev/null
done
