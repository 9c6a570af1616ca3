#!/bin/bash
# Entrypoint of the locally built PgBouncer image (npm run containers:setup). The testcontainers
# provider copies the configuration it generates (pgbouncer.ini and the auth file it names) into the
# container before it starts; this hands them to the postgres user and runs PgBouncer as that user
# (PgBouncer refuses to run as root), logging to the container's output.
set -euo pipefail
config="${1:-/etc/neo-pgbouncer/pgbouncer.ini}"

if [ "$(id -u)" = 0 ]; then
  dir="$(dirname "$config")"
  chown -R postgres:postgres "$dir"
  chmod 700 "$dir"
  # The default soft limit (1024) holds fewer clients than max_client_conn.
  ulimit -S -n "$(ulimit -H -n)" 2>/dev/null || true
  exec gosu postgres pgbouncer "$config"
fi
exec pgbouncer "$config"
