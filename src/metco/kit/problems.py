"""RFC 9457 problem+json responses for every error the API can give."""

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from metco.kit.errors import FieldError, MetcoError

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("metco.errors")

_STATUS_CODES = {
    400: ("BAD_REQUEST", "Bad request"),
    401: ("UNAUTHORIZED", "Authentication required"),
    403: ("FORBIDDEN", "Forbidden"),
    404: ("NOT_FOUND", "Not found"),
    405: ("METHOD_NOT_ALLOWED", "Method not allowed"),
    409: ("CONFLICT", "Conflict"),
    413: ("PAYLOAD_TOO_LARGE", "Payload too large"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Unsupported media type"),
    422: ("VALIDATION_ERROR", "Invalid input"),
    429: ("THROTTLED", "Too many requests"),
    500: ("INTERNAL_ERROR", "Internal server error"),
}


def problem(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    request: Request | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://metco.dev/problems/{code.lower().replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if request is not None:
        body["instance"] = request.url.path
        request_id = request.scope.get("state", {}).get("request_id")
        if request_id:
            body["request_id"] = request_id
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "body"


async def _metco_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MetcoError)
    return problem(
        exc.status, exc.code, exc.title, exc.detail,
        errors=exc.errors, headers=exc.headers, extra=exc.extra, request=request,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = exc.errors()
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem(400, "MALFORMED_REQUEST", "Malformed request", "The request body is not valid JSON.",
                       request=request)
    if any(e.get("loc", ("",))[0] == "path" for e in raw):
        # A path id that cannot be an id names nothing that exists.
        return problem(404, "NOT_FOUND", "Not found", "No such resource.", request=request)
    errors = []
    for e in raw:
        message = str(e.get("msg", "is invalid"))
        message = message.removeprefix("Value error, ")
        errors.append(FieldError(_field_name(tuple(e.get("loc", ()))), message))
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
    return problem(422, "VALIDATION_ERROR", "Invalid input", detail, errors=errors, request=request)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, title = _STATUS_CODES.get(exc.status_code, ("ERROR", "Error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    return problem(exc.status_code, code, title, detail, headers=getattr(exc, "headers", None), request=request)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", path=request.url.path, method=request.method)
    return problem(500, "INTERNAL_ERROR", "Internal server error",
                   "Something went wrong on our side. Quote the request id when you report it.", request=request)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(MetcoError, _metco_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
