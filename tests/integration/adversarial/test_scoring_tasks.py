"""Hostile scoring tasks through the real interview_scoring DAG: a manifest carrying another task's id,
recording keys that leave the bucket, a poison pill that kills its worker. For each: rejected with a
reason or scored, nothing else in the batch blocked, nothing overwritten, nothing lost."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from talentflow.core import storage, warehouse
from talentflow.interviews import scoring

pytestmark = pytest.mark.slow

ANSWER = (
    "I traced a memory leak in our payment service to a cache that never evicted entries; I added "
    "metrics, reproduced it under load, fixed the eviction policy and wrote a regression test."
)


def typed(task_id: str, candidate: str, *, consent: bool = True, recording: str | None = None) -> dict:
    answer = {
        "question_id": "eng-td-1",
        "competency": "technical_depth",
        "question": "Tell me about the hardest technical problem you debugged.",
    }
    answer.update({"recording": recording} if recording else {"text": ANSWER})
    return {
        "task_id": task_id,
        "candidate_id": candidate,
        "interview_id": f"iv-{task_id}",
        "requisition_id": "req-adv",
        "rubric_id": "engineering",
        "language": "en",
        "consent": {"given": True, "recorded_at": "2026-01-01T00:00:00Z"} if consent else None,
        "answers": [answer],
    }


def rows(settings, query, params=None):
    with warehouse.connect(settings) as conn:
        return warehouse.fetch_all(conn, query, params)


def results(settings) -> dict[str, dict]:
    return {r["task_id"]: r for r in rows(settings, "SELECT * FROM raw.interview_results")}


@pytest.fixture(scope="module")
def store(clean_runtime):
    return storage.get_store(clean_runtime)


def test_victim_is_routed_first(store, run_dag, clean_runtime):
    # The victim: no consent, so human review (never a score). The attack below must not change that.
    store.put_json(scoring.key("pending", "adv-victim"), typed("adv-victim", "cand-victim", consent=False))
    assert run_dag("interview_scoring", retries=0).ok
    assert store.get_json("scoring-tasks/done/adv-victim.json")["status"] == "human_review"


def test_hostile_batch_fails_only_the_hostile_tasks(store, run_dag, clean_runtime):
    victim_record = store.get("scoring-tasks/done/adv-victim.json")
    victim_row = results(clean_runtime)["adv-victim"]
    hostile = {
        # another task's id inside p-x.json (consented, another candidate): would overwrite the victim
        "p-x": (typed("adv-victim", "cand-attacker"), "task_id_mismatch"),
        "adv-etc": (typed("adv-etc", "cand-e", recording="/etc/passwd"), "invalid_recording_key"),
        "adv-traversal": (
            typed("adv-traversal", "cand-t", recording="../../../../etc/passwd"),
            "invalid_recording_key",
        ),
        "adv-backslash": (
            typed("adv-backslash", "cand-b", recording="..\\..\\x.wav"),
            "invalid_recording_key",
        ),
        "adv-missing": (
            typed("adv-missing", "cand-m", recording="recordings/none/x.wav"),
            "missing_recording",
        ),
        "adv-bad-id": ({**typed("x", "cand-x"), "task_id": "adv-bad-id\n<script>"}, "task_id_mismatch"),
        "adv-not-object": (["a", "list"], "invalid_manifest"),
    }
    good = [f"adv-good-{i}" for i in range(4)]
    for task_id, (manifest, _) in hostile.items():
        store.put(scoring.key("pending", task_id), json.dumps(manifest).encode())
    for task_id in good:
        store.put_json(scoring.key("pending", task_id), typed(task_id, f"cand-{task_id}"))

    result = run_dag("interview_scoring", retries=0, xcom_tasks=("validate",))
    assert result.ok, result.failed_tasks()  # one batch: nothing blocked behind the bad tasks

    assert store.get("scoring-tasks/done/adv-victim.json") == victim_record, "victim overwritten"
    after = results(clean_runtime)
    assert after["adv-victim"]["candidate_id"] == "cand-victim"
    assert after["adv-victim"]["status"] == victim_row["status"] == "human_review"
    for task_id in good:  # nothing blocked
        assert store.get_json(f"scoring-tasks/done/{task_id}.json")["status"] == "done"
        assert after[task_id]["status"] == "done" and after[task_id]["overall"] is not None
    for task_id, (_, reason) in hostile.items():  # each rejected with its reason, under its own key
        record = store.get_json(f"scoring-tasks/failed/{task_id}.json")
        assert record["reason"] == reason and record["task_id"] == task_id, (task_id, record)
        assert after[task_id]["status"] == "failed" and after[task_id]["reason"].startswith(reason)
    # nothing lost: every task delivered is in done/ or failed/, nothing left in pending/processing
    assert list(store.list("scoring-tasks/pending/")) == []
    assert list(store.list("scoring-tasks/processing/")) == []
    finished = {
        o.key.rsplit("/", 1)[1][:-5] for s in ("done", "failed") for o in store.list(f"scoring-tasks/{s}/")
    }
    assert finished == {"adv-victim", *good, *hostile}
    codes = {r["reason_code"] for r in rows(clean_runtime, "SELECT reason_code FROM audit.ingest_errors")}
    assert {"task_id_mismatch", "invalid_recording_key"} <= codes
    assert "root:" not in json.dumps(store.get_json("scoring-tasks/failed/adv-etc.json"))


def test_poison_pill_gives_up_after_bounded_attempts(store, clean_runtime):
    """A task whose worker dies every time (claimed, never finished) ends in failed/ after 3 claims."""
    store.put_json(scoring.key("pending", "adv-poison"), typed("adv-poison", "cand-p"))
    store.put_json(scoring.key("pending", "adv-bystander"), typed("adv-bystander", "cand-q"))
    attempts = []
    for _ in range(5):
        claimed = scoring.claim_pending("crashy", stale_after=timedelta(0), settings=clean_runtime)
        attempts.append(claimed)
        if "adv-bystander" in claimed.claimed:
            scoring.score_batch(["adv-bystander"], "crashy", settings=clean_runtime)
        if claimed.gave_up:
            break
        # the worker holding adv-poison is killed here: its claim is left behind
    assert [a.claimed.count("adv-poison") for a in attempts] == [1, 1, 1, 0]
    assert attempts[-1].gave_up == ["adv-poison"]
    record = store.get_json("scoring-tasks/failed/adv-poison.json")
    assert record["reason"] == "poison" and record["message"].startswith("poison: gave up after 3 attempts")
    assert record["candidate_id"] == "cand-p" and record["manifest"]["task_id"] == "adv-poison"
    assert store.get_json("scoring-tasks/done/adv-bystander.json")["status"] == "done"
    assert list(store.list("scoring-tasks/processing/")) == []
    assert results(clean_runtime)["adv-poison"]["status"] == "failed"


def test_a_manifest_that_is_no_object_is_refused_not_a_crash_once_someone_was_erased(store, clean_runtime):
    """With a tombstone on record every pending manifest is checked against it: one that is a JSON
    list used to raise there and fail the whole claim (found when the people's-rights tests ran first)."""
    from talentflow.core import warehouse
    from talentflow.core.tables import people as people_tables
    from talentflow.people import refusals

    with warehouse.connect(clean_runtime) as conn:
        warehouse.ensure_table(conn, people_tables.TOMBSTONES)
        conn.execute(
            "INSERT INTO audit.people_tombstones (identifier_hash, kind, request_id, erased_at, reason) "
            "VALUES ('adv-hash', 'candidate_id', 'adv-request', now(), 'test') ON CONFLICT DO NOTHING"
        )
    try:
        store.put(scoring.key("pending", "adv-list"), json.dumps(["a", "list"]).encode())
        refuse = refusals.scoring_task_refuser(store, "adv-run", clean_runtime)
        assert refuse(scoring.key("pending", "adv-list")) is False
    finally:
        with warehouse.connect(clean_runtime) as conn:
            conn.execute("DELETE FROM audit.people_tombstones WHERE identifier_hash = 'adv-hash'")
        store.delete(scoring.key("pending", "adv-list"))
