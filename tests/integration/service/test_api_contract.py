"""Contract test over real HTTP: a simulated HR system connects with its own OAuth client, pushes a
requisition (with its department head) and 200 candidates with resumes and consents, lists them all back
through the cursor pagination, invites 20 of them (typed interviews, and two recorded ones uploaded to
the pre-signed URLs), the interview_scoring and resume_ingestion DAGs run, signed webhooks arrive at the
HR system's own receiver and verify, the department head gets a WeCom card per interview with the report
link, results are pulled, the head approves a next round, and an accepted offer becomes an employee in
the archive (raw HRIS tables, then the lifecycle mart after a dbt run) with an attendance account,
probation rules and a training plan.

Only 20 of the 200 are interviewed: scoring every one through the DAG would add minutes without
exercising anything the 20 do not (bench/bench_api.py measures the push and the polling at scale)."""

from __future__ import annotations

import os

import pytest

from talentflow.core import pseudonym, warehouse
from talentflow.service.client import TalentFlowClient
from talentflow.service.webhooks import dispatch

from .conftest import ChatRobot, Receiver, make_client
from .hr_system import resumes, spoken_answers, typed_answers

pytestmark = pytest.mark.slow
PUSHED = 200  # candidates the HR system pushes (and lists back)
N = 20  # of which it interviews the first N
PUBLIC_URL = "https://talent.example.com"
NEVER = {"reject", "rejected", "declined"}


@pytest.fixture(scope="module")
def flow(api, clean_runtime, service_settings, run_dag, tmp_path_factory):
    creds = make_client(clean_runtime, "acme-hris")
    tmp = tmp_path_factory.mktemp("hr-system")
    with (
        Receiver() as receiver,
        ChatRobot() as wecom,
        TalentFlowClient(api.url, creds.client_id, creds.client_secret) as client,
    ):
        # the DAG's dispatch reads these from the environment, like a deployment would
        env = {
            "TALENTFLOW_WECOM_WEBHOOK_URL": wecom.url,
            "TALENTFLOW_PUBLIC_URL": PUBLIC_URL,
            "TALENTFLOW_API_PUBLIC_URL": PUBLIC_URL,
        }
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
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
                "department_head": {"id": "head-eng-1", "name": "Engineering Head", "channel": "wecom"},
            }
        )
        pushed = [
            client.push_candidate(ext_id, req["requisition_id"], path)
            for ext_id, path in resumes(tmp / "resumes", PUSHED)
        ]
        listed = list(client.paginate("/v1/candidates", limit=37))
        candidates = pushed[:N]
        for i, cand in enumerate(candidates):
            if i != N - 1:  # the last one never consents: human review, not automated scoring
                client.record_consent(cand["candidate_id"], True, policy_version="2026-01")
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
            "pushed": pushed,
            "listed": listed,
            "wecom": wecom,
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
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_dags_ran(flow):
    assert flow["scoring"].state == "success", flow["scoring"].task_states
    assert flow["ingestion"].state == "success", flow["ingestion"].task_states


def test_all_pushed_candidates_are_listed_once_through_the_cursor_pages(flow):
    assert len(flow["pushed"]) == PUSHED
    ids = [c["candidate_id"] for c in flow["listed"]]
    assert len(ids) == len(set(ids)) == PUSHED
    assert set(ids) == {c["candidate_id"] for c in flow["pushed"]}


def test_resumes_enter_the_same_ingestion_path(flow, clean_runtime):
    shas = {c["resume_sha256"] for c in flow["pushed"]}
    assert len(shas) == PUSHED
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
    assert {a["candidate_id"] for a in apps} == {c["candidate_id"] for c in flow["pushed"]}


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


def test_department_head_gets_a_card_per_interview_with_the_report_link(flow, clean_runtime):
    counts = flow["counts"]["manager_cards"]
    assert counts == {"sent": N, "failed": 0, "gave_up": 0, "not_configured": 0}, counts
    cards = flow["wecom"].cards
    assert len(cards) == N and {c["msgtype"] for c in cards} == {"markdown"}
    by_candidate = {}
    for card in cards:
        text = card["markdown"]["content"]
        assert text.startswith("**Interview report: candidate ") and "@Engineering Head" in text
        cid = text.split(f"{PUBLIC_URL}/hr/candidates/", 1)[1].split()[0]
        by_candidate[cid] = text
    assert set(by_candidate) == {iv["candidate_id"] for iv in flow["interviews"]}
    for iv in flow["interviews"]:
        text = by_candidate[iv["candidate_id"]]
        assert f"POST {PUBLIC_URL}/v1/interviews/{iv['interview_id']}/decision" in text
        assert '"decided_by": "head-eng-1"' in text
        result = flow["results"][iv["interview_id"]]
        if result["status"] == "scored":
            assert f"scored {result['result']['overall']:.0f}/100" in text
        else:
            assert "needs a human review" in text
        assert "reject" not in text.replace("never rejects", "")
    # no name of a candidate reaches the card: the HR system's id only
    from .hr_system import LAST

    assert not any(last in c["markdown"]["content"] for c in cards for last in LAST)
    with warehouse.connect(clean_runtime) as conn:
        rows = warehouse.fetch_all(
            conn, "SELECT channel, recipient, status, attempts FROM audit.manager_cards_sent"
        )
    assert len(rows) == N
    assert {(r["channel"], r["recipient"], r["status"], r["attempts"]) for r in rows} == {
        ("wecom", "wecom:head-eng-1", "sent", 1)
    }


def test_dispatch_twice_sends_nothing_new(flow, clean_runtime, service_settings):
    again = dispatch(clean_runtime, service_settings)
    assert again == {
        "scored": 0,
        "needs_review": 0,
        "delivered": 0,
        "failed": 0,
        "manager_cards": {"sent": 0, "failed": 0, "gave_up": 0, "not_configured": 0},
    }
    assert len(flow["wecom"].cards) == N


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

    # the archive: the same raw HRIS tables archive_sync loads, tied to the interview by candidate_id
    with warehouse.connect(clean_runtime) as conn:
        emp = warehouse.fetch_all(
            conn,
            "SELECT employee_id, candidate_id, department, job_title, job_family, hire_date, status"
            " FROM raw.hris_employees WHERE employee_id = 'E-9001'",
        )
        hired = warehouse.fetch_all(
            conn, "SELECT event, effective_date FROM raw.hris_job_history WHERE employee_id = 'E-9001'"
        )
        onboarded = warehouse.fetch_all(
            conn,
            "SELECT candidate_id, interview_id, attendance_account, probation FROM raw.employee_onboarding"
            " WHERE employee_id = 'E-9001'",
        )
    assert len(emp) == 1 and emp[0]["candidate_id"] == cand_id and emp[0]["status"] == "active"
    assert emp[0]["job_family"] == "engineering" and str(emp[0]["hire_date"]) == "2027-01-04"
    assert [(h["event"], str(h["effective_date"])) for h in hired] == [("hire", "2027-01-04")]
    assert onboarded[0]["interview_id"] == iv["interview_id"]
    assert onboarded[0]["attendance_account"]["employee_id"] == "E-9001"
    assert onboarded[0]["probation"]["ends_on"] == "2027-07-04"
    # the same offer handed off again (a new Idempotency-Key) changes nothing in the archive
    again = client.hire(
        cand_id,
        employee_id="E-9001",
        start_date="2027-01-04",
        position="Backend Engineer",
        department="Engineering",
        manager_id="manager-007",
    )
    assert again["employee"]["interview_baseline"] == offer["employee"]["interview_baseline"]
    with warehouse.connect(clean_runtime) as conn:
        n = conn.execute(
            "SELECT (SELECT count(*) FROM raw.hris_employees WHERE employee_id = 'E-9001')"
            " + (SELECT count(*) FROM raw.hris_job_history WHERE employee_id = 'E-9001')"
            " + (SELECT count(*) FROM raw.employee_onboarding WHERE employee_id = 'E-9001')"
        ).fetchone()[0]
    assert n == 3
    assert dispatch(clean_runtime, service_settings)["delivered"] == 0  # employee.onboarded went once


def test_hired_employee_reaches_the_lifecycle_mart_and_gets_a_training_plan(flow, clean_runtime):
    from talentflow.warehouse_build import dbt_project as dbt

    client = flow["client"]
    iv = flow["interviews"][2]
    before = client.request("GET", "/v1/employees/E-9001/onboarding")
    assert before["attendance_account"]["active_from"] == "2027-01-04"
    dbt.run(["seed"], clean_runtime)
    dbt.run(["run", "--select", "+training_recommendation", "+goal_recommendation"], clean_runtime)
    key = pseudonym.key(pseudonym.secret(clean_runtime), "employee", "E-9001")
    with warehouse.connect(clean_runtime) as conn:
        profile = warehouse.fetch_all(
            conn,
            "SELECT p.interview_overall, p.is_active, p.department FROM marts.employee_lifecycle_profile p"
            " WHERE p.employee_key = %s",
            (key,),
        )
        plan = warehouse.fetch_all(
            conn,
            "SELECT competency, course_id FROM marts.training_recommendation"
            " WHERE employee_key = %s ORDER BY competency, course_id",
            (key,),
        )
    overall = flow["results"][iv["interview_id"]]["result"]["overall"]
    assert len(profile) == 1 and profile[0]["is_active"]
    assert profile[0]["interview_overall"] == pytest.approx(overall)
    after = client.request("GET", "/v1/employees/E-9001/onboarding")
    assert [(t["competency"], t["course_id"]) for t in after["training_plan"]] == [
        (p["competency"], p["course_id"]) for p in plan
    ]
    assert after["interview_baseline"]["interview_id"] == iv["interview_id"]
