#!/usr/bin/env bash
# Start the app as in production, on this machine: DEBUG off, hashed and pre-compressed
# static files (whitenoise), migrations and reference data applied, the public snapshot
# built, then gunicorn with several workers, and the background-task worker beside it
# (scripts/with_worker.sh: imports run as tasks). Used by `make serve` and `make bench`.
#
# Environment: HOST (127.0.0.1), PORT (8000), APP_SERVER (granian, or gunicorn; measured in
# docs/benchmarks.md), WORKERS (CPUs for granian, CPUs + 1 for gunicorn), THREADS (2),
# WORKER_CLASS (gunicorn only: gthread or sync), and the app's own settings
# (DATABASE_URL, REDIS_URL, ...). WORKER=0: no background worker here (one runs elsewhere).
# SECRET_KEY: taken from the environment, else generated once into var/secret_key.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
CPUS=$(nproc 2>/dev/null || echo 2)
APP_SERVER=${APP_SERVER:-granian}
if [ "$APP_SERVER" = "granian" ]; then
  WORKERS=${WORKERS:-$CPUS}   # granian's HTTP layer is Rust threads: one process per CPU
else
  WORKERS=${WORKERS:-$((CPUS + 1))}
fi
THREADS=${THREADS:-2}
WORKER_CLASS=${WORKER_CLASS:-gthread}

if [ -z "${SECRET_KEY:-}" ]; then
  mkdir -p var
  if [ ! -s var/secret_key ]; then
    umask 077
    "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key
  fi
  SECRET_KEY=$(cat var/secret_key)
fi
export SECRET_KEY
export DEBUG=0
# Local, plain-HTTP run: no TLS redirect, no HSTS, cookies without the Secure flag.
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0}
export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
export SESSION_COOKIE_SECURE=${SESSION_COOKIE_SECURE:-0}
export CSRF_COOKIE_SECURE=${CSRF_COOKIE_SECURE:-0}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SITE_URL=${SITE_URL:-http://$HOST:$PORT}

"$PY" manage.py collectstatic --noinput -v0
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py load_reference_data -v0
if [ "${SEED_DEMO:-0}" = "1" ]; then
  DEMO_MODE=1 "$PY" manage.py seed_demo -v0
fi
"$PY" manage.py snapshot_refresh

if [ "$APP_SERVER" = "granian" ]; then
  echo "Global Pledge Tracker (production settings) at http://$HOST:$PORT/ — granian (WSGI), $WORKERS workers x $THREADS threads"
  exec scripts/with_worker.sh .venv/bin/granian --interface wsgi --host "$HOST" --port "$PORT" \
    --workers "$WORKERS" --blocking-threads "$THREADS" --no-ws --log-level warning \
    --respawn-failed-workers config.wsgi:application
fi
echo "Global Pledge Tracker (production settings) at http://$HOST:$PORT/ — gunicorn $WORKER_CLASS, $WORKERS workers x $THREADS threads"
exec scripts/with_worker.sh .venv/bin/gunicorn config.wsgi \
  --bind "$HOST:$PORT" \
  --worker-class "$WORKER_CLASS" --workers "$WORKERS" --threads "$THREADS" \
  --keep-alive 5 --max-requests 20000 --max-requests-jitter 2000 \
  --access-logfile "${ACCESS_LOG:--}" --error-logfile - --log-level warning
