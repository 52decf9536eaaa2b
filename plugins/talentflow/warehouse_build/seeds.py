"""Reading dbt seeds back from the warehouse.

Seeds are HR-editable configuration (dbt_project/seeds/); ``dbt seed`` loads them into ``hr_config``
(rules, catalogues) or ``restricted`` (the one that names people). Python that applies a rule reads
the seeded table, so the warehouse build is the one deployment path for an HR edit.
"""

from __future__ import annotations

from collections.abc import Sequence

from psycopg import errors, sql

from talentflow.core import warehouse
from talentflow.core.config import Settings
from talentflow.core.errors import ConfigError


def read_seed(table: str, columns: Sequence[str], settings: Settings | None = None) -> list[dict[str, str]]:
    """Rows of a seeded ``schema.table`` as CSV-like strings (``""`` for NULL), in the seed's order."""
    schema, name = table.split(".", 1)
    query = sql.SQL("SELECT {} FROM {}.{}").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(schema), sql.Identifier(name)
    )
    try:
        with warehouse.connect(settings) as conn:
            rows = conn.execute(query).fetchall()
    except errors.UndefinedTable as exc:
        raise ConfigError(
            f"seed table {table} is missing: run the warehouse_build DAG (or `dbt seed`) first"
        ) from exc
    return [{c: "" if v is None else _text(v) for c, v in zip(columns, row, strict=True)} for row in rows]


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
