"""Retention purge on a real store (local directory, and S3 over HTTP against moto's server) with the
evidence in the real warehouse; and the retention_purge DAG through dag.test()."""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from talentflow.core import storage, warehouse
from talentflow.core.tables.platform import PURGES
from talentflow.retention import purge as retention

RECORDING = "recordings/C000123/I000456/answer-1.wav"
QUARANTINED = "quarantine/resumes/jane_doe_cv.pdf"
KEPT = ("archive/resumes/jane_doe_cv.pdf", "scoring-tasks/done/T1.json", "reports/dashboard/latest.html")


@pytest.fixture(params=["local", "s3-moto"])
def settings(request, tf_runtime):
    """Runtime settings on a fresh bucket of each backend; the audit table emptied."""
    bucket = f"tf-retention-{uuid.uuid4().hex[:8]}"
    update = (
        {"bucket": bucket}
        if request.param == "local"
        else {
            "bucket": bucket,
            "s3_endpoint": request.getfixturevalue("moto_endpoint"),
            "s3_access_key": SecretStr("testing"),
            "s3_secret_key": SecretStr("testing"),
            "s3_region": "us-east-1",
        }
    )
    s = tf_runtime.model_copy(update=update)
    store = storage.get_store(s)
    store.ensure_ready()
    for key in (RECORDING, QUARANTINED, QUARANTINED + ".error.json", *KEPT):
        store.put(key, b"x" * 100)
    with warehouse.connect(tf_runtime) as conn:
        warehouse.ensure_table(conn, PURGES)
        conn.execute("TRUNCATE audit.retention_purges")
    return s


def audit_rows(settings) -> list[dict]:
    with warehouse.connect(settings) as conn:
        return warehouse.fetch_all(conn, "SELECT * FROM audit.retention_purges ORDER BY policy, key_sha256")


def keys(settings) -> set[str]:
    return {o.key for o in storage.get_store(settings).list()}


def test_each_prefix_goes_after_its_own_period_and_nothing_else(settings):
    written = datetime.now(UTC)
    month = retention.purge(settings, now=written + timedelta(days=31), run_id="t1")
    assert month["policies"]["quarantine"]["purged"] == 2 and month["policies"]["recordings"]["purged"] == 0
    assert keys(settings) == {RECORDING, *KEPT}

    half_year = retention.purge(settings, now=written + timedelta(days=181), run_id="t2")
    assert half_year["policies"]["recordings"] == {
        **half_year["policies"]["recordings"],
        "purged": 1,
        "bytes": 100,
        "retention_days": 180,
    }
    assert keys(settings) == set(KEPT)  # archive, results and reports are not the retention's business

    rows = audit_rows(settings)
    assert [r["policy"] for r in rows] == ["quarantine", "quarantine", "recordings"]
    assert {r["key_sha256"] for r in rows} == {
        hashlib.sha256(k.encode()).hexdigest() for k in (RECORDING, QUARANTINED, QUARANTINED + ".error.json")
    }
    assert {r["run_id"] for r in rows} == {"t1", "t2"}
    text = repr(rows)
    assert "jane_doe" not in text and "C000123" not in text, "the audit keeps hashes, not keys"


def test_rerun_and_dry_run_delete_and_record_nothing_more(settings):
    later = datetime.now(UTC) + timedelta(days=400)
    dry = retention.purge(settings, now=later, dry_run=True)
    assert dry["policies"]["recordings"]["would_purge"] == 1 and dry["recorded"] == 0
    assert RECORDING in keys(settings) and audit_rows(settings) == []

    first = retention.purge(settings, now=later)
    again = retention.purge(settings, now=later)
    assert first["recorded"] == 3 and again["recorded"] == 0
    assert len(audit_rows(settings)) == 3


def test_bi_cannot_read_the_purge_log(settings):
    import psycopg

    retention.purge(settings, now=datetime.now(UTC) + timedelta(days=400))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with warehouse.connect(settings, role="bi_reader") as conn:
            conn.execute("SELECT * FROM audit.retention_purges")


def test_retention_purge_dag_deletes_an_aged_recording(tf_runtime, run_dag):
    store = storage.get_store(tf_runtime)
    old_key, new_key = "recordings/C9/I9/old.wav", "recordings/C9/I9/new.wav"
    for key in (old_key, new_key):
        store.put(key, b"audio")
    if isinstance(store, storage.LocalObjectStore):  # age one file as 200 days of waiting would
        aged = (datetime.now(UTC) - timedelta(days=200)).timestamp()
        os.utime(store.base / old_key, (aged, aged))
    else:  # pragma: no cover - the session runtime uses the local store
        pytest.skip("ageing an object needs the local store")
    result = run_dag("retention_purge", retries=0, xcom_tasks=("purge_expired",))
    assert result.ok, result.failed_tasks()
    assert result.xcoms["purge_expired"]["policies"]["recordings"]["purged"] == 1
    assert not store.exists(old_key) and store.exists(new_key)
    store.delete(new_key)


def test_cli_dry_run_reports_in_json(tf_runtime):
    import json

    from typer.testing import CliRunner

    from talentflow.cli import app

    out = CliRunner().invoke(app, ["retention", "purge", "--dry-run", "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["dry_run"] is True and set(result["policies"]) == {"recordings", "quarantine"}
