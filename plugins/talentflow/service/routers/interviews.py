"""The assessment-partner surface (Greenhouse's list tests / send test / test status): interview
templates, invitations with pre-signed upload URLs, completion into a scoring task, and status with
scores once the interview_scoring DAG has scored it."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

import jwt
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from scoring_tasks.rubric import available_rubrics, get_rubric, questions_for, rubric_for_job_family
from talentflow.core import warehouse
from talentflow.interviews.scoring import key as task_key
from talentflow.service import ids
from talentflow.service.auth import Principal, log_access
from talentflow.service.deps import idempotent, page_query, require, state, with_etag
from talentflow.service.problems import Problem
from talentflow.service.routers.candidates import owned as owned_candidate
from talentflow.service.routers.requisitions import owned as owned_requisition

router = APIRouter(prefix="/v1", tags=["interviews"])
CONSENT_PURPOSE = "automated_interview_scoring"
RECORDING_TYPES = {"wav", "mp3", "m4a", "ogg", "webm", "flac"}


def _template(rubric_id: str) -> dict:
    rubric = get_rubric(rubric_id)
    return {
        "id": rubric.id,
        "version": rubric.version_tag,
        "title": rubric.title,
        "job_family": rubric.job_family,
        "competencies": [
            {
                "key": key,
                "title": comp.title,
                "questions": [{"question_id": q.id, "text": q.text} for q in comp.questions],
            }
            for key, comp in rubric.competencies.items()
        ],
    }


@router.get("/interview-templates", summary="Interview templates (rubrics and their question sets)")
def list_templates(request: Request, principal: Principal = Depends(require("interviews:read"))):
    return with_etag(request, {"data": [_template(r) for r in available_rubrics()], "next_cursor": None})


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidate_id: str
    requisition_id: str | None = Field(default=None, description="Default: the candidate's requisition.")
    channel: Literal["recording", "text"] = "recording"
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
    recording_format: str = Field(default="wav", description="File extension of the recordings.")
    expires_in_hours: int = Field(default=168, ge=1, le=24 * 60)


def upload_token(st, interview_id: str, question_id: str, object_key: str, expires: datetime) -> str:
    return jwt.encode(
        {
            "typ": "upload",
            "iid": interview_id,
            "qid": question_id,
            "key": object_key,
            "max": st.service.max_recording_bytes,
            "exp": int(expires.timestamp()),
        },
        st.key,
        algorithm="HS256",
    )


def _uploads(request: Request, st, interview: dict) -> list[dict]:
    if interview["channel"] != "recording":
        return []
    expires = min(datetime.now(UTC) + timedelta(seconds=st.service.upload_ttl_s), interview["expires_at"])
    base = (st.service.public_url or str(request.base_url)).rstrip("/")
    out = []
    for q in interview["questions"]:
        url = st.store.presign_put(q["recording"], expires - datetime.now(UTC))
        if url is None:  # the local backend: this service takes the upload itself
            token = upload_token(st, interview["interview_id"], q["question_id"], q["recording"], expires)
            url = f"{base}/v1/uploads/{token}"
        out.append(
            {
                "question_id": q["question_id"],
                "method": "PUT",
                "url": url,
                "expires_at": expires,
                "max_bytes": st.service.max_recording_bytes,
            }
        )
    return out


def _questions(requisition: dict) -> tuple[str, list[dict]]:
    rubric = (
        get_rubric(requisition["rubric_id"])
        if requisition.get("rubric_id")
        else rubric_for_job_family(requisition.get("job_family"))
    )
    profile = requisition.get("competency_profile") or {k: 1.0 for k in rubric.competencies}
    return rubric.id, [q.model_dump() for q in questions_for(profile, rubric, include_motivation=False)]


@router.post("/interviews", status_code=201, summary="Invite a candidate to an interview")
def create_interview(
    request: Request, body: InvitationIn, principal: Principal = Depends(require("interviews:write"))
):
    if body.recording_format not in RECORDING_TYPES:
        raise Problem(
            422, f"recording_format must be one of {sorted(RECORDING_TYPES)}", kind="validation-error"
        )

    def write(conn):
        cand = owned_candidate(conn, principal, body.candidate_id)
        req = owned_requisition(conn, principal, body.requisition_id or cand["requisition_id"])
        rubric_id, questions = _questions(req)
        interview_id = ids.new("iv")
        for q in questions:
            q["recording"] = (
                f"recordings/{cand['candidate_id']}/{interview_id}/{q['question_id']}.{body.recording_format}"
                if body.channel == "recording"
                else None
            )
        expires = datetime.now(UTC) + timedelta(hours=body.expires_in_hours)
        conn.execute(
            "INSERT INTO raw.interview_invitations (interview_id, client_id, candidate_id, requisition_id,"
            " rubric_id, channel, language, questions, uploaded, status, task_id, created_at, updated_at,"
            " expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '[]', 'invited', %s, now(), now(), %s)",
            (
                interview_id,
                principal.client_id,
                cand["candidate_id"],
                req["requisition_id"],
                rubric_id,
                body.channel,
                body.language,
                json.dumps(questions),
                interview_id,
                expires,
            ),
        )
        return _view(request, conn, principal, interview_id, with_uploads=True)

    return idempotent(request, principal, body, write)


def owned(conn, principal: Principal, interview_id: str) -> dict:
    rows = warehouse.fetch_all(
        conn,
        "SELECT * FROM raw.interview_invitations WHERE interview_id = %s AND client_id = %s",
        (interview_id, principal.client_id),
    )
    if not rows:
        raise Problem(404, f"no interview {interview_id!r} for this client", kind="not-found")
    return rows[0]


def result_for(conn, task_id: str) -> dict | None:
    rows = warehouse.fetch_all(conn, "SELECT * FROM raw.interview_results WHERE task_id = %s", (task_id,))
    if not rows:
        return None
    res = rows[0]
    scores = warehouse.fetch_all(
        conn,
        "SELECT competency, score, confidence, evidence FROM raw.interview_competency_scores"
        " WHERE task_id = %s AND scoring_model_version IS NOT DISTINCT FROM %s ORDER BY competency",
        (task_id, res["scoring_model_version"]),
    )
    recs = warehouse.fetch_all(
        conn,
        "SELECT recommendation, model_version, explanation, created_at FROM audit.recommendations"
        " WHERE subject_type = 'candidate' AND subject_id = %s AND inputs->>'task_id' = %s"
        " ORDER BY created_at DESC LIMIT 1",
        (res["candidate_id"], task_id),
    )
    return {"result": res, "scores": scores, "recommendation": recs[0] if recs else None}


STATUS_OF_RESULT = {"done": "scored", "human_review": "human_review", "failed": "failed"}


def status_of(interview: dict, found: dict | None) -> str:
    if found:
        return STATUS_OF_RESULT.get(found["result"]["status"], "scoring")
    return interview["status"]


def _view(request: Request, conn, principal: Principal, interview_id: str, with_uploads=False) -> dict:
    iv = owned(conn, principal, interview_id)
    found = (
        result_for(conn, iv["task_id"])
        if iv["status"] == "scoring" or iv["status"] in STATUS_OF_RESULT.values()
        else None
    )
    out = {
        "interview_id": iv["interview_id"],
        "candidate_id": iv["candidate_id"],
        "requisition_id": iv["requisition_id"],
        "template_id": iv["rubric_id"],
        "channel": iv["channel"],
        "language": iv["language"],
        "status": status_of(iv, found),
        "questions": [{k: q[k] for k in ("question_id", "competency", "question")} for q in iv["questions"]],
        "recorded": sorted(iv["uploaded"] or []),
        "created_at": iv["created_at"],
        "updated_at": iv["updated_at"],
        "expires_at": iv["expires_at"],
    }
    if found:
        res = found["result"]
        out["result"] = {
            "overall": res["overall"],
            "recommendation": res["recommendation"],
            "reason": res["reason"],
            "scored_at": res["scored_at"],
            "competencies": found["scores"],
            "model_versions": {
                "scoring": res["scoring_model_version"],
                "rubric": res["rubric_version"],
                "transcription": res["transcription_model"],
                "embedding": res["embedding_model"],
            },
            "recommendation_detail": found["recommendation"],
            "report_url": f"{str(request.base_url).rstrip('/')}/v1/interviews/{interview_id}",
        }
    if with_uploads:
        out["uploads"] = _uploads(request, state(request), iv)
    return out


@router.get("/interviews/{interview_id}", summary="Interview status, with scores once scored")
def get_interview(
    request: Request,
    interview_id: str,
    purpose: str = Query("recruitment", description="Why the data is read (logged in audit)."),
    principal: Principal = Depends(require("interviews:read")),
):
    with state(request).connect() as conn:
        view = _view(request, conn, principal, interview_id)
        log_access(conn, principal, "candidate", [view["candidate_id"]], purpose, "GET", request.url.path)
    return with_etag(request, view)


@router.get("/interviews", summary="Interviews, oldest change first (cursor pagination)")
def list_interviews(
    request: Request,
    principal: Principal = Depends(require("interviews:read")),
    cursor: str | None = None,
    updated_since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    with state(request).connect() as conn:
        rows, nxt = page_query(
            conn,
            "raw.interview_invitations",
            "interview_id",
            ["client_id = %s"],
            [principal.client_id],
            cursor=cursor,
            updated_since=updated_since,
            limit=limit,
        )
    data = [
        {k: r[k] for k in ("interview_id", "candidate_id", "requisition_id", "status", "updated_at")}
        for r in rows
    ]
    return with_etag(request, {"data": data, "next_cursor": nxt})


@router.get("/interviews/{interview_id}/uploads", summary="Fresh pre-signed upload URLs")
def interview_uploads(
    request: Request, interview_id: str, principal: Principal = Depends(require("interviews:write"))
):
    with state(request).connect() as conn:
        iv = owned(conn, principal, interview_id)
    return {"interview_id": interview_id, "uploads": _uploads(request, state(request), iv)}


class TypedAnswer(BaseModel):
    question_id: str
    text: str = Field(min_length=1)


class CompletionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: list[TypedAnswer] = Field(default_factory=list, description="Typed answers (text channel).")


def _consent(conn, candidate_id: str) -> dict | None:
    rows = warehouse.fetch_all(
        conn,
        "SELECT consent_given, recorded_at, purpose FROM raw.ats_consents WHERE candidate_id = %s"
        " AND purpose = %s",
        (candidate_id, CONSENT_PURPOSE),
    )
    if not rows:
        return None
    return {
        "given": rows[0]["consent_given"],
        "recorded_at": rows[0]["recorded_at"],
        "purpose": CONSENT_PURPOSE,
    }


@router.post("/interviews/{interview_id}/complete", summary="Finish an interview: queue it for scoring")
def complete_interview(
    request: Request,
    interview_id: str,
    body: CompletionIn,
    principal: Principal = Depends(require("interviews:write")),
):
    st = state(request)

    def write(conn):
        iv = owned(conn, principal, interview_id)
        if iv["status"] not in ("invited", "recorded"):
            raise Problem(409, f"interview is already {iv['status']}", kind="conflict")
        texts = {a.question_id: a.text for a in body.answers}
        answers, missing = [], []
        for q in iv["questions"]:
            answer = {k: q[k] for k in ("question_id", "competency", "question")}
            if iv["channel"] == "text":
                if q["question_id"] not in texts:
                    missing.append(q["question_id"])
                answer["text"] = texts.get(q["question_id"])
            else:
                if not st.store.exists(q["recording"]):
                    missing.append(q["question_id"])
                answer["recording"] = q["recording"]
            answers.append(answer)
        if missing:
            raise Problem(
                409, f"answers missing for questions {missing}", kind="answers-missing", missing=missing
            )
        manifest = {
            "task_id": iv["task_id"],
            "candidate_id": iv["candidate_id"],
            "interview_id": interview_id,
            "requisition_id": iv["requisition_id"],
            "rubric_id": iv["rubric_id"],
            "language": iv["language"],
            "consent": _consent(conn, iv["candidate_id"]),
            "answers": answers,
            "source": f"api:{principal.tenant}",
        }
        st.store.put_json(task_key("pending", iv["task_id"]), manifest)
        conn.execute(
            "UPDATE raw.interview_invitations SET status = 'scoring', updated_at = now() WHERE interview_id = %s",
            (interview_id,),
        )
        return 202, _view(request, conn, principal, interview_id)

    return idempotent(request, principal, body, write)


uploads = APIRouter(prefix="/v1/uploads", tags=["interviews"])


@uploads.put(
    "/{token}",
    status_code=204,
    summary="Pre-signed upload of one recording (local object store only)",
    responses={413: {"description": "recording over the size limit"}},
)
async def upload_recording(request: Request, token: str):
    """The token in the URL is the credential (like an S3 pre-signed URL): it names the object key,
    expires, and cannot be used as an access token."""
    st = state(request)
    try:
        claims = jwt.decode(token, st.key, algorithms=["HS256"], options={"require": ["exp"]})
    except jwt.ExpiredSignatureError:
        raise Problem(403, "this upload URL has expired; request fresh ones", kind="upload-expired") from None
    except jwt.InvalidTokenError:
        raise Problem(403, "this upload URL is not valid", kind="upload-invalid") from None
    if claims.get("typ") != "upload":
        raise Problem(403, "this upload URL is not valid", kind="upload-invalid")
    status = await run_in_threadpool(_interview_status, st, claims["iid"])
    if status not in ("invited", "recorded"):
        raise Problem(409, f"the interview is {status}: recordings can no longer change", kind="conflict")
    limit = int(claims["max"])
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise Problem(413, f"the recording is over the {limit:,}-byte limit", kind="payload-too-large")
    size = 0
    with tempfile.TemporaryFile() as tmp:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Problem(
                    413, f"the recording is over the {limit:,}-byte limit", kind="payload-too-large"
                )
            tmp.write(chunk)
        if size == 0:
            raise Problem(422, "the recording is empty", kind="validation-error")
        tmp.seek(0)
        await run_in_threadpool(
            st.store.put, claims["key"], tmp, length=size, content_type=request.headers.get("content-type")
        )
    await run_in_threadpool(_mark_uploaded, st, claims["iid"], claims["qid"])


def _interview_status(st, interview_id: str) -> str:
    with st.connect() as conn:
        row = conn.execute(
            "SELECT status FROM raw.interview_invitations WHERE interview_id = %s", (interview_id,)
        ).fetchone()
    return row[0] if row else "withdrawn"


def _mark_uploaded(st, interview_id: str, question_id: str) -> None:
    with st.connect() as conn:
        conn.execute(
            "UPDATE raw.interview_invitations SET uploaded = (SELECT jsonb_agg(DISTINCT x) FROM"
            " jsonb_array_elements_text(uploaded || to_jsonb(%s::text)) x), updated_at = now(),"
            " status = CASE WHEN status = 'invited' AND jsonb_array_length(questions) <= (SELECT count(DISTINCT x)"
            " FROM jsonb_array_elements_text(uploaded || to_jsonb(%s::text)) x) THEN 'recorded' ELSE status END"
            " WHERE interview_id = %s",
            (question_id, question_id, interview_id),
        )
