# shellcheck shell=bash
# Sourced by test.sh and e2e.sh: how the tests build and start the Worker (one place for both).
# The test Worker is built with the Cargo feature `test-hooks` into edge/build-test/ (never the
# edge/build/ that `make dev` serves); only that build honours the switches below.
test_worker_features=test-hooks
test_worker_script=edge/build-test/index.js
# Rate-limit windows of 10 s instead of minutes, so tests see limits end without waiting long.
export RATE_LIMIT_WINDOW_MS=10000
# A request may set the booking clock (`x-test-now-ms`), so no-shows need no wait: compiled in
# by the feature, no variable needed.
# SMS_ADAPTER=local: one-time codes go to the local SMS double (D1's sms_outbox), which the
# tests read at GET /api/dev/sms; never set in wrangler.toml, so never in production.
worker_args=("$test_worker_script" --var "RATE_LIMIT_WINDOW_MS:$RATE_LIMIT_WINDOW_MS"
  --var "SMS_ADAPTER:local")
# How the switches-off check (e2e/api/test-switches.test.mjs) starts the real Worker
# (edge/build/) beside it: the same variables, which that build must ignore.
plain_worker_args=(edge/build/index.js --var "RATE_LIMIT_WINDOW_MS:$RATE_LIMIT_WINDOW_MS"
  --var "TEST_CLOCK:1" --var "SMS_ADAPTER:local")
# The province sync (docs/province-sync.md): the simulator's port and the two secrets both sides
# sign with: those of .dev.vars (which wrangler reads too; scripts/setup.sh writes them), else new
# ones; the tests read them from the environment (e2e/lib/province.mjs).
BORDERPASS_PROVINCE_PORT="${BORDERPASS_PROVINCE_PORT:-$((${BORDERPASS_TEST_PORT:-8799} + 1000))}"
webhook_secret() {
  local from_file
  from_file="$(sed -n "s/^$1=//p" "$ROOT/.dev.vars" 2>/dev/null | head -n 1)"
  if [ -n "$from_file" ]; then
    printf '%s' "$from_file"
  else
    node -e 'process.stdout.write("whsec_" + require("crypto").randomBytes(32).toString("base64"))'
  fi
}
PROVINCE_PUSH_SECRET="$(webhook_secret PROVINCE_PUSH_SECRET)"
PROVINCE_CALLBACK_SECRET="$(webhook_secret PROVINCE_CALLBACK_SECRET)"
export BORDERPASS_PROVINCE_PORT PROVINCE_PUSH_SECRET PROVINCE_CALLBACK_SECRET
export BORDERPASS_PROVINCE_URL="http://127.0.0.1:$BORDERPASS_PROVINCE_PORT"
worker_args+=(--var "PROVINCE_URL:$BORDERPASS_PROVINCE_URL"
  --var "PROVINCE_PUSH_SECRET:$PROVINCE_PUSH_SECRET"
  --var "PROVINCE_CALLBACK_SECRET:$PROVINCE_CALLBACK_SECRET")
