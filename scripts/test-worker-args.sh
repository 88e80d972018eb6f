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
