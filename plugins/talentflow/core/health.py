"""Platform health check: a round trip through the object store and the warehouse loader.

It proves the whole path a real pipeline takes: write and read back an object, bulk-load a row with
COPY + upsert, validate the table with a Great Expectations suite.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

from talentflow.core import storage, warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.platform import HEALTH_TABLE


def check_id_for(run_id: str) -> str:
    """Stable per run: re-running the same DAG run rewrites the same object and row."""
    return hashlib.sha256(run_id.encode()).hexdigest()[:16]


def probe_object_store(run_id: str, settings: Settings | None = None) -> dict:
    settings = settings or get_settings()
    store = storage.get_store(settings)
    store.ensure_ready()
    check_id = check_id_for(run_id)
    key = f"health/{check_id}.json"
    payload = {"check_id": check_id, "run_id": run_id}
    started = time.perf_counter()
    store.put_json(key, payload)
    ok = store.get_json(key) == payload
    elapsed_ms = (time.perf_counter() - started) * 1000
    return {
        "check_id": check_id,
        "run_id": run_id,
        "object_key": key,
        "store_ok": ok,
        "store_backend": settings.storage_backend,
        "store_roundtrip_ms": round(elapsed_ms, 3),
    }


def record(probe: dict, settings: Settings | None = None) -> dict:
    with warehouse.connect(settings) as conn:
        conn.execute("SELECT 1")
        row = {**probe, "warehouse_ok": True, "checked_at": datetime.now(UTC)}
        result = warehouse.upsert(conn, HEALTH_TABLE, [row])
    return {
        "table": result.table,
        "inserted": result.inserted,
        "updated": result.updated,
        "check_id": probe["check_id"],
    }
