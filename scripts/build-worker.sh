#!/usr/bin/env bash
# Builds the Worker (edge/) with worker-build, using local tools only.
#   build-worker.sh         the real Worker, into edge/build/ (what `make dev`, `make bench`
#                           and deployments serve: no test switches compiled in)
#   BORDERPASS_WORKER_FEATURES=test-hooks build-worker.sh
#                           the test Worker, into edge/build-test/ (scripts/test-worker-args.sh
#                           starts it): the Cargo features are passed to `cargo build`
# Both share Cargo's target directory: switching rebuilds only the edge crate itself.
source "$(dirname "$0")/env.sh"
cd "$ROOT/edge"
features="${BORDERPASS_WORKER_FEATURES:-}"
if [ -n "$features" ]; then
  log "building the test Worker (features: $features) into edge/build-test/"
  # worker-build passes what follows its own options to `cargo build`.
  worker-build --release --out-dir build-test --features "$features"
else
  log "building the Worker"
  worker-build --release
fi
