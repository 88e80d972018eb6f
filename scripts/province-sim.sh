#!/usr/bin/env bash
# Starts or stops the province simulator (scripts/province-sim/server.mjs) in the background.
#   province-sim.sh start PORT STATE_DIR EDGE_URL [--schedule-ms N]
#                                  starts it, waits for /health
#   province-sim.sh stop PORT      stops the one started for PORT, by its PID
# Its secrets come from the environment (PROVINCE_PUSH_SECRET, PROVINCE_CALLBACK_SECRET).
# The PID file lives in .wrangler/pids/; the log in .wrangler/logs/province-sim-PORT.log.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
cmd="${1:?start|stop}"
port="${2:?port}"
pid_file="$ROOT/.wrangler/pids/province-sim-$port.pid"
log_file="$ROOT/.wrangler/logs/province-sim-$port.log"
mkdir -p "$(dirname "$pid_file")" "$(dirname "$log_file")"

stop() {
  [ -f "$pid_file" ] || return 0
  local pid
  pid="$(cat "$pid_file")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pid_file"
}

case "$cmd" in
  start)
    state_dir="${3:?state dir}"
    edge="${4:?edge url}"
    shift 4
    stop
    node scripts/province-sim/server.mjs --port "$port" --state "$state_dir" --edge "$edge" "$@" \
      </dev/null >"$log_file" 2>&1 &
    echo $! >"$pid_file"
    for _ in $(seq 1 100); do
      if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then exit 0; fi
      if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
        echo "the province simulator exited; its log:" >&2
        tail -n 20 "$log_file" >&2
        exit 1
      fi
      sleep 0.1
    done
    echo "the province simulator did not answer within 10 s" >&2
    stop
    exit 1
    ;;
  stop) stop ;;
  *) echo "usage: province-sim.sh start PORT STATE_DIR EDGE_URL | stop PORT" >&2; exit 2 ;;
esac
