#!/bin/bash
# The application cluster's databases and its replication role, made once when the primary's data is initialised.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -v replication_password="$(cat "$NEO_REPLICATION_PASSWORD_FILE")" --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE ROLE neo_replicator WITH REPLICATION LOGIN PASSWORD :'replication_password';
SELECT 'CREATE DATABASE neo_automation OWNER neo_application_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_automation')\gexec
SELECT 'CREATE DATABASE neo_voting OWNER neo_application_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_voting')\gexec
SQL
echo "host replication neo_replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
