"""Candidates with their resume, and their consent records.

The resume goes to ``incoming/resumes/<sha256>.<ext>`` on the object store, exactly where dropped files
go, so the resume_ingestion DAG parses, de-duplicates and matches it like any other; the application
goes to ``raw.ats_applications`` and the consent to ``raw.ats_consents``, the ATS loader's tables.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from talentflow.core import storage, warehouse
from talentflow.core.tables.ats import APPLICATIONS, CONSENTS
from talentflow.service import ids
from talentflow.service.auth import Principal, log_access
from talentflow.service.deps import idempotent, page_query, require, state, with_etag
from talentflow.service.problems import Problem
from talentflow.service.routers.requisitions import owned as owned_requisition

router = APIRouter(prefix="/v1/candidates", tags=["candidates"])
RESUME_TYPES = {"pdf", "docx", "txt"}
INCOMING = "incoming/resumes/"


def owned(conn, principal: Principal, candidate_id: str) -> dict:
    """The candidate if this client pushed it; another tenant's candidate is a 404, never a 403."""
    rows = warehouse.fetch_all(
        conn,
        "SELECT candidate_id, external_id, requisition_id, status, resume_object_key, resume_sha256,"
        " created_at, updated_at FROM raw.api_candidates WHERE candidate_id = %s AND client_id = %s",
        (candidate_id, principal.client_id),
    )
    if not rows:
        raise Problem(404, f"no candidate {candidate_id!r} for this client", kind="not-found")
    return rows[0]


def _spool(upload: UploadFile, limit: int):
    """Copy the upload to a temp file, hashing it and stopping at ``limit`` bytes (413)."""
    digest, size = hashlib.sha256(), 0
    tmp = tempfile.TemporaryFile()
    while chunk := upload.file.read(1024 * 1024):
        size += len(chunk)
        if size > limit:
            tmp.close()
            raise Problem(413, f"the resume is over the {limit:,}-byte limit", kind="payload-too-large")
        digest.update(chunk)
        tmp.write(chunk)
    if size == 0:
        tmp.close()
        raise Problem(422, "the resume file is empty", kind="validation-error")
    tmp.seek(0)
    return tmp, digest.hexdigest(), size


@router.post(
    "",
    status_code=201,
    summary="Push a candidate with a resume (multipart)",
    responses={413: {"description": "resume over the size limit"}},
)
def create_candidate(
    request: Request,
    external_id: Annotated[str, Form(min_length=1, max_length=128)],
    requisition_id: Annotated[str, Form(min_length=1)],
    resume: Annotated[UploadFile, File(description="pdf, docx or txt")],
    source: Annotated[str | None, Form()] = None,
    principal: Principal = Depends(require("candidates:write")),
):
    st = state(request)
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > st.service.max_resume_bytes + 64 * 1024:
        raise Problem(
            413,
            f"the resume is over the {st.service.max_resume_bytes:,}-byte limit",
            kind="payload-too-large",
        )
    ext = (resume.filename or "").rsplit(".", 1)[-1].lower()
    if ext not in RESUME_TYPES:
        raise Problem(
            415,
            f"resume must be one of {sorted(RESUME_TYPES)}, got {resume.filename!r}",
            kind="unsupported-media-type",
        )
    tmp, sha, size = _spool(resume, st.service.max_resume_bytes)
    body = {"external_id": external_id, "requisition_id": requisition_id, "source": source, "resume": sha}
    key = f"{INCOMING}{sha}.{ext}"
    cand_id = ids.derived("cand", principal.client_id, external_id)

    def write(conn):
        owned_requisition(conn, principal, requisition_id)
        with tmp:
            try:
                st.store.put(key, tmp, length=size, if_absent=True)
            except storage.ObjectExists:
                pass  # the same file again: the DAG sees it once
        existed = warehouse.fetch_all(
            conn, "SELECT client_id FROM raw.api_candidates WHERE candidate_id = %s", (cand_id,)
        )
        conn.execute(
            "INSERT INTO raw.api_candidates (candidate_id, client_id, external_id, requisition_id,"
            " resume_object_key, resume_sha256, status, created_at, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, 'applied', now(), now()) ON CONFLICT (candidate_id) DO UPDATE"
            " SET requisition_id = EXCLUDED.requisition_id, resume_object_key = EXCLUDED.resume_object_key,"
            " resume_sha256 = EXCLUDED.resume_sha256, updated_at = now()",
            (cand_id, principal.client_id, external_id, requisition_id, key, sha),
        )
        warehouse.upsert(
            conn,
            APPLICATIONS,
            [
                {
                    "candidate_id": cand_id,
                    "requisition_id": requisition_id,
                    "source": source or f"api:{principal.tenant}",
                    "applied_at": date.today(),
                    "stage_reached": "applied",
                    "hired": False,
                    "resume_file": key.removeprefix(INCOMING),
                }
            ],
            create=False,
        )
        return (200 if existed else 201), owned(conn, principal, cand_id)

    return idempotent(request, principal, body, write)


@router.get("/{candidate_id}", summary="One candidate, its status and interviews")
def get_candidate(
    request: Request,
    candidate_id: str,
    purpose: str = Query("recruitment", description="Why the data is read (logged in audit)."),
    principal: Principal = Depends(require("candidates:read")),
):
    with state(request).connect() as conn:
        cand = owned(conn, principal, candidate_id)
        cand["interviews"] = warehouse.fetch_all(
            conn,
            "SELECT interview_id, status, updated_at FROM raw.interview_invitations WHERE candidate_id = %s"
            " ORDER BY created_at",
            (candidate_id,),
        )
        log_access(conn, principal, "candidate", [candidate_id], purpose, "GET", request.url.path)
    return with_etag(request, cand)


@router.get("", summary="Candidates, oldest change first (cursor pagination)")
def list_candidates(
    request: Request,
    principal: Principal = Depends(require("candidates:read")),
    cursor: str | None = None,
    updated_since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    purpose: str = Query("recruitment", description="Why the data is read (logged in audit)."),
):
    with state(request).connect() as conn:
        rows, nxt = page_query(
            conn,
            "raw.api_candidates",
            "candidate_id",
            ["client_id = %s"],
            [principal.client_id],
            cursor=cursor,
            updated_since=updated_since,
            limit=limit,
        )
        for r in rows:
            r.pop("_loaded_at", None)
            r.pop("client_id", None)
        log_access(
            conn, principal, "candidate", [r["candidate_id"] for r in rows], purpose, "GET", request.url.path
        )
    return with_etag(request, {"data": rows, "next_cursor": nxt})


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    consent_given: bool
    purpose: str = Field(default="automated_interview_scoring", min_length=1)
    recorded_at: datetime | None = None
    policy_version: str | None = None
    channel: str | None = None


@router.post("/{candidate_id}/consents", status_code=201, summary="Record a consent (or its withdrawal)")
def record_consent(
    request: Request,
    candidate_id: str,
    body: ConsentIn,
    principal: Principal = Depends(require("candidates:write")),
):
    def write(conn):
        owned(conn, principal, candidate_id)
        row = {**body.model_dump(), "candidate_id": candidate_id}
        row["recorded_at"] = row["recorded_at"] or datetime.now(UTC)
        row["channel"] = row["channel"] or f"api:{principal.tenant}"
        warehouse.upsert(conn, CONSENTS, [row], create=False)
        conn.execute(
            "UPDATE raw.api_candidates SET updated_at = now() WHERE candidate_id = %s", (candidate_id,)
        )
        return json.loads(json.dumps(row, default=str))

    return idempotent(request, principal, body, write)
