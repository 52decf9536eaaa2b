"""The employee archive warehouse (PostgreSQL): schemas, roles, bulk loading and the audit trail.

Loading is COPY into a temporary table followed by one ``INSERT … ON CONFLICT (key) DO UPDATE``
that only touches rows whose values changed, so loading the same batch twice changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from talentflow.core.config import ConfigError, Settings, get_settings

SCHEMAS = ("raw", "staging", "intermediate", "marts", "restricted", "audit")
ROLES = ("loader", "transformer", "bi_reader", "hr_admin")
LOADED_AT = "_loaded_at"
# Any constant works; it only has to be the same for every process applying the DDL.
_DDL_LOCK_ID = 0x7A1E47F10


@contextmanager
def connect(
    settings: Settings | None = None, *, role: str | None = None, autocommit: bool = False
) -> Iterator[psycopg.Connection]:
    """A connection to the warehouse; ``role`` runs it as that role (``SET ROLE``)."""
    settings = settings or get_settings()
    try:
        conn = psycopg.connect(settings.warehouse_dsn, autocommit=autocommit, connect_timeout=10)
    except psycopg.OperationalError as exc:
        hint = (
            "TALENTFLOW_WAREHOUSE_URL"
            if settings.warehouse_url
            else "the embedded PostgreSQL (run `talentflow up`)"
        )
        raise ConfigError(f"warehouse unreachable at {settings.warehouse_dsn}: check {hint}") from exc
    try:
        if role:
            conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        yield conn
        if not autocommit:
            conn.commit()
    except BaseException:
        if not autocommit and not conn.closed:
            conn.rollback()
        raise
    finally:
        conn.close()


def ping(settings: Settings | None = None) -> bool:
    try:
        with connect(settings) as conn:
            conn.execute("SELECT 1")
    except ConfigError:
        return False
    return True


def ensure_warehouse(settings: Settings | None = None) -> None:
    """Schemas, roles, grants and audit tables (idempotent; serialised by an advisory lock)."""
    ddl = resources.files("talentflow.core").joinpath("sql/warehouse.sql").read_text()
    with connect(settings) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_DDL_LOCK_ID,))
        conn.execute(ddl)


def refresh_grants(settings: Settings | None = None) -> None:
    """Re-grant on existing tables (after dbt recreates marts tables)."""
    with connect(settings) as conn:
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA marts TO bi_reader, hr_admin")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA raw, restricted TO transformer, hr_admin")


# ---- tables and bulk loading ------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    """A table a loader owns: ordered columns (name → PostgreSQL type) and its natural key."""

    schema: str
    name: str
    columns: Mapping[str, str]
    key: Sequence[str]
    comment: str = ""
    column_comments: Mapping[str, str] = field(default_factory=dict)
    # Written when a key first arrives and never updated (e.g. when a file was first received).
    insert_only: Sequence[str] = ()

    def __post_init__(self) -> None:
        if self.schema not in SCHEMAS:
            raise ValueError(f"unknown schema {self.schema!r}; one of {SCHEMAS}")
        missing = [k for k in self.key if k not in self.columns]
        if missing:
            raise ValueError(f"{self.qualified}: key columns {missing} are not columns")

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def ident(self) -> sql.Composed:
        return sql.SQL("{}.{}").format(sql.Identifier(self.schema), sql.Identifier(self.name))


def ensure_table(conn: psycopg.Connection, spec: TableSpec) -> None:
    """Create the table if missing and add columns that a newer spec introduced."""
    cols = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in spec.columns.items()]
    cols.append(sql.SQL("{} timestamptz NOT NULL DEFAULT now()").format(sql.Identifier(LOADED_AT)))
    cols.append(sql.SQL("PRIMARY KEY ({})").format(sql.SQL(", ").join(map(sql.Identifier, spec.key))))
    conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(spec.ident, sql.SQL(", ").join(cols)))
    for col, typ in spec.columns.items():
        conn.execute(
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                spec.ident, sql.Identifier(col), sql.SQL(typ)
            )
        )
    if spec.comment:
        conn.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(spec.ident, sql.Literal(spec.comment)))
    for col, text in spec.column_comments.items():
        conn.execute(
            sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(
                spec.ident, sql.Identifier(col), sql.Literal(text)
            )
        )


@dataclass
class LoadResult:
    table: str
    received: int
    inserted: int
    updated: int

    @property
    def unchanged(self) -> int:
        return self.received - self.inserted - self.updated


def _rows(data: Any, columns: Sequence[str]) -> Iterator[tuple]:
    """Rows as tuples in column order, from a DataFrame or an iterable of mappings/tuples."""
    try:
        import pandas as pd

        if isinstance(data, pd.DataFrame):
            frame = data.reindex(columns=list(columns)).astype(object)
            frame = frame.where(frame.notna(), None)
            for row in frame.itertuples(index=False, name=None):
                yield tuple(_adapt(v) for v in row)
            return
    except ImportError:  # pragma: no cover
        pass
    for row in data:
        if isinstance(row, Mapping):
            yield tuple(_adapt(row.get(c)) for c in columns)
        else:
            yield tuple(_adapt(v) for v in row)


def _adapt(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return value


def upsert(
    conn: psycopg.Connection, spec: TableSpec, data: Iterable | Any, *, create: bool = True
) -> LoadResult:
    """COPY ``data`` into ``spec``'s table, inserting new keys and updating changed rows only.

    Within one batch the last row for a key wins. Re-loading an identical batch updates nothing
    (``_loaded_at`` keeps the time the row last changed).
    """
    if create:
        ensure_table(conn, spec)
    columns = list(spec.columns)
    col_ids = sql.SQL(", ").join(map(sql.Identifier, columns))
    key_ids = sql.SQL(", ").join(map(sql.Identifier, spec.key))
    tmp = sql.Identifier(f"_load_{spec.schema}_{spec.name}")
    conn.execute(
        sql.SQL(
            "CREATE TEMP TABLE IF NOT EXISTS {} (_ord bigserial, LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP"
        ).format(tmp, spec.ident)
    )
    conn.execute(sql.SQL("TRUNCATE {}").format(tmp))
    received = 0
    with conn.cursor() as cur:
        with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(tmp, col_ids)) as copy:
            for row in _rows(data, columns):
                copy.write_row(row)
                received += 1
    value_cols = [c for c in columns if c not in spec.key and c not in spec.insert_only]
    if value_cols:
        set_clause = sql.SQL(", ").join(
            [sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in value_cols]
            + [sql.SQL("{} = now()").format(sql.Identifier(LOADED_AT))]
        )
        target_vals = sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in value_cols)
        new_vals = sql.SQL(", ").join(sql.SQL("EXCLUDED.{}").format(sql.Identifier(c)) for c in value_cols)
        conflict = sql.SQL("DO UPDATE SET {} WHERE ({}) IS DISTINCT FROM ({})").format(
            set_clause, target_vals, new_vals
        )
    else:
        conflict = sql.SQL("DO NOTHING")
    query = sql.SQL(
        "INSERT INTO {target} AS t ({cols}) "
        "SELECT DISTINCT ON ({keys}) {cols} FROM {tmp} ORDER BY {keys}, _ord DESC "
        "ON CONFLICT ({keys}) {conflict} RETURNING (xmax = 0)"
    ).format(target=spec.ident, cols=col_ids, keys=key_ids, tmp=tmp, conflict=conflict)
    with conn.cursor() as cur:
        cur.execute(query)
        flags = [r[0] for r in cur.fetchall()]
    return LoadResult(spec.qualified, received, sum(flags), len(flags) - sum(flags))


# ---- audit ------------------------------------------------------------------------------------


@dataclass
class IngestError:
    source: str
    reason_code: str
    message: str
    object_key: str | None = None
    row_ref: str | None = None
    details: dict = field(default_factory=dict)
    run_id: str | None = None


def record_ingest_errors(conn: psycopg.Connection, errors: Iterable[IngestError]) -> int:
    rows = [
        (
            e.source,
            e.object_key,
            e.row_ref,
            e.reason_code,
            e.message,
            json.dumps(e.details, default=str),
            e.run_id,
        )
        for e in errors
    ]
    if rows:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO audit.ingest_errors (source, object_key, row_ref, reason_code, message, details,"
                " run_id) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
    return len(rows)


def fetch_all(conn: psycopg.Connection, query: str, params: Sequence | None = None) -> list[dict]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        return cur.fetchall()
