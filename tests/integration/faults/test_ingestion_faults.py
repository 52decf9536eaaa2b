"""Faults in the middle of a resume ingestion batch (issue 19: the fault suite): the database paused
(SIGSTOP of the postmaster and every backend) and then resumed, the database restarted, the object
store (moto's S3 server over HTTP) stopped. For each: 0 good resumes lost, 0 bad ones accepted, 0 left
blocked in incoming/, and a re-run completes.

The batch runs in a thread of this process (real parser, embedding model, PostgreSQL, store); the fault
is injected once the batch's own ``loader`` connection is open, i.e. mid-run.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest
from pydantic import SecretStr

from talentflow.core import runtime, storage, warehouse
from talentflow.core.tables.resumes import SUBMISSIONS
from talentflow.resumes.ingestion import ARCHIVE, INCOMING, QUARANTINE, process_batch

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "resumes"
GOOD = ("01_classic_chrono.txt", "06_nurse.txt", "09_french.txt")
BAD = "empty.txt"  # rejected with a reason (empty)
pytestmark = pytest.mark.slow


class Batch(threading.Thread):
    """process_batch in a thread; keeps its result or the exception that ended it."""

    def __init__(self, keys: list[str], settings) -> None:
        super().__init__(daemon=True)
        self.keys, self.settings, self.result, self.error = keys, settings, None, None

    def run(self) -> None:
        try:
            self.result = process_batch(
                self.keys, run_id=f"fault-{uuid.uuid4().hex[:6]}", settings=self.settings
            )
        except BaseException as exc:  # noqa: BLE001 - the fault is what we are looking at
            self.error = exc


def _deliver(store) -> tuple[str, dict[str, str]]:
    """The good resumes and one bad file under names unique to this test; returns (tag, name -> kind)."""
    tag = uuid.uuid4().hex[:8]
    names = {}
    for fixture in GOOD:  # a line of its own makes each copy a new submission (not a re-upload)
        names[f"{tag}-{fixture}"] = "good"
        data = (FIXTURES / fixture).read_bytes() + f"\nReference {tag}\n".encode()
        store.put(INCOMING + f"{tag}-{fixture}", data)
    names[f"{tag}-{BAD}"] = "bad"
    store.put(INCOMING + f"{tag}-{BAD}", (FIXTURES / "bad" / BAD).read_bytes())
    return tag, names


def _wait_for_loader(settings, waiting_on_a_lock: bool = False, timeout: float = 300) -> None:
    """Until a ``loader`` backend other than ours is open (the batch is running), or, with
    ``waiting_on_a_lock``, until one waits for a lock (the batch has reached its load)."""
    condition = "wait_event_type = 'Lock'" if waiting_on_a_lock else "pid <> pg_backend_pid()"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with warehouse.connect(settings, login="admin") as conn:
            n = conn.execute(
                f"SELECT count(*) FROM pg_stat_activity WHERE usename = 'loader' AND {condition}"
            ).fetchone()[0]
        if n:
            return
        time.sleep(0.05)
    raise AssertionError("the batch never " + ("reached its load" if waiting_on_a_lock else "connected"))


def _assert_nothing_lost(settings, store, names: dict[str, str]) -> None:
    """Every good file loaded once and archived, the bad one quarantined once with its reason, none
    left in incoming/."""
    with warehouse.connect(settings) as conn:
        loaded = warehouse.fetch_all(
            conn,
            "SELECT file_name, object_key FROM raw.resume_submissions WHERE file_name = ANY(%s)",
            (list(names),),
        )
        errors = warehouse.fetch_all(
            conn,
            "SELECT object_key, reason_code FROM audit.ingest_errors WHERE object_key = ANY(%s)",
            ([INCOMING + n for n in names],),
        )
    good = {n for n, kind in names.items() if kind == "good"}
    bad = {n for n, kind in names.items() if kind == "bad"}
    assert {r["file_name"] for r in loaded} == good and len(loaded) == len(good)  # 0 lost, 0 doubled
    for row in loaded:
        assert store.exists(row["object_key"]) and row["object_key"].startswith(ARCHIVE)
    assert {e["object_key"] for e in errors} == {INCOMING + n for n in bad}  # 0 bad accepted
    for name in bad:
        assert store.exists(QUARANTINE + name) and store.exists(f"{QUARANTINE}{name}.error.json")
    assert not [n for n in names if store.exists(INCOMING + n)]  # 0 blocked


def _rerun(settings, store, names) -> dict:
    left = [INCOMING + n for n in names if store.exists(INCOMING + n)]
    return process_batch(left, run_id="fault-rerun", settings=settings) if left else {}


def _stack(thread: threading.Thread) -> str:
    import sys
    import traceback

    frame = sys._current_frames().get(thread.ident)
    return "batch still running at:\n" + "".join(traceback.format_stack(frame)) if frame else "?"


def _postgres_processes(settings) -> list[psutil.Process]:
    postmaster = psutil.Process(runtime._postmaster_pid(settings.pgdata))
    return [postmaster, *postmaster.children(recursive=True)]


def test_database_paused_mid_batch(tf_runtime):
    store = storage.get_store(tf_runtime)
    _, names = _deliver(store)
    batch = Batch([INCOMING + n for n in names], tf_runtime)
    batch.start()
    _wait_for_loader(tf_runtime)
    paused = _postgres_processes(tf_runtime)
    for proc in paused:
        os.kill(proc.pid, signal.SIGSTOP)
    try:
        time.sleep(4)  # every query of the batch (and everyone else's) hangs meanwhile
        assert batch.is_alive()
    finally:
        for proc in paused:
            os.kill(proc.pid, signal.SIGCONT)
    batch.join(300)
    assert not batch.is_alive(), _stack(batch)
    assert batch.error is None, batch.error
    assert batch.result["loaded"] == 3 and batch.result["quarantined"] == 1
    _assert_nothing_lost(tf_runtime, store, names)


def test_database_restarted_mid_batch(tf_runtime):
    store = storage.get_store(tf_runtime)
    _, names = _deliver(store)
    batch = Batch([INCOMING + n for n in names], tf_runtime)
    batch.start()
    _wait_for_loader(tf_runtime)
    runtime.stop_postgres(tf_runtime)  # fast shutdown: the batch's backend is terminated
    runtime.start_postgres(tf_runtime)
    batch.join(300)
    assert not batch.is_alive()
    assert batch.error is not None, "the batch should have lost its connection"
    _rerun(tf_runtime, store, names)
    _assert_nothing_lost(tf_runtime, store, names)


def test_object_store_stopped_mid_batch(tf_runtime):
    from moto.server import ThreadedMotoServer

    port = runtime.free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    settings = tf_runtime.model_copy(
        update={
            "s3_endpoint": f"127.0.0.1:{port}",
            "s3_access_key": SecretStr("testing"),
            "s3_secret_key": SecretStr("testing"),
            "s3_region": "us-east-1",
            "bucket": f"faults-{uuid.uuid4().hex[:8]}",
        }
    )
    store = storage.get_store(settings)
    store.ensure_ready()
    _, names = _deliver(store)
    batch = Batch([INCOMING + n for n in names], settings)
    # The batch reads the files, parses, embeds, loads, then moves them. Holding a write lock on the
    # submissions table stops it at its load, files read: the store goes down there, before any move
    # (a timed pause was a race: on a quick machine the batch had moved everything first).
    with warehouse.connect(tf_runtime, login="admin") as lock:
        lock.execute(f"LOCK TABLE {SUBMISSIONS.qualified} IN EXCLUSIVE MODE")
        batch.start()
        _wait_for_loader(tf_runtime, waiting_on_a_lock=True)
        server.stop()
    try:
        batch.join(300)
        assert not batch.is_alive()
        assert batch.error is not None, "the batch should have lost the object store"
    finally:
        # moto's objects live in this process: a new server on the same port is the store restarted.
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
    try:
        _rerun(settings, store, names)
        _assert_nothing_lost(settings, store, names)
    finally:
        server.stop()
