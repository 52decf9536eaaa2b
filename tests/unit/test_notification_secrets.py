"""Webhook URLs are credentials and alert text is data: deliveries that fail (receiver down, HTTP 500
echoing the request, a refusal quoting the URL) leave no secret in the outcome, the logs (urllib3's
debug lines included) or the raised messages; a hostile task id and exception reach the e-mail and
the webhook as text. Real local HTTP receivers and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from talentflow.core import notifications as alerts
from talentflow.core.config import Settings

WECOM_KEY = "wecom-fake-secret-6b1f0c2e-93a4-4d7e"
DINGTALK_TOKEN = "dingtalkfakesecret0123456789abcdef"
SLACK_TOKEN = "SlackFakeSecretToken0123"
SECRETS = (WECOM_KEY, DINGTALK_TOKEN, SLACK_TOKEN)
HOSTILE_TASK = "<script>alert('task')</script>"
HOSTILE_ERROR = "recording key <img src=x onerror=alert(1)> refused"


class Receiver:
    """Echoes what it was sent to: ``status`` per path prefix, the request line in the body."""

    def __init__(self) -> None:
        self.bodies: list[tuple[str, dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.bodies.append((self.path, body))
                if self.path.startswith("/services/"):  # a proxy that answers 500 with the request line
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(f"upstream error for POST {self.path}".encode())
                elif self.path.startswith("/robot/"):  # DingTalk refusing, quoting the URL it was called on
                    self.send_response(200)
                    self.end_headers()
                    refusal = {"errcode": 310000, "errmsg": f"sign not match, see {self.path}"}
                    self.wfile.write(json.dumps(refusal).encode())
                else:
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b'{"errcode": 0}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def secret_settings(receiver, monkeypatch):
    monkeypatch.delenv("TALENTFLOW_ALERT_EMAIL_TO", raising=False)
    return Settings(
        slack_webhook_url=f"{receiver.base}/services/T0FAKE/B0FAKE/{SLACK_TOKEN}",
        wecom_webhook_url=f"http://127.0.0.1:{_closed_port()}/cgi-bin/webhook/send?key={WECOM_KEY}",
        dingtalk_webhook_url=f"{receiver.base}/robot/send?access_token={DINGTALK_TOKEN}",
    )


def _leaks(*texts: str) -> list[str]:
    return [s for s in SECRETS if any(s in t for t in texts)]


def test_failed_deliveries_leak_no_webhook_secret(secret_settings, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    waits: list[float] = []
    outcome = alerts.send(
        alerts.Message("t", "x"), secret_settings, attempts=2, backoff=0.01, sleep=waits.append
    )
    # the faults really happened, each with its reason, and the secret-bearing parts were masked
    assert "HTTP 500" in outcome["slack"] and "upstream error for POST ***" in outcome["slack"]
    assert "unreachable" in outcome["wecom"] and "127.0.0.1" in outcome["wecom"]
    assert "refused" in outcome["dingtalk"] and "***" in outcome["dingtalk"]
    assert waits == [0.01, 0.01]  # slack (500) and wecom (down) retried once; a refusal is final
    assert '"POST *** HTTP/1.1" 500' in caplog.text  # urllib3's own debug line, its path and query masked
    printed = capsys.readouterr()
    logged = [caplog.text, printed.out, printed.err, *(r.getMessage() for r in caplog.records)]
    assert _leaks(json.dumps(outcome), *logged) == []

    for kind in ("slack", "wecom", "dingtalk"):
        channel = alerts.webhook_channel(kind, secret_settings)
        assert SLACK_TOKEN not in repr(channel) and WECOM_KEY not in repr(channel)
        with pytest.raises(alerts.DeliveryError) as raised:
            channel.post({"text": "x"})
        shown = "".join(traceback.format_exception(raised.value))
        assert _leaks(str(raised.value), shown) == [], kind


@pytest.fixture
def smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    messages: list[dict] = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's naming
            msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
            html = "".join(p.get_content() for p in msg.walk() if p.get_content_type() == "text/html")
            messages.append({"to": list(envelope.rcpt_tos), "subject": str(msg["Subject"]), "html": html})
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=_closed_port())
    controller.start()
    conn = {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": controller.port,
        "extra": {
            "disable_ssl": True,
            "disable_tls": True,
            "from_email": "ops@larkspur.example",
            "retry_limit": 0,
        },
    }
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(conn))
    yield messages
    controller.stop()


def test_a_hostile_failure_reaches_mail_and_webhook_as_text(receiver, smtp, monkeypatch, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    hook = f"{receiver.base}/hooks/send?key={WECOM_KEY}"
    monkeypatch.setenv("TALENTFLOW_WECOM_WEBHOOK_URL", hook)
    monkeypatch.setenv("TALENTFLOW_SLACK_WEBHOOK_URL", f"{receiver.base}/ok/{SLACK_TOKEN}")
    monkeypatch.delenv("TALENTFLOW_DINGTALK_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("TALENTFLOW_ALERT_EMAIL_TO", "ops@larkspur.example")

    class TI:
        dag_id, task_id, try_number, run_id = "interview_scoring", HOSTILE_TASK, 2, "manual__x"

    # a task that failed talking to the webhook: its exception quotes the URL with the key
    error = RuntimeError(f"{HOSTILE_ERROR}; POST {hook} timed out")
    alerts.notify_failure({"task_instance": TI(), "exception": error})

    [mail] = smtp
    assert mail["to"] == ["ops@larkspur.example"] and HOSTILE_TASK in mail["subject"]  # a subject is text
    assert "<script>" not in mail["html"] and "<img" not in mail["html"]
    assert "&lt;script&gt;" in mail["html"] and "&lt;img src=x onerror=alert(1)&gt;" in mail["html"]
    bodies = dict(receiver.bodies)
    slack = bodies[f"/ok/{SLACK_TOKEN}"]["text"]
    assert "<script>" not in slack and "&lt;script&gt;" in slack  # Slack's own escaping of < > &
    wecom = bodies[f"/hooks/send?key={WECOM_KEY}"]["markdown"]["content"]
    assert HOSTILE_ERROR in wecom and "POST *** timed out" in wecom
    printed = capsys.readouterr()
    assert _leaks(mail["html"], mail["subject"], slack, wecom, caplog.text, printed.out, printed.err) == []
