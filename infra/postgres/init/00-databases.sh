#!/usr/bin/env bash
# First-start initialisation of the production PostgreSQL (infra/docker-compose.yml, service `postgres`).
#
# The official postgres image runs this once, when the data volume is empty, as the `postgres` OS user
# over the local socket (pg_hba.conf: `local all postgres peer`). It is idempotent, so it also rotates
# passwords or repairs grants on a running server:
#     docker compose -f infra/docker-compose.yml exec -u postgres postgres \
#         /docker-entrypoint-initdb.d/00-databases.sh
#
# What it does:
#   1. roles `airflow` (Airflow's metadata DB), `talentflow` (the platform's service account: owns the
#      warehouse, runs loaders and dbt, SET ROLE loader/transformer) and the warehouse roles
#      loader, transformer, bi_reader, hr_admin;
#   2. database `airflow` owned by `airflow`; database `warehouse` (created by the image from
#      POSTGRES_DB) handed to `talentflow`; nobody else may connect to either;
#   3. schemas, grants and audit tables from the single source of truth,
#      plugins/talentflow/core/sql/warehouse.sql (mounted read-only at $WAREHOUSE_SQL), applied as
#      `talentflow` so that the platform can re-apply it later (`talentflow up`);
#   4. passwords for every login role from the PG_*_PASSWORD variables, hashed as SCRAM-SHA-256.
set -euo pipefail

WAREHOUSE_SQL=${WAREHOUSE_SQL:-/talentflow/sql/warehouse.sql}
WAREHOUSE_DB=${POSTGRES_DB:-warehouse}
PASSWORD_VARS=(PG_AIRFLOW_PASSWORD PG_TALENTFLOW_PASSWORD PG_LOADER_PASSWORD PG_TRANSFORMER_PASSWORD
               PG_BI_READER_PASSWORD PG_HR_ADMIN_PASSWORD)

fail() { echo "00-databases.sh: $*" >&2; exit 1; }

[[ -r $WAREHOUSE_SQL ]] ||
  fail "$WAREHOUSE_SQL is missing: mount plugins/talentflow/core/sql/warehouse.sql there (read-only)"
for var in "${PASSWORD_VARS[@]}"; do
  value=${!var:-}
  [[ -n $value ]] || fail "$var is empty: set it in infra/.env (see infra/.env.example)"
  [[ $value != change-me* ]] || fail "$var still has the placeholder from .env.example: generate one"
done

# A superuser: `postgres` over the socket in the container; PGUSER/PGHOST elsewhere (infra/helm/README.md).
psql=(psql -X -v ON_ERROR_STOP=1 --username "${PGUSER:-postgres}")

# 1 + 2: roles and databases (CREATE DATABASE cannot run in a DO block, hence \gexec).
"${psql[@]}" --dbname postgres <<SQL
DO \$\$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['airflow', 'talentflow', 'loader', 'transformer', 'bi_reader', 'hr_admin'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I LOGIN', r);
    END IF;
  END LOOP;
END
\$\$;
SELECT 'CREATE DATABASE airflow OWNER airflow'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'airflow') \gexec
ALTER DATABASE "$WAREHOUSE_DB" OWNER TO talentflow;
REVOKE ALL ON DATABASE airflow FROM PUBLIC;
REVOKE ALL ON DATABASE "$WAREHOUSE_DB" FROM PUBLIC;
GRANT CONNECT ON DATABASE "$WAREHOUSE_DB" TO loader, transformer, bi_reader, hr_admin;
-- The service account switches to the narrow roles per task (warehouse.connect(role=...)) and sets
-- their default privileges (ALTER DEFAULT PRIVILEGES FOR ROLE ... in warehouse.sql).
GRANT loader, transformer, bi_reader, hr_admin TO talentflow;
SQL

# 3: the same DDL the embedded runtime applies, run as the owner of the warehouse.
"${psql[@]}" --dbname "$WAREHOUSE_DB" -c 'SET ROLE talentflow' -f "$WAREHOUSE_SQL"

# 4: passwords. Passed as psql variables (never interpolated into SQL text by the shell) and hashed
# by the server; keep log_statement below 'ddl' or they end up in the server log.
"${psql[@]}" --dbname postgres \
  --set=airflow_pw="$PG_AIRFLOW_PASSWORD" --set=talentflow_pw="$PG_TALENTFLOW_PASSWORD" \
  --set=loader_pw="$PG_LOADER_PASSWORD" --set=transformer_pw="$PG_TRANSFORMER_PASSWORD" \
  --set=bi_reader_pw="$PG_BI_READER_PASSWORD" --set=hr_admin_pw="$PG_HR_ADMIN_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';
ALTER ROLE airflow     PASSWORD :'airflow_pw';
ALTER ROLE talentflow  PASSWORD :'talentflow_pw';
ALTER ROLE loader      PASSWORD :'loader_pw';
ALTER ROLE transformer PASSWORD :'transformer_pw';
ALTER ROLE bi_reader   PASSWORD :'bi_reader_pw';
ALTER ROLE hr_admin    PASSWORD :'hr_admin_pw';
SQL

echo "00-databases.sh: databases airflow and $WAREHOUSE_DB ready; warehouse.sql applied; passwords set"
