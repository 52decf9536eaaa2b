"""Withdrawing consent (PIPL Art. 15, GDPR Art. 7(3)): a new ``raw.ats_consents`` row with
``consent_given = false``; the scoring batch reads it (:func:`talentflow.people.refusals.scoring_consent_gate`)
and routes the person's interviews to human review from the next run on. dbt's ``dim_candidate``
shows the consent as refused after the next warehouse build."""

from __future__ import annotations

from datetime import UTC, datetime

from talentflow.core import warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.ats import CONSENTS
from talentflow.people import requests
from talentflow.people.identity import resolve
from talentflow.people.refusals import SCORING_PURPOSE


def withdraw(
    query: str,
    *,
    purpose: str = SCORING_PURPOSE,
    requested_by: str = "cli",
    channel: str = "subject_request",
    settings: Settings | None = None,
) -> dict:
    settings = settings or get_settings()
    now = datetime.now(UTC)
    with warehouse.connect(settings) as conn:
        requests.ensure(conn)
        subject = resolve(query, settings, conn)
        if not subject.candidate_ids:
            raise ValueError(f"{query!r} has no ATS candidate record: there is no consent to withdraw")
        rows = [
            {
                "candidate_id": cid,
                "consent_given": False,
                "purpose": purpose,
                "recorded_at": now,
                "policy_version": "withdrawal",
                "channel": channel,
            }
            for cid in sorted(subject.candidate_ids)
        ]
        warehouse.upsert(conn, CONSENTS, rows)
        request_id = requests.log_request(
            conn,
            "withdraw_consent",
            query,
            requested_by,
            f"consent to {purpose} withdrawn",
            {"candidates": len(rows), "purpose": purpose},
            settings,
        )
    return {
        "request_id": request_id,
        "purpose": purpose,
        "withdrawn_at": now.isoformat(),
        "candidates": len(rows),
    }
