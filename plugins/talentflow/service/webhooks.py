"""Outbound webhooks signed per the Standard Webhooks scheme, retried with back-off, every attempt in
``audit.webhook_attempts``; and the dispatcher that turns newly scored interviews into events.

Signature: ``webhook-signature: v1,<base64 HMAC-SHA256(secret, "<webhook-id>.<webhook-timestamp>.<body>")>``
with the secret given to the receiver as ``whsec_<base64 key>``. A message keeps its ``webhook-id``
through retries and manual re-deliveries so the receiver can de-duplicate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from datetime import UTC, datetime

import httpx
from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from talentflow.core import warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.errors import UserError
from talentflow.service.settings import ServiceSettings, get_service_settings

EVENT_TYPES = (
    "interview.scored",
    "interview.needs_review",
    "candidate.status_changed",
    "employee.onboarded",
    "attrition.alert",
)
# The ATS status a scoring recommendation gives the candidate; never a rejection.
CANDIDATE_STATUS = {
    "advance": "first_round_passed",
    "talent_pool": "talent_pool",
    "human_review": "human_review",
}
TOLERANCE_S = 300


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(secret: str, headers, body: bytes, tolerance_s: int = TOLERANCE_S) -> dict:
    """What a receiver does: check timestamp and any of the ``v1`` signatures; the parsed payload."""
    msg_id, stamp = headers["webhook-id"], int(headers["webhook-timestamp"])
    if abs(time.time() - stamp) > tolerance_s:
        raise ValueError("webhook timestamp outside the tolerance window")
    expected = sign(secret, msg_id, stamp, body).split(",", 1)[1]
    given = [s.split(",", 1)[1] for s in headers["webhook-signature"].split() if s.startswith("v1,")]
    if not any(hmac.compare_digest(expected, g) for g in given):
        raise ValueError("webhook signature does not match")
    return json.loads(body)


def enqueue(
    conn, client_id: str, event_type: str, subject_id: str, data: dict, *, once_per: str | None = None
) -> list[str]:
    """One pending delivery per active endpoint of the client subscribed to ``event_type``.

    ``once_per``: a key of the event itself (an alert's risk episode): the message id is derived from
    it and the endpoint, so queueing the same event again, from a re-run or a concurrent run, adds
    nothing. The ids of the deliveries actually queued are returned."""
    endpoints = warehouse.fetch_all(
        conn,
        "SELECT endpoint_id FROM restricted.webhook_endpoints WHERE client_id = %s AND active"
        " AND (event_types @> to_jsonb(%s::text) OR jsonb_array_length(event_types) = 0)",
        (client_id, event_type),
    )
    now = datetime.now(UTC)
    ids = []
    for ep in endpoints:
        if once_per is None:
            msg_id = "msg_" + uuid.uuid4().hex
        else:
            seed = f"{ep['endpoint_id']}:{event_type}:{once_per}"
            msg_id = "msg_" + hashlib.sha256(seed.encode()).hexdigest()[:32]
        payload = {"type": event_type, "timestamp": now.isoformat(), "data": data}
        cur = conn.execute(
            "INSERT INTO audit.webhook_deliveries (delivery_id, endpoint_id, client_id, event_type, subject_id,"
            " payload, status, attempts, created_at) VALUES (%s, %s, %s, %s, %s, %s, 'pending', 0, %s)"
            " ON CONFLICT (delivery_id) DO NOTHING",
            (
                msg_id,
                ep["endpoint_id"],
                client_id,
                event_type,
                subject_id,
                json.dumps(payload, default=str),
                now,
            ),
        )
        if cur.rowcount:
            ids.append(msg_id)
    return ids


def broadcast(
    conn, event_type: str, subject_id: str, data: dict, *, once_per: str | None = None
) -> list[str]:
    """Queue an event for every client with an endpoint subscribed to it by name (platform-wide events
    such as ``attrition.alert``, which belong to no one tenant's candidates)."""
    clients = warehouse.fetch_all(
        conn,
        "SELECT DISTINCT client_id FROM restricted.webhook_endpoints WHERE active"
        " AND event_types @> to_jsonb(%s::text)",
        (event_type,),
    )
    return [
        i
        for c in clients
        for i in enqueue(conn, c["client_id"], event_type, subject_id, data, once_per=once_per)
    ]


def emit_attrition_alert(alert: dict, settings: Settings | None = None) -> list[str]:
    """``attrition.alert`` for one alert (``employee_key`` — the pseudonymous key, never a name — risk
    band, probability, reasons). With an ``episode_id`` it is queued once per risk episode and endpoint."""
    if "employee_key" not in alert:
        raise UserError("an attrition alert needs its employee_key (pseudonymous)")
    with warehouse.connect(settings) as conn:
        return broadcast(
            conn, "attrition.alert", str(alert["employee_key"]), alert, once_per=alert.get("episode_id")
        )


class _Undelivered(Exception):
    pass


def deliver(
    delivery_id: str, settings: Settings | None = None, service: ServiceSettings | None = None
) -> dict:
    """Send one message, retrying with exponential back-off; every attempt is audited. A message that
    still fails is marked ``failed`` (kept, re-deliverable with ``talentflow api-client redeliver``)."""
    settings, service = settings or get_settings(), service or get_service_settings()
    with warehouse.connect(settings) as conn:
        rows = warehouse.fetch_all(
            conn,
            "SELECT d.delivery_id, d.payload, d.attempts, e.url, e.secret FROM audit.webhook_deliveries d"
            " JOIN restricted.webhook_endpoints e USING (endpoint_id) WHERE d.delivery_id = %s",
            (delivery_id,),
        )
    if not rows:
        raise UserError(f"no webhook delivery {delivery_id!r}")
    row = rows[0]
    body = json.dumps(row["payload"], separators=(",", ":"), default=str).encode()
    attempt_no = row["attempts"]

    def attempt():
        nonlocal attempt_no
        attempt_no += 1
        stamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": delivery_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": sign(row["secret"], delivery_id, stamp, body),
        }
        started, code, error = time.monotonic(), None, None
        try:
            resp = httpx.post(row["url"], content=body, headers=headers, timeout=service.webhook_timeout_s)
            code = resp.status_code
            if not 200 <= code < 300:
                error = f"receiver answered {code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        with warehouse.connect(settings) as conn:
            conn.execute(
                "INSERT INTO audit.webhook_attempts (attempt_id, delivery_id, attempt, status_code, error,"
                " duration_ms, attempted_at) VALUES (%s, %s, %s, %s, %s, %s, now())",
                (uuid.uuid4().hex, delivery_id, attempt_no, code, error, (time.monotonic() - started) * 1000),
            )
            conn.execute(
                "UPDATE audit.webhook_deliveries SET attempts = %s WHERE delivery_id = %s",
                (attempt_no, delivery_id),
            )
        if error:
            raise _Undelivered(error)

    retrying = Retrying(
        stop=stop_after_attempt(service.webhook_attempts),
        wait=wait_exponential(multiplier=service.webhook_backoff_s, max=300),
        retry=retry_if_exception_type(_Undelivered),
        reraise=False,
    )
    status, last_error = "delivered", None
    try:
        retrying(attempt)
    except RetryError as exc:
        status, last_error = "failed", str(exc.last_attempt.exception())
    with warehouse.connect(settings) as conn:
        conn.execute(
            "UPDATE audit.webhook_deliveries SET status = %s,"
            " delivered_at = CASE WHEN %s = 'delivered' THEN now() END WHERE delivery_id = %s",
            (status, status, delivery_id),
        )
    return {"delivery_id": delivery_id, "status": status, "attempts": attempt_no, "error": last_error}


def deliver_pending(settings: Settings | None = None, service: ServiceSettings | None = None) -> list[dict]:
    settings = settings or get_settings()
    with warehouse.connect(settings) as conn:
        pending = warehouse.fetch_all(
            conn,
            # an endpoint deleted (deactivated) meanwhile gets nothing more
            "SELECT d.delivery_id FROM audit.webhook_deliveries d JOIN restricted.webhook_endpoints e"
            " USING (endpoint_id) WHERE d.status = 'pending' AND e.active ORDER BY d.created_at",
        )
    return [deliver(r["delivery_id"], settings, service) for r in pending]


def redeliver(
    delivery_ids: list[str] | None = None,
    *,
    failed: bool = False,
    settings: Settings | None = None,
    service: ServiceSettings | None = None,
) -> list[dict]:
    """Send again by hand: the given messages, or every failed one (same webhook-id)."""
    settings = settings or get_settings()
    ids = list(delivery_ids or [])
    if failed:
        with warehouse.connect(settings) as conn:
            ids += [
                r["delivery_id"]
                for r in warehouse.fetch_all(
                    conn,
                    "SELECT delivery_id FROM audit.webhook_deliveries WHERE status = 'failed' ORDER BY created_at",
                )
            ]
    return [deliver(i, settings, service) for i in ids]


def set_candidate_status(conn, client_id: str, candidate_id: str, status: str, reason: dict) -> bool:
    """Change the candidate's ATS-sense status; emits ``candidate.status_changed`` when it changed."""
    rows = warehouse.fetch_all(
        conn,
        "UPDATE raw.api_candidates c SET status = %s, updated_at = now() FROM raw.api_candidates old"
        " WHERE c.candidate_id = old.candidate_id AND c.candidate_id = %s AND old.status IS DISTINCT FROM %s"
        " RETURNING old.status AS previous, c.external_id",
        (status, candidate_id, status),
    )
    if not rows:
        return False
    enqueue(
        conn,
        client_id,
        "candidate.status_changed",
        candidate_id,
        {
            "candidate_id": candidate_id,
            "external_id": rows[0]["external_id"],
            "previous_status": rows[0]["previous"],
            "status": status,
            **reason,
        },
    )
    return True


def emit_scoring_events(settings: Settings | None = None) -> dict:
    """For every invitation whose scoring result arrived since the last call: update its status and
    the candidate's, and queue ``interview.scored`` / ``interview.needs_review`` and
    ``candidate.status_changed``. Safe to call from any number of places (row locks, notified_status)."""
    counts = {"scored": 0, "needs_review": 0}
    with warehouse.connect(settings) as conn:
        rows = warehouse.fetch_all(
            conn,
            "SELECT i.interview_id, i.client_id, i.candidate_id, c.external_id, r.status AS result_status,"
            " r.overall, r.recommendation, r.reason, r.scoring_model_version, r.rubric_version, r.scored_at"
            " FROM raw.interview_invitations i JOIN raw.interview_results r ON r.task_id = i.task_id"
            " JOIN raw.api_candidates c ON c.candidate_id = i.candidate_id"
            " WHERE i.notified_status IS DISTINCT FROM r.status FOR UPDATE OF i SKIP LOCKED",
        )
        for r in rows:
            scored = r["result_status"] == "done"
            status = {"done": "scored", "human_review": "human_review"}.get(r["result_status"], "failed")
            data = {
                "interview_id": r["interview_id"],
                "candidate_id": r["candidate_id"],
                "external_id": r["external_id"],
                "status": status,
                "overall": r["overall"],
                "recommendation": r["recommendation"],
                "reason": r["reason"],
                "model_versions": {"scoring": r["scoring_model_version"], "rubric": r["rubric_version"]},
                "scored_at": r["scored_at"],
            }
            enqueue(
                conn,
                r["client_id"],
                "interview.scored" if scored else "interview.needs_review",
                r["candidate_id"],
                data,
            )
            counts["scored" if scored else "needs_review"] += 1
            candidate_status = CANDIDATE_STATUS.get(r["recommendation"] or "", "human_review")
            set_candidate_status(
                conn,
                r["client_id"],
                r["candidate_id"],
                candidate_status,
                {"interview_id": r["interview_id"], "by": "interview_scoring"},
            )
            conn.execute(
                "UPDATE raw.interview_invitations SET status = %s, notified_status = %s, updated_at = now()"
                " WHERE interview_id = %s",
                (status, r["result_status"], r["interview_id"]),
            )
    return counts


def dispatch(settings: Settings | None = None, service: ServiceSettings | None = None) -> dict:
    """What the DAGs or ``talentflow serve``'s loop call: emit events for new results, deliver them,
    and send each newly scored interview's report card to the requisition's department head."""
    from talentflow.service.manager_cards import send_manager_cards

    counts = emit_scoring_events(settings)
    results = deliver_pending(settings, service)
    counts["delivered"] = sum(r["status"] == "delivered" for r in results)
    counts["failed"] = sum(r["status"] == "failed" for r in results)
    counts["manager_cards"] = send_manager_cards(settings, service)
    return counts
