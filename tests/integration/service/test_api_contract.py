"""Contract test over real HTTP: a simulated HR system connects with its own OAuth client, pushes a
requisition and 20 candidates with resumes and consents, invites them (typed interviews, and two
recorded ones uploaded to the pre-signed URLs), the interview_scoring and resume_ingestion DAGs run,
signed webhooks arrive at the HR system's own receiver and verify, results are pulled, the hiring
manager approves a next round, and an accepted offer becomes an employee payload."""

from __future__ import annotations

import pytest

from talentflow.core import warehouse
from talentflow.service.client import TalentFlowClient
from talentflow.service.webhooks import dispatch

from .conftest import Receiver, make_client
from .hr_system import resumes, spoken_answers, typed_answers

pytestmark = pytest.mark.slow
N = 20
NEVER = {"reject", "rejected", "declined"}


@pytest.fixture(scope="module")
def flow(api, clean_runtime, service_settings, run_dag, tmp_path_factory):
    creds = make_client(clean_runtime, "acme-hris")
    tmp = tmp_path_factory.mktemp("hr-system")
    with Receiver() as receiver, TalentFlowClient(api.url, creds.client_id, creds.client_secret) as client:
        endpoint = client.register_webhook(receiver.url)
        req = client.create_requisition(
            {
                "external_id": "JOB-42",
                "title": "Backend Software Engineer",
                "department": "Engineering",
                "job_family": "engineering",
                "required_skills": ["python", "sql"],
                "min_experience_years": 2,
                "competency_profile": {"problem_solving": 2, "communication": 1},
                "status": "open",
            }
        )
        candidates = []
        for i, (ext_id, path) in enumerate(resumes(tmp / "resumes", N)):
            cand = client.push_candidate(ext_id, req["requisition_id"], path)
            if i != N - 1:  # the last one never consents: human review, not automated scoring
                client.record_consent(cand["candidate_id"], True, policy_version="2026-01")
            candidates.append(cand)
        interviews = []
        for i, cand in enumerate(candidates):
            channel = "recording" if i < 2 else "text"
            iv = client.invite(cand["candidate_id"], channel=channel)
            if channel == "recording":
                recordings = spoken_answers(iv["questions"], tmp / iv["interview_id"])
                if recordings is None:
                    pytest.skip("espeak-ng not installed: needed to synthesise the recorded answers")
                client.upload_recordings(iv, recordings)
                assert client.interview(iv["interview_id"])["status"] == "recorded"
                done = client.complete(iv["interview_id"])
            else:
                done = client.complete(iv["interview_id"], typed_answers(iv["questions"]))
            assert done["status"] == "scoring"
            interviews.append(iv)
        # The DAG itself tells the HR systems (its notify_hr_systems task); nothing is left to send.
        scoring = run_dag("interview_scoring", retries=0, xcom_tasks=("notify_hr_systems",))
        ingestion = run_dag("resume_ingestion", retries=0)
        counts = scoring.xcoms["notify_hr_systems"]
        assert counts["scored"] == N - 1 and counts["needs_review"] == 1, counts
        assert dispatch(clean_runtime, service_settings)["delivered"] == 0
        results = {iv["interview_id"]: client.interview(iv["interview_id"]) for iv in interviews}
        events = receiver.events(endpoint["secret"])
        yield {
            "client": client,
            "creds": creds,
            "req": req,
            "candidates": candidates,
            "interviews": interviews,
            "scoring": scoring,
            "ingestion": ingestion,
            "counts": counts,
            "results": results,
            "events": events,
            "receiver": receiver,
            "secret": endpoint["secret"],
        }


def test_dags_ran(flow):
    assert flow["scoring"].state == "success", flow["scoring"].task_states
    assert flow["ingestion"].state == "success", flow["ingestion"].task_states


def test_resumes_enter_the_same_ingestion_path(flow, clean_runtime):
    shas = {c["resume_sha256"] for c in flow["candidates"]}
    assert len(shas) == N
    with warehouse.connect(clean_runtime) as conn:
        loaded = {
            r["file_sha256"]
            for r in warehouse.fetch_all(conn, "SELECT file_sha256 FROM raw.resume_submissions")
        }
        apps = warehouse.fetch_all(
            conn,
            "SELECT candidate_id FROM raw.ats_applications WHERE requisition_id = %s",
            (flow["req"]["requisition_id"],),
        )
    assert shas <= loaded
    assert {a["candidate_id"] for a in apps} == {c["candidate_id"] for c in flow["candidates"]}


def test_every_interview_is_scored_or_in_review_with_versions(flow):
    statuses = {iid: r["status"] for iid, r in flow["results"].items()}
    no_consent = flow["interviews"][-1]["interview_id"]
    assert statuses.pop(no_consent) == "human_review"
    assert set(statuses.values()) == {"scored"}, statuses
    for iid, r in flow["results"].items():
        res = r["result"]
        assert res["recommendation"] not in NEVER
        if iid == no_consent:
            continue
        assert 0 <= res["overall"] <= 100
        assert {c["competency"] for c in res["competencies"]} >= {"problem_solving", "communication"}
        assert all(1 <= c["score"] <= 5 and c["evidence"] for c in res["competencies"])
        assert res["model_versions"]["scoring"] and res["model_versions"]["embedding"]
        assert res["recommendation_detail"]["model_version"] == res["model_versions"]["scoring"]
    recorded = flow["results"][flow["interviews"][0]["interview_id"]]["result"]["model_versions"]
    assert recorded["transcription"]  # the recorded ones went through speech recognition


def test_signed_webhooks_arrive_for_every_result(flow):
    by_type = {}
    for e in flow["events"]:  # receiver.events() verified every signature
        by_type.setdefault(e["type"], []).append(e["data"])
    scored = {d["interview_id"] for d in by_type["interview.scored"]}
    assert scored == {iv["interview_id"] for iv in flow["interviews"][:-1]}
    assert [d["interview_id"] for d in by_type["interview.needs_review"]] == [
        flow["interviews"][-1]["interview_id"]
    ]
    changed = by_type["candidate.status_changed"]
    assert len(changed) == N
    assert {d["status"] for d in changed} <= {"first_round_passed", "talent_pool", "human_review"}
    assert flow["counts"]["failed"] == 0
    # a forged body does not verify
    from talentflow.service.webhooks import verify

    headers, body = flow["receiver"].received[0]
    with pytest.raises(ValueError):
        verify(flow["secret"], headers, body.replace(b"interview", b"intervieW"))


def test_dispatch_twice_sends_nothing_new(flow, clean_runtime, service_settings):
    again = dispatch(clean_runtime, service_settings)
    assert again == {"scored": 0, "needs_review": 0, "delivered": 0, "failed": 0}


def test_manager_approves_next_round_and_offer_becomes_employee(flow, clean_runtime, service_settings):
    client = flow["client"]
    iv = flow["interviews"][2]
    decision = client.decide(iv["interview_id"], "approve", "manager-007", "strong problem solving")
    assert decision["candidate_status"] == "next_round"
    cand_id = iv["candidate_id"]
    offer = client.hire(
        cand_id,
        employee_id="E-9001",
        start_date="2027-01-04",
        position="Backend Engineer",
        department="Engineering",
        manager_id="manager-007",
    )
    assert offer["employee"]["interview_baseline"]["interview_id"] == iv["interview_id"]
    assert offer["attendance_account"]["employee_id"] == "E-9001"
    assert offer["probation"]["months"] == 6 and offer["probation"]["ends_on"] == "2027-07-04"
    assert "training_plan" in offer and "first_year_goals" in offer
    counts = dispatch(clean_runtime, service_settings)
    assert counts["delivered"] == 3 and counts["failed"] == 0
    events = flow["receiver"].events(flow["secret"])[len(flow["events"]) :]
    kinds = [(e["type"], e["data"].get("status")) for e in events]
    assert ("candidate.status_changed", "next_round") in kinds and (
        "candidate.status_changed",
        "hired",
    ) in kinds
    assert ("employee.onboarded", None) in kinds
    with warehouse.connect(clean_runtime) as conn:
        rows = warehouse.fetch_all(
            conn, "SELECT decision, decided_by FROM raw.hiring_decisions WHERE candidate_id = %s", (cand_id,)
        )
    assert rows == [{"decision": "approve", "decided_by": "manager-007"}]
    assert client.request("GET", f"/v1/candidates/{cand_id}")["status"] == "hired"
