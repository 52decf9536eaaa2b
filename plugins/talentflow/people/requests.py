"""The request log: every export, erasure, consent withdrawal and retention erasure answered."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from talentflow.core import warehouse
from talentflow.core.config import Settings
from talentflow.core.tables.people import REQUESTS, TOMBSTONES
from talentflow.people.identity import keyed_hash


def ensure(conn) -> None:
    warehouse.ensure_table(conn, REQUESTS)
    warehouse.ensure_table(conn, TOMBSTONES)


def log_request(
    conn, kind: str, subject: str, requested_by: str, reason: str, summary: dict, settings: Settings
) -> str:
    now = datetime.now(UTC)
    subject_hash = keyed_hash("subject", subject, settings)
    request_id = "req-" + hashlib.sha256(f"{kind}:{subject_hash}:{now.isoformat()}".encode()).hexdigest()[:16]
    warehouse.upsert(
        conn,
        REQUESTS,
        [
            {
                "request_id": request_id,
                "kind": kind,
                "subject_hash": subject_hash,
                "requested_by": requested_by,
                "reason": reason,
                "requested_at": now,
                "summary": json.loads(json.dumps(summary, default=str)),
            }
        ],
        create=False,
    )
    return request_id
