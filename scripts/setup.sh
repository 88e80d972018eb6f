#!/usr/bin/env bash
# Installs what the build and the tests need, and only what is missing; a second run takes
# seconds. Usage: setup.sh [dev|test]  (test also installs Debian's Chromium for the browser tests)
source "$(dirname "$0")/env.sh"
purpose="${1:-dev}"
cd "$ROOT"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (matches Cargo.lock; takes a few minutes)"
  # Without --locked: its lockfile wants a crate release the registry lacks (see TOOLCHAIN.md).
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! worker-build --version 2>/dev/null | grep -Eq "(^| )$WORKER_BUILD_VERSION\$"; then
  log "installing worker-build $WORKER_BUILD_VERSION (takes several minutes)"
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked --force
fi

# npm packages: wrangler (with Node 22 from the `node` package), binaryen, Playwright, axe.
stamp="node_modules/.borderpass-installed"
wanted="$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  log "installing npm packages"
  # `npm ci` fails with wrangler 4.164 (its lockfile lacks other platforms' workerd builds).
  npm install --no-audit --no-fund --loglevel=error
  echo "$wanted" >"$stamp"
fi

if [ "$purpose" = "test" ] && ! { command -v chromium && command -v chromedriver; } >/dev/null; then
  log "installing Debian's Chromium for the browser tests"
  sudo_if_needed=()
  [ "$(id -u)" -eq 0 ] || sudo_if_needed=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo_if_needed[@]}" apt-get install -y -q chromium chromium-driver >/dev/null; then
    "${sudo_if_needed[@]}" apt-get update -q >/dev/null
    "${sudo_if_needed[@]}" apt-get install -y -q chromium chromium-driver >/dev/null
  fi
fi
if [ "$purpose" = "test" ] &&
  ! "$SCHEMATHESIS_VENV/bin/st" --version 2>/dev/null | grep -qx "st, version $SCHEMATHESIS_VERSION"; then
  log "installing schemathesis $SCHEMATHESIS_VERSION (API fuzzing) into $SCHEMATHESIS_VENV"
  [ -x "$SCHEMATHESIS_VENV/bin/pip" ] || python3 -m venv "$SCHEMATHESIS_VENV"
  "$SCHEMATHESIS_VENV/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION"
fi
# The province sync's local secrets (Worker secrets in production): the edge signs what it
# sends with the first, the province (here its simulator) its answers and callbacks with the second.
for name in PROVINCE_PUSH_SECRET PROVINCE_CALLBACK_SECRET; do
  if [ ! -f .dev.vars ] || ! grep -q "^$name=" .dev.vars; then
    log "generating a local $name in .dev.vars"
    node -e 'process.stdout.write(process.argv[1] + "=whsec_" + require("crypto").randomBytes(32).toString("base64") + "\n")' "$name" >>.dev.vars
  fi
done

# The local pass-signing key (a Worker secret in production; .dev.vars locally, never committed).
if [ ! -f .dev.vars ] || ! grep -q '^PASS_SIGNING_KEY=' .dev.vars; then
  log "generating a local pass-signing key in .dev.vars"
  node -e 'process.stdout.write("PASS_SIGNING_KEY=" + require("crypto").randomBytes(32).toString("hex") + "\n")' >>.dev.vars
fi
# The local key of residents' holder digests (HMAC of the citizen ID number; a Worker secret in
# production, .dev.vars locally, never committed): without it no resident application is taken.
if [ ! -f .dev.vars ] || ! grep -q '^RESIDENT_ID_KEY=' .dev.vars; then
  log "generating a local resident ID key in .dev.vars"
  node -e 'process.stdout.write("RESIDENT_ID_KEY=" + require("crypto").randomBytes(32).toString("hex") + "\n")' >>.dev.vars
fi
log "setup complete"
