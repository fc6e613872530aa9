#!/usr/bin/env bash
# `make serve`: production mode on this machine, one command. DEBUG off, gunicorn, static files
# collected (hashed, compressed, served by whitenoise), migrations applied, and the Huey worker
# (background and periodic jobs) started alongside. Uses DATABASE_URL / REDIS_URL when set.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG=0

# First run: a random SECRET_KEY in the untracked .env (settings read it; the environment wins).
if [ -z "${SECRET_KEY:-}" ] && ! grep -qs '^SECRET_KEY=' .env; then
  echo "SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env
  chmod 600 .env
  echo "Wrote a random SECRET_KEY to .env (keep it; sessions and reset links depend on it)."
fi

# Without Redis, every process here (the gunicorn workers and the job worker) shares a file
# cache, so a write in any of them drops the public pages all the others would serve.
if [ -z "${REDIS_URL:-}" ]; then
  export CACHE_DIR="${CACHE_DIR:-$PWD/var/cache}"  # absolute: check --deploy warns of a relative one
fi

$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput --verbosity 0
if [ "${DEMO:-0}" = "1" ]; then
  $PY manage.py load_demo --if-empty --force
fi
$PY manage.py check --deploy --fail-level ERROR

# The worker is supervised: when it dies (kill -9, out of memory, a crash) it is started again
# after two seconds, as systemd's Restart= does in production; a job it was running is failed
# once its lease lapses (congress/jobs.py) and can be started again.
supervise_worker() {
  trap 'kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' INT TERM
  while true; do
    $PY manage.py run_huey &
    child=$!
    wait "$child" && status=0 || status=$?
    echo "The job worker stopped (exit status $status); starting it again in 2 s." >&2
    sleep 2
  done
}
supervise_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM

bind="${BIND:-127.0.0.1:${PORT:-8000}}"
echo "Serving on http://$bind/ with ${WEB_CONCURRENCY:-2} workers (Ctrl-C stops web and worker)."
.venv/bin/gunicorn congress.wsgi:application \
  --workers "${WEB_CONCURRENCY:-2}" --bind "$bind" \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
