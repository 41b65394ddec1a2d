"""One JSON error shape for the whole app (Tempo's): ``{"errors": {"message", "fields"}}``.

Bad input is a 4xx naming the field; an unexpected error is a 500 carrying the request id and
never a stack trace.
"""

from __future__ import annotations

import logging

from flask import Flask
from flask import g
from flask import jsonify
from werkzeug.exceptions import HTTPException

from .domain.errors import DomainError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A client error with a status, a stable code and, when it is about input, the field."""

    def __init__(self, status: int, message: str, *, code: str = "invalid_request",
                 field: str | None = None, fields: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.fields = fields or ([{"field": field, "message": message}] if field else [])


def error_response(status: int, code: str, message: str, field: str | None = None,
                   fields: list[dict] | None = None):
    errors: dict = {"message": message, "code": code}
    fields = fields or ([{"field": field, "message": message}] if field else [])
    if fields:
        errors["fields"] = fields
    response = jsonify({"errors": errors, "requestId": g.get("request_id")})
    response.status_code = status
    return response


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, fields=exc.fields)

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        fields = [{"field": p.field, "message": p.message, "code": p.code}
                  for p in exc.problems]
        code = exc.problems[0].code if len(exc.problems) == 1 else type(exc).__name__
        return error_response(exc.status, _snake(code), exc.message, fields=fields)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        response = error_response(exc.code or 500, code, exc.description or exc.name,
                                  field=getattr(exc, "field", None))
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # The request id (added by the formatter) and the error; log.clip bounds the text so a
        # failing statement over a huge input does not write megabytes per 500.
        log.exception("unhandled error", extra={"error": f"{type(exc).__name__}: {exc}"[:2000]})
        return error_response(500, "internal_error",
                              "Something went wrong on our side; quote the request id.")
