"""Errors as RFC 9457 problem details (``application/problem+json``)."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://talentflow.dev/problems/"


class Problem(Exception):
    """Raise anywhere in a request: becomes a problem+json response."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        title: str | None = None,
        headers: dict | None = None,
        **extra,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers, self.extra = status, detail, headers or {}, extra
        self.title = title or HTTPStatus(status).phrase
        self.kind = kind or self.title.lower().replace(" ", "-")


def problem_response(
    request: Request, status: int, detail: str, kind: str, title: str, headers=None, **extra
) -> JSONResponse:
    body = {
        "type": TYPE_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem):
        return problem_response(
            request, exc.status, exc.detail, exc.kind, exc.title, exc.headers, **exc.extra
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        title = HTTPStatus(exc.status_code).phrase
        return problem_response(
            request,
            exc.status_code,
            str(exc.detail),
            title.lower().replace(" ", "-"),
            title,
            getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]
        if any(e["type"] == "json_invalid" for e in errors):
            return problem_response(
                request,
                400,
                "the request body is not valid JSON",
                "malformed-json",
                "Bad Request",
                errors=errors,
            )
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(first["loc"]) or "(request)"
        return problem_response(
            request,
            422,
            f"invalid value at {where}: {first['msg']}",
            "validation-error",
            "Unprocessable Content",
            errors=errors,
        )
