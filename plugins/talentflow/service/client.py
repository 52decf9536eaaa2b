"""A small Python client for the TalentFlow API (what an HR-system integration would use).

    client = TalentFlowClient("https://talentflow.example.com", client_id, client_secret)
    req = client.create_requisition({"external_id": "R-17", "title": "Nurse", ...})
    cand = client.push_candidate("A-1", req["requisition_id"], Path("cv.pdf"))
    iv = client.invite(cand["candidate_id"])
    client.upload_recordings(iv, {"gen-com-1": Path("a1.wav"), ...}); client.complete(iv["interview_id"])
    client.interview(iv["interview_id"])["status"]   # invited, recorded, scoring, scored, human_review, failed

Tokens are fetched and renewed on their own; every write sends an Idempotency-Key (pass your own to
make a retry of the same business operation safe); 429 and 5xx are retried with back-off.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential


class ApiError(Exception):
    """A problem+json answer: ``status``, ``problem`` (the RFC 9457 body)."""

    def __init__(self, status: int, problem: dict) -> None:
        super().__init__(f"{status} {problem.get('title', '')}: {problem.get('detail', '')}")
        self.status, self.problem = status, problem


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, httpx.TransportError) or (
        isinstance(exc, ApiError) and (exc.status == 429 or exc.status >= 500)
    )


class TalentFlowClient:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        timeout: float = 30,
    ) -> None:
        self.http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)
        self.client_id, self.client_secret, self.scope = client_id, client_secret, scope
        self._token, self._expires = None, 0.0

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> TalentFlowClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- plumbing ------------------------------------------------------------------------------
    def token(self) -> str:
        if not self._token or time.time() > self._expires - 30:
            data = {"grant_type": "client_credentials"}
            if self.scope:
                data["scope"] = self.scope
            resp = self.http.post("/oauth/token", data=data, auth=(self.client_id, self.client_secret))
            body = self._check(resp)
            self._token, self._expires = body["access_token"], time.time() + body["expires_in"]
        return self._token

    @staticmethod
    def _check(resp: httpx.Response):
        if resp.status_code >= 400:
            try:
                problem = resp.json()
            except ValueError:
                problem = {"detail": resp.text}
            raise ApiError(resp.status_code, problem)
        if resp.status_code in (204, 304) or not resp.content:
            return None
        return resp.json()

    @retry(
        retry=retry_if_exception(_transient),
        stop=stop_after_attempt(5),
        wait=wait_exponential(multiplier=0.2, max=5),
        reraise=True,
    )
    def request(self, method: str, path: str, *, idempotency_key: str | None = None, **kwargs):
        headers = {"Authorization": f"Bearer {self.token()}", **kwargs.pop("headers", {})}
        if method in ("POST", "PUT", "PATCH"):
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        return self._check(self.http.request(method, path, headers=headers, **kwargs))

    def paginate(self, path: str, **params) -> Iterator[dict]:
        cursor = None
        while True:
            page = self.request("GET", path, params={**params, **({"cursor": cursor} if cursor else {})})
            yield from page["data"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    # ---- the API -------------------------------------------------------------------------------
    def create_requisition(self, requisition: Mapping, idempotency_key: str | None = None) -> dict:
        return self.request(
            "POST", "/v1/requisitions", json=dict(requisition), idempotency_key=idempotency_key
        )

    def push_candidate(
        self, external_id: str, requisition_id: str, resume: Path, idempotency_key: str | None = None
    ) -> dict:
        resume = Path(resume)
        # A retry of the same push must be the same request: key it on the candidate and the file.
        key = (
            idempotency_key or f"candidate-{external_id}-{resume.stat().st_size}-{resume.stat().st_mtime_ns}"
        )
        return self.request(
            "POST",
            "/v1/candidates",
            data={"external_id": external_id, "requisition_id": requisition_id},
            files={"resume": (resume.name, resume.read_bytes())},
            idempotency_key=key,
        )

    def record_consent(self, candidate_id: str, given: bool = True, **fields) -> dict:
        return self.request(
            "POST", f"/v1/candidates/{candidate_id}/consents", json={"consent_given": given, **fields}
        )

    def templates(self) -> list[dict]:
        return self.request("GET", "/v1/interview-templates")["data"]

    def invite(self, candidate_id: str, channel: str = "recording", **fields) -> dict:
        return self.request(
            "POST", "/v1/interviews", json={"candidate_id": candidate_id, "channel": channel, **fields}
        )

    def upload_recordings(self, interview: dict, files: Mapping[str, Path | bytes]) -> None:
        """PUT each answer's recording to its pre-signed URL (no access token: the URL is the credential)."""
        for up in interview["uploads"]:
            data = files[up["question_id"]]
            content = data if isinstance(data, bytes) else Path(data).read_bytes()
            resp = httpx.put(up["url"], content=content, timeout=self.http.timeout)
            self._check(resp)

    def complete(self, interview_id: str, answers: Mapping[str, str] | None = None) -> dict:
        body = {"answers": [{"question_id": q, "text": t} for q, t in (answers or {}).items()]}
        return self.request("POST", f"/v1/interviews/{interview_id}/complete", json=body)

    def interview(self, interview_id: str) -> dict:
        return self.request("GET", f"/v1/interviews/{interview_id}")

    def decide(self, interview_id: str, decision: str, decided_by: str, comment: str | None = None) -> dict:
        return self.request(
            "POST",
            f"/v1/interviews/{interview_id}/decision",
            json={"decision": decision, "decided_by": decided_by, "comment": comment},
        )

    def hire(self, candidate_id: str, **offer) -> dict:
        return self.request("POST", f"/v1/candidates/{candidate_id}/hire", json=offer)

    def register_webhook(self, url: str, event_types: list[str] | None = None) -> dict:
        return self.request(
            "POST", "/v1/webhook-endpoints", json={"url": url, "event_types": event_types or []}
        )
