"""Issue 19: one ragged CSV row used to fail ``sync_hris`` and hold every later export behind it.
Now the ragged row is a row error with its reason, the rest of its file loads, and an export the
loader refuses as a whole is quarantined with its reason while the next exports still load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from talentflow.core import storage, warehouse
from talentflow.hris.load import ensure_tables, load_export
from talentflow.hris.sync import sync_exports

MAPPING = """
system: ragged_hr
entities:
  employees:
    file: people.csv
    columns: {EmpID: employee_id, Hire_Dt: hire_date, Dept: department}
"""
GOOD = "EmpID,Hire_Dt,Dept\nR1,2020-01-01,sales\nR2,2020-02-01,ops\n"
RAGGED = (
    "EmpID,Hire_Dt,Dept\n"
    "R3,2020-03-01,sales\n"
    "R4,2020-04-01,ops,one field too many\n"
    'R5,2020-05-01,"quoted, with a comma"\n'
    "R6,2020-06-01\n"
    "R7,2020-07-01,eng\n"
)


@pytest.fixture
def clean(tf_runtime):
    ensure_tables(tf_runtime)
    with warehouse.connect(tf_runtime) as conn:
        conn.execute("DELETE FROM raw.hris_employees WHERE employee_id LIKE 'R%'")
        conn.execute("DELETE FROM audit.ingest_errors WHERE source = 'hris'")
    store = storage.get_store(tf_runtime)
    for prefix in ("incoming/hris/", "archive/hris/", "quarantine/hris/"):
        for obj in list(store.list(prefix)):
            store.delete(obj.key)
    return tf_runtime


def _ids(settings) -> list[str]:
    with warehouse.connect(settings) as conn:
        rows = warehouse.fetch_all(
            conn, "SELECT employee_id FROM raw.hris_employees WHERE employee_id LIKE 'R%' ORDER BY 1"
        )
    return [r["employee_id"] for r in rows]


def test_a_ragged_row_is_a_row_error_and_the_rest_loads(clean, tmp_path):
    (tmp_path / "people.csv").write_text(RAGGED)
    (tmp_path / "m.yaml").write_text(MAPPING)
    # chunks of 2 rows: the ragged rows fall in the middle of the file, after a chunk already loaded
    summary = load_export(tmp_path, tmp_path / "m.yaml", settings=clean, chunk_rows=2)
    assert summary.entities["employees"].rejected == 2
    assert _ids(clean) == ["R3", "R5", "R7"]
    with warehouse.connect(clean) as conn:
        errors = warehouse.fetch_all(
            conn,
            "SELECT row_ref, reason_code, message FROM audit.ingest_errors WHERE source='hris' ORDER BY row_ref",
        )
    assert [(e["row_ref"], e["reason_code"]) for e in errors] == [("3", "ragged_row"), ("5", "ragged_row")]
    assert "4 fields where the header has 3" in errors[0]["message"]


def test_sync_hris_loads_the_exports_behind_a_ragged_one_and_quarantines_a_refused_one(clean, tmp_path):
    (tmp_path / "m.yaml").write_text(MAPPING)
    store = storage.get_store(clean)
    store.put("incoming/hris/2026-01-a/people.csv", RAGGED.encode())
    store.put("incoming/hris/2026-01-b/people.csv", b"Wrong,Header\n1,2\n")  # mapping columns missing
    store.put("incoming/hris/2026-01-c/people.csv", GOOD.encode())

    results = sync_exports(
        "hris", lambda folder: load_export(folder, tmp_path / "m.yaml", settings=clean).to_dict(), clean
    )

    by_id = {r["export_id"]: r for r in results}
    assert by_id["2026-01-a"]["rejected"] == 2
    assert by_id["2026-01-b"]["quarantined"] == "quarantine/hris/2026-01-b/"
    assert "EmpID" in by_id["2026-01-b"]["reason"] and "/tmp" not in by_id["2026-01-b"]["reason"]
    assert by_id["2026-01-c"]["rejected"] == 0
    assert _ids(clean) == ["R1", "R2", "R3", "R5", "R7"]
    assert [o.key for o in store.list("incoming/hris/")] == []
    assert {o.key for o in store.list("archive/hris/")} == {
        "archive/hris/2026-01-a/people.csv",
        "archive/hris/2026-01-c/people.csv",
    }
    # the row errors name the export's object, not the deleted temporary copy the loader read
    with warehouse.connect(clean) as conn:
        keys = warehouse.fetch_all(
            conn, "SELECT DISTINCT object_key FROM audit.ingest_errors WHERE reason_code = 'ragged_row'"
        )
    assert [k["object_key"] for k in keys] == ["incoming/hris/2026-01-a/people.csv"]
    reason = json.loads(store.get("quarantine/hris/2026-01-b.error.json"))
    assert reason["keys"] == ["incoming/hris/2026-01-b/people.csv"]
    assert store.exists("quarantine/hris/2026-01-b/people.csv")
    # a second run finds nothing new
    assert (
        sync_exports(
            "hris", lambda folder: load_export(folder, tmp_path / "m.yaml", settings=clean).to_dict(), clean
        )
        == []
    )


def test_an_outage_leaves_only_that_export_for_the_retry(clean, tmp_path):
    store = storage.get_store(clean)
    store.put("incoming/hris/2026-02-a/people.csv", GOOD.encode())
    store.put("incoming/hris/2026-02-b/people.csv", GOOD.encode())
    (tmp_path / "m.yaml").write_text(MAPPING)
    calls = []

    def flaky(folder: Path) -> dict:
        calls.append(folder)
        if len(calls) == 1:
            raise ConnectionError("warehouse away")
        return load_export(folder, tmp_path / "m.yaml", settings=clean).to_dict()

    from talentflow.hris.sync import ExportsFailed

    with pytest.raises(ExportsFailed, match="2026-02-a"):
        sync_exports("hris", flaky, clean)
    assert [o.key for o in store.list("incoming/hris/")] == ["incoming/hris/2026-02-a/people.csv"]
    assert sync_exports("hris", flaky, clean)[0]["export_id"] == "2026-02-a"


def test_a_redelivered_export_never_replaces_the_archived_one(clean, tmp_path):
    (tmp_path / "m.yaml").write_text(MAPPING)
    store = storage.get_store(clean)

    def load(folder: Path) -> dict:
        return load_export(folder, tmp_path / "m.yaml", settings=clean).to_dict()

    store.put("incoming/hris/2026-03-a/people.csv", GOOD.encode())
    sync_exports("hris", load, clean)
    corrected = GOOD.replace("R2,2020-02-01,ops", "R2,2020-02-02,ops")
    store.put("incoming/hris/2026-03-a/people.csv", corrected.encode())  # same export id, other bytes
    sync_exports("hris", load, clean)
    archived = sorted(o.key for o in store.list("archive/hris/"))
    assert len(archived) == 2 and "archive/hris/2026-03-a/people.csv" in archived
    assert store.get("archive/hris/2026-03-a/people.csv") == GOOD.encode()
    other = next(k for k in archived if k != "archive/hris/2026-03-a/people.csv")
    assert store.get(other) == corrected.encode()
