#!/bin/bash
# A streaming replica: on first start, clone the primary with pg_basebackup on the replica's own
# slot (-C -S) and write the standby settings (-R); then run as a hot standby.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  export PGPASSWORD="$(cat "$NEO_REPLICATION_PASSWORD_FILE")"
  until pg_basebackup -h "$NEO_PRIMARY_HOST" -U "$NEO_REPLICATION_USER" -D "$PGDATA" -R -X stream -C -S "$NEO_REPLICATION_SLOT"; do
    echo "waiting for $NEO_PRIMARY_HOST"; rm -rf "$PGDATA"; sleep 2
  done
  chmod 0700 "$PGDATA"
fi
exec postgres -c hot_standby=on
