"""InstallKeyCache against a real HTTP server on 127.0.0.1."""

import socket
import threading
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import jwt as pyjwt
import pytest
import requests
from atlassian_jwt.url_utils import hash_url
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa

from connect.errors import InstallKeyUnavailable
from connect.errors import UnknownKeyId
from connect.install_keys import InstallKeyCache
from connect.jwt import verify_install_token


def _pem(public_key) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PEM = _pem(RSA_KEY.public_key())
ROUTES = {
    "/keys/kid-1": (200, PEM),
    "/keys/ns/kid-2": (200, PEM),
    "/keys/boom": (500, b"internal error"),
    "/keys/slow-down": (429, b""),
    "/keys/gone": (403, b"<Error>AccessDenied</Error>"),
    "/keys/huge": (200, PEM + b"#" * 20000),
    "/keys/not-pem": (200, b"hello"),
    "/keys/ec": (200, _pem(ec.generate_private_key(ec.SECP256R1()).public_key())),
}


class KeyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[str] = []
        self.url = f"http://127.0.0.1:{self.server_port}/keys"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.hits.append(self.path)
        status, body = ROUTES.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    server = KeyServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def session():
    with requests.Session() as session:
        yield session


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_fetches_once_for_two_gets(server, session):
    cache = InstallKeyCache(server.url + "/", session=session)
    assert cache.get("kid-1") == PEM.decode()
    assert cache.get("kid-1") == PEM.decode()
    assert server.hits == ["/keys/kid-1"]


def test_refetches_after_ttl(server, session):
    clock = FakeClock()
    cache = InstallKeyCache(server.url, session=session, ttl_seconds=60, clock=clock)
    cache.get("kid-1")
    clock.now += 59
    cache.get("kid-1")
    clock.now += 2
    cache.get("kid-1")
    assert server.hits == ["/keys/kid-1", "/keys/kid-1"]


def test_namespaced_kid(server, session):
    assert InstallKeyCache(server.url, session=session).get("ns/kid-2") == PEM.decode()


@pytest.mark.parametrize("kid", ["missing", "gone"])
def test_unknown_kid(server, session, kid):
    with pytest.raises(UnknownKeyId):
        InstallKeyCache(server.url, session=session).get(kid)


@pytest.mark.parametrize(
    "kid",
    [
        "",
        "../secrets",
        "a/../../b",
        "/etc/passwd",
        "a//b",
        "a/./b",
        "a/",
        "..",
        "a b",
        "a%2F..",
        "a?b=1",
        "a#b",
        "é",
        "x" * 201,
        "kid\n",
    ],
)
def test_bad_kid_rejected_without_a_request(server, session, kid):
    with pytest.raises(UnknownKeyId):
        InstallKeyCache(server.url, session=session).get(kid)
    assert server.hits == []


@pytest.mark.parametrize("kid", ["boom", "slow-down", "huge", "not-pem", "ec"])
def test_unavailable(server, session, kid):
    with pytest.raises(InstallKeyUnavailable):
        InstallKeyCache(server.url, session=session).get(kid)


def test_failures_are_not_cached(server, session):
    cache = InstallKeyCache(server.url, session=session)
    for _ in range(2):
        with pytest.raises(InstallKeyUnavailable):
            cache.get("boom")
    assert server.hits == ["/keys/boom", "/keys/boom"]


def test_unreachable_server(session):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cache = InstallKeyCache(f"http://127.0.0.1:{port}/keys", session=session, timeout=1)
    with pytest.raises(InstallKeyUnavailable):
        cache.get("kid-1")


def test_concurrent_gets_are_safe(server, session):
    cache = InstallKeyCache(server.url, session=session)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("kid-1"))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [PEM.decode()] * 8
    cache.get("kid-1")
    assert 1 <= len(server.hits) <= 8


def test_verifies_a_signed_install_end_to_end(server, session):
    cache = InstallKeyCache(server.url, session=session)
    claims = {
        "iss": "client-1",
        "aud": "https://app.example.com",
        "iat": 1_700_000_000,
        "exp": 1_700_000_180,
        "qsh": hash_url("POST", "/installed"),
    }
    token = pyjwt.encode(claims, RSA_KEY, algorithm="RS256", headers={"kid": "kid-1"})
    verified = verify_install_token(
        token,
        method="POST",
        path="/installed",
        params=[],
        audience="https://app.example.com",
        public_key_for_kid=cache.get,
        now=1_700_000_010,
    )
    assert verified["iss"] == "client-1"
