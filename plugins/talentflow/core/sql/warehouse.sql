-- TalentFlow warehouse: schemas, roles and grants. Idempotent: applied by `talentflow up`, by
-- warehouse.ensure_warehouse() and, in production, by infra/postgres/init (the same file).
--
-- raw         loaders write (append/upsert only)
-- staging, intermediate, marts   dbt builds them; marts are what BI tools read
-- restricted  PII and demographic attributes, and the people-data seeds; never readable by BI roles
-- hr_config   dbt seeds of HR-editable rules (salary bands, course catalogue, attrition rules)
-- audit       data-quality results, model versions, recommendations, alerts, ingest errors
-- keyring     the pseudonym secret; readable by its owner only (the role that applies this file)

CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS intermediate;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS restricted;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS hr_config;
CREATE SCHEMA IF NOT EXISTS keyring;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['loader', 'transformer', 'bi_reader', 'hr_admin'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      -- LOGIN without a password: usable over the embedded runtime's loopback trust auth only;
      -- production sets passwords (infra/postgres/init) and uses scram-sha-256.
      EXECUTE format('CREATE ROLE %I LOGIN', r);
    END IF;
  END LOOP;
END
$$;

-- Nobody gets anything by default in our schemas; then each role gets exactly its part.
REVOKE ALL ON SCHEMA raw, staging, intermediate, marts, restricted, audit, hr_config, keyring FROM PUBLIC;

-- loader: writes raw, restricted (PII from the sources) and audit (ingest errors, DQ results).
GRANT USAGE, CREATE ON SCHEMA raw, restricted, audit TO loader;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA raw, restricted, audit TO loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA raw, restricted, audit TO loader;

-- transformer (dbt): reads raw and restricted (to derive pseudonymous keys), builds the rest.
GRANT USAGE ON SCHEMA raw, audit TO transformer;
GRANT USAGE, CREATE ON SCHEMA restricted TO transformer;
GRANT SELECT ON ALL TABLES IN SCHEMA raw, restricted TO transformer;
GRANT INSERT, SELECT ON ALL TABLES IN SCHEMA audit TO transformer;
GRANT USAGE, CREATE ON SCHEMA staging, intermediate, marts, hr_config TO transformer;

-- bi_reader: marts only.
GRANT USAGE ON SCHEMA marts TO bi_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA marts TO bi_reader;

-- hr_admin: reads everything, including PII and the audit trail (not the pseudonym secret).
GRANT USAGE ON SCHEMA raw, staging, intermediate, marts, restricted, audit, hr_config TO hr_admin;
GRANT SELECT ON ALL TABLES IN SCHEMA raw, staging, intermediate, marts, restricted, audit, hr_config TO hr_admin;

-- Tables created later (by whoever runs this file, by loader or by transformer) inherit the grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA marts GRANT SELECT ON TABLES TO bi_reader, hr_admin;
ALTER DEFAULT PRIVILEGES IN SCHEMA raw GRANT SELECT ON TABLES TO transformer, hr_admin;
ALTER DEFAULT PRIVILEGES IN SCHEMA raw GRANT SELECT, INSERT, UPDATE ON TABLES TO loader;
ALTER DEFAULT PRIVILEGES IN SCHEMA restricted GRANT SELECT ON TABLES TO transformer, hr_admin;
ALTER DEFAULT PRIVILEGES IN SCHEMA restricted GRANT SELECT, INSERT, UPDATE ON TABLES TO loader;
ALTER DEFAULT PRIVILEGES IN SCHEMA audit GRANT SELECT ON TABLES TO hr_admin;
ALTER DEFAULT PRIVILEGES IN SCHEMA audit GRANT SELECT, INSERT, UPDATE ON TABLES TO loader, transformer;
ALTER DEFAULT PRIVILEGES IN SCHEMA audit GRANT USAGE ON SEQUENCES TO loader, transformer;
ALTER DEFAULT PRIVILEGES IN SCHEMA staging GRANT SELECT ON TABLES TO hr_admin;
ALTER DEFAULT PRIVILEGES IN SCHEMA intermediate GRANT SELECT ON TABLES TO hr_admin;
ALTER DEFAULT PRIVILEGES IN SCHEMA hr_config GRANT SELECT ON TABLES TO hr_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE transformer IN SCHEMA hr_config GRANT SELECT ON TABLES TO hr_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE transformer IN SCHEMA restricted GRANT SELECT ON TABLES TO hr_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE transformer IN SCHEMA marts GRANT SELECT ON TABLES TO bi_reader, hr_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE loader IN SCHEMA raw GRANT SELECT ON TABLES TO transformer, hr_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE loader IN SCHEMA restricted GRANT SELECT ON TABLES TO transformer, hr_admin;

-- Least privilege (issue 19): the platform's code connects as `loader`, dbt as `transformer`, and only
-- `talentflow up` as the owner applying this file. Each role owns what it makes (a loader's tables,
-- dbt's relations), so neither needs the owner to alter or replace them; neither is superuser, has
-- CREATEROLE/CREATEDB, or is in pg_read_server_files / pg_write_server_files / pg_execute_server_program.
DO $$
DECLARE r text;
BEGIN
  FOR r IN SELECT rolname FROM pg_roles WHERE rolname IN ('loader', 'transformer')
             AND (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls) LOOP
    EXECUTE format('ALTER ROLE %I NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', r);
  END LOOP;
END
$$;
-- The audit trail's tables the loaders make (recommendations, alerts sent, ...): dbt reads them,
-- hr_admin audits them.
ALTER DEFAULT PRIVILEGES FOR ROLE loader IN SCHEMA audit GRANT SELECT ON TABLES TO transformer, hr_admin;
-- People's data rights erase a person's rows from the audit trail's own tables too (ingest errors,
-- data-quality results): the loader may delete there, not alter or drop.
ALTER DEFAULT PRIVILEGES IN SCHEMA audit GRANT DELETE ON TABLES TO loader;
GRANT DELETE ON ALL TABLES IN SCHEMA audit TO loader;
-- The platform's code reads what dbt builds (attrition scoring, the API, retraining, the bias audit)
-- and erases a person's rows from it on request (people's data rights): no DDL there.
GRANT USAGE ON SCHEMA staging, intermediate, marts, hr_config TO loader;
GRANT SELECT, UPDATE, DELETE ON ALL TABLES IN SCHEMA staging, intermediate, marts, hr_config TO loader;
ALTER DEFAULT PRIVILEGES FOR ROLE transformer IN SCHEMA staging, intermediate, marts, hr_config, restricted
  GRANT SELECT, UPDATE, DELETE ON TABLES TO loader;
ALTER DEFAULT PRIVILEGES FOR ROLE transformer IN SCHEMA staging, intermediate GRANT SELECT ON TABLES TO hr_admin;

-- Pseudonymous keys (employee_key, candidate_key, ...): HMAC-SHA256 (RFC 2104) of '<kind>:<id>' under a
-- secret that is never in the repository nor in any view definition (pg_views and pg_proc are readable
-- by every role, so views call restricted.pseudonym() and the function reads the key from a table only
-- its owner can read). The secret comes from TALENTFLOW_PSEUDONYM_SECRET or, on the embedded runtime, a
-- file generated once under TALENTFLOW_HOME (talentflow.core.pseudonym installs it). Only the HMAC pads
-- derived from it are stored: K xor ipad and K xor opad, so the built-in sha256() suffices (pgcrypto is
-- not part of every PostgreSQL build, the embedded one included).
CREATE TABLE IF NOT EXISTS keyring.pseudonym_key (
    singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    inner_pad     bytea NOT NULL CHECK (length(inner_pad) = 64),
    outer_pad     bytea NOT NULL CHECK (length(outer_pad) = 64),
    fingerprint   text NOT NULL,            -- first bytes of HMAC(secret, 'fingerprint'): which secret, not it
    installed_at  timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON keyring.pseudonym_key FROM PUBLIC;

CREATE OR REPLACE FUNCTION restricted.pseudonym(kind text, id text) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  ipad bytea;
  opad bytea;
BEGIN
  SELECT k.inner_pad, k.outer_pad INTO ipad, opad FROM keyring.pseudonym_key AS k;
  IF ipad IS NULL THEN
    RAISE EXCEPTION 'pseudonym secret not installed'
      USING HINT = 'run `talentflow up` (it installs TALENTFLOW_PSEUDONYM_SECRET or the embedded runtime''s own)';
  END IF;
  RETURN encode(sha256(opad || sha256(ipad || convert_to(kind || ':' || id, 'UTF8'))), 'hex');
END
$fn$;
COMMENT ON FUNCTION restricted.pseudonym(text, text) IS
  'Pseudonymous key of an identifier: HMAC-SHA256 under the installation''s secret (keyring.pseudonym_key).';
-- Computing keys is as good as reading the key map (ids are guessable): dbt, hr_admin and the loader
-- (people's data rights find a subject's rows by their keys; it reads the key map anyway), never BI.
REVOKE ALL ON FUNCTION restricted.pseudonym(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION restricted.pseudonym(text, text) TO transformer, hr_admin, loader;

-- Comments outside marts go: every role reads pg_description, and a comment on a restricted or raw
-- relation describes data bi_reader must not see (those tables are documented in code and in dbt).
DO $$
DECLARE r record;
BEGIN
  FOR r IN
    SELECT c.oid, n.nspname, c.relname, c.relkind, d.objsubid, a.attname
    FROM pg_description AS d
    JOIN pg_class AS c ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid
    JOIN pg_namespace AS n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
    WHERE n.nspname IN ('raw', 'staging', 'intermediate', 'restricted', 'audit', 'hr_config', 'keyring')
  LOOP
    IF r.objsubid = 0 THEN
      EXECUTE format('COMMENT ON %s %I.%I IS NULL',
                     CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                    WHEN 'S' THEN 'SEQUENCE' WHEN 'i' THEN 'INDEX' ELSE 'TABLE' END,
                     r.nspname, r.relname);
    ELSE
      EXECUTE format('COMMENT ON COLUMN %I.%I.%I IS NULL', r.nspname, r.relname, r.attname);
    END IF;
  END LOOP;
END
$$;

-- Audit tables every part of the platform writes to.
CREATE TABLE IF NOT EXISTS audit.ingest_errors (
    error_id      bigserial PRIMARY KEY,
    occurred_at   timestamptz NOT NULL DEFAULT now(),
    source        text NOT NULL,            -- pipeline or command that rejected the input
    object_key    text,                     -- object-store key or file name of the input
    row_ref       text,                     -- row number or record key inside the input, if any
    reason_code   text NOT NULL,            -- machine-readable: corrupt, empty, too_large, schema, ...
    message       text NOT NULL,            -- what was wrong and what to do
    details       jsonb NOT NULL DEFAULT '{}'::jsonb,
    run_id        text
);
CREATE INDEX IF NOT EXISTS ingest_errors_source_idx ON audit.ingest_errors (source, occurred_at);

CREATE TABLE IF NOT EXISTS audit.data_quality_results (
    result_id            bigserial PRIMARY KEY,
    checked_at           timestamptz NOT NULL DEFAULT now(),
    suite                text NOT NULL,
    dataset              text NOT NULL,     -- schema.table or the DataFrame's name
    success              boolean NOT NULL,
    evaluated            integer NOT NULL,
    failed               integer NOT NULL,
    failed_expectations  jsonb NOT NULL DEFAULT '[]'::jsonb,
    row_count            bigint,
    run_id               text
);
CREATE INDEX IF NOT EXISTS data_quality_results_suite_idx ON audit.data_quality_results (suite, checked_at);


GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA audit TO loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA audit TO loader, transformer;
GRANT SELECT ON ALL TABLES IN SCHEMA audit TO hr_admin;
