"""The hiring manager's card through every channel, over real sockets: an e-mail to a real SMTP server
(aiosmtpd) through Airflow's SMTP connection, a DingTalk robot that is busy at first (retried with
back-off), a WeCom robot that is down for a whole round (recorded ``failed``, sent by the next round,
nothing lost), a channel with no address (``not_configured``, not a failure, sent once configured) and a
requisition without a head (recorded once, nothing sent). Accounting in ``audit.manager_cards_sent``.

The interviews are invited and completed over the API; their scoring results are laid down as the
scoring DAG writes them (the DAG itself runs in test_api_contract.py, where its cards go to WeCom)."""

from __future__ import annotations

import email
import email.policy
import json
import os
import uuid
from datetime import UTC, datetime

import pytest

from talentflow.core import warehouse
from talentflow.core.runtime import free_port
from talentflow.service.client import TalentFlowClient
from talentflow.service.webhooks import dispatch

from .conftest import ChatRobot, make_client
from .hr_system import resumes, typed_answers

HEADS = {
    "mail": {"id": "head-fin", "name": "Finance Head", "channel": "email", "email": "fin.head@example.org"},
    "ding": {"id": "head-ops", "name": "Ops Head", "channel": "dingtalk"},
    "wecom": {"id": "head-eng", "name": "Engineering Head", "channel": "wecom"},
    "none": None,
}


class MailSink:
    def __init__(self) -> None:
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's naming
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        html = "".join(p.get_content() for p in msg.walk() if p.get_content_type() == "text/html")
        self.messages.append({"to": list(envelope.rcpt_tos), "subject": str(msg["Subject"]), "html": html})
        return "250 OK"


@pytest.fixture(scope="module")
def smtp():
    aiosmtpd = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd (a real local SMTP server)")
    sink = MailSink()
    server = aiosmtpd.Controller(sink, hostname="127.0.0.1", port=free_port())
    server.start()
    conn = {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": server.port,
        "extra": {
            "disable_ssl": True,
            "disable_tls": True,
            "from_email": "talentflow@example.org",
            "retry_limit": 0,
            "timeout": 5,
        },
    }
    saved = os.environ.get("AIRFLOW_CONN_SMTP_DEFAULT")
    os.environ["AIRFLOW_CONN_SMTP_DEFAULT"] = json.dumps(conn)
    yield sink
    if saved is None:
        os.environ.pop("AIRFLOW_CONN_SMTP_DEFAULT", None)
    else:
        os.environ["AIRFLOW_CONN_SMTP_DEFAULT"] = saved
    server.stop()


@pytest.fixture(scope="module")
def scored(api, clean_runtime, tmp_path_factory):
    """One interview per requisition (one per head above), completed and scored."""
    creds = make_client(clean_runtime, "cards-hris")
    files = resumes(tmp_path_factory.mktemp("cards"), len(HEADS), prefix="C")
    out = {}
    with TalentFlowClient(api.url, creds.client_id, creds.client_secret) as client:
        for (name, head), (ext_id, path) in zip(HEADS.items(), files, strict=True):
            req = client.create_requisition(
                {
                    "external_id": f"JOB-{name}",
                    "title": f"Role {name}",
                    "department": name,
                    "competency_profile": {"communication": 1},
                    **({"department_head": head} if head else {}),
                }
            )
            assert (req["department_head"] or {}).get("id") == (head or {}).get("id")
            cand = client.push_candidate(ext_id, req["requisition_id"], path)
            client.record_consent(cand["candidate_id"], True, policy_version="2026-01")
            iv = client.invite(cand["candidate_id"], channel="text")
            client.complete(iv["interview_id"], typed_answers(iv["questions"]))
            out[name] = iv
    with warehouse.connect(clean_runtime) as conn:
        for iv in out.values():
            task_id = conn.execute(
                "SELECT task_id FROM raw.interview_invitations WHERE interview_id = %s", (iv["interview_id"],)
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO raw.interview_results (task_id, interview_id, candidate_id, status, overall,"
                " recommendation, scoring_model_version, scored_at) VALUES (%s, %s, %s, 'done', 71.4,"
                " 'advance', 'cards-test', %s)",
                (task_id, iv["interview_id"], iv["candidate_id"], datetime.now(UTC)),
            )
            conn.execute(
                "INSERT INTO raw.interview_competency_scores (task_id, competency, score, confidence, evidence,"
                " scoring_model_version) VALUES (%s, 'communication', 3.6, 0.8, '[]', 'cards-test')",
                (task_id,),
            )
    return out


def _cards(settings) -> dict[str, dict]:
    with warehouse.connect(settings) as conn:
        rows = warehouse.fetch_all(
            conn,
            "SELECT interview_id, channel, recipient, status, attempts, error FROM audit.manager_cards_sent",
        )
    return {r["interview_id"]: r for r in rows}


def test_cards_through_every_channel_with_retries_and_nothing_lost(
    scored, smtp, clean_runtime, service_settings
):
    fast = service_settings.model_copy(
        update={
            "manager_card_attempts": 3,
            "manager_card_backoff_s": 0.01,
            "public_url": "https://api.example",
        }
    )
    clean_runtime = clean_runtime.model_copy(update={"public_url": "https://hr.example"})
    wecom_port = free_port()
    wecom_down = f"http://127.0.0.1:{wecom_port}/cgi-bin/webhook/send?key={uuid.uuid4().hex}"
    with ChatRobot(fail_first=2) as ding:
        # round 0: e-mail; DingTalk busy twice, then fine; no WeCom URL yet; a requisition without a head
        round0 = dispatch(clean_runtime.model_copy(update={"dingtalk_webhook_url": ding.url}), fast)
        assert round0["manager_cards"] == {"sent": 2, "failed": 0, "gave_up": 0, "not_configured": 2}
        cards = _cards(clean_runtime)
        mail, dingtalk = cards[scored["mail"]["interview_id"]], cards[scored["ding"]["interview_id"]]
        assert (mail["status"], mail["recipient"], mail["attempts"]) == ("sent", "fin.head@example.org", 1)
        assert (dingtalk["status"], dingtalk["attempts"]) == ("sent", 3)  # two 503s, then delivered
        wecom = cards[scored["wecom"]["interview_id"]]
        assert (wecom["status"], wecom["attempts"]) == ("not_configured", 0)
        assert "TALENTFLOW_WECOM_WEBHOOK_URL" in wecom["error"]
        nohead = cards[scored["none"]["interview_id"]]
        assert (nohead["status"], nohead["channel"], nohead["attempts"]) == ("not_configured", "none", 0)

        (message,) = smtp.messages
        assert message["to"] == ["fin.head@example.org"]
        assert message["subject"].startswith("Interview report: candidate C-0000")
        page = f"https://hr.example/hr/candidates/{scored['mail']['candidate_id']}"
        assert page in message["html"] and "71/100" in message["html"]
        assert (
            f"https://api.example/v1/interviews/{scored['mail']['interview_id']}/decision" in message["html"]
        )
        (card,) = ding.cards
        assert card["msgtype"] == "markdown" and card["at"] == {"atUserIds": ["head-ops"], "isAtAll": False}
        assert (
            f"https://hr.example/hr/candidates/{scored['ding']['candidate_id']}" in card["markdown"]["text"]
        )
        assert "communication: 3.6" in card["markdown"]["text"]

    # round 1: WeCom configured but down: tried with back-off, recorded failed, nothing else re-sent
    settings = clean_runtime.model_copy(update={"wecom_webhook_url": wecom_down})
    round1 = dispatch(settings, fast)["manager_cards"]
    assert round1 == {"sent": 0, "failed": 1, "gave_up": 0, "not_configured": 0}
    wecom = _cards(clean_runtime)[scored["wecom"]["interview_id"]]
    assert (wecom["status"], wecom["attempts"]) == ("failed", 3)
    assert wecom["error"] and wecom_down not in wecom["error"]  # the robot key is a secret

    # round 2: WeCom is back on the same URL: the failed card goes out, once
    with ChatRobot(port=wecom_port) as robot:
        round2 = dispatch(settings, fast)["manager_cards"]
        again = dispatch(settings, fast)["manager_cards"]
    assert round2 == {"sent": 1, "failed": 0, "gave_up": 0, "not_configured": 0}
    assert again == {"sent": 0, "failed": 0, "gave_up": 0, "not_configured": 0}
    (card,) = robot.cards
    assert "@Engineering Head" in card["markdown"]["content"]
    wecom = _cards(clean_runtime)[scored["wecom"]["interview_id"]]
    assert (wecom["status"], wecom["attempts"]) == ("sent", 4)
    assert len(smtp.messages) == 1  # nobody got a second card
