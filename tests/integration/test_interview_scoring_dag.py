"""interview_scoring through real dag.test() runs: good, silent, corrupt, non-consented, duplicate and
stale tasks, checked on object storage, warehouse rows and audit records."""

from __future__ import annotations

import json
import wave
from datetime import timedelta

import pytest
from talentflow_demo.delivery import deliver_world

from talentflow.core import storage, warehouse
from talentflow.interviews import scoring as scoring

pytestmark = pytest.mark.slow


def _silent_wav(seconds: float = 3.0) -> bytes:
    import io

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x00" * int(16000 * seconds))
    return buf.getvalue()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from talentflow_demo.world import generate_world

    out = tmp_path_factory.mktemp("scoring-world")
    generate_world(out, seed=5, candidates=40, employees=20, years=1, recordings=16)
    return out


@pytest.fixture(scope="module")
def delivered(world, clean_runtime):
    tf_runtime = clean_runtime
    store = storage.get_store(tf_runtime)
    counts = deliver_world(world, "scoring", tf_runtime, exports=False, resumes=False)
    manifests = sorted((world / "interviews" / "manifests").glob("*.json"))
    base = json.loads(manifests[0].read_text())
    base["consent"] = {
        "given": True,
        "recorded_at": "2024-01-01T00:00:00Z",
        "purpose": "automated_interview_scoring",
    }

    def variant(task_id: str, recording_bytes: bytes | None, suffix: str = ".wav") -> None:
        m = json.loads(json.dumps(base))
        m["task_id"] = task_id
        for a in m["answers"]:
            if recording_bytes is not None:
                a["recording"] = f"recordings/{task_id}/{a['question_id']}{suffix}"
                store.put(a["recording"], recording_bytes)
        store.put_json(scoring.key("pending", task_id), m)

    variant("t-silent", _silent_wav())
    variant("t-corrupt", b"RIFF\x00\x00garbage-not-audio" * 10)
    store.put(scoring.key("pending", "t-broken-json"), b"{not json")
    return counts


def _rows(settings, query, params=None):
    with warehouse.connect(settings) as conn:
        return warehouse.fetch_all(conn, query, params)


def test_overlapping_claims_never_take_a_task_twice(delivered, tf_runtime):
    import threading

    results, barrier = [], threading.Barrier(2)

    def claim():
        barrier.wait()
        results.append(scoring.claim_pending("overlap", limit=5, settings=tf_runtime))

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a, b = results[0].claimed, results[1].claimed
    assert a and b and not set(a) & set(b)
    # A worker "dies" holding these claims: after the timeout they go back to pending.
    again = scoring.claim_pending("later", limit=0, stale_after=timedelta(seconds=0), settings=tf_runtime)
    assert sorted(again.requeued) == sorted(a + b)


def test_dag_scores_routes_and_fails_with_reasons(delivered, run_dag, tf_runtime):
    result = run_dag("interview_scoring", retries=0, xcom_tasks=("validate",))
    assert result.ok, result.failed_tasks()
    summary = result.xcoms["validate"]
    assert summary["quality"] == {"interview_results": True, "interview_competency_scores": True}
    store = storage.get_store(tf_runtime)
    assert list(store.list("scoring-tasks/pending/")) == []
    assert list(store.list("scoring-tasks/processing/")) == []

    failed = {o.key: store.get_json(o.key) for o in store.list("scoring-tasks/failed/")}
    reasons = {k.rsplit("/", 1)[1]: v["reason"] for k, v in failed.items()}
    assert reasons["t-silent.json"] == "silence"
    assert reasons["t-corrupt.json"] == "unreadable_audio"
    assert reasons["t-broken-json.json"] == "invalid_manifest"

    rows = {r["task_id"]: r for r in _rows(tf_runtime, "SELECT * FROM raw.interview_results")}
    statuses = [r["status"] for r in rows.values()]
    assert statuses.count("done") >= 10 and "human_review" in statuses
    assert all(r["recommendation"] in ("advance", "human_review", "talent_pool", None) for r in rows.values())
    review = [r for r in rows.values() if r["status"] == "human_review"]
    assert all(r["overall"] is None and r["recommendation"] == "human_review" for r in review)
    recorded = [
        r
        for r in rows.values()
        if r["status"] == "done" and r["transcription_model"] != "provided-transcript"
    ]
    assert recorded, "at least one interview was transcribed from audio"
    done = store.get_json(f"scoring-tasks/done/{recorded[0]['task_id']}.json")
    spoken = [a for a in done["answers"] if a["recording"]]
    assert spoken and all(a["transcript"]["segments"] for a in spoken)
    assert done["feedback"] and done["explanation"]

    scores = _rows(
        tf_runtime,
        "SELECT count(*) AS n, min(score) AS lo, max(score) AS hi FROM raw.interview_competency_scores",
    )[0]
    assert scores["n"] >= 80 and 1 <= scores["lo"] <= scores["hi"] <= 5
    audit = _rows(
        tf_runtime,
        "SELECT model_version, count(*) AS n FROM audit.recommendations "
        "WHERE recommendation LIKE 'interview:%%' GROUP BY 1",
    )
    assert sum(a["n"] for a in audit) == len([r for r in rows.values() if r["status"] != "failed"])
    assert all(a["model_version"] for a in audit)
    errors = _rows(tf_runtime, "SELECT reason_code FROM audit.ingest_errors WHERE source='interview_scoring'")
    assert {"silence", "unreadable_audio", "invalid_manifest"} <= {e["reason_code"] for e in errors}


def test_redelivered_finished_task_is_set_aside_not_rescored(delivered, run_dag, tf_runtime):
    store = storage.get_store(tf_runtime)
    done_key = next(o.key for o in store.list("scoring-tasks/done/"))
    task_id = done_key.rsplit("/", 1)[1][:-5]
    store.put_json(scoring.key("pending", task_id), store.get_json(done_key)["manifest"])
    before = _rows(tf_runtime, "SELECT count(*) AS n FROM raw.interview_results")[0]["n"]
    result = run_dag("interview_scoring", retries=0)
    assert result.ok
    assert [o.key for o in store.list("scoring-tasks/duplicates/")][0].startswith(
        f"scoring-tasks/duplicates/{task_id}-"
    )
    assert _rows(tf_runtime, "SELECT count(*) AS n FROM raw.interview_results")[0]["n"] == before
    assert (
        _rows(tf_runtime, "SELECT count(*) AS n FROM audit.ingest_errors WHERE reason_code='duplicate_task'")[
            0
        ]["n"]
        == 1
    )
