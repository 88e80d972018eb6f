#!/usr/bin/env bash
# Builds the Worker (edge/) into edge/build/ with worker-build, using local tools only.
source "$(dirname "$0")/env.sh"
log "building the Worker"
cd "$ROOT/edge"
worker-build --release
