# shellcheck shell=bash
# Sourced by test.sh and e2e.sh: how the tests start the Worker (one place for both).
# Rate-limit windows of 10 s instead of minutes, so tests see limits end without waiting long.
export RATE_LIMIT_WINDOW_MS=10000
# TEST_CLOCK lets a request set the booking clock (`x-test-now-ms`), so no-shows need no wait.
# SMS_ADAPTER=local: one-time codes go to the local SMS double (D1's sms_outbox), which the
# tests read at GET /api/dev/sms; never set in wrangler.toml, so never in production.
worker_args=(--var "RATE_LIMIT_WINDOW_MS:$RATE_LIMIT_WINDOW_MS" --var "TEST_CLOCK:1" --var "SMS_ADAPTER:local")
