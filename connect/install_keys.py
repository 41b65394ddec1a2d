"""Fetch and cache the RS256 public keys Atlassian signs install/uninstall callbacks with.

The key id comes from an *unverified* JWT header, so it is validated before it goes into a URL,
responses are size-limited, and only successes are cached: a failed fetch (unknown kid, outage)
is retried on the next install attempt rather than locking a tenant out for the cache TTL.
"""

import re
import threading
import time
from collections.abc import Callable

import requests
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from connect.errors import InstallKeyUnavailable
from connect.errors import UnknownKeyId

_KID = re.compile(r"[A-Za-z0-9._\-/]{1,200}")


def _check_kid(kid: str) -> None:
    # "/" is allowed (key ids may be namespaced) but nothing that could walk the URL path.
    if not isinstance(kid, str) or not _KID.fullmatch(kid) or kid.startswith("/"):
        raise UnknownKeyId()
    if any(segment in ("", ".", "..") for segment in kid.split("/")):
        raise UnknownKeyId()


class InstallKeyCache:
    """Thread-safe per-kid cache of install public keys fetched from ``keys_url``."""

    def __init__(
        self,
        keys_url: str,
        *,
        timeout: float = 3.0,
        ttl_seconds: float = 3600,
        session: requests.Session | None = None,
        max_bytes: int = 16384,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keys_url = keys_url.rstrip("/")
        self._timeout = timeout
        self._ttl = ttl_seconds
        self._session = session or requests.Session()
        self._max_bytes = max_bytes
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[float, str]] = {}

    def get(self, kid: str) -> str:
        """Return the PEM public key for ``kid``.

        Raises ``UnknownKeyId`` for an invalid kid or one the key server doesn't know, and
        ``InstallKeyUnavailable`` when the server can't be reached or returns something unusable.
        """
        _check_kid(kid)
        now = self._clock()
        with self._lock:
            cached = self._keys.get(kid)
        if cached and cached[0] > now:
            return cached[1]
        # Fetched outside the lock: a slow key server must not serialise every other kid.
        pem = self._fetch(kid)
        with self._lock:
            self._keys[kid] = (now + self._ttl, pem)
        return pem

    def _fetch(self, kid: str) -> str:
        try:
            with self._session.get(
                f"{self._keys_url}/{kid}", timeout=self._timeout, stream=True
            ) as response:
                status = response.status_code
                body = self._read_limited(response) if status == 200 else b""
        except requests.RequestException as exc:
            raise InstallKeyUnavailable() from exc
        if status != 200:
            # 4xx means "no such key" (S3/CloudFront answer 403 for a missing object); 429 and
            # 5xx are outages the next attempt may not see.
            if 400 <= status < 500 and status != 429:
                raise UnknownKeyId()
            raise InstallKeyUnavailable()
        return _parse_pem(body)

    def _read_limited(self, response: requests.Response) -> bytes:
        body = b""
        for chunk in response.iter_content(chunk_size=4096):
            body += chunk
            if len(body) > self._max_bytes:
                raise InstallKeyUnavailable("The install key response is too large.")
        return body


def _parse_pem(body: bytes) -> str:
    try:
        key = load_pem_public_key(body)
        pem = body.decode("ascii")
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise InstallKeyUnavailable("The install key is not a PEM public key.") from exc
    if not isinstance(key, RSAPublicKey):
        raise InstallKeyUnavailable("The install key is not an RSA public key.")
    return pem
