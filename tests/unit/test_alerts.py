"""The notification layer against a real HTTP receiver and a real SMTP server (aiosmtpd) on localhost:
each channel's body, bounded retries with back-off, 'no channel configured', the Airflow notifier."""

from __future__ import annotations

import copy
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from talentflow.core import notifications as alerts
from talentflow.core.config import Settings

WEBHOOK_ENV = ("SLACK", "WECOM", "DINGTALK")


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


@pytest.fixture
def no_channels(monkeypatch):
    for channel in WEBHOOK_ENV:
        monkeypatch.delenv(f"TALENTFLOW_{channel}_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("TALENTFLOW_ALERT_EMAIL_TO", raising=False)


def test_each_webhook_gets_its_own_format_and_a_failing_one_is_retried(receiver, no_channels, monkeypatch):
    base, received = receiver
    monkeypatch.setenv("TALENTFLOW_SLACK_WEBHOOK_URL", f"{base}/slack")
    monkeypatch.setenv("TALENTFLOW_WECOM_WEBHOOK_URL", f"{base}/wecom")
    monkeypatch.setenv("TALENTFLOW_DINGTALK_WEBHOOK_URL", f"{base}/broken")
    waits: list[float] = []
    outcome = alerts.send(
        alerts.Message("Title", "body"), Settings(), attempts=3, backoff=0.5, sleep=waits.append
    )
    assert outcome["slack"] == "sent" and outcome["wecom"] == "sent"
    assert outcome["dingtalk"].startswith("failed") and "HTTP 500" in outcome["dingtalk"]
    assert waits == [0.5, 1.0]  # dingtalk only: three tries, back-off doubling, then it gives up
    paths = [p for p, _ in received]
    assert paths.count("/broken") == 3 and paths.count("/slack") == paths.count("/wecom") == 1
    bodies = dict(received)
    assert bodies["/slack"] == {"text": "*Title*\nbody"}
    assert bodies["/wecom"]["msgtype"] == "markdown" and "Title" in bodies["/wecom"]["markdown"]["content"]
    assert bodies["/broken"]["markdown"]["title"] == "Title"


def test_no_channel_configured_says_so_and_tries_nothing(no_channels, caplog):
    with caplog.at_level(logging.WARNING):
        assert alerts.send(alerts.Message("t", "x"), Settings()) == {}
    assert "no channel configured" in caplog.text


def test_an_unconfigured_webhook_is_not_a_failed_attempt(no_channels):
    waits: list[float] = []

    def post():
        alerts.webhook_channel("wecom", Settings())

    result = alerts.deliver(post, 5, 1.0, waits.append)
    assert (result.delivered, result.attempts, result.configured) == (False, 0, False)
    assert result.error == "no channel configured: set TALENTFLOW_WECOM_WEBHOOK_URL" and waits == []


def test_retries_back_off_exponentially_and_stop_at_the_bound():
    calls: list[int] = []
    waits: list[float] = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise alerts.DeliveryError("503")

    assert alerts.deliver(flaky, 4, 0.5, waits.append) == alerts.Delivery(True, 3)
    assert waits == [0.5, 1.0]

    def down():
        raise alerts.DeliveryError("connection refused")

    waits.clear()
    assert alerts.deliver(down, 3, 1.0, waits.append) == alerts.Delivery(False, 3, "connection refused")
    assert waits == [1.0, 2.0]


def test_a_refusal_or_an_unexpected_error_is_not_retried():
    waits: list[float] = []

    def refused():
        raise alerts.DeliveryError("errcode 310000: keywords not in content", retryable=False)

    assert alerts.deliver(refused, 5, 1.0, waits.append) == alerts.Delivery(
        False, 1, "errcode 310000: keywords not in content"
    )

    def bug():
        raise KeyError("to")

    assert alerts.deliver(bug, 5, 1.0, waits.append) == alerts.Delivery(False, 1, "KeyError: 'to'")
    assert waits == []


class TI:
    dag_id, task_id, try_number, run_id = "d", "t", 1, "r"


def test_failure_callback_never_raises(monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("channel down")

    monkeypatch.setattr(alerts, "send", boom)
    alerts.notify_failure({"task_instance": TI(), "exception": ValueError("bad")})
    msg = alerts.failure_message({"task_instance": TI(), "exception": ValueError("bad")})
    assert msg.title == "TalentFlow: d.t failed" and "bad" in msg.text


def test_the_notifier_is_airflows_and_survives_default_args_copies():
    from airflow.sdk import BaseNotifier

    assert isinstance(alerts.notify_failure, BaseNotifier)
    assert copy.deepcopy(alerts.notify_failure) == alerts.notify_failure != alerts.notify_success
    ok = alerts.notify_success.message({"task_instance": TI()})
    assert ok.title == "TalentFlow: d.t succeeded" and "Re-run" not in ok.text


def test_notifier_templates_its_own_title_and_sends_through_the_layer(receiver, no_channels, monkeypatch):
    base, received = receiver
    monkeypatch.setenv("TALENTFLOW_SLACK_WEBHOOK_URL", f"{base}/slack")
    notifier = alerts.TalentFlowNotifier("{{ ti.dag_id }} is done", "run {{ run_id }}", outcome="succeeded")
    notifier({"ti": TI(), "run_id": "manual__1"})
    assert received == [("/slack", {"text": "*d is done*\nrun manual__1"})]
