-- TalentFlow warehouse: schemas, roles and grants. Idempotent: applied by `talentflow up`, by
-- warehouse.ensure_warehouse() and, in production, by infra/postgres/init (the same file).
--
-- raw         loaders write (append/upsert only)
-- staging, intermediate, marts   dbt builds them; marts are what BI tools read
-- restricted  PII and demographic attributes; never readable by BI roles
-- audit       data-quality results, model versions, recommendations, alerts, ingest errors

CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS intermediate;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS restricted;
CREATE SCHEMA IF NOT EXISTS audit;

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
REVOKE ALL ON SCHEMA raw, staging, intermediate, marts, restricted, audit FROM PUBLIC;

-- loader: writes raw, restricted (PII from the sources) and audit (ingest errors, DQ results).
GRANT USAGE, CREATE ON SCHEMA raw, restricted, audit TO loader;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA raw, restricted, audit TO loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA raw, restricted, audit TO loader;

-- transformer (dbt): reads raw and restricted (to derive pseudonymous keys), builds the rest.
GRANT USAGE ON SCHEMA raw, audit TO transformer;
GRANT USAGE, CREATE ON SCHEMA restricted TO transformer;
GRANT SELECT ON ALL TABLES IN SCHEMA raw, restricted TO transformer;
GRANT INSERT, SELECT ON ALL TABLES IN SCHEMA audit TO transformer;
GRANT USAGE, CREATE ON SCHEMA staging, intermediate, marts TO transformer;

-- bi_reader: marts only.
GRANT USAGE ON SCHEMA marts TO bi_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA marts TO bi_reader;

-- hr_admin: reads everything, including PII and the audit trail.
GRANT USAGE ON SCHEMA raw, staging, intermediate, marts, restricted, audit TO hr_admin;
GRANT SELECT ON ALL TABLES IN SCHEMA raw, staging, intermediate, marts, restricted, audit TO hr_admin;

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
ALTER DEFAULT PRIVILEGES FOR ROLE transformer IN SCHEMA marts GRANT SELECT ON TABLES TO bi_reader, hr_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE loader IN SCHEMA raw GRANT SELECT ON TABLES TO transformer, hr_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE loader IN SCHEMA restricted GRANT SELECT ON TABLES TO transformer, hr_admin;

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
