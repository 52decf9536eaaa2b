"""A scoring worker killed mid-batch (issue 19: the fault suite). A real process claims the pending
scoring tasks the way the interview_scoring DAG does (``claim_pending``, then ``score_batch`` per
batch) and is killed with SIGKILL once it has claimed them and is scoring; the re-run (the DAG's next
run: stale claims back to pending, claimed again) finishes every task: 0 good tasks lost or scored
twice, the bad one failed with its reason, 0 left in pending/ or processing/.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest

from talentflow.core import storage, warehouse
from talentflow.interviews import scoring

pytestmark = pytest.mark.slow
ANSWER = (
    "I traced a memory leak in our payment service to a cache that never evicted entries; I added "
    "metrics, reproduced it under load, fixed the eviction policy and wrote a regression test."
)
WORKER = """
import sys
from talentflow.interviews import scoring

run_id = sys.argv[1]
claimed = scoring.claim_pending(run_id).claimed
print("claimed", len(claimed), flush=True)
for batch in scoring.batches(sorted(claimed), 1):
    scoring.score_batch(batch, run_id)
    print("scored", batch, flush=True)
"""


def typed(task_id: str, *, recording: str | None = None) -> dict:
    answer = {
        "question_id": "eng-td-1",
        "competency": "technical_depth",
        "question": "Tell me about the hardest technical problem you debugged.",
    }
    answer.update({"recording": recording} if recording else {"text": ANSWER})
    return {
        "task_id": task_id,
        "candidate_id": f"cand-{task_id}",
        "interview_id": f"iv-{task_id}",
        "requisition_id": "req-faults",
        "rubric_id": "engineering",
        "language": "en",
        "consent": {"given": True, "recorded_at": "2026-01-01T00:00:00Z"},
        "answers": [answer],
    }


def _keys(store, state: str) -> set[str]:
    return {
        o.key.rsplit("/", 1)[-1].removesuffix(".json")
        for o in store.list(f"{scoring.PREFIX}/{state}/")
        if not o.key.endswith(".claim.json")
    }


def test_worker_killed_mid_batch_loses_nothing(clean_runtime):
    settings = clean_runtime
    store = storage.get_store(settings)
    tag = uuid.uuid4().hex[:6]
    good = [f"kill-{tag}-{i}" for i in range(4)]
    bad = f"kill-{tag}-bad"
    for task_id in good:
        store.put_json(scoring.key("pending", task_id), typed(task_id))
    store.put_json(scoring.key("pending", bad), typed(bad, recording="../../../../etc/passwd"))

    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, f"worker-{tag}"],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        first = worker.stdout.readline()  # "claimed N": every task is in processing/ now
        assert first.startswith("claimed"), first
        deadline = time.monotonic() + 5
        # Kill it mid-batch: after its first task when that comes within 5 s, else while it loads the
        # models with every task claimed (either way claims are left behind in processing/).
        while time.monotonic() < deadline and not _keys(store, "done") and worker.poll() is None:
            time.sleep(0.05)
        in_flight = _keys(store, "processing")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert in_flight, "the worker finished before it was killed: nothing was mid-batch"

    # The next run: the dead worker's claims are stale (stale_after=0 here, 2 h in the DAG).
    rerun = scoring.claim_pending(f"rerun-{tag}", stale_after=timedelta(0), settings=settings)
    for batch in scoring.batches(rerun.claimed, 2):
        scoring.score_batch(batch, f"rerun-{tag}", settings=settings)

    done, failed = _keys(store, "done"), _keys(store, "failed")
    assert set(good) <= done and bad in failed and bad not in done  # 0 lost, 0 bad accepted
    assert not {*good, bad} & (_keys(store, "pending") | _keys(store, "processing"))  # 0 blocked
    assert store.get_json(scoring.key("failed", bad))["reason"] == "invalid_recording_key"
    with warehouse.connect(settings) as conn:
        rows = warehouse.fetch_all(
            conn,
            "SELECT task_id, status FROM raw.interview_results WHERE task_id = ANY(%s)",
            ([*good, bad],),
        )
    by_task = {r["task_id"]: r["status"] for r in rows}
    assert len(rows) == len(by_task)  # one row per task: none scored twice
    assert {t: by_task.get(t) for t in good} == dict.fromkeys(good, "done")
    assert by_task.get(bad) == "failed"
