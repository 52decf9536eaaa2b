"""A Greenhouse-style assessment-partner bridge: Greenhouse's partner calls (``list_tests``,
``send_test``, ``test_status``, and the PATCH to the callback URL on completion) mapped onto the
TalentFlow API through :class:`~talentflow.service.client.TalentFlowClient`.

Greenhouse calls the partner; this bridge is what the partner side does with each call:

* ``list_tests`` → our interview templates (``partner_test_id`` = template id),
* ``send_test`` → a requisition for the job (by Greenhouse job id), the candidate with the resume
  fetched from ``resume_url``, an interview invitation; returns ``partner_interview_id``,
* ``test_status`` → ``partner_status`` (``sent``/``in_progress``/``complete``), ``partner_score``
  (0–100), ``partner_profile_url`` and the per-competency scores as metadata,
* :func:`completion_callback` → the PATCH Greenhouse expects once the test is complete (send it when
  an ``interview.scored`` / ``interview.needs_review`` webhook arrives).

Field names follow Greenhouse's Assessment Partner API documentation
(https://developers.greenhouse.io/assessment.html).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx

from talentflow.service.client import TalentFlowClient

# Our interview status -> Greenhouse's partner_status. human_review is "complete" for Greenhouse: the
# score is final, the recommendation says a person must look at it (never an automatic rejection).
PARTNER_STATUS = {
    "invited": "sent",
    "recorded": "in_progress",
    "scoring": "in_progress",
    "scored": "complete",
    "human_review": "complete",
    "failed": "error",
}


def list_tests(client: TalentFlowClient) -> list[dict]:
    return [
        {"partner_test_id": t["id"], "partner_test_name": f"{t['title']} (structured interview)"}
        for t in client.templates()
    ]


def _fetch(url: str) -> tuple[str, bytes]:
    resp = httpx.get(url, timeout=60, follow_redirects=True)
    resp.raise_for_status()
    name = url.split("?", 1)[0].rsplit("/", 1)[-1] or "resume.pdf"
    return name, resp.content


def send_test(
    client: TalentFlowClient,
    payload: dict,
    *,
    channel: str = "recording",
    fetch: Callable[[str], tuple[str, bytes]] = _fetch,
) -> dict:
    """Greenhouse's ``send_test`` body → an invitation. Idempotent per Greenhouse application: a
    retried ``send_test`` finds the same requisition and candidate and makes no second invitation."""
    candidate = payload["candidate"]
    job = payload.get("job") or {}
    app_id = str(payload.get("application_id") or candidate.get("email"))
    req = client.create_requisition(
        {
            "external_id": f"gh-job-{job.get('id', payload['partner_test_id'])}",
            "title": job.get("name") or payload["partner_test_id"],
            "rubric_id": payload["partner_test_id"],
            "status": "open",
        },
        idempotency_key=f"gh-req-{job.get('id', payload['partner_test_id'])}",
    )
    name, content = fetch(candidate["resume_url"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        cand = client.push_candidate(
            f"gh-{app_id}", req["requisition_id"], path, idempotency_key=f"gh-cand-{app_id}"
        )
    interview = client.request(
        "POST",
        "/v1/interviews",
        json={"candidate_id": cand["candidate_id"], "channel": channel},
        idempotency_key=f"gh-invite-{app_id}",
    )
    return {"partner_interview_id": interview["interview_id"], "interview": interview}


def test_status(client: TalentFlowClient, partner_interview_id: str) -> dict:
    iv = client.interview(partner_interview_id)
    out = {"partner_status": PARTNER_STATUS[iv["status"]]}
    result = iv.get("result")
    if result:
        out["partner_profile_url"] = result["report_url"]
        if result["overall"] is not None:
            out["partner_score"] = round(result["overall"], 1)
        out["metadata"] = {
            "Recommendation": result["recommendation"],
            **{c["competency"].replace("_", " ").title(): c["score"] for c in result["competencies"]},
        }
    return out


test_status.__test__ = False  # not a pytest test, whatever collects this module


def completion_callback(callback_url: str, api_key: str) -> int:
    """Tell Greenhouse the test is complete (it then calls ``test_status``)."""
    return httpx.patch(callback_url, auth=(api_key, ""), timeout=30).status_code
