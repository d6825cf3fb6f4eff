#!/usr/bin/env bash
# Run a web server with the background-task worker beside it (issue 13: imports run as
# Django tasks on the django-tasks database backend; `manage.py db_worker` runs them).
# Used by `make demo` and `make serve` (scripts/serve.sh):
#
#     scripts/with_worker.sh .venv/bin/python manage.py runserver 127.0.0.1:8000
#
# Each runs in a process group of its own; when either stops, or this script is stopped
# (Ctrl-C, SIGTERM), both are stopped. WORKER=0 starts the server alone (another host
# runs the worker); WORKER_ARGS adds options to db_worker (e.g. "--interval 0.5").
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
PIDS=()

stop() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${WORKER:-1}" != "0" ]; then
  # shellcheck disable=SC2086  # WORKER_ARGS is a list of options
  setsid "$PY" manage.py db_worker --queue-name '*' ${WORKER_ARGS:-} &
  PIDS+=($!)
  echo "Background worker (manage.py db_worker) started, pid $!"
fi
setsid "$@" &
PIDS+=($!)
# Until the first of them stops (the other is then stopped by the EXIT trap).
wait -n
