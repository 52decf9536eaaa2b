"""One generated world for every attrition test: delivered, loaded by archive_sync, built by dbt, then
scored by the attrition_alerts DAG with a real SMTP server (aiosmtpd) and a real HTTP webhook receiver
on localhost. The session's warehouse is shared with other test modules, so the tables this package
fills are emptied before it starts and after it ends."""

from __future__ import annotations

import email
import email.policy
import json
import os
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import free_port

WORLD = {"seed": 11, "candidates": 80, "employees": 1000, "years": 3, "recordings": 0}
EXPORT_ID = "attrition-world-11"


# ---- receivers --------------------------------------------------------------------------------


class WebhookReceiver:
    """POSTs to /<path> are recorded; ``fail_first[path] = n`` answers 503 to the first n of them."""

    def __init__(self) -> None:
        self.received: dict[str, list[dict]] = defaultdict(list)
        self.attempts: dict[str, int] = defaultdict(int)
        self.fail_first: dict[str, int] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                path = self.path.strip("/")
                with receiver.lock:
                    receiver.attempts[path] += 1
                    failing = receiver.attempts[path] <= receiver.fail_first.get(path, 0)
                    if not failing:
                        receiver.received[path].append(json.loads(body))
                self.send_response(503 if failing else 200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(
                    b'{"errcode": 1, "errmsg": "busy"}' if failing else b'{"errcode": 0, "ok": true}'
                )

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/{path}"

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.attempts.clear()
            self.fail_first.clear()


class MailSink:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's naming
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        html = "".join(
            part.get_content() for part in message.walk() if part.get_content_type() == "text/html"
        )
        self.messages.append(
            {
                "to": list(envelope.rcpt_tos),
                "from": envelope.mail_from,
                "subject": str(message["Subject"]),
                "html": html,
            }
        )
        return "250 OK"


@pytest.fixture(scope="session")
def receivers():
    from aiosmtpd.controller import Controller

    sink = MailSink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    hooks = WebhookReceiver()
    hooks.thread.start()
    env = {
        "AIRFLOW_CONN_SMTP_DEFAULT": json.dumps(
            {
                "conn_type": "smtp",
                "host": "127.0.0.1",
                "port": smtp.port,
                "extra": {
                    "disable_ssl": True,
                    "disable_tls": True,
                    "from_email": "talentflow@larkspur.example",
                    "retry_limit": 0,
                    "timeout": 5,
                },
            }
        ),
        "TALENTFLOW_SLACK_WEBHOOK_URL": hooks.url("slack"),
        "TALENTFLOW_WECOM_WEBHOOK_URL": hooks.url("wecom"),
        "TALENTFLOW_DINGTALK_WEBHOOK_URL": hooks.url("dingtalk"),
        "TALENTFLOW_ATTRITION_ALERT_BACKOFF_SECONDS": "0.05",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield sink, hooks
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    hooks.server.shutdown()
    smtp.stop()


# ---- the world --------------------------------------------------------------------------------


def _clean(settings) -> None:
    """Empty what this package loads, so neither it nor the modules after it see another world."""
    from talentflow.core import storage, warehouse
    from talentflow.core.tables.attrition import TABLES

    with warehouse.connect(settings, login="admin") as conn:  # TRUNCATE of dbt's marts: the owner's
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT schemaname || '.' || tablename FROM pg_tables WHERE (schemaname IN ('raw', 'restricted') "
                "AND (tablename LIKE 'hris_%%' OR tablename LIKE 'ats_%%' OR tablename = 'candidate_demographics')) "
                "OR (schemaname = 'marts' AND tablename IN ('fct_attendance', 'fct_performance_reviews'))"
            )
        ]
        tables += [
            t.qualified
            for t in TABLES
            if conn.execute("SELECT to_regclass(%s)", (t.qualified,)).fetchone()[0]
        ]
        if tables:
            conn.execute("TRUNCATE " + ", ".join(tables))
        if conn.execute("SELECT to_regclass('audit.recommendations')").fetchone()[0]:
            conn.execute("DELETE FROM audit.recommendations WHERE recommendation LIKE 'attrition_risk:%%'")
    store = storage.get_store(settings)
    for prefix in ("incoming/hris/", "incoming/ats/", "models/attrition/", "reports/dashboard/"):
        for obj in list(store.list(prefix)):
            store.delete(obj.key)


@pytest.fixture(scope="session")
def attrition_world(tmp_path_factory, tf_runtime, run_dag):
    """(world folder, settings) after archive_sync and a full dbt build."""
    from talentflow_demo.delivery import deliver_world
    from talentflow_demo.world import generate_world

    from talentflow.core import tables as raw_tables
    from talentflow.warehouse_build import dbt_project as dbt
    from tests.conftest import reset_loaded_data

    # Start from nothing loaded: modules before this package (scoring, adversarial) leave interviews,
    # resumes and audit rows that the dashboard would otherwise show.
    reset_loaded_data(tf_runtime)
    _clean(tf_runtime)
    out = tmp_path_factory.mktemp("attrition-world")
    generate_world(out, **WORLD)
    deliver_world(out, EXPORT_ID, tf_runtime, resumes=False, interviews=False)
    raw_tables.ensure_all(tf_runtime)
    synced = run_dag("archive_sync", retries=0, xcom_tasks=("sync_hris",))
    assert synced.ok, synced.failed_tasks()
    dbt.run(["build"], tf_runtime)
    yield Path(out), tf_runtime
    _clean(tf_runtime)


@pytest.fixture(scope="session")
def first_run(attrition_world, receivers, run_dag):
    """The attrition_alerts DAG, once, on the world (mail and webhooks to the local receivers)."""
    result = run_dag(
        "attrition_alerts",
        retries=0,
        xcom_tasks=("train_and_evaluate", "score", "send_alerts", "render_dashboard"),
    )
    assert result.ok, result.failed_tasks()
    sink, hooks = receivers
    return {
        "result": result,
        "emails": list(sink.messages),
        "webhooks": {k: list(v) for k, v in hooks.received.items()},
    }


def query(settings, sql: str, params=None) -> list[dict]:
    from talentflow.core import warehouse

    with warehouse.connect(settings) as conn:
        return warehouse.fetch_all(conn, sql, params)
