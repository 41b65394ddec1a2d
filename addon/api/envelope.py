"""Tempo's list envelope and paging parameters, in one place for every list endpoint.

``{"self", "metadata": {"count", "offset", "limit", "next", "previous"}, "results"}`` with
``limit`` defaulting to 50 and capped at 5000, exactly as Tempo's v4 API pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import current_app
from flask import request

from ..config import LINKS_FROM_REQUEST
from .inputs import to_int

DEFAULT_LIMIT = 50
MAX_LIMIT = 5000


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int


def page_from_request() -> Page:
    """``offset`` (0 … 2^63-1, a 64-bit SQL OFFSET) and ``limit`` (1 … 5000), or a 400."""
    offset = to_int(request.args.get("offset"), "offset", default=0)
    limit = to_int(request.args.get("limit"), "limit", default=DEFAULT_LIMIT, minimum=1,
                   maximum=MAX_LIMIT)
    return Page(offset, limit)


def public_base() -> str:
    """Where the client reaches the app, for ``self``/``next``/``previous`` links.

    ``BASE_URL`` in production. Served locally (``ledgerline serve``, dev mode) the request's own
    host and port, so ``--port 8612`` links work with the default BASE_URL; behind configured
    proxies (``TRUSTED_PROXY_COUNT``) ProxyFix has already made the request's host the public
    one. Never from X-Forwarded-* otherwise.
    """
    settings = current_app.extensions["ledgerline.settings"]
    if (settings.dev_mode or settings.trusted_proxy_count > 0
            or current_app.config.get(LINKS_FROM_REQUEST)):
        return request.host_url.rstrip("/")
    return settings.public_base_url


def self_url(args: list[tuple[str, str]] | None = None) -> str:
    """This request's URL on the app's public base URL (never echoing a ``jwt`` parameter)."""
    base = public_base() + request.path
    if args is None:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "jwt"]
    return f"{base}?{urlencode(args)}" if args else base


def _url_with(page: Page, offset: int) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True)
            if k not in ("offset", "limit", "jwt")]
    return self_url(args + [("offset", str(offset)), ("limit", str(page.limit))])


def envelope(results: list, page: Page, *, has_more: bool) -> dict:
    """The paged response; ``has_more`` says whether a ``next`` link is due."""
    metadata: dict = {"count": len(results), "offset": page.offset, "limit": page.limit}
    if has_more:
        metadata["next"] = _url_with(page, page.offset + page.limit)
    if page.offset > 0:
        metadata["previous"] = _url_with(page, max(0, page.offset - page.limit))
    return {"self": self_url(), "metadata": metadata, "results": results}


def result_list(results: list) -> dict:
    """Tempo's non-paged list shape (``XxxResults``)."""
    return {"self": self_url(), "metadata": {"count": len(results)}, "results": results}
