"""The warehouse on a real embedded PostgreSQL: DDL, roles and grants, the COPY upsert loader."""

from __future__ import annotations

import pandas as pd
import psycopg
import pytest

from talentflow.core import warehouse
from talentflow.core.warehouse import IngestError, TableSpec

PEOPLE = TableSpec(
    schema="raw",
    name="test_people",
    columns={"person_id": "text", "name": "text", "score": "double precision", "tags": "jsonb"},
    key=["person_id"],
    comment="test table",
)


def _count(conn, table):
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_schemas_roles_and_audit_tables_exist(warehouse_conn):
    schemas = {r[0] for r in warehouse_conn.execute("SELECT nspname FROM pg_namespace")}
    assert set(warehouse.SCHEMAS) <= schemas
    roles = {r[0] for r in warehouse_conn.execute("SELECT rolname FROM pg_roles")}
    assert set(warehouse.ROLES) <= roles
    columns = {
        (r[0], r[1])
        for r in warehouse_conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'audit'"
        )
    }
    assert {
        ("ingest_errors", "reason_code"),
        ("ingest_errors", "source"),
        ("data_quality_results", "success"),
    } <= columns


def test_ensure_warehouse_is_idempotent(tf_runtime, warehouse_conn):
    def shape():
        return warehouse_conn.execute(
            "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema IN ('raw', 'restricted', 'audit') ORDER BY 1, 2, 3"
        ).fetchall()

    warehouse_conn.execute(
        "INSERT INTO audit.ingest_errors (source, object_key, reason_code, message) "
        "VALUES ('idempotency-test', 'k', 'x', 'kept across re-runs')"
    )
    warehouse_conn.commit()
    before = shape()
    warehouse.ensure_warehouse(tf_runtime)
    warehouse.ensure_warehouse(tf_runtime)
    assert shape() == before
    kept = warehouse_conn.execute(
        "SELECT count(*) FROM audit.ingest_errors WHERE source = 'idempotency-test'"
    ).fetchone()[0]
    assert kept == 1


def test_upsert_loads_then_reload_changes_nothing(warehouse_conn):
    rows = [{"person_id": f"p{i}", "name": f"N{i}", "score": i / 10, "tags": ["a", i]} for i in range(500)]
    first = warehouse.upsert(warehouse_conn, PEOPLE, rows)
    assert (first.received, first.inserted, first.updated) == (500, 500, 0)
    loaded_at = warehouse_conn.execute("SELECT max(_loaded_at) FROM raw.test_people").fetchone()[0]
    warehouse_conn.commit()

    again = warehouse.upsert(warehouse_conn, PEOPLE, rows)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 500)
    assert _count(warehouse_conn, "raw.test_people") == 500
    assert warehouse_conn.execute("SELECT max(_loaded_at) FROM raw.test_people").fetchone()[0] == loaded_at

    rows[3]["score"] = 99.0
    changed = warehouse.upsert(warehouse_conn, PEOPLE, rows + [{"person_id": "new", "name": "X"}])
    assert (changed.inserted, changed.updated) == (1, 1)
    assert warehouse_conn.execute(
        "SELECT score, tags FROM raw.test_people WHERE person_id='p3'"
    ).fetchone() == (99.0, ["a", 3])


def test_upsert_from_dataframe_last_row_per_key_wins(warehouse_conn):
    df = pd.DataFrame(
        {"person_id": ["d1", "d1", "d2"], "name": ["old", "new", None], "score": [1.0, 2.0, float("nan")]}
    )
    result = warehouse.upsert(warehouse_conn, PEOPLE, df)
    assert result.received == 3 and result.inserted == 2
    assert warehouse_conn.execute("SELECT name FROM raw.test_people WHERE person_id='d1'").fetchone() == (
        "new",
    )
    assert warehouse_conn.execute(
        "SELECT name, score FROM raw.test_people WHERE person_id='d2'"
    ).fetchone() == (None, None)


def test_table_spec_rejects_bad_definitions():
    with pytest.raises(ValueError, match="unknown schema"):
        TableSpec("public", "x", {"a": "int"}, ["a"])
    with pytest.raises(ValueError, match="key columns"):
        TableSpec("raw", "x", {"a": "int"}, ["b"])


def test_ingest_errors_are_recorded(warehouse_conn):
    n = warehouse.record_ingest_errors(
        warehouse_conn,
        [
            IngestError(
                "test",
                "corrupt",
                "file is not a PDF: re-export it",
                object_key="incoming/resumes/x.pdf",
                details={"size": 3},
            ),
        ],
    )
    assert n == 1
    row = warehouse.fetch_all(
        warehouse_conn, "SELECT reason_code, details FROM audit.ingest_errors WHERE source='test'"
    )[0]
    assert row == {"reason_code": "corrupt", "details": {"size": 3}}


@pytest.fixture
def restricted_and_mart_tables(tf_runtime):
    with warehouse.connect(tf_runtime) as conn:  # loaders make raw and restricted tables
        conn.execute("CREATE TABLE IF NOT EXISTS restricted.test_pii (id int, email text)")
        conn.execute("CREATE TABLE IF NOT EXISTS raw.test_raw (id int)")
    with warehouse.connect(tf_runtime, login="transformer") as conn:  # dbt makes marts
        conn.execute("CREATE TABLE IF NOT EXISTS marts.test_mart (id int, metric int)")
        conn.execute("INSERT INTO marts.test_mart VALUES (1, 2)")


@pytest.mark.parametrize("table", ["restricted.test_pii", "raw.test_raw", "audit.ingest_errors"])
def test_bi_reader_cannot_read_outside_marts(tf_runtime, restricted_and_mart_tables, table):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with warehouse.connect(tf_runtime, role="bi_reader") as conn:
            conn.execute(f"SELECT * FROM {table}")


def test_bi_reader_reads_marts_and_hr_admin_reads_restricted(tf_runtime, restricted_and_mart_tables):
    with warehouse.connect(tf_runtime, role="bi_reader") as conn:
        assert conn.execute("SELECT metric FROM marts.test_mart").fetchone() == (2,)
    with warehouse.connect(tf_runtime, role="hr_admin") as conn:
        conn.execute("SELECT * FROM restricted.test_pii")


def test_loader_role_can_load_raw_but_not_build_marts(tf_runtime, restricted_and_mart_tables):
    spec = TableSpec("raw", "test_loader_rows", {"k": "text", "v": "int"}, ["k"])
    with warehouse.connect(tf_runtime, role="loader") as conn:
        assert warehouse.upsert(conn, spec, [{"k": "a", "v": 1}]).inserted == 1
    # The platform's code reads what dbt built (attrition, the API) but never makes or drops it.
    for ddl in ("CREATE TABLE marts.loader_made (id int)", "DROP TABLE marts.test_mart"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with warehouse.connect(tf_runtime, role="loader") as conn:
                conn.execute(ddl)
    # A table the loader created is readable by dbt's role, not by BI.
    with warehouse.connect(tf_runtime, role="transformer") as conn:
        assert conn.execute("SELECT v FROM raw.test_loader_rows").fetchone() == (1,)


def test_unreachable_warehouse_names_the_setting(monkeypatch):
    from talentflow.core.config import ConfigError, Settings
    from tests.conftest import free_port

    monkeypatch.setenv("TALENTFLOW_WAREHOUSE_URL", f"postgresql://x@127.0.0.1:{free_port()}/nope")
    with pytest.raises(ConfigError, match="TALENTFLOW_WAREHOUSE_URL"):
        with warehouse.connect(Settings()):
            pass
    assert warehouse.ping(Settings()) is False


def test_insert_only_columns_keep_their_first_value(warehouse_conn):
    spec = TableSpec(
        "raw",
        "test_first_seen",
        {"k": "text", "v": "int", "first_seen": "text"},
        ["k"],
        insert_only=["first_seen"],
    )
    warehouse.upsert(warehouse_conn, spec, [{"k": "a", "v": 1, "first_seen": "monday"}])
    again = warehouse.upsert(warehouse_conn, spec, [{"k": "a", "v": 1, "first_seen": "tuesday"}])
    assert (again.inserted, again.updated) == (0, 0)
    changed = warehouse.upsert(warehouse_conn, spec, [{"k": "a", "v": 2, "first_seen": "wednesday"}])
    assert changed.updated == 1
    assert warehouse_conn.execute("SELECT v, first_seen FROM raw.test_first_seen").fetchone() == (2, "monday")
