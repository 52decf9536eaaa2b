"""What a department head reads: the result, where the report is, how to decide; no rejection wording."""

from __future__ import annotations

from talentflow.core.config import Settings
from talentflow.core.notifications import email_html, webhook_payload
from talentflow.service.manager_cards import card_id, card_message
from talentflow.service.settings import ServiceSettings

ROW = {
    "interview_id": "iv_1",
    "candidate_id": "cand_1",
    "requisition_id": "req_1",
    "external_id": "A-0042",
    "title": "Backend engineer",
    "department": "Engineering",
    "head_id": "head-7",
    "head_name": "Dana <script>",
    "status": "scored",
    "overall": 64.6,
    "recommendation": "advance",
    "reason": None,
}


def test_card_links_the_report_page_and_the_decision_endpoint():
    service = ServiceSettings(public_url="https://api.talent.example.com/")
    settings = Settings(public_url="https://talent.example.com/")
    msg = card_message(ROW, [{"competency": "communication", "score": 3.25}], service, settings)
    assert msg.title == "Interview report: candidate A-0042 for Backend engineer"
    assert "scored 65/100; recommendation: advance" in msg.text
    assert "Report: https://talent.example.com/hr/candidates/cand_1" in msg.text
    assert "POST https://api.talent.example.com/v1/interviews/iv_1/decision" in msg.text
    assert '"decided_by": "head-7"' in msg.text and "- communication: 3.2" in msg.text
    assert "<script>" not in email_html(msg)  # names are data: escaped in the e-mail
    wecom = webhook_payload("wecom", msg)["markdown"]["content"]
    assert wecom.startswith("**Interview report") and "@Dana" in wecom


def test_review_card_and_stable_ids():
    settings = Settings(public_url="http://127.0.0.1:8700")
    msg = card_message(
        {**ROW, "status": "human_review", "reason": "no consent"}, [], ServiceSettings(), settings
    )
    assert "needs a human review: no consent" in msg.text
    assert "Report: http://127.0.0.1:8700/hr/candidates/cand_1" in msg.text
    assert "POST http://127.0.0.1:8700/v1/interviews/iv_1/decision" in msg.text
    assert card_id("iv_1", "wecom", "wecom:head-7") == card_id("iv_1", "wecom", "wecom:head-7")
    assert card_id("iv_1", "wecom", "wecom:head-7") != card_id("iv_1", "email", "head@example.org")
