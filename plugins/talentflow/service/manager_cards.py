"""The hiring manager's loop: each scored interview (or one sent to human review) becomes a card to
the requisition's department head, through the platform's alert channels (``core.notifications``:
a WeCom/DingTalk group-robot markdown card or an e-mail through Airflow's SMTP connection), with the
report's link and how to approve or decline the next round.

Accounting as for HR alerts (``audit.alerts_sent``), in ``audit.manager_cards_sent``: one row per
interview, channel and recipient (its id derived from them, so nothing is sent twice), retried with
back-off, ``failed`` rows tried again by later rounds until ``MAX_ROUNDS`` rounds of tries, then
``gave_up``. No address for the head's channel is ``not_configured``: nothing tried, not a failure, and
sent once the channel is configured (within a week of the score). A requisition without a head is
recorded ``not_configured`` once (channel ``none``) and not looked at again.

The card names the candidate by the HR system's id only, and links to the candidate's HR page
``{TALENTFLOW_PUBLIC_URL}/hr/candidates/{candidate_id}`` (``core.links``, as every alert does) and to the
API's report and decision endpoints (``TALENTFLOW_API_PUBLIC_URL``, else the same base).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from talentflow.core import links as core_links
from talentflow.core import warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.notifications import (
    Delivery,
    EmailChannel,
    Message,
    NotConfigured,
    deliver,
    email_payload,
    webhook_channel,
    webhook_payload,
)
from talentflow.core.tables.service import MANAGER_CARDS
from talentflow.service.settings import ServiceSettings, get_service_settings

log = logging.getLogger(__name__)
MAX_ROUNDS = 3  # rounds of ``manager_card_attempts`` tries before a card is given up
RETRY_NOT_CONFIGURED_DAYS = 7
_LOCK_ID = 0x7A1E5CA4D  # one card sender at a time: the DAG's dispatch and serve's loop may overlap


def card_id(interview_id: str, channel: str, recipient: str) -> str:
    return hashlib.sha256(f"{interview_id}:{channel}:{recipient}".encode()).hexdigest()[:24]


def links(
    settings: Settings, service: ServiceSettings, candidate_id: str, interview_id: str
) -> dict[str, str]:
    """The candidate's HR page (TALENTFLOW_PUBLIC_URL, like every alert's links) and the API's report and
    decision endpoints (TALENTFLOW_API_PUBLIC_URL, else the same base)."""
    api = (service.public_url or settings.public_url).rstrip("/")
    return {
        "page": core_links.candidate_url(settings, candidate_id),
        "report": f"{api}/v1/interviews/{interview_id}",
        "decision": f"{api}/v1/interviews/{interview_id}/decision",
    }


def card_message(
    row: dict, competencies: list[dict], service: ServiceSettings, settings: Settings | None = None
) -> Message:
    """What the head reads: the result, the evidence in one line per competency, where to decide."""
    link = links(settings or get_settings(), service, row["candidate_id"], row["interview_id"])
    head = row["head_name"] or row["head_id"]
    candidate = f"candidate {row['external_id']}"
    title = f"Interview report: {candidate} for {row['title'] or row['requisition_id']}"
    lines = [f"@{head} (department head, {row['department'] or 'no department'})"]
    if row["status"] == "scored":
        lines.append(
            f"{candidate.capitalize()} was scored {row['overall']:.0f}/100; "
            f"recommendation: {row['recommendation']}."
        )
    else:
        lines.append(f"{candidate.capitalize()} needs a human review: {row['reason'] or 'see the report'}.")
    if competencies:
        lines.append("Competencies (1-5):")
        lines += [f"- {c['competency']}: {c['score']:.1f}" for c in competencies]
    lines += [
        f"Report: {link['page']}",
        f"Decide the next round: POST {link['decision']} with "
        '{"decision": "approve" or "decline", "decided_by": "' + row["head_id"] + '"} '
        "(through the HR system, scope decisions:write); the API report is at " + link["report"] + ".",
        "A score supports your decision; it never rejects anyone by itself.",
    ]
    return Message(title, "\n".join(lines))


def _pending(conn) -> list[dict]:
    """Scored or in-review interviews, their requisition's head (if any) and any card already made."""
    return warehouse.fetch_all(
        conn,
        "SELECT i.interview_id, i.candidate_id, i.requisition_id, i.status, c.external_id,"
        " r.overall, r.recommendation, r.reason, r.task_id, r.scoring_model_version, r.scored_at,"
        " q.title, q.department, h.head_id, h.name AS head_name, h.email AS head_email, h.channel"
        " FROM raw.interview_invitations i JOIN raw.interview_results r ON r.task_id = i.task_id"
        " JOIN raw.api_candidates c ON c.candidate_id = i.candidate_id"
        " LEFT JOIN raw.ats_requisitions q ON q.requisition_id = i.requisition_id"
        " LEFT JOIN restricted.requisition_department_heads h ON h.requisition_id = i.requisition_id"
        " WHERE i.status IN ('scored', 'human_review') AND NOT EXISTS ("
        "   SELECT 1 FROM audit.manager_cards_sent m WHERE m.interview_id = i.interview_id"
        "   AND (m.status IN ('sent', 'gave_up') OR (m.status = 'not_configured' AND (m.channel = 'none'"
        f"   OR r.scored_at < now() - interval '{RETRY_NOT_CONFIGURED_DAYS} days'))))"
        " ORDER BY r.scored_at, i.interview_id",
    )


def _competencies(conn, row: dict) -> list[dict]:
    return warehouse.fetch_all(
        conn,
        "SELECT competency, score FROM raw.interview_competency_scores WHERE task_id = %s"
        " AND scoring_model_version IS NOT DISTINCT FROM %s ORDER BY competency",
        (row["task_id"], row["scoring_model_version"]),
    )


def _deliver(
    row: dict, msg: Message, settings: Settings, service: ServiceSettings, attempts: int, sleep
) -> tuple[Delivery, dict]:
    if row["channel"] == "email":
        channel = EmailChannel([row["head_email"]], service.smtp_conn_id)
        payload = email_payload([row["head_email"]], msg)
    else:
        payload = webhook_payload(row["channel"], msg)
        if row["channel"] == "dingtalk":
            payload["at"] = {"atUserIds": [row["head_id"]], "isAtAll": False}
        channel = None

    def post() -> None:
        target = channel or webhook_channel(row["channel"], settings, timeout=service.webhook_timeout_s)
        target.post(payload)

    label = f"manager card for interview {row['interview_id']} via {row['channel']}"
    return deliver(post, attempts, service.manager_card_backoff_s, sleep, label), payload


def send_manager_cards(
    settings: Settings | None = None,
    service: ServiceSettings | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """Send every card not yet sent; returns counts by outcome."""
    settings, service = settings or get_settings(), service or get_service_settings()
    counts = {"sent": 0, "failed": 0, "gave_up": 0, "not_configured": 0}
    with warehouse.connect(settings) as conn:
        if not conn.execute("SELECT pg_try_advisory_lock(%s)", (_LOCK_ID,)).fetchone()[0]:
            return counts | {"skipped": "another sender holds the card lock"}
        try:
            for row in _pending(conn):
                recipient = (
                    "-"
                    if not row["channel"]
                    else row["head_email"]
                    if row["channel"] == "email"
                    else f"{row['channel']}:{row['head_id']}"
                )
                cid = card_id(row["interview_id"], row["channel"] or "none", recipient)
                known = warehouse.fetch_all(
                    conn,
                    f"SELECT attempts, created_at FROM {MANAGER_CARDS.qualified} WHERE card_id = %s",
                    (cid,),
                )
                tried = known[0]["attempts"] if known else 0
                if not row["channel"]:
                    reason = str(NotConfigured("the requisition has no department_head"))
                    result, payload = Delivery(False, 0, reason, configured=False), {}
                else:
                    msg = card_message(row, _competencies(conn, row), service, settings)
                    total = service.manager_card_attempts * MAX_ROUNDS
                    allowed = max(0, min(service.manager_card_attempts, total - tried))
                    result, payload = _deliver(row, msg, settings, service, allowed, sleep)
                if not result.configured:
                    status = "not_configured"
                elif result.delivered:
                    status = "sent"
                elif tried + result.attempts >= service.manager_card_attempts * MAX_ROUNDS:
                    status = "gave_up"
                else:
                    status = "failed"
                warehouse.upsert(
                    conn,
                    MANAGER_CARDS,
                    [
                        {
                            "card_id": cid,
                            "interview_id": row["interview_id"],
                            "candidate_id": row["candidate_id"],
                            "requisition_id": row["requisition_id"],
                            "channel": row["channel"] or "none",
                            "recipient": recipient,
                            "status": status,
                            "attempts": tried + result.attempts,
                            "error": result.error,
                            "created_at": known[0]["created_at"] if known else datetime.now(UTC),
                            "sent_at": datetime.now(UTC) if result.delivered else None,
                            "payload": payload,
                        }
                    ],
                    create=False,
                )
                conn.commit()  # recorded before the next card: a crash later never re-sends this one
                counts[status] += 1
        finally:
            conn.rollback()
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_ID,))
    if any(counts.values()):
        log.info("manager cards: %s", counts)
    return counts
