#!/usr/bin/env bash
# API fuzzing from the spec: schemathesis generates requests from docs/openapi.json and sends
# them to the running test Worker, once anonymously and once signed in as each role. It fails
# on any 5xx, any status code the spec does not list for the operation, any response whose
# body, content type or headers differ from the spec, and on a panic in the Worker's log.
#
#   api-fuzz.sh [quick|long]     (quick: `make test`, a fixed seed and 6 cases per operation
#                                 and phase; long: `make fuzz`, a random seed and 50)
# Needs BORDERPASS_URL and BORDERPASS_PORT (test.sh / e2e.sh export them). It signs in the
# demo accounts (edge/seed/demo-accounts.mjs), so run it after the tests that need them
# untouched: the fuzzer changes whatever each role may change (the admin disables accounts).
# Reports (JUnit and the failing requests as cassettes) go to e2e/artifacts/api-fuzz/.
# Environment: FUZZ_SEED (the seed), FUZZ_EXAMPLES (cases per operation), FUZZ_SECONDS (a
# time budget per role, long mode: it cuts the phases short), FUZZ_ROLES (some roles only, e.g.
# "anonymous driver", in one lane).
source "$(dirname "$0")/env.sh"
cd "$ROOT"
mode="${1:-quick}"
url="${BORDERPASS_URL:?BORDERPASS_URL: the running test Worker}"
port="${BORDERPASS_PORT:?BORDERPASS_PORT: the port of the running test Worker}"
st="$SCHEMATHESIS_VENV/bin/st"
if ! "$st" --version 2>/dev/null | grep -qx "st, version $SCHEMATHESIS_VERSION"; then
  bash scripts/setup.sh test
fi
worker_log="$ROOT/.wrangler/logs/dev-$port.log"
out="$ROOT/e2e/artifacts/api-fuzz"
rm -rf "$out"
mkdir -p "$out"

case "$mode" in
  quick) budget=(--max-examples "${FUZZ_EXAMPLES:-6}" --seed "${FUZZ_SEED:-20261201}"
    --generation-database none) ;;
  long) budget=(--max-examples "${FUZZ_EXAMPLES:-50}" --generation-database none
    ${FUZZ_SEED:+--seed "$FUZZ_SEED"} ${FUZZ_SECONDS:+--max-time "$FUZZ_SECONDS"}) ;;
  *) echo "usage: api-fuzz.sh [quick|long]" >&2; exit 2 ;;
esac
# Two lanes run side by side (two processes: schemathesis' own threads trip over a CPython
# 3.11 bug), then the admin alone (it may disable the accounts the others use).
lane1=(anonymous driver officer)
lane2=(yard_operator trader resident)
last=(admin)
if [ -n "${FUZZ_ROLES:-}" ]; then
  read -r -a lane1 <<<"$FUZZ_ROLES"
  lane2=() last=()
fi
# The anonymous run sends every operation (for the signed-in ones, the 401s are the check).
# A role's run sends the operations its role may call, by each operation's `x-access` in the
# spec (so new routes join by themselves): the ones naming the role, `staff-of-path-yard`
# for yard operators and admins, and `signed-in` (sign-out excepted: it would end the session
# the run uses). Which role may call what is checked route by route in e2e/api/access-matrix.
operations_of() {
  node -e '
    const spec = JSON.parse(require("fs").readFileSync("docs/openapi.json", "utf8"));
    const role = process.argv[1];
    const ids = [];
    for (const item of Object.values(spec.paths)) {
      for (const op of Object.values(item)) {
        if (!op || typeof op !== "object" || !op.operationId) continue;
        const access = op["x-access"];
        const allowed =
          access === "signed-in" ? !/^signOut/.test(op.operationId)
          : access === "staff-of-path-yard" ? role === "yard_operator" || role === "admin"
          : Array.isArray(access?.roles) && access.roles.includes(role);
        if (allowed) ids.push("--include-operation-id", op.operationId);
      }
    }
    process.stdout.write(ids.join("\n"));
  ' "$1"
}

# A session per role: each sign-in from its own made-up client address (wrangler dev keeps a
# client-sent CF-Connecting-IP), so the per-address sign-in limit is not shared.
sign_in() {
  # A device the account does not know needs the code sent by SMS: the local SMS double's inbox
  # has it (e2e/lib/accounts.mjs signs in the way the tests do).
  BORDERPASS_URL="$url" node --input-type=module -e "
    import { DEMO_ACCOUNTS, signIn } from './e2e/lib/accounts.mjs';
    const a = DEMO_ACCOUNTS.find((a) => a.role === process.argv[1]);
    if (!a) { console.error('no demo account with role ' + process.argv[1]); process.exit(1); }
    const session = await signIn(a.phone, a.password, { address: process.argv[2] });
    process.stdout.write(session.token);
  " "$1" "10.251.0.$((RANDOM % 250 + 1))"
}

# The checks that decide pass or fail. Schemathesis' other checks (negative_data_rejection,
# positive_data_acceptance, ignored_auth, ...) judge behaviour the spec does not promise (for
# example, a body it accepts that the generator thought invalid) and are left out.
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance

# One role's run: its log in $out/<role>.log, its verdict in $out/<role>.status.
fuzz_role() {
  local role="$1" t0 token status
  local auth=() only=()
  t0="$(date +%s)"
  if [ "$role" != anonymous ]; then
    if ! token="$(sign_in "$role" 2>"$out/$role.log")"; then
      echo "FAILED (sign-in)" >"$out/$role.status"
      return
    fi
    auth=(-H "Authorization: Bearer $token")
    mapfile -t only < <(operations_of "$role")
  fi
  if "$st" run docs/openapi.json --url "$url" "${auth[@]}" "${only[@]}" \
    --checks "$checks" "${budget[@]}" --workers 1 \
    --request-timeout 20 --suppress-health-check all --continue-on-failure --no-color \
    --warnings off --output-sanitize false --report junit,vcr --report-dir "$out/$role" \
    >"$out/$role.log" 2>&1; then
    status=passed
  else
    status=FAILED
  fi
  echo "$status in $(($(date +%s) - t0)) s" >"$out/$role.status"
}

# The summary of a role's run and, when it failed, each failing operation with the check,
# the response and a curl line that reproduces it.
report() {
  local role="$1" status
  status="$(cat "$out/$role.status")"
  log "API fuzzing as $role: $status"
  case "$status" in
    passed*) grep -E '(Examples|Coverage|Fuzzing|Stateful) \(in|generated' "$out/$role.log" || true ;;
    *)
      if grep -qE '^=+ (FAILURES|ERRORS) =+$' "$out/$role.log"; then
        sed -n -E '/^=+ (FAILURES|ERRORS) =+$/,$p' "$out/$role.log" | head -n 400
      else
        cat "$out/$role.log"
      fi
      failed+=("$role") ;;
  esac
  echo "api-fuzz: $role $status (full log: ${out#"$ROOT/"}/$role.log)"
}

run_lane() {
  local role
  for role in "$@"; do fuzz_role "$role"; done
}

log_lines_before="$(wc -l <"$worker_log" 2>/dev/null || echo 0)"
failed=()
started="$(date +%s)"
log "API fuzzing ($mode): ${lane1[*]} | ${lane2[*]}, then ${last[*]:-nobody}"
run_lane "${lane1[@]}" &
lane1_pid=$!
run_lane "${lane2[@]}"
wait "$lane1_pid"
run_lane "${last[@]}"
for role in "${lane1[@]}" "${lane2[@]}" "${last[@]}"; do report "$role"; done

# The admin's run may have disabled demo accounts: enable them again, so a second run (or
# anything after this one) finds them as they were.
if [ "${#last[@]}" -gt 0 ] && admin_token="$(sign_in admin 2>/dev/null)"; then
  for id in $(node --input-type=module -e "
    import { DEMO_ACCOUNTS } from './edge/seed/demo-accounts.mjs';
    console.log(DEMO_ACCOUNTS.filter((a) => a.role !== 'admin').map((a) => a.id).join(' '));
  "); do
    curl -sS -o /dev/null -X POST -H "Authorization: Bearer $admin_token" \
      -H "cf-connecting-ip: 10.251.1.1" "$url/api/admin/accounts/$id/enable"
  done
fi

# A panic inside the Worker surfaces as a 500 (caught above) and in the log.
if [ -f "$worker_log" ] &&
  tail -n +"$((log_lines_before + 1))" "$worker_log" | grep -nE 'panicked|RuntimeError: unreachable' \
    >"$out/panics.txt"; then
  echo "api-fuzz: the Worker panicked (see ${out#"$ROOT/"}/panics.txt):" >&2
  head -n 20 "$out/panics.txt" >&2
  failed+=("worker-log")
fi
echo "api-fuzz: schemathesis $SCHEMATHESIS_VERSION, $mode run in $(($(date +%s) - started)) s"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "api-fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "api-fuzz: no 5xx, no response outside the spec, no panic"
