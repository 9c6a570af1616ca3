#!/bin/bash
# Entrypoint of the locally built PostgreSQL 15 image (npm run containers:setup). It honours what the
# official postgres image's entrypoint offers and the testcontainers provider uses: POSTGRES_PASSWORD,
# POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD and PGDATA; root hands over to the postgres user with gosu.
# Like the official one it initialises an empty PGDATA with a socket-only temporary server first, so
# a server that answers over TCP (pg_isready -h 127.0.0.1, the provider's readiness check) is the real one.
set -euo pipefail
: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

if [ "${1:-}" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec gosu postgres "${BASH_SOURCE[0]}" "$@"
fi

if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "neo-postgres: POSTGRES_PASSWORD is empty; set it (the superuser's password)" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  # POSTGRES_INITDB_ARGS is a list of options, split on spaces as the official image does.
  # shellcheck disable=SC2086
  initdb --username=postgres --pwfile="$pwfile" --encoding=UTF8 --locale=C ${POSTGRES_INITDB_ARGS:-}
  rm -f "$pwfile"
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "neo-postgres: init process complete; ready for start up."
fi

exec "$@"
