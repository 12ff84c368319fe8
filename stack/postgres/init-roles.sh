#!/usr/bin/env bash
# The database roles of docker-compose.yml, run once by the postgres image on an empty data
# directory (docker-entrypoint-initdb.d). Each role has what it needs and no more (README,
# "Database roles"); ./rollguard's ensure_postgres makes the same roles on a native PostgreSQL.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v platform_password="$ROLLGUARD_DB_PASSWORD" \
    -v app_password="$ROLLGUARD_SAMPLE_DB_PASSWORD" \
    -v dry_run_password="$ROLLGUARD_DRY_RUN_DB_PASSWORD" <<'SQL'
-- the platform: its own tables and Camunda's
create role rollguard login nosuperuser nocreatedb nocreaterole password :'platform_password';
create database rollguard owner rollguard;
-- the sample app: its records; its Node-RED slots and Rollguard's live migrations log in as it
create role expenses_app login nosuperuser nocreatedb nocreaterole password :'app_password';
create database rollguard_expenses owner expenses_app;
-- the migration dry run: creates and owns only its throwaway databases; no grant on anything else.
-- temp_file_limit is a superuser setting, so a changelog cannot lift it.
create role rollguard_dryrun login createdb nosuperuser nocreaterole noreplication nobypassrls
    connection limit 20 password :'dry_run_password';
alter role rollguard_dryrun set temp_file_limit = '2GB';
-- nobody but a database's owner connects to it (PostgreSQL lets every role connect by default)
revoke connect, temporary on database rollguard from public;
revoke connect, temporary on database rollguard_expenses from public;
SQL
