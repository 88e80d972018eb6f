# Sourced by every script: one place for paths and tool locations.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# Cargo's build output lives outside the clone so that fresh clones (CI) reuse it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/borderpass/target}"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# No telemetry, no connections beyond 127.0.0.1 from wrangler.
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_LOG_PATH="$ROOT/.wrangler/logs"

# worker-build: use our pinned tools instead of downloading them from GitHub.
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-$HOME/.cache}"

# The wasm-bindgen version is the one Cargo.lock pins (the CLI must match it exactly).
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, "", $0); print; exit}' "$ROOT/Cargo.lock")"
export WASM_BINDGEN_VERSION
WORKER_BUILD_VERSION="0.8.7"
export WORKER_BUILD_VERSION
# API fuzzing (scripts/api-fuzz.sh): schemathesis from PyPI, in a virtualenv outside the clone.
SCHEMATHESIS_VERSION="4.32.5"
SCHEMATHESIS_VENV="$HOME/.cache/borderpass/venv"
export SCHEMATHESIS_VERSION SCHEMATHESIS_VENV

# wasm-opt 132 needs the features rustc 1.95 emits to be named when run by hand.
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-multivalue --enable-reference-types)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
