"""The Greenhouse-style partner bridge against the running service, the resume fetched over HTTP."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from talentflow.core.runtime import free_port
from talentflow.service.adapters import greenhouse
from talentflow.service.client import TalentFlowClient

from .conftest import make_client
from .hr_system import resumes, typed_answers


@pytest.fixture
def resume_server(tmp_path):
    ((_, path),) = resumes(tmp_path, 1, prefix="GH")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None
    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/{path.name}"
    httpd.shutdown()
    httpd.server_close()


def test_greenhouse_partner_flow(api, clean_runtime, resume_server):
    creds = make_client(clean_runtime, "greenhouse-acme")
    with TalentFlowClient(api.url, creds.client_id, creds.client_secret) as client:
        tests = greenhouse.list_tests(client)
        assert {
            "partner_test_id": "engineering",
            "partner_test_name": "Engineering roles (structured interview)",
        } in tests
        payload = {
            "partner_test_id": "engineering",
            "application_id": 12345,
            "job": {"id": 777, "name": "Platform Engineer"},
            "candidate": {
                "first_name": "Avery",
                "last_name": "Lindqvist",
                "email": "a@example.org",
                "resume_url": resume_server,
            },
            "url": "https://app.greenhouse.io/integrations/partner/callback/abc",
        }
        sent = greenhouse.send_test(client, payload, channel="text")
        again = greenhouse.send_test(client, payload, channel="text")  # Greenhouse retried the call
        assert again["partner_interview_id"] == sent["partner_interview_id"]
        iid = sent["partner_interview_id"]
        assert greenhouse.test_status(client, iid) == {"partner_status": "sent"}
        client.complete(iid, typed_answers(sent["interview"]["questions"]))
        assert greenhouse.test_status(client, iid) == {"partner_status": "in_progress"}
        assert sent["interview"]["template_id"] == "engineering"
