#!/bin/bash
# The monolith cluster's databases and its replication role, made once when the primary's data is initialised.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -v replication_password="$(cat "$NEO_REPLICATION_PASSWORD_FILE")" --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE ROLE neo_replicator WITH REPLICATION LOGIN PASSWORD :'replication_password';
SQL
echo "host replication neo_replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
