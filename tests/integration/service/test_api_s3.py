"""On the S3 backend (moto's server over real HTTP) an invitation's upload URLs are S3 pre-signed PUTs:
the HR system uploads straight to the bucket, and completion finds the recordings there."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from talentflow.core import storage

from .conftest import LiveServer, make_client

REQ = {"external_id": "R-S3", "title": "Nurse", "competency_profile": {"communication": 1}}


@pytest.fixture(scope="module")
def s3_api(clean_runtime, moto_endpoint, service_settings):
    from talentflow.service.app import create_app

    settings = clean_runtime.model_copy(
        update={
            "s3_endpoint": moto_endpoint,
            "s3_access_key": SecretStr("testing"),
            "s3_secret_key": SecretStr("testing"),
            "s3_region": "us-east-1",
            "bucket": "tf-api-presign",
        }
    )
    with LiveServer(create_app(settings, service_settings)) as server:
        yield server, settings


def test_presigned_s3_upload_then_completion(s3_api):
    api, settings = s3_api
    store = storage.get_store(settings)
    assert isinstance(store, storage.S3ObjectStore)
    creds = make_client(settings, "s3-tenant")
    token = httpx.post(
        f"{api.url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(creds.client_id, creds.client_secret),
    ).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    req = httpx.post(
        f"{api.url}/v1/requisitions", json=REQ, headers={**h, "Idempotency-Key": "s3-req"}
    ).json()
    cand = httpx.post(
        f"{api.url}/v1/candidates",
        data={"external_id": "S3-1", "requisition_id": req["requisition_id"]},
        files={"resume": ("cv.txt", b"Robin Example\nrobin@example.org\nRegistered nurse, 6 years.\n")},
        headers={**h, "Idempotency-Key": "s3-cand"},
    ).json()
    assert store.exists(cand["resume_object_key"])  # the resume is in the bucket, under incoming/resumes/
    iv = httpx.post(
        f"{api.url}/v1/interviews",
        json={"candidate_id": cand["candidate_id"]},
        headers={**h, "Idempotency-Key": "s3-iv"},
    ).json()
    early = httpx.post(
        f"{api.url}/v1/interviews/{iv['interview_id']}/complete",
        json={},
        headers={**h, "Idempotency-Key": "s3-done-early"},
    )
    assert early.status_code == 409 and early.json()["missing"]
    for up in iv["uploads"]:
        assert up["url"].startswith(f"http://{settings.s3_endpoint}/tf-api-presign/recordings/")
        assert "X-Amz-Signature=" in up["url"] and "/v1/uploads/" not in up["url"]
        assert httpx.put(up["url"], content=b"RIFF-recording-bytes").status_code == 200
    done = httpx.post(
        f"{api.url}/v1/interviews/{iv['interview_id']}/complete",
        json={},
        headers={**h, "Idempotency-Key": "s3-done"},
    )
    assert done.status_code == 202, done.text
    manifest = store.get_json(f"scoring-tasks/pending/{iv['interview_id']}.json")
    assert [a["recording"] for a in manifest["answers"]] == [
        f"recordings/{cand['candidate_id']}/{iv['interview_id']}/{q['question_id']}.wav"
        for q in iv["questions"]
    ]
    assert store.get(manifest["answers"][0]["recording"]) == b"RIFF-recording-bytes"
