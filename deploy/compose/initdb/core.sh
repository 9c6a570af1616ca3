#!/bin/bash
# The core cluster's databases and its replication role, made once when the primary's data is initialised.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -v replication_password="$(cat "$NEO_REPLICATION_PASSWORD_FILE")" --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE ROLE neo_replicator WITH REPLICATION LOGIN PASSWORD :'replication_password';
SELECT 'CREATE DATABASE neo_storage_2024 OWNER neo_core_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_storage_2024')\gexec
SELECT 'CREATE DATABASE neo_storage_2025 OWNER neo_core_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_storage_2025')\gexec
SELECT 'CREATE DATABASE neo_storage_2026 OWNER neo_core_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_storage_2026')\gexec
SELECT 'CREATE DATABASE neo_keymanagement OWNER neo_core_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_keymanagement')\gexec
SELECT 'CREATE DATABASE neo_security OWNER neo_core_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_security')\gexec
SQL
echo "host replication neo_replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
