"""The employee archive warehouse (PostgreSQL): schemas, roles, bulk loading and the audit trail.

Loading is Arrow-written CSV and one COPY into a temporary table, followed by a set-wise UPDATE that
only touches rows whose values changed and an INSERT of the new keys, so loading the same batch twice
changes nothing. A first load into an empty table COPYs straight into it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter
from psycopg.rows import dict_row

from talentflow.core.config import WAREHOUSE_DB, ConfigError, Settings, get_settings, mask_url

SCHEMAS = ("raw", "staging", "intermediate", "marts", "restricted", "audit")
ROLES = ("loader", "transformer", "bi_reader", "hr_admin")
LOADED_AT = "_loaded_at"
# Table and column comments are stored only in these schemas (the others are documented in code and in
# dbt's sources): every role can read pg_description, bi_reader included.
COMMENTED_SCHEMAS = ("marts",)
# Any constant works; it only has to be the same for every process applying the DDL.
_DDL_LOCK_ID = 0x7A1E47F10


# Which login a connection uses (least privilege): the platform's code is ``loader``; dbt is
# ``transformer``; ``admin`` (the warehouse's owner, the embedded superuser) only applies the DDL.
LOGINS = ("loader", "transformer", "admin")


def login_dsn(settings: Settings, login: str = "loader") -> str:
    if login not in LOGINS:
        raise ValueError(f"unknown warehouse login {login!r}: one of {', '.join(LOGINS)}")
    return {
        "loader": settings.warehouse_dsn,
        "transformer": settings.transformer_dsn,
        "admin": settings.admin_dsn,
    }[login]


@contextmanager
def connect(
    settings: Settings | None = None,
    *,
    role: str | None = None,
    autocommit: bool = False,
    login: str = "loader",
) -> Iterator[psycopg.Connection]:
    """A connection to the warehouse as ``login`` (see :data:`LOGINS`). ``role`` runs it as that role
    instead: on the embedded runtime by logging in as it (every role has its own password there),
    elsewhere by ``SET ROLE`` after logging in (the login must be a member of ``role``)."""
    settings = settings or get_settings()
    dsn = login_dsn(settings, login)
    if role and settings.embedded_warehouse and role in ROLES:
        dsn, role = settings.embedded_url(WAREHOUSE_DB, role=role), None
    try:
        conn = psycopg.connect(dsn, autocommit=autocommit, connect_timeout=10)
    except psycopg.OperationalError as exc:
        hint = (
            "TALENTFLOW_WAREHOUSE_URL"
            if settings.warehouse_url
            else "the embedded PostgreSQL (run `talentflow up`)"
        )
        raise ConfigError(f"warehouse unreachable at {mask_url(dsn)}: check {hint}") from exc
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
    """Schemas, roles, grants and audit tables (idempotent; serialised by an advisory lock), applied by
    the warehouse's owner; then the ownership of tables made before the least-privilege logins."""
    ddl = resources.files("talentflow.core").joinpath("sql/warehouse.sql").read_text()
    with connect(settings, login="admin") as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_DDL_LOCK_ID,))
        conn.execute(ddl)
        _hand_over_tables(conn)


# Schemas whose tables the loaders make (``ensure_table`` adds _loaded_at to each) and dbt's schemas.
LOADER_SCHEMAS = ("raw", "restricted", "audit")
DBT_SCHEMAS = ("staging", "intermediate", "marts", "hr_config", "restricted")


def _hand_over_tables(conn: psycopg.Connection) -> None:
    """Tables the owner login made itself (a warehouse from before the ``loader``/``transformer``
    logins) go to the role that maintains them: a loader table (it has ``_loaded_at``) to
    ``loader``, dbt's relations to ``transformer``. The audit trail's own tables stay the owner's."""
    if (
        conn.execute("SELECT count(*) FROM pg_roles WHERE rolname IN ('loader', 'transformer')").fetchone()[0]
        < 2
    ):
        return
    rows = conn.execute(
        """
        SELECT n.nspname, c.relname, c.relkind,
               EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = %s
                       AND NOT a.attisdropped) AS loaded
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
          AND c.relkind IN ('r', 'v', 'm', 'p') AND n.nspname = ANY(%s)
        """,
        (LOADED_AT, list({*LOADER_SCHEMAS, *DBT_SCHEMAS})),
    ).fetchall()
    for schema, name, kind, loaded in rows:
        if loaded and schema in LOADER_SCHEMAS:
            owner = "loader"
        elif not loaded and schema in DBT_SCHEMAS:
            owner = "transformer"
        else:
            continue
        what = {"v": "VIEW", "m": "MATERIALIZED VIEW"}.get(kind, "TABLE")
        conn.execute(
            sql.SQL("ALTER {} {}.{} OWNER TO {}").format(
                sql.SQL(what), sql.Identifier(schema), sql.Identifier(name), sql.Identifier(owner)
            )
        )


# Who may read (or, for the loader, erase in) what each login makes: re-granted by refresh_grants.
_READERS = {
    "marts": ("bi_reader", "hr_admin"),
    "raw": ("transformer", "hr_admin"),
    "restricted": ("transformer", "hr_admin"),
    "staging": ("hr_admin",),
    "intermediate": ("hr_admin",),
    "hr_config": ("hr_admin",),
    "audit": ("hr_admin",),
}


def refresh_grants(settings: Settings | None = None) -> None:
    """Re-grant SELECT on the tables each login owns (after dbt recreates marts tables): as
    ``transformer`` for dbt's relations, as ``loader`` for the loaders' tables. Needs no superuser:
    an owner may always grant on its own tables."""
    for login in ("transformer", "loader"):
        with connect(settings, login=login) as conn:
            owned = conn.execute(
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE pg_has_role(current_user, c.relowner, 'USAGE') AND c.relkind IN ('r', 'v', 'm', 'p') "
                "AND n.nspname = ANY(%s)",
                (list(_READERS),),
            ).fetchall()
            for schema, name in owned:
                conn.execute(
                    sql.SQL("GRANT SELECT ON {}.{} TO {}").format(
                        sql.Identifier(schema),
                        sql.Identifier(name),
                        sql.SQL(", ").join(map(sql.Identifier, _READERS[schema])),
                    )
                )


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
    """Create the table if missing and add columns that a newer spec introduced.

    What exists is read from the catalogue first (no lock), so a table that already matches its spec
    takes no DDL at all: DDL takes an exclusive lock until commit, which serialised (and could
    deadlock) concurrent loaders that merely checked their tables.
    """
    state = conn.execute(
        "SELECT c.oid IS NOT NULL, obj_description(c.oid, 'pg_class'), "
        "coalesce((SELECT json_object_agg(a.attname, coalesce(col_description(c.oid, a.attnum), '')) "
        "FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '{}') "
        "FROM (SELECT to_regclass(%s) AS oid) r LEFT JOIN pg_class c ON c.oid = r.oid",
        (f'"{spec.schema}"."{spec.name}"',),
    ).fetchone()
    exists, table_comment, existing = bool(state[0]), state[1], state[2] or {}
    if not exists:
        cols = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in spec.columns.items()]
        cols.append(sql.SQL("{} timestamptz NOT NULL DEFAULT now()").format(sql.Identifier(LOADED_AT)))
        cols.append(sql.SQL("PRIMARY KEY ({})").format(sql.SQL(", ").join(map(sql.Identifier, spec.key))))
        conn.execute(
            sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(spec.ident, sql.SQL(", ").join(cols))
        )
    for col, typ in spec.columns.items():
        if col not in existing:
            conn.execute(
                sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                    spec.ident, sql.Identifier(col), sql.SQL(typ)
                )
            )
    if spec.schema not in COMMENTED_SCHEMAS:
        return  # pg_description is readable by every role: comments only where BI may look (marts)
    if spec.comment and spec.comment != table_comment:
        conn.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(spec.ident, sql.Literal(spec.comment)))
    for col, text in spec.column_comments.items():
        if existing.get(col) != text:
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


# Rows per CSV block handed to COPY: large enough that per-block overhead vanishes, small enough that
# the CSV text of one block stays a few MB.
COPY_BLOCK_ROWS = 65_536
_INT_TYPES = {"smallint", "integer", "int", "int2", "int4", "int8", "bigint"}
_JSON_TYPES = {"json", "jsonb"}


def _frame(data: Any, columns: Sequence[str]) -> pd.DataFrame:
    """``data`` as a DataFrame with exactly ``columns`` (missing ones NULL).

    Lists of mappings or tuples become object columns, so Python values (big ints, dates, dicts)
    reach Arrow unchanged instead of being coerced by pandas' type inference.
    """
    if isinstance(data, pd.DataFrame):
        return data.reindex(columns=list(columns))
    rows = data if isinstance(data, list) else list(data)
    if rows and isinstance(rows[0], Mapping):
        cols = {c: pd.Series([r.get(c) for r in rows], dtype=object) for c in columns}
    else:
        values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
        cols = {c: pd.Series(list(v), dtype=object) for c, v in zip(columns, values, strict=True)}
    return pd.DataFrame(cols, columns=list(columns))


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _json_texts(series: pd.Series) -> pa.Array:
    # The one per-value Python step left: JSON has no vectorised encoder for arbitrary objects.
    texts = [
        None if _is_missing(v) else v if isinstance(v, str) else json.dumps(v, default=str)
        for v in series.tolist()
    ]
    return pa.array(texts, type=pa.string())


def _arrow_column(series: pd.Series, pg_type: str) -> pa.Array:
    """One column as an Arrow array whose CSV text PostgreSQL reads back as the same value."""
    pg_type = pg_type.lower().strip()
    if pg_type in _JSON_TYPES:
        return _json_texts(series)
    try:
        arr = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        # Mixed Python types in one column: let PostgreSQL parse each value's text, as before.
        if series.map(lambda v: isinstance(v, dict | list)).any():
            return _json_texts(series)
        return pa.array([None if _is_missing(v) else str(v) for v in series.tolist()], type=pa.string())
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_nested(arr.type):
        return _json_texts(series)
    if pg_type in _INT_TYPES and pa.types.is_floating(arr.type):
        try:  # integers that pandas widened to float because of a NULL
            arr = pc.cast(arr, pa.int64(), safe=True)
        except pa.ArrowInvalid:
            pass
    if pa.types.is_binary(arr.type) or pa.types.is_large_binary(arr.type):
        arr = pa.array([None if v is None else "\\x" + v.hex() for v in arr.to_pylist()], type=pa.string())
    return arr


def _arrow_table(frame: pd.DataFrame, spec: TableSpec) -> pa.Table:
    return pa.table({c: _arrow_column(frame[c], spec.columns[c]) for c in spec.columns})


def _copy_csv(conn: psycopg.Connection, target: sql.Composable, table: pa.Table) -> None:
    """One ``COPY … (FORMAT csv)`` of ``table``; Arrow writes the CSV in C++ block by block.

    Arrow quotes every string and leaves NULL unquoted and empty, which is exactly PostgreSQL's CSV
    reading of NULL versus the empty string.
    """
    cols = sql.SQL(", ").join(map(sql.Identifier, table.column_names))
    options = pacsv.WriteOptions(include_header=False, batch_size=COPY_BLOCK_ROWS)
    with conn.cursor() as cur:
        query = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(target, cols)
        # The queued writer sends from a thread, so PostgreSQL parses one block while Arrow writes
        # the next.
        with cur.copy(query, writer=QueuedLibpqWriter(cur)) as copy:
            for batch in table.to_batches(max_chunksize=COPY_BLOCK_ROWS):
                buf = io.BytesIO()
                pacsv.write_csv(batch, buf, options)
                copy.write(buf.getbuffer())


def _is_empty(conn: psycopg.Connection, spec: TableSpec) -> bool:
    return conn.execute(sql.SQL("SELECT NOT EXISTS (SELECT 1 FROM {})").format(spec.ident)).fetchone()[0]


def upsert(
    conn: psycopg.Connection,
    spec: TableSpec,
    data: Iterable | Any,
    *,
    create: bool = True,
    copy_first: bool = False,
) -> LoadResult:
    """COPY ``data`` into ``spec``'s table, inserting new keys and updating changed rows only.

    ``data`` is a DataFrame or an iterable of mappings (or tuples in column order). Within one batch
    the last row for a key wins. Re-loading an identical batch updates nothing (``_loaded_at`` keeps
    the time the row last changed).

    Values never pass through Python one by one (except JSON): the frame becomes an Arrow table,
    Arrow writes CSV, one COPY loads it. Into an empty table the COPY goes straight to the target;
    otherwise into a temporary table, then one set-wise ``UPDATE … FROM`` of the rows whose values
    are ``IS DISTINCT FROM`` the target's and one ``INSERT`` of the new keys.

    ``copy_first`` tries the straight COPY even into a non-empty table (rolled back to a savepoint
    and merged if any key exists): for a loader that streams a first load in chunks.
    """
    frame = _frame(data, list(spec.columns))
    received = len(frame)
    table = _arrow_table(frame, spec)
    del frame
    # Last row per key wins, decided here on the typed key values (hash-based, vectorised), so
    # PostgreSQL needs no sort and the merge below sees each key once.
    duplicated = table.select(list(spec.key)).to_pandas().duplicated(keep="last").to_numpy()
    if duplicated.any():
        table = table.filter(pa.array(~duplicated))
    if conn.autocommit:  # the temporary table lives until commit: give it one transaction
        with conn.transaction():
            return _load(conn, spec, table, received, create, copy_first)
    return _load(conn, spec, table, received, create, copy_first)


def _load(
    conn: psycopg.Connection, spec: TableSpec, table: pa.Table, received: int, create: bool, copy_first: bool
) -> LoadResult:
    # The caller's transaction is (implicitly) open from here on, so the blocks below are savepoints
    # and commit nothing on their own.
    if create:
        ensure_table(conn, spec)
    empty = _is_empty(conn, spec) or copy_first
    if received == 0:
        return LoadResult(spec.qualified, 0, 0, 0)
    if empty:
        try:
            with conn.transaction():
                _copy_csv(conn, spec.ident, table)
            return LoadResult(spec.qualified, received, table.num_rows, 0)
        except psycopg.errors.UniqueViolation:
            # A key already there (copy_first), keys equal in PostgreSQL only (a date and its
            # text…), or a concurrent first load: the general path below handles them all.
            pass
    inserted, changed = _merge(conn, spec, table)
    return LoadResult(spec.qualified, received, inserted, changed)


def _merge(conn: psycopg.Connection, spec: TableSpec, table: pa.Table) -> tuple[int, int]:
    columns = list(spec.columns)
    col_ids = sql.SQL(", ").join(map(sql.Identifier, columns))
    tmp = sql.Identifier(f"_load_{spec.schema}_{spec.name}")
    conn.execute(
        sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP").format(
            tmp, spec.ident
        )
    )
    conn.execute(sql.SQL("TRUNCATE {}").format(tmp))
    _copy_csv(conn, tmp, table)
    if table.num_rows >= 10_000:  # row estimates for the joins below
        conn.execute(sql.SQL("ANALYZE {}").format(tmp))
    value_cols = [c for c in columns if c not in spec.key and c not in spec.insert_only]
    join = sql.SQL(" AND ").join(sql.SQL("t.{0} = s.{0}").format(sql.Identifier(k)) for k in spec.key)
    target_vals = sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in value_cols)
    try:
        with conn.transaction():
            updated = 0
            if value_cols:
                # Set-wise and change-detecting: a join touches only the rows whose values differ,
                # so an unchanged reload writes (and locks) nothing.
                cur = conn.execute(
                    sql.SQL(
                        "UPDATE {target} AS t SET {sets}, {loaded_at} = now() FROM {tmp} AS s "
                        "WHERE {join} AND ({target_vals}) IS DISTINCT FROM ({new_vals})"
                    ).format(
                        target=spec.ident,
                        sets=sql.SQL(", ").join(
                            sql.SQL("{0} = s.{0}").format(sql.Identifier(c)) for c in value_cols
                        ),
                        loaded_at=sql.Identifier(LOADED_AT),
                        tmp=tmp,
                        join=join,
                        target_vals=target_vals,
                        new_vals=sql.SQL(", ").join(
                            sql.SQL("s.{}").format(sql.Identifier(c)) for c in value_cols
                        ),
                    )
                )
                updated = cur.rowcount
            cur = conn.execute(
                sql.SQL(
                    "INSERT INTO {target} ({cols}) SELECT {cols} FROM {tmp} AS s "
                    "WHERE NOT EXISTS (SELECT 1 FROM {target} AS t WHERE {join})"
                ).format(target=spec.ident, cols=col_ids, tmp=tmp, join=join)
            )
            return cur.rowcount, updated
    except psycopg.errors.UniqueViolation:
        # A concurrent loader inserted one of our new keys meanwhile, or two rows are one key only
        # in PostgreSQL's eyes: one INSERT … ON CONFLICT settles both (the later row wins; a
        # freshly truncated table filled by one COPY stores rows in input order, hence ctid).
        return _merge_on_conflict(conn, spec, tmp, value_cols)


def on_conflict_clause(value_cols: list[str]) -> sql.Composable:
    """``DO UPDATE`` of the value columns only where they changed (and ``_loaded_at`` with them), or
    ``DO NOTHING`` when the table is all key: a reload of the same rows writes nothing."""
    if not value_cols:
        return sql.SQL("DO NOTHING")
    set_clause = sql.SQL(", ").join(
        [sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in value_cols]
        + [sql.SQL("{} = now()").format(sql.Identifier(LOADED_AT))]
    )
    target_vals = sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in value_cols)
    new_vals = sql.SQL(", ").join(sql.SQL("EXCLUDED.{}").format(sql.Identifier(c)) for c in value_cols)
    return sql.SQL("DO UPDATE SET {} WHERE ({}) IS DISTINCT FROM ({})").format(
        set_clause, target_vals, new_vals
    )


def _merge_on_conflict(
    conn: psycopg.Connection, spec: TableSpec, tmp: sql.Identifier, value_cols: list[str]
) -> tuple[int, int]:
    col_ids = sql.SQL(", ").join(map(sql.Identifier, spec.columns))
    key_ids = sql.SQL(", ").join(map(sql.Identifier, spec.key))
    conflict = on_conflict_clause(value_cols)
    query = sql.SQL(
        "WITH applied AS (INSERT INTO {target} AS t ({cols}) "
        "SELECT DISTINCT ON ({keys}) {cols} FROM {tmp} ORDER BY {keys}, ctid DESC "
        "ON CONFLICT ({keys}) {conflict} RETURNING (xmax = 0) AS inserted) "
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM applied"
    ).format(target=spec.ident, cols=col_ids, keys=key_ids, tmp=tmp, conflict=conflict)
    return tuple(conn.execute(query).fetchone())


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
