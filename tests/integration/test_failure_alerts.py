"""A failing task reaches ops through the notifier every DAG carries (``DEFAULT_ARGS``), in a real
``dag.test()`` on the embedded runtime: a real local webhook receiver and a real SMTP server (aiosmtpd)
get the alert; the hostile exception text arrives escaped; the webhook's secret is in no alert body and
no log line of ours, though the exception quoted it. (The task runner's own traceback of that exception
is Airflow's: in a worker, its masker hides the URLs ``dag_defaults`` registers; ``dag.test()`` prints
it unmasked.)"""

from __future__ import annotations

import email
import email.policy
import json
import logging
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

WECOM_KEY = "wecom-fake-secret-a8c2e4f6-1b3d-4f5a"
HOSTILE = "<script>alert('ops')</script>"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def channels(monkeypatch):
    from aiosmtpd.controller import Controller

    posts: list[tuple[str, dict]] = []
    mails: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            posts.append((self.path, json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')

        def log_message(self, *args):
            pass

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's naming
            msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
            html = "".join(p.get_content() for p in msg.walk() if p.get_content_type() == "text/html")
            mails.append({"to": list(envelope.rcpt_tos), "subject": str(msg["Subject"]), "html": html})
            return "250 OK"

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    smtp = Controller(Sink(), hostname="127.0.0.1", port=_free_port())
    smtp.start()
    hook_url = f"http://127.0.0.1:{server.server_port}/cgi-bin/webhook/send?key={WECOM_KEY}"
    conn = {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": smtp.port,
        "extra": {
            "disable_ssl": True,
            "disable_tls": True,
            "from_email": "ops@larkspur.example",
            "retry_limit": 0,
        },
    }
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(conn))
    monkeypatch.setenv("TALENTFLOW_WECOM_WEBHOOK_URL", hook_url)
    monkeypatch.setenv("TALENTFLOW_ALERT_EMAIL_TO", "ops@larkspur.example")
    for unset in ("TALENTFLOW_SLACK_WEBHOOK_URL", "TALENTFLOW_DINGTALK_WEBHOOK_URL"):
        monkeypatch.delenv(unset, raising=False)
    yield hook_url, posts, mails
    server.shutdown()
    smtp.stop()


DAG_FILE = f"""
import os

from airflow.sdk import dag, task

from talentflow.core.dag_defaults import DEFAULT_ARGS, START_DATE


@dag(
    dag_id="tf_test_failure_alert",
    schedule=None,
    start_date=START_DATE,
    catchup=False,
    default_args={{**DEFAULT_ARGS, "retries": 0}},
    doc_md="Fails on purpose: the failure alert path.",
    tags=["test"],
)
def failing():
    @task
    def load_recording():
        url = os.environ["TALENTFLOW_WECOM_WEBHOOK_URL"]  # a task that quotes the secret URL in its error
        raise ValueError("bad recording key {HOSTILE}; callback to " + url + " refused")

    load_recording()


failing()
"""


def _failing_dag(tmp_path):
    """A one-task DAG from its own file, written to the metadata DB as the DAG processor would."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db

    (tmp_path / "failing_dag.py").write_text(DAG_FILE)
    bag = DagBag(dag_folder=str(tmp_path))
    assert not bag.import_errors, bag.import_errors
    DagBundlesManager().sync_bundles_to_db()
    sync_bag_to_db(bag, "dags-folder", None)
    return bag.dags["tf_test_failure_alert"]


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def ours():
    """Every record of the talentflow loggers, whatever logging Airflow configured for the session."""
    logger, handler = logging.getLogger("talentflow"), Records()
    saved = (logger.level, logger.disabled)
    logger.setLevel(logging.DEBUG)
    logger.disabled = False
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.level, logger.disabled = saved


def test_a_failed_task_alerts_ops_escaped_and_without_the_secret(
    tf_runtime, channels, ours, capsys, tmp_path
):
    hook_url, posts, mails = channels
    dr = _failing_dag(tmp_path).test()
    assert str(getattr(dr.state, "value", dr.state)) == "failed"

    [(path, body)] = posts
    assert path == f"/cgi-bin/webhook/send?key={WECOM_KEY}"  # the receiver is the configured one
    content = body["markdown"]["content"]
    assert "TalentFlow: tf_test_failure_alert.load_recording failed" in content
    assert "bad recording key" in content and "callback to *** refused" in content

    [mail] = mails
    assert mail["to"] == ["ops@larkspur.example"]
    assert mail["subject"] == "TalentFlow: tf_test_failure_alert.load_recording failed"
    assert HOSTILE not in mail["html"] and "&lt;script&gt;alert(&#39;ops&#39;)&lt;/script&gt;" in mail["html"]

    messages = [r.getMessage() for r in ours.records]
    assert "alert via wecom: sent" in messages and "alert via email: sent" in messages
    assert any("callback to *** refused" in m for m in messages)  # the notifier logged the reason, masked
    # whatever the session's log format, no entry of ours printed to stdout holds the secret either
    entries = re.split(r"\n(?=\d{4}-\d\d-\d\dT)", capsys.readouterr().out)
    printed = [e for e in entries if "[talentflow." in e]
    bodies = json.dumps([b for _, b in posts] + mails)
    texts = {"bodies": bodies, "our records": "\n".join(messages), "our printed logs": "\n".join(printed)}
    assert [where for where, text in texts.items() if WECOM_KEY in text] == []
