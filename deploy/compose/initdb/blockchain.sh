#!/bin/bash
# The blockchain cluster's databases and its replication role, made once when the primary's data is initialised.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -v replication_password="$(cat "$NEO_REPLICATION_PASSWORD_FILE")" --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE ROLE neo_replicator WITH REPLICATION LOGIN PASSWORD :'replication_password';
SELECT 'CREATE DATABASE neo_smartcontracts OWNER neo_blockchain_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_smartcontracts')\gexec
SELECT 'CREATE DATABASE neo_smartcontracts_0 OWNER neo_blockchain_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_smartcontracts_0')\gexec
SELECT 'CREATE DATABASE neo_smartcontracts_1 OWNER neo_blockchain_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_smartcontracts_1')\gexec
SELECT 'CREATE DATABASE neo_smartcontracts_2 OWNER neo_blockchain_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_smartcontracts_2')\gexec
SELECT 'CREATE DATABASE neo_smartcontracts_3 OWNER neo_blockchain_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_smartcontracts_3')\gexec
SELECT 'CREATE DATABASE neo_crosschain OWNER neo_blockchain_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'neo_crosschain')\gexec
SQL
echo "host replication neo_replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
