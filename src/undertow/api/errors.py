"""One JSON error shape for every failure, and no stack traces to clients.

    {"error": {"status": 404, "code": "not_found", "message": "no entity 'X.p-1' ..."}}

Undertow's own errors say what was wrong with the request; anything else (an engine
failure, a bug) is logged with a reference and the client gets only that reference.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from undertow.errors import (
    AccessDenied,
    AuthenticationError,
    ConfigError,
    InputError,
    NotFoundError,
    StoreError,
    UndertowError,
)

log = logging.getLogger(__name__)

_STATUS: list[tuple[type[UndertowError], int, str]] = [
    (AuthenticationError, 401, "unauthenticated"),
    (AccessDenied, 403, "forbidden"),
    (NotFoundError, 404, "not_found"),
    (InputError, 400, "bad_input"),
    (ConfigError, 400, "bad_request"),
]


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message}}


def error_response(status: int, code: str, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(status, code, message), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(UndertowError)
    async def undertow_error(request: Request, exc: UndertowError) -> JSONResponse:
        if isinstance(exc, StoreError):
            return _internal(exc)
        for kind, status, code in _STATUS:
            if isinstance(exc, kind):
                return error_response(status, code, str(exc))
        return error_response(400, "bad_request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return error_response(422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status_code, "http_error"
        )
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _internal(exc)


def _internal(exc: Exception) -> JSONResponse:
    reference = secrets.token_hex(6)
    log.error("internal error %s", reference, exc_info=exc)
    return error_response(500, "internal", f"internal error (reference {reference})")
