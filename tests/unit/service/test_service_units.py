"""Pure parts of the API service: Standard Webhooks signatures, secret hashing, cursors, the token
bucket, problem+json bodies, and the published OpenAPI document being current."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from talentflow.service import auth, deps, webhooks

REPO = Path(__file__).resolve().parents[3]


def test_signature_matches_the_standard_webhooks_reference_vector():
    # The example in the Standard Webhooks specification (standard-webhooks/standard-webhooks, spec).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    sig = webhooks.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
    assert sig == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_verify_accepts_own_signature_and_refuses_tampering_and_old_messages():
    secret = webhooks.new_secret()
    body = json.dumps({"type": "interview.scored", "data": {"overall": 71}}).encode()
    now = int(time.time())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(now),
        "webhook-signature": "v1,bm90LXRoaXM= " + webhooks.sign(secret, "msg_1", now, body),
    }
    assert webhooks.verify(secret, headers, body)["data"]["overall"] == 71
    with pytest.raises(ValueError, match="signature"):
        webhooks.verify(secret, headers, body.replace(b"71", b"99"))
    with pytest.raises(ValueError, match="signature"):
        webhooks.verify(webhooks.new_secret(), headers, body)
    old = {
        **headers,
        "webhook-timestamp": str(now - 3600),
        "webhook-signature": webhooks.sign(secret, "msg_1", now - 3600, body),
    }
    with pytest.raises(ValueError, match="tolerance"):
        webhooks.verify(secret, old, body)


def test_secrets_are_stored_as_salted_scrypt_hashes():
    stored = auth.hash_secret("tfs_abc")
    assert stored.startswith("scrypt$") and "tfs_abc" not in stored
    assert stored != auth.hash_secret("tfs_abc")  # salted
    assert auth.verify_secret("tfs_abc", stored)
    assert not auth.verify_secret("tfs_abd", stored)
    assert not auth.verify_secret("tfs_abc", "garbage")


def test_cursor_round_trip_and_garbage():
    stamp = datetime(2026, 12, 4, 10, 0, 1, 123456, tzinfo=UTC)
    assert deps.decode_cursor(deps.encode_cursor(stamp, "cand_1")) == (stamp, "cand_1")
    with pytest.raises(Exception, match="cursor"):
        deps.decode_cursor("not-a-cursor")


def test_token_bucket_allows_the_burst_then_limits():
    bucket = auth.TokenBucket(rate=1.0, burst=3)
    assert [bucket.take("c") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take("c") > 0
    assert bucket.take("other") == 0.0


def test_unknown_scopes_are_refused():
    with pytest.raises(auth.UserError, match="unknown scopes"):
        auth._check_scopes(["candidates:read", "payroll:write"])


def test_unauthenticated_request_gets_problem_json():
    from fastapi.testclient import TestClient

    from talentflow.service.app import create_app

    client = TestClient(create_app())  # no lifespan: this path needs no warehouse
    resp = client.get("/v1/candidates")
    assert resp.status_code == 401
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.headers["www-authenticate"].startswith("Bearer")
    body = resp.json()
    assert (
        body["status"] == 401
        and body["type"].endswith("/unauthorized")
        and body["instance"] == "/v1/candidates"
    )


def test_published_openapi_document_is_current():
    from talentflow.service.cli import openapi_document

    published = REPO / "docs" / "openapi.json"
    assert published.exists(), (
        "docs/openapi.json missing: run `talentflow serve --write-openapi docs/openapi.json`"
    )
    current = json.loads(json.dumps(openapi_document(), sort_keys=True))
    assert json.loads(published.read_text()) == current, (
        "docs/openapi.json is stale: run `talentflow serve --write-openapi docs/openapi.json`"
    )
    assert all(p.startswith(("/v1/", "/oauth/", "/healthz")) for p in current["paths"])
