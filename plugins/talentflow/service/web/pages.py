"""The HR pages under ``/hr``: sign-in, hiring (funnel, candidate, decision, resume corrections,
recordings), people (employee profile, attrition risk), the candidate's own page with its human-review
request (PIPL Art. 24), platform health and the stored dashboard.

Every handler first finds the signed-in user (:func:`signed_in`), then asks :mod:`.access` whether the
user may see the subject, before it reads it. Reads of a person's data are written to
``audit.api_access_log`` under ``web:<username>``.
"""

from __future__ import annotations

import csv
import hmac
import io
import secrets
import uuid
from datetime import UTC, date, datetime
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from talentflow.core import accounts as users
from talentflow.core import storage
from talentflow.core.errors import UserError
from talentflow.core.tables.web import REVIEW_REQUESTS
from talentflow.service.auth import Principal, log_access
from talentflow.service.deps import state
from talentflow.service.web import access, data, render
from talentflow.service.web.access import Refused

router = APIRouter(prefix="/hr", include_in_schema=False)
# Pages load nothing from elsewhere and run no script; nobody may frame them.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class NeedSignIn(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class NotFound(Exception):
    pass


# ---- sessions, locale, CSRF -------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, token: str) -> None:
    expected = request.session.get("csrf") or ""
    if not token or not expected or not hmac.compare_digest(token, expected):
        raise Refused("the form's CSRF token is missing or stale: reload the page and try again")


def locale_of(request: Request, user: users.User | None = None) -> str:
    query = request.query_params.get("lang")
    chosen = render.pick_locale(
        query,
        request.session.get("lang"),
        user.locale if user else None,
        request.headers.get("accept-language"),
    )
    if query:
        request.session["lang"] = chosen
    return chosen


def reader(request: Request):
    """A connection for reads (``hr_admin`` role: marts, the key map, audit)."""
    return request.app.state.web_reader.connection()


def signed_in(request: Request) -> users.User:
    username = request.session.get("user")
    if username:
        with state(request).connect() as conn:
            user = users.active_user(conn, username)
        if user:
            request.state.user = user
            return user
        request.session.clear()  # disabled or removed since the session began
    raise NeedSignIn(request.url.path + (f"?{request.url.query}" if request.url.query else ""))


def page(request: Request, template: str, user: users.User | None, status: int = 200, **ctx) -> HTMLResponse:
    locale = locale_of(request, user)
    html = render.render(
        locale,
        template,
        user=user,
        csrf=csrf_token(request),
        path=request.url.path,
        airflow_url=f"http://{state(request).settings.airflow_host}:{state(request).settings.airflow_port}",
        **ctx,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _audit_read(
    request: Request, conn, user: users.User, subject_type: str, subject_id: str, purpose: str
) -> None:
    who = Principal(f"web:{user.username}", "web", frozenset())
    log_access(conn, who, subject_type, [subject_id], purpose, request.method, request.url.path)


def install_handlers(app) -> None:
    @app.exception_handler(NeedSignIn)
    async def _sign_in(request: Request, exc: NeedSignIn):
        return RedirectResponse(f"/hr/login?next={quote(exc.next_path)}", status_code=303)

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused):
        return page(
            request, "refused.html", getattr(request.state, "user", None), status=403, reason=str(exc)
        )

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound):
        return page(
            request, "refused.html", getattr(request.state, "user", None), status=404, reason=str(exc)
        )


# ---- sign-in ----------------------------------------------------------------------------------


def _safe_next(value: str | None) -> str:
    return value if value and value.startswith("/hr") and not value.startswith("//") else "/hr/"


def _login_page(request: Request, next_path: str, status: int = 200, error: bool | None = None):
    oidc = request.app.state.oidc
    return page(
        request,
        "login.html",
        None,
        status=status,
        next=next_path,
        error=error,
        oidc_name=oidc.provider_name if oidc.enabled else None,
        local_passwords=oidc.local_passwords,
    )


def begin_session(request: Request, user: users.User) -> None:
    """A new session for a user who proved who they are (password or OIDC): nothing of the old one but
    the language is kept (no fixation); a fresh CSRF token."""
    lang = request.session.get("lang")
    request.session.clear()
    request.session.update(user=user.username, csrf=secrets.token_urlsafe(32))
    if lang:
        request.session["lang"] = lang


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None):  # noqa: A002 - the conventional name
    return _login_page(request, _safe_next(next))


@router.post("/login")
def login(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    csrf: str = Form(""),
    next: str = Form("/hr/"),  # noqa: A002
):
    oidc = request.app.state.oidc
    if not oidc.local_passwords:  # before anything else: no password is even looked at
        raise Refused(
            f"password sign-in is off while {oidc.provider_name} is configured: use its button on the "
            "sign-in page (TALENTFLOW_OIDC_ALLOW_LOCAL_PASSWORDS turns passwords back on)"
        )
    check_csrf(request, csrf)
    with state(request).connect() as conn:
        user = users.authenticate(conn, username.strip(), password)
    if not user:
        return _login_page(request, _safe_next(next), status=401, error=True)
    begin_session(request, user)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")):
    check_csrf(request, csrf)
    request.session.clear()
    return RedirectResponse("/hr/login", status_code=303)


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    user = signed_in(request)
    if user.role == "candidate":
        return RedirectResponse("/hr/me", status_code=303)
    with state(request).connect() as conn:  # review requests: the loader's own table
        open_reviews = len(data.review_requests(conn, status="open")) if user.role == "hr_admin" else 0
    return page(request, "home.html", user, open_reviews=open_reviews)


# ---- hiring -----------------------------------------------------------------------------------


@router.get("/requisitions", response_class=HTMLResponse)
def requisitions(request: Request):
    user = signed_in(request)
    access.require_role(user, *access.HR_ROLES)
    with reader(request) as conn:
        reqs = data.requisitions(conn, access.department_filter(user))
    return page(request, "requisitions.html", user, requisitions=reqs, stages=data.STAGES)


@router.get("/requisitions/{requisition_id}", response_class=HTMLResponse)
def requisition(request: Request, requisition_id: str):
    user = signed_in(request)
    access.require_role(user, *access.HR_ROLES)
    with reader(request) as conn:
        req = data.requisition(conn, requisition_id)
        if not req:
            raise NotFound(f"no requisition {requisition_id}")
        access.require_department(user, req["department_code"])
        funnel = next((r for r in data.requisitions(conn, None) if r["requisition_id"] == requisition_id), {})
        cands = data.requisition_candidates(conn, requisition_id)
    bars = [(s, float(funnel.get(s) or 0)) for s in data.STAGES if s in funnel]
    return page(request, "requisition.html", user, req=req, funnel=funnel, bars=bars, candidates=cands)


def _candidate_context(request: Request, user: users.User, candidate_id: str, purpose: str) -> dict:
    st = state(request)
    with reader(request) as conn:
        apps = data.applications(conn, candidate_id)
        if not apps and user.role != "candidate":
            raise NotFound(f"no candidate {candidate_id}")
        access.require_candidate(user, candidate_id, data.candidate_departments(apps))
        ivs = data.interviews(conn, candidate_id)
    with st.connect() as conn:  # the owner of resumes, corrections and review requests
        reviews = data.review_requests(conn, candidate_id)
        resume = data.resume(conn, apps) if user.role != "candidate" else None
        _audit_read(request, conn, user, "candidate", candidate_id, purpose)
    for iv in ivs:
        iv["recordings"] = (
            data.recordings(st.store, candidate_id, iv["interview_id"], st.settings.recordings_retention_days)
            if iv.get("interview_id")
            else []
        )
        iv["outcome"] = data.scoring_outcome(st.store, iv["task_id"])
    return {
        "candidate_id": candidate_id,
        "apps": apps,
        "interviews": ivs,
        "resume": resume,
        "reviews": reviews,
    }


@router.get("/candidates/{candidate_id}", response_class=HTMLResponse)
def candidate(request: Request, candidate_id: str, message: str | None = None):
    user = signed_in(request)
    if user.role == "candidate":
        access.require_candidate(user, candidate_id, [])
        return RedirectResponse("/hr/me", status_code=303)
    ctx = _candidate_context(request, user, candidate_id, "hiring_review")
    can_decide = user.role in ("hr_admin", "hiring_manager")
    return page(request, "candidate.html", user, can_decide=can_decide, message=message, **ctx)


@router.post("/candidates/{candidate_id}/interviews/{interview_id}/decision")
def decide(
    request: Request,
    candidate_id: str,
    interview_id: str,
    decision: str = Form(...),
    comment: str = Form(""),
    csrf: str = Form(""),
):
    from talentflow.service.routers.decisions import record_decision

    user = signed_in(request)
    check_csrf(request, csrf)
    access.require_role(user, "hr_admin", "hiring_manager")
    if decision not in ("approve", "decline"):
        raise Refused("a decision is approve or decline")
    with reader(request) as conn:
        access.require_candidate(
            user, candidate_id, data.candidate_departments(data.applications(conn, candidate_id))
        )
        iv = data.one(
            conn,
            "SELECT status FROM raw.interview_results WHERE interview_id = %s AND candidate_id = %s"
            " ORDER BY scored_at DESC NULLS LAST LIMIT 1",
            (interview_id, candidate_id),
        )
    if not iv:
        raise NotFound(f"no interview {interview_id} of candidate {candidate_id}")
    if iv["status"] not in ("done", "human_review"):
        raise Refused(f"the interview is {iv['status']}: decide once it is scored or in review")
    with state(request).connect() as conn:
        owner = data.one(
            conn, "SELECT client_id FROM raw.api_candidates WHERE candidate_id = %s", (candidate_id,)
        )
        record_decision(
            conn,
            owner["client_id"] if owner else f"web:{user.username}",
            candidate_id,
            interview_id,
            decision,
            user.username,
            comment or None,
        )
    return RedirectResponse(f"/hr/candidates/{quote(candidate_id)}?message=decision_saved", status_code=303)


@router.post("/candidates/{candidate_id}/resume/correct")
def correct_resume(
    request: Request,
    candidate_id: str,
    submission_id: str = Form(...),
    field: str = Form(...),
    value: str = Form(""),
    csrf: str = Form(""),
):
    from talentflow.resumes.corrections import record_correction

    user = signed_in(request)
    check_csrf(request, csrf)
    access.require_role(user, *access.HR_ROLES)
    with state(request).connect() as conn:
        apps = data.applications(conn, candidate_id)
        access.require_candidate(user, candidate_id, data.candidate_departments(apps))
        resume = data.resume(conn, apps)
        if not resume or resume["submission_id"] != submission_id:
            raise Refused("that resume is not this candidate's")
        try:
            record_correction(conn, submission_id, field, value, user.username)
        except UserError as exc:
            conn.rollback()
            ctx = _candidate_context(request, user, candidate_id, "resume_correction")
            return page(
                request,
                "candidate.html",
                user,
                status=422,
                can_decide=user.role != "hrbp",
                error=str(exc),
                **ctx,
            )
    return RedirectResponse(f"/hr/candidates/{quote(candidate_id)}?message=correction_saved", status_code=303)


@router.get("/candidates/{candidate_id}/interviews/{interview_id}/recording/{name}")
def recording(request: Request, candidate_id: str, interview_id: str, name: str):
    """Streams one recording from the object store, only inside its retention period."""
    user = signed_in(request)
    st = state(request)
    with reader(request) as conn:
        apps = data.applications(conn, candidate_id)
    access.require_candidate(user, candidate_id, data.candidate_departments(apps))
    with st.connect() as conn:
        _audit_read(request, conn, user, "candidate", candidate_id, "recording")
    found = {
        r["name"]: r
        for r in data.recordings(st.store, candidate_id, interview_id, st.settings.recordings_retention_days)
    }
    rec = found.get(name)
    if not rec:
        raise NotFound("no such recording (it may have been deleted at the end of its retention period)")
    if not rec["within_retention"]:
        return Response("past its retention period", status_code=410)

    def chunks():
        with st.store.open(rec["key"]) as stream:
            while block := stream.read(storage.CHUNK):
                yield block

    media = "audio/wav" if name.endswith(".wav") else "application/octet-stream"
    return StreamingResponse(chunks(), media_type=media, headers={"Cache-Control": "no-store"})


# ---- the candidate's own page (PIPL Art. 24) -----------------------------------------------------


@router.get("/me", response_class=HTMLResponse)
def me(request: Request, message: str | None = None):
    user = signed_in(request)
    access.require_role(user, "candidate")
    ctx = _candidate_context(request, user, user.candidate_id, "own_feedback")
    return page(request, "me.html", user, message=message, **ctx)


@router.post("/me/review")
def ask_review(request: Request, interview_id: str = Form(""), reason: str = Form(""), csrf: str = Form("")):
    user = signed_in(request)
    check_csrf(request, csrf)
    access.require_role(user, "candidate")
    with state(request).connect() as conn:
        conn.execute(
            f"INSERT INTO {REVIEW_REQUESTS.qualified} (request_id, candidate_id, interview_id, requested_by, reason,"
            " status, requested_at) VALUES (%s, %s, %s, %s, %s, 'open', %s)",
            (
                "rev_" + uuid.uuid4().hex[:16],
                user.candidate_id,
                interview_id or None,
                user.username,
                reason.strip()[:2000] or None,
                datetime.now(UTC),
            ),
        )
    return RedirectResponse("/hr/me?message=review_requested", status_code=303)


@router.get("/reviews", response_class=HTMLResponse)
def reviews(request: Request):
    user = signed_in(request)
    access.require_role(user, "hr_admin")
    with state(request).connect() as conn:
        found = data.review_requests(conn)
    return page(request, "reviews.html", user, reviews=found)


@router.post("/reviews/{request_id}/done")
def review_done(request: Request, request_id: str, outcome: str = Form(""), csrf: str = Form("")):
    user = signed_in(request)
    check_csrf(request, csrf)
    access.require_role(user, "hr_admin")
    with state(request).connect() as conn:
        conn.execute(
            f"UPDATE {REVIEW_REQUESTS.qualified} SET status = 'done', handled_by = %s, handled_at = now(),"
            " outcome = %s WHERE request_id = %s",
            (user.username, outcome.strip()[:2000] or None, request_id),
        )
    return RedirectResponse("/hr/reviews", status_code=303)


# ---- people -----------------------------------------------------------------------------------


@router.get("/employees", response_class=HTMLResponse)
def employees(request: Request):
    user = signed_in(request)
    access.require_role(user, *access.HR_ROLES)
    with reader(request) as conn:
        found = data.employees(conn, access.department_filter(user))
    return page(request, "employees.html", user, employees=found)


def _employee(request: Request, user: users.User, employee_key: str, purpose: str) -> tuple[dict, dict]:
    access.require_role(user, *access.HR_ROLES)
    with reader(request) as conn:
        emp = data.employee(conn, employee_key)
        if not emp:
            raise NotFound(f"no employee {employee_key}")
        access.require_department(user, emp["department"])
        detail = data.employee_detail(conn, employee_key)
    with state(request).connect() as conn:
        _audit_read(request, conn, user, "employee", employee_key, purpose)
    return emp, detail


@router.get("/employees/{employee_key}", response_class=HTMLResponse)
def employee(request: Request, employee_key: str):
    user = signed_in(request)
    emp, detail = _employee(request, user, employee_key, "employee_profile")
    baseline = sorted(
        (
            (k.removeprefix("baseline_"), float(v))
            for k, v in emp.items()
            if k.startswith("baseline_") and v is not None
        ),
        key=lambda kv: -kv[1],
    )
    trend = [float(r["rating"]) for r in detail["reviews"] if r["rating"] is not None]
    return page(request, "employee.html", user, emp=emp, baseline=baseline, trend=trend, **detail)


@router.get("/employees/{employee_key}/pay.csv")
def employee_pay(request: Request, employee_key: str):
    user = signed_in(request)
    _, detail = _employee(request, user, employee_key, "pay_download")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["effective_date", "base_salary", "currency", "reason"])
    for r in detail["pay"]:
        writer.writerow([r["effective_date"], r["base_salary"], r["currency"], r["reason"]])
    return Response(
        buf.getvalue(),
        media_type="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="pay-{employee_key[:12]}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/attrition", response_class=HTMLResponse)
def attrition(request: Request, department: str | None = None):
    user = signed_in(request)
    access.require_role(user, "hr_admin", "hrbp")
    scope = access.department_filter(user)
    if department:
        access.require_department(user, department)
        scope = [department.lower()]
    with reader(request) as conn:
        found = data.attrition_list(conn, scope)
    for r in found:
        r["url"] = f"/hr/employees/{quote(r['employee_key'])}"
        r["actions"] = list(
            dict.fromkeys(
                x.get("suggested_action") for x in r.get("reasons") or [] if x.get("suggested_action")
            )
        )
    return page(request, "attrition.html", user, risks=found, department=department)


# ---- operators --------------------------------------------------------------------------------


@router.get("/health", response_class=HTMLResponse)
def health(request: Request):
    user = signed_in(request)
    access.require_role(user, "hr_admin")
    st = state(request)
    with reader(request) as conn:
        quality, errors = data.quality(conn), data.ingest_errors(conn)
    runs = data.dag_runs(st.settings)
    return page(
        request,
        "health.html",
        user,
        quality=quality,
        errors=errors,
        quarantine=data.quarantine(st.store),
        runs=runs,
    )


@router.get("/dashboard")
@router.get("/dashboard/{day}")
def dashboard(request: Request, day: str | None = None):
    """The stored HR dashboard (aggregates only) for HR admins and HR business partners."""
    from talentflow.attrition.dashboard import PREFIX

    user = signed_in(request)
    access.require_role(user, "hr_admin", "hrbp")
    if day is not None:
        try:
            day = date.fromisoformat(day).isoformat()
        except ValueError as exc:
            raise NotFound(f"no dashboard for {day!r}") from exc
    key = f"{PREFIX}/{day or 'latest'}.html"
    store = state(request).store
    if not store.exists(key):
        raise NotFound("no dashboard stored for that day yet (the attrition_alerts DAG renders it)")
    return HTMLResponse(store.get(key), headers=SECURITY_HEADERS)
