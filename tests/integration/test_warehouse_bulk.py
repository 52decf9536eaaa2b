"""The bulk COPY path of ``warehouse.upsert`` on a real PostgreSQL: values survive the CSV round trip.

Each case is loaded twice over: once into an empty table (COPY straight into the target) and once
through the temporary table and the set-wise ``INSERT … ON CONFLICT`` merge, and both must agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import psycopg
import pytest

from talentflow.core import warehouse
from talentflow.core.warehouse import TableSpec

COLUMNS = {
    "k": "text",
    "t": "text",
    "n": "integer",
    "big": "bigint",
    "x": "double precision",
    "ok": "boolean",
    "d": "date",
    "ts": "timestamptz",
    "doc": "jsonb",
}
NASTY = [
    "",
    None,
    "plain",
    'a "quoted" word',
    "comma, and\nnewline\r\nand CRLF",
    "back\\slash \\N and \\. alone",
    "\\N",
    "tab\there",
    "中文 名字 — émigré 🙂",
    "  leading and trailing  ",
    "NULL",
]


def _spec(name: str) -> TableSpec:
    return TableSpec("raw", name, COLUMNS, ["k"])


def _rows() -> list[dict]:
    rows = []
    for i, text in enumerate(NASTY):
        rows.append(
            {
                "k": f"k{i}",
                "t": text,
                "n": None if i % 3 == 0 else i,
                "big": 2**62 + i,
                "x": None if i % 4 == 0 else i / 7,
                "ok": [True, False, None][i % 3],
                "d": None if i == 1 else date(2020, 1, 1 + i),
                "ts": datetime(2026, 3, 1, 12, i, 30, 123456, tzinfo=UTC),
                "doc": [
                    {"skills": ["python", "sql"], "note": text},
                    ["a", 1, None, {"nested": '中文\n"q"'}],
                    None,
                    "plain json string",
                ][i % 4],
            }
        )
    return rows


def _expected(row: dict) -> tuple:
    doc = row["doc"]
    # A Python str in a jsonb column is JSON text already (it must parse as JSON): wrap it.
    return tuple(row[c] for c in COLUMNS if c != "doc") + (doc,)


def _read(conn, table: str) -> list[tuple]:
    cols = ", ".join(c for c in COLUMNS if c != "doc")
    return conn.execute(f"SELECT {cols}, doc FROM {table} ORDER BY k").fetchall()


def _loaded_at(conn, table: str) -> list:
    return [r[0] for r in conn.execute(f"SELECT _loaded_at FROM {table} ORDER BY k")]


def _json_safe(rows: list[dict]) -> list[dict]:
    # jsonb only takes JSON text from a Python str, so the str case is a JSON string literal.
    return [
        {**r, "doc": '"plain json string"' if r["doc"] == "plain json string" else r["doc"]} for r in rows
    ]


@pytest.fixture
def conn(warehouse_conn):
    for name in ("test_bulk_fast", "test_bulk_merge", "test_bulk_frame", "test_bulk_keys"):
        warehouse_conn.execute(f"DROP TABLE IF EXISTS raw.{name}")
    warehouse_conn.commit()
    return warehouse_conn


def test_values_survive_both_paths_and_the_paths_agree(conn):
    rows = _json_safe(_rows())
    fast = warehouse.upsert(conn, _spec("test_bulk_fast"), rows)
    assert (fast.received, fast.inserted, fast.updated) == (len(rows), len(rows), 0)

    # The merge path: the table already holds one (different) row, so it is not empty.
    seed = {**rows[2], "t": "will change"}
    warehouse.upsert(conn, _spec("test_bulk_merge"), [seed])
    merged = warehouse.upsert(conn, _spec("test_bulk_merge"), rows)
    assert (merged.inserted, merged.updated) == (len(rows) - 1, 1)
    conn.commit()

    got = _read(conn, "raw.test_bulk_fast")
    assert got == _read(conn, "raw.test_bulk_merge")
    expected = sorted(
        (
            _expected({**r, "doc": "plain json string" if r["doc"] == '"plain json string"' else r["doc"]})
            for r in rows
        ),
        key=lambda r: r[0],
    )
    assert got == expected
    # NULL and the empty string stay apart; the text "\N" and "NULL" stay text.
    texts = {r[0]: r[1] for r in got}
    assert texts["k0"] == "" and texts["k1"] is None
    assert texts["k6"] == "\\N" and texts["k10"] == "NULL"


def test_reloading_the_same_batch_changes_nothing_not_even_loaded_at(conn):
    rows = _json_safe(_rows())
    spec = _spec("test_bulk_fast")
    warehouse.upsert(conn, spec, rows)
    conn.commit()
    before = _loaded_at(conn, "raw.test_bulk_fast")
    again = warehouse.upsert(conn, spec, rows)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(rows))
    again_frame = warehouse.upsert(conn, spec, pd.DataFrame(rows))
    assert (again_frame.inserted, again_frame.updated) == (0, 0)
    conn.commit()
    assert _loaded_at(conn, "raw.test_bulk_fast") == before

    rows[4]["t"] = ""  # text → empty string is a change, and so is empty string → NULL
    rows[0]["t"] = None
    changed = warehouse.upsert(conn, spec, rows)
    assert (changed.inserted, changed.updated) == (0, 2)


def test_dataframe_with_widened_integers_and_pandas_types(conn):
    frame = pd.DataFrame(
        {
            "k": ["a", "b", "c"],
            "t": pd.array(["x", None, ""], dtype="string"),
            "n": [1.0, None, 3.0],  # pandas widened integers to float because of the NULL
            "x": [0.1, float("nan"), 1e300],
            "ok": pd.array([True, None, False], dtype="boolean"),
            "d": pd.to_datetime(["2024-02-29", None, "1999-12-31"]),
            "ts": pd.to_datetime(
                ["2026-01-01T10:00:00.5+01:00", None, "2026-06-30T23:59:59Z"], utc=True, format="ISO8601"
            ),
            "doc": [{"a": 1}, pd.NA, []],
        }
    )
    result = warehouse.upsert(conn, _spec("test_bulk_frame"), frame)
    assert result.inserted == 3
    rows = conn.execute(
        "SELECT k, t, n, big, x, ok, d, ts, doc FROM raw.test_bulk_frame ORDER BY k"
    ).fetchall()
    assert rows[0] == (
        "a",
        "x",
        1,
        None,
        0.1,
        True,
        date(2024, 2, 29),
        datetime(2026, 1, 1, 9, 0, 0, 500000, tzinfo=UTC),
        {"a": 1},
    )
    assert rows[1] == ("b", None, None, None, None, None, None, None, None)
    assert rows[2][1:3] == ("", 3) and rows[2][4] == 1e300 and rows[2][8] == []
    # And again from the same frame: nothing changes.
    again = warehouse.upsert(conn, _spec("test_bulk_frame"), frame)
    assert (again.inserted, again.updated) == (0, 0)


def test_last_row_per_key_wins_on_both_paths_and_for_keys_only_postgres_sees_equal(conn):
    spec = TableSpec("raw", "test_bulk_keys", {"id": "integer", "v": "text"}, ["id"])
    # 1 and "1" differ for pandas, not for PostgreSQL: both fallbacks (fast path's unique violation,
    # then the merge's cardinality check) must still keep the later row.
    result = warehouse.upsert(conn, spec, [(1, "first"), ("1", "second"), (2, "x"), (2, "y")])
    assert (result.received, result.inserted) == (4, 2)
    assert conn.execute("SELECT id, v FROM raw.test_bulk_keys ORDER BY id").fetchall() == [
        (1, "second"),
        (2, "y"),
    ]
    result = warehouse.upsert(conn, spec, iter([(2, "z"), (2, "y"), (3, "new")]))
    assert (result.inserted, result.updated) == (1, 0)


def test_empty_batch_creates_the_table_and_loads_nothing(conn):
    result = warehouse.upsert(conn, _spec("test_bulk_fast"), [])
    assert (result.received, result.inserted, result.updated) == (0, 0, 0)
    assert conn.execute("SELECT count(*) FROM raw.test_bulk_fast").fetchone() == (0,)


def test_autocommit_connection_and_bad_value_names_the_column(tf_runtime, conn):
    spec = TableSpec("raw", "test_bulk_keys", {"id": "integer", "v": "text"}, ["id"])
    with warehouse.connect(tf_runtime, autocommit=True) as auto:
        assert warehouse.upsert(auto, spec, [{"id": 7, "v": "auto"}]).inserted == 1
        with pytest.raises(psycopg.errors.InvalidTextRepresentation, match="integer"):
            warehouse.upsert(auto, spec, [{"id": "seven", "v": "bad"}])
        assert auto.execute("SELECT v FROM raw.test_bulk_keys WHERE id = 7").fetchone() == ("auto",)


def test_copy_first_falls_back_to_the_merge_when_a_key_exists(conn):
    spec = TableSpec("raw", "test_bulk_keys", {"id": "integer", "v": "text"}, ["id"])
    warehouse.upsert(conn, spec, [(1, "a")])
    new_only = warehouse.upsert(conn, spec, [(2, "b"), (3, "c")], copy_first=True)
    assert (new_only.inserted, new_only.updated) == (2, 0)
    mixed = warehouse.upsert(conn, spec, [(3, "c2"), (4, "d"), (1, "a")], copy_first=True)
    assert (mixed.inserted, mixed.updated, mixed.unchanged) == (1, 1, 1)
    assert conn.execute("SELECT id, v FROM raw.test_bulk_keys ORDER BY id").fetchall() == [
        (1, "a"),
        (2, "b"),
        (3, "c2"),
        (4, "d"),
    ]
