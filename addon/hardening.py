"""Request and response hardening (issue 13): who must be a user, how big a request may be,
and the headers every answer carries.

- Every authenticated route that shows or changes tenant data needs a user: a context token
  with ``sub``, or an API token (which acts as its owner). Jira issues context tokens without
  ``sub`` to anonymous visitors of public projects; those get 401 everywhere except on the
  few views marked ``@user_optional`` (Jira's own webhooks, signed as the app): a JSON error,
  or on the pages Jira frames a page asking them to log in.
- Bodies are limited (``MAX_BODY_BYTES``, 413) before anything reads them, and a NUL character
  in the path or query is a 400 (PostgreSQL refuses NUL in text).
- Pages send a Content-Security-Policy whose ``frame-ancestors`` are Atlassian's sites and
  ourselves, a referrer policy, and ``nosniff``; JSON answers send ``nosniff`` too.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask import g
from flask import render_template
from flask import request

from connect.context import AUTH_MODE_ATTR
from connect.context import MODE_LIFECYCLE
from connect.context import MODE_PUBLIC

from .errors import ApiError

USER_OPTIONAL_ATTR = "_ledgerline_user_optional"

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' https://connect-cdn.atl-paas.net",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self' https://*.atlassian.net https://*.jira.com",
])
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def user_optional(view: Callable) -> Callable:
    """Marks a view that may run without a user (greppable, like connect's markers)."""
    setattr(view, USER_OPTIONAL_ATTR, True)
    return view


def needs_user(app: Flask, endpoint: str) -> bool:
    """Whether ``endpoint`` refuses callers without a user (what the URL-map test checks)."""
    if endpoint == "static" or endpoint.endswith(".static"):
        return False
    view = app.view_functions[endpoint]
    mode = getattr(view, AUTH_MODE_ATTR, None)
    return mode not in (MODE_PUBLIC, MODE_LIFECYCLE) and not getattr(
        view, USER_OPTIONAL_ATTR, False)


def init_app(app: Flask, *, max_body_bytes: int) -> None:
    """Install the hooks; call after ``connect.init_app`` so the caller is known."""
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes

    @app.before_request
    def _bounded_request():
        if "\x00" in request.path or any("\x00" in k or "\x00" in v
                                         for k, v in request.args.items(multi=True)):
            raise ApiError(400, "the path or query contains a NUL character", field="path")
        if request.content_length is not None and request.content_length > max_body_bytes:
            raise ApiError(413, f"the request body is larger than {max_body_bytes} bytes",
                           code="body_too_large", field="body")

    @app.before_request
    def _require_user():
        if request.endpoint is None or not needs_user(app, request.endpoint):
            return
        context = g.get("connect_context")
        if context is None or not context.account_id:
            if request.blueprint == "panels" and request.method == "GET":
                # Inside Jira's iframe an anonymous visitor gets a page, not raw JSON.
                return render_template("sign_in_needed.html"), 401
            raise ApiError(401, "this needs a signed-in user (or an API token)",
                           code="user_required")

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":
            for name, value in PAGE_HEADERS.items():
                response.headers.setdefault(name, value)
        return response
