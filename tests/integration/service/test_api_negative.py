"""What the API refuses, over real HTTP: no/expired/foreign tokens, wrong scope, another tenant's data,
replayed and reused idempotency keys, oversized uploads, malformed JSON; rotation and revocation;
and webhooks to a receiver that is down (retried, audited, nothing lost, re-deliverable)."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest

from talentflow.core import warehouse

from .conftest import Receiver, make_client, problem, token_for

REQ = {
    "external_id": "R-1",
    "title": "Backend engineer",
    "department": "Engineering",
    "job_family": "engineering",
    "required_skills": ["python", "sql"],
    "competency_profile": {"communication": 2, "teamwork": 1},
}


@pytest.fixture(scope="module")
def tenants(api, clean_runtime):
    a, b = make_client(clean_runtime, "acme"), make_client(clean_runtime, "globex")
    ta, tb = token_for(api.url, a), token_for(api.url, b)
    ha = {"Authorization": f"Bearer {ta}"}
    req = httpx.post(f"{api.url}/v1/requisitions", json=REQ, headers={**ha, "Idempotency-Key": "neg-req-1"})
    assert req.status_code == 201, req.text
    cand = httpx.post(
        f"{api.url}/v1/candidates",
        data={"external_id": "A-1", "requisition_id": req.json()["requisition_id"]},
        files={"resume": ("cv.txt", b"Jane Roe\njane@example.com\nPython developer, 5 years.\n")},
        headers={**ha, "Idempotency-Key": "neg-cand-1"},
    )
    assert cand.status_code == 201, cand.text
    return {
        "a": a,
        "b": b,
        "ha": ha,
        "hb": {"Authorization": f"Bearer {tb}"},
        "req": req.json(),
        "cand": cand.json(),
    }


def test_no_token_is_401_problem(api):
    body = problem(httpx.get(f"{api.url}/v1/candidates"), 401)
    assert "Bearer" in body["detail"]


def test_wrong_secret_is_401(api, tenants):
    resp = httpx.post(
        f"{api.url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": tenants["a"].client_id,
            "client_secret": "nope",
        },
    )
    assert problem(resp, 401)["error"] == "invalid_client"


def test_expired_token_is_401(api, tenants, clean_runtime):
    from talentflow.service.settings import ServiceSettings, jwt_key

    key = jwt_key(ServiceSettings(), clean_runtime)
    token = jwt.encode(
        {
            "iss": "talentflow",
            "sub": tenants["a"].client_id,
            "tenant": "acme",
            "scope": "candidates:read",
            "sv": 1,
            "iat": int(time.time()) - 7200,
            "exp": int(time.time()) - 3600,
        },
        key,
        algorithm="HS256",
    )
    body = problem(httpx.get(f"{api.url}/v1/candidates", headers={"Authorization": f"Bearer {token}"}), 401)
    assert "expired" in body["detail"]


def test_forged_token_is_401(api, tenants):
    token = jwt.encode(
        {
            "iss": "talentflow",
            "sub": tenants["a"].client_id,
            "exp": time.time() + 60,
            "iat": time.time(),
            "scope": "candidates:read",
        },
        "not-our-key-" * 4,
        algorithm="HS256",
    )
    problem(httpx.get(f"{api.url}/v1/candidates", headers={"Authorization": f"Bearer {token}"}), 401)


def test_wrong_scope_is_403(api, tenants):
    token = token_for(api.url, tenants["a"], scope="interviews:read")
    body = problem(httpx.get(f"{api.url}/v1/candidates", headers={"Authorization": f"Bearer {token}"}), 403)
    assert "candidates:read" in body["detail"]
    # a scope the client was never granted cannot be asked for
    limited = make_client_limited = make_client(None, "readonly", ["interviews:read"])
    resp = httpx.post(
        f"{api.url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": limited.client_id,
            "client_secret": make_client_limited.client_secret,
            "scope": "candidates:write",
        },
    )
    assert problem(resp, 400)["error"] == "invalid_scope"


def test_another_tenants_candidate_is_404_not_403(api, tenants):
    cid = tenants["cand"]["candidate_id"]
    assert httpx.get(f"{api.url}/v1/candidates/{cid}", headers=tenants["ha"]).status_code == 200
    problem(httpx.get(f"{api.url}/v1/candidates/{cid}", headers=tenants["hb"]), 404)
    listed = httpx.get(f"{api.url}/v1/candidates", headers=tenants["hb"]).json()
    assert cid not in [c["candidate_id"] for c in listed["data"]]
    resp = httpx.post(
        f"{api.url}/v1/interviews",
        json={"candidate_id": cid},
        headers={**tenants["hb"], "Idempotency-Key": "foreign-1"},
    )
    problem(resp, 404)


def test_replayed_idempotency_key_returns_first_result_and_creates_nothing(api, tenants, clean_runtime):
    headers = {**tenants["ha"], "Idempotency-Key": "neg-iv-1"}
    body = {"candidate_id": tenants["cand"]["candidate_id"], "channel": "text"}
    first = httpx.post(f"{api.url}/v1/interviews", json=body, headers=headers)
    again = httpx.post(f"{api.url}/v1/interviews", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    with warehouse.connect(clean_runtime) as conn:
        n = conn.execute(
            "SELECT count(*) FROM raw.interview_invitations WHERE candidate_id = %s", (body["candidate_id"],)
        ).fetchone()[0]
    assert n == 1
    other = httpx.post(f"{api.url}/v1/interviews", json={**body, "language": "de"}, headers=headers)
    assert problem(other, 422)["type"].endswith("idempotency-key-reused")
    problem(httpx.post(f"{api.url}/v1/interviews", json=body, headers=tenants["ha"]), 400)


def test_oversized_resume_is_413_and_stores_nothing(api, tenants, clean_runtime):
    from talentflow.core import storage

    before = len(list(storage.get_store(clean_runtime).list("incoming/resumes/")))
    resp = httpx.post(
        f"{api.url}/v1/candidates",
        data={"external_id": "A-big", "requisition_id": tenants["req"]["requisition_id"]},
        files={"resume": ("cv.txt", b"x" * (65 * 1024))},
        headers={**tenants["ha"], "Idempotency-Key": "neg-big"},
    )
    problem(resp, 413)
    assert len(list(storage.get_store(clean_runtime).list("incoming/resumes/"))) == before


def test_oversized_recording_upload_is_413(api, tenants):
    iv = httpx.post(
        f"{api.url}/v1/interviews",
        json={"candidate_id": tenants["cand"]["candidate_id"]},
        headers={**tenants["ha"], "Idempotency-Key": "neg-iv-rec"},
    ).json()
    url = iv["uploads"][0]["url"]
    problem(httpx.put(url, content=b"\0" * (2 * 1024 * 1024 + 1024)), 413)
    problem(httpx.put(url.rsplit("/", 1)[0] + "/not-a-token", content=b"RIFF"), 403)
    # an upload token is not an access token
    problem(
        httpx.get(f"{api.url}/v1/candidates", headers={"Authorization": f"Bearer {url.rsplit('/', 1)[1]}"}),
        401,
    )


def test_malformed_json_is_400_and_invalid_fields_422(api, tenants):
    headers = {**tenants["ha"], "Idempotency-Key": "neg-json", "content-type": "application/json"}
    body = problem(httpx.post(f"{api.url}/v1/requisitions", content=b'{"title": ', headers=headers), 400)
    assert body["type"].endswith("malformed-json")
    body = problem(httpx.post(f"{api.url}/v1/requisitions", json={"title": "x"}, headers=headers), 422)
    assert "external_id" in body["detail"]


def test_rotation_and_revocation_stop_old_tokens(api, clean_runtime):
    from talentflow.service import auth

    creds = make_client(clean_runtime, "initech")
    token = token_for(api.url, creds)
    ok = httpx.get(f"{api.url}/v1/candidates", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    new = auth.rotate_client(creds.client_id, clean_runtime)
    time.sleep(2.1)  # the per-replica client cache
    problem(httpx.get(f"{api.url}/v1/candidates", headers={"Authorization": f"Bearer {token}"}), 401)
    fresh = token_for(api.url, new)
    assert (
        httpx.get(f"{api.url}/v1/candidates", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    )
    auth.revoke_client(creds.client_id, clean_runtime)
    time.sleep(2.1)
    problem(httpx.get(f"{api.url}/v1/candidates", headers={"Authorization": f"Bearer {fresh}"}), 401)
    resp = httpx.post(
        f"{api.url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": new.client_id,
            "client_secret": new.client_secret,
        },
    )
    problem(resp, 401)


def test_personal_data_reads_are_logged(api, tenants, clean_runtime):
    cid = tenants["cand"]["candidate_id"]
    httpx.get(f"{api.url}/v1/candidates/{cid}", params={"purpose": "screening"}, headers=tenants["ha"])
    with warehouse.connect(clean_runtime) as conn:
        rows = warehouse.fetch_all(
            conn, "SELECT client_id, purpose FROM audit.api_access_log WHERE subject_id = %s", (cid,)
        )
    assert {"client_id": tenants["a"].client_id, "purpose": "screening"} in rows


def test_receiver_down_retries_and_loses_nothing(api, tenants, clean_runtime, service_settings):
    from talentflow.core.runtime import free_port
    from talentflow.service import webhooks

    port = free_port()
    ep = httpx.post(
        f"{api.url}/v1/webhook-endpoints",
        json={"url": f"http://127.0.0.1:{port}/hooks", "event_types": ["candidate.status_changed"]},
        headers={**tenants["ha"], "Idempotency-Key": "neg-ep"},
    ).json()
    assert ep["secret"].startswith("whsec_")
    with warehouse.connect(clean_runtime) as conn:
        webhooks.set_candidate_status(
            conn, tenants["a"].client_id, tenants["cand"]["candidate_id"], "human_review", {"by": "test"}
        )
    results = webhooks.deliver_pending(clean_runtime, service_settings)
    assert [r["status"] for r in results] == ["failed"] and results[0]["attempts"] == 3
    msg_id = results[0]["delivery_id"]
    with warehouse.connect(clean_runtime) as conn:
        attempts = warehouse.fetch_all(
            conn,
            "SELECT attempt, status_code, error FROM audit.webhook_attempts WHERE delivery_id = %s"
            " ORDER BY attempt",
            (msg_id,),
        )
    assert [a["attempt"] for a in attempts] == [1, 2, 3] and all(a["error"] for a in attempts)
    with Receiver(port) as receiver:
        again = webhooks.redeliver(failed=True, settings=clean_runtime, service=service_settings)
        assert [r["status"] for r in again] == ["delivered"]
        (event,) = receiver.events(ep["secret"])
        assert receiver.received[0][0]["webhook-id"] == msg_id
    assert event["type"] == "candidate.status_changed" and event["data"]["status"] == "human_review"


def test_etag_and_pagination(api, tenants):
    h = tenants["ha"]
    for i in range(3):
        httpx.post(
            f"{api.url}/v1/requisitions",
            json={**REQ, "external_id": f"R-page-{i}"},
            headers={**h, "Idempotency-Key": f"page-{i}"},
        )
    first = httpx.get(f"{api.url}/v1/requisitions", params={"limit": 2}, headers=h)
    assert first.status_code == 200 and first.headers["etag"]
    assert (
        httpx.get(
            f"{api.url}/v1/requisitions",
            params={"limit": 2},
            headers={**h, "If-None-Match": first.headers["etag"]},
        ).status_code
        == 304
    )
    seen, cursor = [], None
    while True:
        page = httpx.get(
            f"{api.url}/v1/requisitions",
            params={"limit": 2, **({"cursor": cursor} if cursor else {})},
            headers=h,
        ).json()
        seen += [r["external_id"] for r in page["data"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted({"R-1", "R-page-0", "R-page-1", "R-page-2"})
    problem(httpx.get(f"{api.url}/v1/requisitions", params={"cursor": "garbage"}, headers=h), 400)


def test_uploads_refused_once_the_interview_is_completed(api, tenants):
    h = tenants["ha"]
    iv = httpx.post(
        f"{api.url}/v1/interviews",
        json={"candidate_id": tenants["cand"]["candidate_id"]},
        headers={**h, "Idempotency-Key": "neg-iv-late"},
    ).json()
    for up in iv["uploads"]:
        assert httpx.put(up["url"], content=b"RIFF-first").status_code == 204
    done = httpx.post(
        f"{api.url}/v1/interviews/{iv['interview_id']}/complete",
        json={},
        headers={**h, "Idempotency-Key": "late-done"},
    )
    assert done.status_code == 202
    problem(httpx.put(iv["uploads"][0]["url"], content=b"RIFF-replaced"), 409)


def test_rate_limit_is_429_per_client(clean_runtime, service_settings, tenants):
    from talentflow.service.app import create_app

    from .conftest import LiveServer

    tight = service_settings.model_copy(update={"rate_per_s": 0.2, "rate_burst": 3})
    with LiveServer(create_app(clean_runtime, tight)) as server:
        codes = [
            httpx.get(f"{server.url}/v1/candidates", headers=tenants["ha"]).status_code for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        body = problem(httpx.get(f"{server.url}/v1/candidates", headers=tenants["ha"]), 429)
        assert body["type"].endswith("rate-limited")
        assert (
            httpx.get(f"{server.url}/v1/candidates", headers=tenants["hb"]).status_code == 200
        )  # per client


def test_attrition_alert_reaches_subscribed_clients_only(api, tenants, clean_runtime, service_settings):
    from talentflow.service import webhooks

    with Receiver() as receiver:
        ep = httpx.post(
            f"{api.url}/v1/webhook-endpoints",
            json={"url": receiver.url, "event_types": ["attrition.alert"]},
            headers={**tenants["hb"], "Idempotency-Key": "alert-ep"},
        ).json()
        ids = webhooks.emit_attrition_alert(
            {"employee_key": "emp_7f3a", "risk_band": "high", "probability": 0.41}, clean_runtime
        )
        assert len(ids) == 1
        results = webhooks.deliver_pending(clean_runtime, service_settings)
        assert {r["status"] for r in results} == {"delivered"}
        (event,) = receiver.events(ep["secret"])
    assert event["type"] == "attrition.alert" and event["data"]["employee_key"] == "emp_7f3a"
