"""The incremental marts equal a full rebuild: build a small world, load new and corrected HRIS rows
through the loader's upsert (which stamps ``_loaded_at`` only on rows that changed), build
incrementally, and compare every incremental mart with what ``dbt build --full-refresh`` makes of the
same raw data. A build with nothing new inserts nothing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from talentflow.core import warehouse

WORLD = {"seed": 31, "candidates": 60, "employees": 40, "years": 1, "recordings": 0}
INCREMENTAL = ["fct_attendance", "fct_performance_reviews", "fct_pay", "fct_job_events"]
# Every mart the incremental facts feed, compared too (they are tables rebuilt from the facts).
DOWNSTREAM = ["employee_lifecycle_profile", "training_recommendation"]


def _mart(settings, name: str) -> pd.DataFrame:
    with warehouse.connect(settings) as conn:
        cur = conn.execute(f"SELECT * FROM marts.{name}")
        cols = [d.name for d in cur.description]
        frame = pd.DataFrame(cur.fetchall(), columns=cols).astype(str)
    return frame.sort_values(cols).reset_index(drop=True)


def _raw(settings, table: str) -> pd.DataFrame:
    with warehouse.connect(settings) as conn:
        cur = conn.execute(f"SELECT * FROM raw.{table}")
        return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])


def _upsert(settings, table: str, frame: pd.DataFrame, key: list[str]) -> warehouse.LoadResult:
    """Through the loader's own upsert, on the raw table's columns (``_loaded_at`` left to it)."""
    columns = [c for c in frame.columns if c != warehouse.LOADED_AT]
    with warehouse.connect(settings) as conn:
        types = dict(
            conn.execute(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                (f"raw.{table}",),
            ).fetchall()
        )
        spec = warehouse.TableSpec("raw", table, {c: types[c] for c in columns}, key)
        return warehouse.upsert(conn, spec, frame.drop(columns=[warehouse.LOADED_AT]), create=False)


@pytest.fixture(scope="module")
def world(clean_runtime, run_dag, tmp_path_factory):
    from talentflow_demo.delivery import deliver_world
    from talentflow_demo.world import generate_world

    settings = clean_runtime
    out = tmp_path_factory.mktemp("incremental-world")
    generate_world(out, **WORLD)
    deliver_world(out, "incremental-31", settings, resumes=False, interviews=False)
    synced = run_dag("archive_sync", retries=0, xcom_tasks=("sync_hris",))
    assert synced.ok, synced.failed_tasks()
    return settings


def test_incremental_build_equals_full_refresh(world):
    from talentflow.warehouse_build import dbt_project as dbt

    settings = world
    dbt.run(["build", "--full-refresh"], settings)
    first = {name: _mart(settings, name) for name in INCREMENTAL}

    # Nothing new: the incremental facts stay exactly as they are.
    dbt.run(["build", "--exclude", "resource_type:test", "resource_type:unit_test"], settings)
    for name in INCREMENTAL:
        pd.testing.assert_frame_equal(_mart(settings, name), first[name], obj=name)

    # New and corrected rows, through the loader's upsert.
    att = _raw(settings, "hris_attendance")
    last = att.sort_values("work_date").groupby("employee_id").tail(1)
    new_days = last.assign(work_date=last["work_date"] + dt.timedelta(days=1), status="present", hours=8)
    corrected_day = att.iloc[[0]].assign(status="sick", hours=0)
    loaded = _upsert(
        settings, "hris_attendance", pd.concat([new_days, corrected_day]), ["employee_id", "work_date"]
    )
    assert loaded.inserted == len(new_days) and loaded.updated == 1

    reviews = _raw(settings, "hris_performance_reviews")
    old_review = reviews.sort_values("review_date").iloc[[0]]  # an old review corrected
    old_review = old_review.assign(rating=1.0 if float(old_review["rating"].iloc[0]) >= 3 else 5.0)
    assert (
        _upsert(settings, "hris_performance_reviews", old_review, ["employee_id", "review_date"]).updated == 1
    )

    pay = _raw(settings, "hris_compensation")
    someone = pay["employee_id"].iloc[0]
    history = pay[pay["employee_id"] == someone].sort_values("effective_date")
    # A back-dated raise between the first two records changes the next record's previous_salary.
    first_date = history["effective_date"].iloc[0]
    backdated = history.iloc[[0]].assign(
        effective_date=first_date + dt.timedelta(days=30),
        base_salary=round(float(history["base_salary"].iloc[0]) * 1.07, 2),
        reason="merit",
    )
    assert _upsert(settings, "hris_compensation", backdated, ["employee_id", "effective_date"]).inserted == 1

    jobs = _raw(settings, "hris_job_history")
    moved = jobs.iloc[[0]].assign(
        effective_date=jobs["effective_date"].max() + dt.timedelta(days=1), event="transfer"
    )
    assert (
        _upsert(settings, "hris_job_history", moved, ["employee_id", "effective_date", "event"]).inserted == 1
    )

    dbt.run(["build"], settings)  # incremental, with the data and unit tests
    incremental = {name: _mart(settings, name) for name in [*INCREMENTAL, *DOWNSTREAM]}
    assert len(incremental["fct_attendance"]) == len(first["fct_attendance"]) + len(new_days)

    dbt.run(
        ["build", "--full-refresh", "--exclude", "resource_type:test", "resource_type:unit_test"], settings
    )
    for name in [*INCREMENTAL, *DOWNSTREAM]:
        pd.testing.assert_frame_equal(incremental[name], _mart(settings, name), obj=name)
