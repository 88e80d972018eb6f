#!/usr/bin/env bash
# Starts or stops `wrangler dev` (workerd, local D1 and Durable Objects) in the background.
#   worker.sh start PORT STATE_DIR [WRANGLER_ARGS...]
#                                    starts it, waits for /api/health, prints nothing else
#   worker.sh stop PORT              stops the one started for PORT, by its PID
#   worker.sh kill PORT              kills it at once (SIGKILL, no shutdown: a crash)
# The PID file lives in .wrangler/pids/; the log in .wrangler/logs/dev-PORT.log.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
cmd="${1:?start|stop}"
port="${2:?port}"
pid_file="$ROOT/.wrangler/pids/dev-$port.pid"
log_file="$ROOT/.wrangler/logs/dev-$port.log"
mkdir -p "$(dirname "$pid_file")" "$(dirname "$log_file")"

stop() {
  [ -f "$pid_file" ] || return 0
  local pid
  pid="$(cat "$pid_file")"
  # wrangler runs in its own session (setsid): stop the whole group, wrangler and workerd.
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$pid_file"
}

# The runtime dies mid-request, as in a crash: no signal it could handle.
hard_kill() {
  [ -f "$pid_file" ] || return 0
  local pid
  pid="$(cat "$pid_file")"
  kill -KILL -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$pid_file"
}

case "$cmd" in
  start)
    state_dir="${3:?state dir}"
    shift 3
    stop
    setsid wrangler dev --local --ip 127.0.0.1 --port "$port" --persist-to "$state_dir" \
      --test-scheduled --show-interactive-dev-session=false "$@" \
      </dev/null >"$log_file" 2>&1 &
    echo $! >"$pid_file"
    for _ in $(seq 1 300); do
      if curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; then exit 0; fi
      if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
        echo "wrangler dev exited; its log:" >&2
        tail -n 40 "$log_file" >&2
        exit 1
      fi
      sleep 0.2
    done
    echo "wrangler dev did not answer within 60 s; its log:" >&2
    tail -n 40 "$log_file" >&2
    stop
    exit 1
    ;;
  stop) stop ;;
  kill) hard_kill ;;
  *) echo "usage: worker.sh start PORT STATE_DIR | stop PORT | kill PORT" >&2; exit 2 ;;
esac
