"""JSON logs: one line per request with the tenant and a request id, never a token or secret."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask
from flask import g
from flask import has_request_context
from flask import request

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Anything that looks like a JWT or a bearer token is masked wherever it appears in a message.
_TOKEN_PATTERN = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_SECRET_KEYS = {"sharedsecret", "shared_secret", "secret", "password", "token", "jwt",
                "authorization", "access_token"}


def redact(value):
    if isinstance(value, str):
        return _TOKEN_PATTERN.sub("[redacted-jwt]", value)
    if isinstance(value, dict):
        return {k: ("[redacted]" if k.lower() in _SECRET_KEYS else redact(v))
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


MAX_LOGGED_CHARS = 8000


def clip(text: str, limit: int = MAX_LOGGED_CHARS) -> str:
    """At most ``limit`` characters: the start and the end (where the error is) of ``text``."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]} … [{len(text) - limit} characters left out] … {text[-half:]}"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": clip(redact(record.getMessage())),
        }
        if has_request_context():
            entry["request_id"] = g.get("request_id")
            context = g.get("connect_context")
            if context is not None:
                entry["tenant"] = context.tenant.client_key
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = redact(value)
        if record.exc_info:
            entry["exception"] = clip(redact(self.formatException(record.exc_info)))
        return json.dumps(entry, default=str)


def configure_logging(level: str) -> None:
    root = logging.getLogger()
    if not any(getattr(h, "_ledgerline", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._ledgerline = True
        root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    access = logging.getLogger("ledgerline.access")

    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if _REQUEST_ID_OK.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        elapsed = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
        # The path only: query strings carry iframe JWTs.
        access.info("request", extra={
            "method": request.method, "path": request.path, "status": response.status_code,
            "duration_ms": round(elapsed, 2),
        })
        return response
