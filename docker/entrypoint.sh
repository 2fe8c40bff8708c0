#!/bin/sh
# spacereg container entrypoint: wait for the database, migrate when asked, then become the
# service: exec, so that the server replaces the shell and receives the container's SIGTERM itself.
#
#   serve    (default) wait; run migrations if SPACEREG_MIGRATE=1; serve with SPACEREG_WORKERS
#   migrate  wait; run migrations and seed the States table; exit (the one-shot compose service)
#   worker   wait; run queued analysis jobs
#   backup   wait; write a timestamped archive into SPACEREG_BACKUP_DIR
#   wait     wait for the database, then exit 0
#   anything else is run as given (e.g. `spacereg audit verify`)
#
# Settings (environment; the application's own are documented in README "Run in production"):
#   DATABASE_URL          required; sqlite:///path or postgresql://user:password@host:port/db
#   SPACEREG_HOST         address to listen on                      (default 0.0.0.0)
#   SPACEREG_PORT         port to listen on                         (default 8000)
#   SPACEREG_WORKERS      server worker processes                   (default 2)
#   SPACEREG_LOG_LEVEL    critical|error|warning|info|debug         (default info)
#   SPACEREG_MIGRATE      1: run migrations before serving          (default 0)
#   SPACEREG_DB_WAIT_S    seconds to wait for the database          (default 60)
#   SPACEREG_BACKUP_DIR   where `backup` writes archives            (default /backups)
set -eu

: "${SPACEREG_HOST:=0.0.0.0}"
: "${SPACEREG_PORT:=8000}"
: "${SPACEREG_WORKERS:=2}"
: "${SPACEREG_LOG_LEVEL:=info}"
: "${SPACEREG_MIGRATE:=0}"
: "${SPACEREG_DB_WAIT_S:=60}"
: "${SPACEREG_BACKUP_DIR:=/backups}"

say() { echo "entrypoint: $*" >&2; }
die() { say "$*"; exit 1; }

if [ -z "${DATABASE_URL:-}" ]; then
    die "DATABASE_URL is not set (sqlite:///path/register.db or postgresql://user:password@host/db)"
fi
case "$SPACEREG_WORKERS" in
    '' | *[!0-9]* | 0) die "SPACEREG_WORKERS must be a whole number of at least 1, not '$SPACEREG_WORKERS'" ;;
esac
case "$SPACEREG_DB_WAIT_S" in
    '' | *[!0-9]*) die "SPACEREG_DB_WAIT_S must be a whole number of seconds, not '$SPACEREG_DB_WAIT_S'" ;;
esac

# Retries until the database answers SELECT 1 or the time is up; prints the last reason on failure.
wait_for_database() {
    python - "$SPACEREG_DB_WAIT_S" <<'PY'
import asyncio
import sys
import time

from sqlalchemy import text

from registry.db import single_use_engine
from registry.settings import Settings


async def ping() -> None:
    engine = single_use_engine(Settings())
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


deadline = time.monotonic() + float(sys.argv[1])
while True:
    try:
        asyncio.run(ping())
        break
    except Exception as exc:  # any failure means "not yet": report the last one when time is up
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if time.monotonic() >= deadline:
            print(f"entrypoint: database not reachable after {sys.argv[1]} s: {reason}", file=sys.stderr)
            sys.exit(1)
        time.sleep(1)
PY
}

migrate() {
    say "running migrations"
    spacereg db upgrade
}

command="${1:-serve}"
[ "$#" -gt 0 ] && shift

case "$command" in
    serve)
        wait_for_database
        if [ "$SPACEREG_MIGRATE" = "1" ]; then migrate; fi
        say "serving on $SPACEREG_HOST:$SPACEREG_PORT with $SPACEREG_WORKERS workers"
        exec spacereg serve --host "$SPACEREG_HOST" --port "$SPACEREG_PORT" \
            --workers "$SPACEREG_WORKERS" --log-level "$SPACEREG_LOG_LEVEL" "$@"
        ;;
    migrate)
        wait_for_database
        migrate
        ;;
    worker)
        wait_for_database
        exec spacereg worker "$@"
        ;;
    backup)
        wait_for_database
        [ -d "$SPACEREG_BACKUP_DIR" ] || die "SPACEREG_BACKUP_DIR $SPACEREG_BACKUP_DIR is not a directory"
        exec spacereg export "$SPACEREG_BACKUP_DIR/spacereg-$(date -u +%Y%m%dT%H%M%SZ).zip" "$@"
        ;;
    wait)
        wait_for_database
        ;;
    *)
        exec "$command" "$@"
        ;;
esac
