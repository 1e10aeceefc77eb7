#!/usr/bin/env bash
# Production-like local setup: two gunicorn instances (ports PORT and PORT2) with
# WORKERS processes each, one PostgreSQL (DATABASE_URL), one Redis (rate limits).
# Stops both instances on Ctrl-C. See docs/operations.md.
# Tuning (benchmarks/load/voting_peak.py measures them): WORKER_CLASS=sync (default; one
# request per process, meant behind a buffering reverse proxy) or gthread with THREADS
# threads per worker and keep-alive; PRELOAD=1 imports the app once before forking, so a
# worker that dies is replaced faster and the workers share memory.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${BIN:-.venv/bin}"
if [ -z "${SECRET_KEY:-}" ]; then
  echo "serve-prod: SECRET_KEY is not set. Generate one once and keep it stable, e.g." >&2
  echo "  export SECRET_KEY=\"\$(python3 -c 'import secrets; print(secrets.token_hex(32))')\"" >&2
  exit 2
fi
export SECRET_KEY
export DELIBERATIE_ENV=production
export DATABASE_URL="${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/deliberatie}"
export RATELIMIT_STORAGE_URI="${RATELIMIT_STORAGE_URI:-redis://127.0.0.1:6379/0}"
export FLASK_APP=wsgi.py
# The host names the site answers to (a request with another Host header gets a 400): set it to
# the public name(s) behind the TLS proxy, e.g. TRUSTED_HOSTS=deliberatie.gemeente.nl
export TRUSTED_HOSTS="${TRUSTED_HOSTS:-localhost,127.0.0.1}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
PORT2="${PORT2:-8001}"
WORKERS="${WORKERS:-3}"
WORKER_CLASS="${WORKER_CLASS:-sync}"
THREADS="${THREADS:-4}"
PRELOAD="${PRELOAD:-0}"
tuning=(--worker-class "$WORKER_CLASS")
if [ "$WORKER_CLASS" = gthread ]; then tuning+=(--threads "$THREADS" --keep-alive 5); fi
if [ "$PRELOAD" = 1 ]; then tuning+=(--preload); fi

# Fail early and clearly when a backing service is missing.
"$BIN/python" - <<'PY'
import os, sys
import sqlalchemy as sa
url = os.environ["DATABASE_URL"]
try:
    sa.create_engine(url).connect().close()
except Exception as error:
    sys.exit(f"serve-prod: cannot reach PostgreSQL at {url}: {error.__class__.__name__}\n"
             "  create the database first, e.g. createdb -h 127.0.0.1 -U postgres deliberatie")
storage = os.environ["RATELIMIT_STORAGE_URI"]
if storage.startswith("redis"):
    import redis
    try:
        redis.Redis.from_url(storage).ping()
    except Exception as error:
        sys.exit(f"serve-prod: cannot reach Redis at {storage}: {error}")
PY

"$BIN/flask" db upgrade

pids=()
stop() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait; }
trap stop INT TERM EXIT
for port in "$PORT" "$PORT2"; do
  "$BIN/gunicorn" --workers "$WORKERS" "${tuning[@]}" --bind "$HOST:$port" --access-logfile - \
    --graceful-timeout 10 --timeout 30 --name "deliberatie-$port" --no-control-socket wsgi:app &
  pids+=("$!")
done
echo "serve-prod: http://$HOST:$PORT and http://$HOST:$PORT2 ($WORKERS $WORKER_CLASS workers each); Ctrl-C stops both"
wait -n
