"""The row-by-row ``warehouse.upsert`` as it was before issue 20, kept only so that bench_warehouse can
measure the bulk path against it in the same run. Not used by the platform."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import psycopg
from psycopg import sql

from talentflow.core.warehouse import LoadResult, TableSpec, ensure_table, on_conflict_clause


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
    conflict = on_conflict_clause(value_cols)
    query = sql.SQL(
        "INSERT INTO {target} AS t ({cols}) "
        "SELECT DISTINCT ON ({keys}) {cols} FROM {tmp} ORDER BY {keys}, _ord DESC "
        "ON CONFLICT ({keys}) {conflict} RETURNING (xmax = 0)"
    ).format(target=spec.ident, cols=col_ids, keys=key_ids, tmp=tmp, conflict=conflict)
    with conn.cursor() as cur:
        cur.execute(query)
        flags = [r[0] for r in cur.fetchall()]
    return LoadResult(spec.qualified, received, sum(flags), len(flags) - sum(flags))
