"""Alert channels against a real HTTP receiver on localhost."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from talentflow.core import notifications as alerts
from talentflow.core.config import Settings


@pytest.fixture
def receiver():
    received: list[tuple[str, dict]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.path, body))
            self.send_response(500 if self.path == "/broken" else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()


def test_each_webhook_gets_its_own_format(receiver, monkeypatch):
    base, received = receiver
    monkeypatch.setenv("TALENTFLOW_SLACK_WEBHOOK_URL", f"{base}/slack")
    monkeypatch.setenv("TALENTFLOW_WECOM_WEBHOOK_URL", f"{base}/wecom")
    monkeypatch.setenv("TALENTFLOW_DINGTALK_WEBHOOK_URL", f"{base}/broken")
    outcome = alerts.send(alerts.Message("Title", "body"), Settings())
    assert outcome["slack"] == "sent" and outcome["wecom"] == "sent"
    assert outcome["dingtalk"].startswith("failed")
    bodies = dict(received)
    assert bodies["/slack"] == {"text": "*Title*\nbody"}
    assert bodies["/wecom"]["msgtype"] == "markdown" and "Title" in bodies["/wecom"]["markdown"]["content"]
    assert bodies["/broken"]["markdown"]["title"] == "Title"


def test_no_channel_configured_sends_nothing(monkeypatch):
    for channel in ("SLACK", "WECOM", "DINGTALK"):
        monkeypatch.delenv(f"TALENTFLOW_{channel}_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("TALENTFLOW_ALERT_EMAIL_TO", raising=False)
    assert alerts.send(alerts.Message("t", "x"), Settings()) == {}


def test_failure_callback_never_raises(monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("channel down")

    monkeypatch.setattr(alerts, "send", boom)

    class TI:
        dag_id, task_id, try_number, run_id = "d", "t", 1, "r"

    alerts.notify_failure({"task_instance": TI(), "exception": ValueError("bad")})
    msg = alerts.failure_message({"task_instance": TI(), "exception": ValueError("bad")})
    assert msg.title == "TalentFlow: d.t failed" and "bad" in msg.text
