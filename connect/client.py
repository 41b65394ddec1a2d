"""Outbound calls to a tenant's Jira: per-request JWT signing, user impersonation, rate limits.

Both session classes authorise every request at send time, after requests has merged ``params``
into the URL, so the qsh covers exactly what goes on the wire; redirects pass through ``send``
again and are re-signed or refused. A request to any other origin is refused outright: a tenant
credential must never leave the tenant's site, and nothing may reach the tenant unsigned.
"""

import random
import re
import threading
import time
from collections.abc import Callable
from collections.abc import Iterable
from datetime import UTC
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests

from connect.jwt import encode_hs256
from connect.jwt import sign_request

RETRY_STATUSES = frozenset({429, 503})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_JITTER = random.SystemRandom()
_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _origin(url: str) -> tuple[str, str, int | None]:
    split = urlsplit(url)
    scheme = split.scheme.lower()
    return scheme, split.hostname or "", split.port or _DEFAULT_PORTS.get(scheme)


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Return the wait a ``Retry-After`` header asks for (delta-seconds or HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


class _TenantSession(requests.Session):
    """Shared by both Jira sessions: the origin restriction and the 429/503 retry loop."""

    def __init__(
        self,
        base_url: str,
        *,
        max_retries: int = 4,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        timeout: float = 30.0,
    ) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self._origin = _origin(base_url)
        self._base_path = urlsplit(base_url).path.rstrip("/")
        self._max_retries = max_retries
        self._max_backoff = max_backoff
        self._sleep = sleep
        self._clock = clock
        self._timeout = timeout

    def _authorize(self, request: requests.PreparedRequest) -> None:
        raise NotImplementedError

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        """Authorise and send ``request``, retrying 429/503 a bounded number of times.

        Raises ``ValueError`` for a URL outside the tenant's base URL. After ``max_retries``
        retries, or when ``Retry-After`` asks for longer than ``max_backoff``, the last
        429/503 response is returned for the caller to reschedule.
        """
        self._check_target(request.url)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        # A streamed or file body was consumed by the first attempt and can't be resent.
        replayable = request.body is None or isinstance(request.body, bytes | str)
        attempt = 0
        while True:
            self._authorize(request)
            response = super().send(request, **kwargs)
            if response.status_code not in RETRY_STATUSES or not replayable:
                return response
            delay = self._retry_delay(response, attempt)
            if delay is None or attempt >= self._max_retries:
                return response
            response.close()
            self._sleep(delay)
            attempt += 1

    def _retry_delay(self, response: requests.Response, attempt: int) -> float | None:
        asked = retry_after_seconds(response.headers.get("Retry-After"), self._clock())
        if asked is not None:
            # Waiting less than Jira asked would hammer it; waiting longer would stall a worker.
            return asked if asked <= self._max_backoff else None
        # Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff
        # And Jitter"), so many workers hitting one tenant's limit don't retry in lockstep.
        return _JITTER.uniform(0, min(self._max_backoff, 2.0**attempt))

    def _check_target(self, url: str) -> None:
        if _origin(url) != self._origin:
            raise ValueError("Refusing to send a tenant-authorised request to another origin.")
        path = urlsplit(url).path
        base = self._base_path
        if base and not (path == base or path.startswith(base + "/")):
            raise ValueError("Refusing to send a tenant-authorised request outside its base URL.")
        if any(segment in (".", "..") for segment in path.split("/")):
            raise ValueError("Refusing to send a request with dot segments in its path.")


class SignedJiraSession(_TenantSession):
    """Calls the tenant's Jira as the app: a fresh ``Authorization: JWT`` per request and retry."""

    def __init__(self, app_key: str, base_url: str, shared_secret: str, **options) -> None:
        super().__init__(base_url, **options)
        self._app_key = app_key
        self._shared_secret = shared_secret

    def _authorize(self, request: requests.PreparedRequest) -> None:
        token = sign_request(
            request.method,
            request.url,
            base_url=self.base_url,
            issuer=self._app_key,
            secret=self._shared_secret,
            now=int(self._clock()),
        )
        request.headers["Authorization"] = f"JWT {token}"


class BearerJiraSession(_TenantSession):
    """Calls the tenant's Jira as a user, with ``token_provider()``'s OAuth access token."""

    def __init__(self, base_url: str, token_provider: Callable[[], str], **options) -> None:
        super().__init__(base_url, **options)
        self._token_provider = token_provider

    def _authorize(self, request: requests.PreparedRequest) -> None:
        # Asked on every attempt so a retry after a long wait gets a refreshed token.
        request.headers["Authorization"] = f"Bearer {self._token_provider()}"


class ImpersonationError(Exception):
    """The OAuth JWT-bearer grant failed; ``status`` is None when the server wasn't reached."""

    def __init__(self, status: int | None, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"{status}: {message}")


class ImpersonationTokenCache:
    """Thread-safe cache of user access tokens from the OAuth 2.0 JWT-bearer grant."""

    def __init__(
        self,
        oauth_url: str,
        *,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.time,
        margin_seconds: float = 60,
        timeout: float = 10.0,
    ) -> None:
        self._server = oauth_url.rstrip("/")
        self._token_url = f"{self._server}/oauth2/token"
        self._session = session or requests.Session()
        self._clock = clock
        self._margin = margin_seconds
        self._timeout = timeout
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str, str], tuple[float, str]] = {}

    def token_for(
        self,
        *,
        client_key: str,
        oauth_client_id: str,
        shared_secret: str,
        base_url: str,
        account_id: str,
        scopes: Iterable[str] = ("READ", "WRITE"),
    ) -> str:
        """Return an access token acting as ``account_id`` on the tenant ``client_key``.

        Cached per (tenant, user, scopes) until ``expires_in - margin_seconds``.
        Raises ``ImpersonationError`` when the grant is refused or the server is unreachable.
        """
        scope = " ".join(sorted({one.upper() for one in scopes}))
        key = (client_key, account_id, scope)
        now = self._clock()
        with self._lock:
            cached = self._tokens.get(key)
        if cached and cached[0] > now:
            return cached[1]
        assertion = encode_hs256(
            {
                "iss": f"urn:atlassian:connect:clientid:{oauth_client_id}",
                "sub": f"urn:atlassian:connect:useraccountid:{account_id}",
                "tnt": base_url,
                # The authorization server itself, not its /oauth2/token endpoint: that is the
                # value ACE (lib/internal/oauth2.js) and Atlassian's impersonation guide use.
                "aud": self._server,
                "iat": int(now),
                "exp": int(now) + 60,
            },
            shared_secret,
        )
        token, expires_in = self._grant(assertion, scope)
        with self._lock:
            self._tokens = {k: v for k, v in self._tokens.items() if v[0] > now}
            self._tokens[key] = (now + expires_in - self._margin, token)
        return token

    def _grant(self, assertion: str, scope: str) -> tuple[str, float]:
        form = {"grant_type": _JWT_BEARER, "assertion": assertion, "scope": scope}
        try:
            response = self._session.post(self._token_url, data=form, timeout=self._timeout)
        except requests.RequestException as exc:
            raise ImpersonationError(None, "The OAuth token endpoint is unreachable.") from exc
        if response.status_code != 200:
            raise ImpersonationError(response.status_code, _oauth_error_code(response))
        try:
            body = response.json()
            token, expires_in = body["access_token"], float(body["expires_in"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ImpersonationError(200, "The OAuth token response is malformed.") from exc
        if not isinstance(token, str) or not token:
            raise ImpersonationError(200, "The OAuth token response has no access token.")
        return token, expires_in


def _oauth_error_code(response: requests.Response) -> str:
    # Only the RFC 6749 error code is echoed; the body is not ours to put in logs verbatim.
    try:
        code = response.json().get("error")
    except (ValueError, AttributeError):
        code = None
    if isinstance(code, str) and re.fullmatch(r"[a-z_]{1,64}", code):
        return f"The OAuth token request was refused ({code})."
    return "The OAuth token request was refused."
