"""Outbound sessions against a real local HTTP server that checks every JWT independently.

The server verifies signatures with PyJWT and qsh with atlassian_jwt, records what it saw, and
answers from a per-test script, so signing, origin refusal, retries and the OAuth grant are all
observed from the receiving side.
"""

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from dataclasses import field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt as pyjwt
import pytest
import requests
from atlassian_jwt.url_utils import hash_url

from connect.client import BearerJiraSession
from connect.client import ImpersonationError
from connect.client import ImpersonationTokenCache
from connect.client import SignedJiraSession
from connect.client import retry_after_seconds

APP_KEY = "com.example.ledgerline"
SECRET = "jira-tenant-shared-secret-" + "0123456789abcdef" * 3
OAUTH_CLIENT_ID = "oauth-client-1"
CONTEXT = "/jira"


@dataclass
class Seen:
    method: str
    path: str
    scheme: str
    token: str
    body: bytes
    claims: dict = field(default_factory=dict)
    problem: str | None = None


class FakeAtlassian(ThreadingHTTPServer):
    """A tenant site under ``/jira`` plus an OAuth authorization server under ``/oauth``."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.origin = f"http://127.0.0.1:{self.server_port}"
        self.base_url = self.origin + CONTEXT
        self.oauth_url = self.origin + "/oauth"
        self.seen: list[Seen] = []
        self.script: deque = deque()
        self.grants: list[dict] = []


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = self._body()
        if self.path == "/oauth/oauth2/token":
            self._reply(*self._grant(body))
            return
        self.server.seen.append(self._check(body))
        script = self.server.script
        self._reply(*(script.popleft() if script else (200, {}, {"accountId": "acc-1"})))

    do_POST = do_PUT = do_DELETE = do_GET

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding") == "chunked":
            chunks = []
            while size := int(self.rfile.readline().strip(), 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _check(self, body: bytes) -> Seen:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        seen = Seen(self.command, self.path, scheme, token, body)
        if scheme != "JWT":
            return seen
        try:
            # Generous leeway: retry tests run on a fake clock that moves ahead of the real one.
            seen.claims = pyjwt.decode(token, SECRET, algorithms=["HS256"], leeway=600)
        except pyjwt.PyJWTError as exc:
            seen.problem = f"signature: {exc}"
            return seen
        relative = self.path[len(CONTEXT) :] if self.path.startswith(CONTEXT) else self.path
        if seen.claims.get("qsh") != hash_url(self.command, relative):
            seen.problem = "qsh mismatch"
        return seen

    def _grant(self, body: bytes) -> tuple[int, dict, object]:
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        claims = pyjwt.decode(
            form["assertion"],
            SECRET,
            algorithms=["HS256"],
            audience=self.server.oauth_url,
            options={"verify_iat": False, "verify_exp": False},
        )
        self.server.grants.append({"form": form, "claims": claims})
        account = claims["sub"].rpartition(":")[2]
        if account == "acc-refused":
            return 401, {}, {"error": "unauthorized_client", "error_description": "nope"}
        if account == "acc-garbage":
            return 200, {}, "not json at all"
        number = len(self.server.grants)
        return (
            200,
            {},
            {"access_token": f"user-token-{number}", "expires_in": 900, "token_type": "Bearer"},
        )

    def _reply(self, status: int, headers: dict, payload) -> None:
        data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    server = FakeAtlassian()
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


class FakeTime:
    """A clock that starts at real time and only moves when ``sleep`` is called."""

    def __init__(self):
        self.now = time.time()
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def make_signed(server, fake_time):
    sessions = []

    def make(**kwargs) -> SignedJiraSession:
        session = SignedJiraSession(
            APP_KEY,
            server.base_url,
            SECRET,
            sleep=fake_time.sleep,
            clock=fake_time.clock,
            **kwargs,
        )
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


@pytest.fixture
def signed(make_signed):
    return make_signed()


def assert_signed(seen: Seen) -> dict:
    assert seen.scheme == "JWT"
    assert seen.problem is None
    assert seen.claims["iss"] == APP_KEY
    assert seen.claims["exp"] - seen.claims["iat"] == 180
    return seen.claims


# --- signing ------------------------------------------------------------------------------------


def test_get_with_params_is_signed_for_the_final_url(server, signed):
    params = {"jql": "project = A ORDER BY key", "fields": ["summary", "status"], "q": "ü*~+&="}
    response = signed.get(server.base_url + "/rest/api/3/search/jql", params=params)
    assert response.status_code == 200
    [seen] = server.seen
    assert seen.path.startswith("/jira/rest/api/3/search/jql?jql=project")
    assert_signed(seen)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_body_methods_are_signed(server, signed, method):
    url = server.base_url + "/rest/api/3/issue/ABC-1/worklog/10001"
    response = signed.request(method, url, params={"notifyUsers": "false"}, json={"a": 1})
    assert response.status_code == 200
    [seen] = server.seen
    assert seen.method == method
    assert json.loads(seen.body) == {"a": 1}
    assert_signed(seen)


def test_awkward_path_is_signed_as_sent(server, signed):
    signed.get(server.base_url + "/rest/api/3/issue/A&B/x%20y/")
    [seen] = server.seen
    assert seen.path == "/jira/rest/api/3/issue/A&B/x%20y/"
    assert_signed(seen)


def test_every_request_gets_its_own_token(server, signed):
    signed.get(server.base_url + "/rest/api/3/myself")
    signed.get(server.base_url + "/rest/api/3/myself", params={"expand": "groups"})
    first, second = server.seen
    assert assert_signed(first)["qsh"] != assert_signed(second)["qsh"]


def test_redirect_within_the_tenant_is_resigned(server, signed):
    server.script.append((302, {"Location": "/jira/rest/api/3/other?x=1"}, {}))
    assert signed.get(server.base_url + "/rest/api/3/first").status_code == 200
    first, second = server.seen
    assert second.path == "/jira/rest/api/3/other?x=1"
    assert_signed(first)
    assert_signed(second)


def test_redirect_to_another_origin_is_refused(server, signed):
    # "localhost" reaches the same server, so a leaked token would show up in server.seen.
    elsewhere = f"http://localhost:{server.server_port}/jira/steal"
    server.script.append((302, {"Location": elsewhere}, {}))
    with pytest.raises(ValueError, match="another origin"):
        signed.get(server.base_url + "/rest/api/3/first")
    assert [seen.path for seen in server.seen] == ["/jira/rest/api/3/first"]


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:{port}/jira/rest/api/3/myself",
        "https://127.0.0.1:{port}/jira/rest/api/3/myself",
        "http://127.0.0.1:1/jira/rest/api/3/myself",
        "http://127.0.0.1:{port}/other/rest/api/3/myself",
        "http://127.0.0.1:{port}/jiraX/rest",
        "http://127.0.0.1:{port}/",
        "http://127.0.0.1:{port}/jira/../admin",
        "http://evil.example/jira/rest/api/3/myself",
        "http://127.0.0.1:{port}@evil.example/jira/rest",
    ],
)
def test_other_origins_and_paths_are_refused(server, signed, url):
    with pytest.raises(ValueError):
        signed.get(url.format(port=server.server_port))
    assert server.seen == []


# --- rate limits --------------------------------------------------------------------------------


def test_429_with_retry_after_then_200(server, signed, fake_time):
    server.script.extend([(429, {"Retry-After": "2"}, {}), (200, {}, {"ok": True})])
    response = signed.get(server.base_url + "/rest/api/3/myself")
    assert response.json() == {"ok": True}
    assert fake_time.waits == [2.0]
    first, second = server.seen
    assert assert_signed(second)["iat"] == assert_signed(first)["iat"] + 2


def test_retry_after_http_date(server, signed, fake_time):
    when = formatdate(fake_time.now + 5, usegmt=True)
    server.script.extend([(503, {"Retry-After": when}, {}), (200, {}, {})])
    assert signed.get(server.base_url + "/rest/api/3/myself").status_code == 200
    [wait] = fake_time.waits
    assert 4 <= wait <= 5


def test_503_without_retry_after_backs_off_with_jitter(server, make_signed, fake_time):
    signed = make_signed(max_retries=6, max_backoff=5.0)
    server.script.extend([(503, {}, {})] * 6 + [(200, {}, {})])
    assert signed.get(server.base_url + "/rest/api/3/myself").status_code == 200
    assert len(fake_time.waits) == 6
    for attempt, wait in enumerate(fake_time.waits):
        assert 0 <= wait <= min(5.0, 2**attempt)
    assert len(server.seen) == 7
    for seen in server.seen:
        assert_signed(seen)


def test_retries_are_bounded_and_return_the_last_response(server, make_signed, fake_time):
    signed = make_signed(max_retries=3)
    server.script.extend([(429, {"Retry-After": "1"}, {"n": n}) for n in range(10)])
    response = signed.get(server.base_url + "/rest/api/3/myself")
    assert response.status_code == 429
    assert response.json() == {"n": 3}
    assert fake_time.waits == [1.0, 1.0, 1.0]
    assert len(server.seen) == 4


def test_retry_after_beyond_max_backoff_is_not_waited_for(server, signed, fake_time):
    server.script.append((429, {"Retry-After": "120"}, {}))
    assert signed.get(server.base_url + "/rest/api/3/myself").status_code == 429
    assert fake_time.waits == []
    assert len(server.seen) == 1


def test_streamed_body_is_not_replayed(server, signed, fake_time):
    server.script.append((429, {"Retry-After": "1"}, {}))
    url = server.base_url + "/rest/api/3/issue/A-1/attachments"
    response = signed.post(url, data=iter([b"part-1", b"part-2"]))
    assert response.status_code == 429
    assert fake_time.waits == []
    [seen] = server.seen
    assert seen.body == b"part-1part-2"
    assert_signed(seen)


@pytest.mark.parametrize(
    ("value", "now", "expected"),
    [
        (None, 0, None),
        ("3", 0, 3.0),
        (" 7 ", 0, 7.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470, 10.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490, 0.0),
        ("soon", 0, None),
        ("-1", 0, None),
        ("1.5", 0, None),
    ],
)
def test_retry_after_seconds(value, now, expected):
    assert retry_after_seconds(value, now) == expected


# --- user impersonation -------------------------------------------------------------------------


@pytest.fixture
def oauth_session():
    with requests.Session() as session:
        yield session


@pytest.fixture
def impersonation(server, oauth_session, fake_time):
    return ImpersonationTokenCache(server.oauth_url, session=oauth_session, clock=fake_time.clock)


def token_for(cache, server, account_id="acc-1", **kwargs):
    return cache.token_for(
        client_key="client-1",
        oauth_client_id=OAUTH_CLIENT_ID,
        shared_secret=SECRET,
        base_url=server.base_url,
        account_id=account_id,
        **kwargs,
    )


def test_grant_sends_a_correct_assertion(server, impersonation):
    assert token_for(impersonation, server) == "user-token-1"
    [grant] = server.grants
    assert grant["form"]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert grant["form"]["scope"] == "READ WRITE"
    claims = grant["claims"]
    assert claims["iss"] == f"urn:atlassian:connect:clientid:{OAUTH_CLIENT_ID}"
    assert claims["sub"] == "urn:atlassian:connect:useraccountid:acc-1"
    assert claims["tnt"] == server.base_url
    assert claims["aud"] == server.oauth_url
    assert claims["exp"] - claims["iat"] == 60


def test_grant_is_cached_until_expiry_minus_margin(server, impersonation, fake_time):
    assert token_for(impersonation, server) == "user-token-1"
    assert token_for(impersonation, server) == "user-token-1"
    fake_time.now += 900 - 60 - 1
    assert token_for(impersonation, server) == "user-token-1"
    assert len(server.grants) == 1
    fake_time.now += 2
    assert token_for(impersonation, server) == "user-token-2"
    assert len(server.grants) == 2


def test_cache_is_per_user_and_scope_set(server, impersonation):
    token_for(impersonation, server)
    token_for(impersonation, server, scopes=["write", "read", "READ"])
    assert len(server.grants) == 1
    assert token_for(impersonation, server, scopes=("READ",)) == "user-token-2"
    assert server.grants[1]["form"]["scope"] == "READ"
    assert token_for(impersonation, server, account_id="acc-2") == "user-token-3"


def test_refused_grant_raises_and_is_not_cached(server, impersonation):
    for _ in range(2):
        with pytest.raises(ImpersonationError) as caught:
            token_for(impersonation, server, account_id="acc-refused")
        assert caught.value.status == 401
        assert "unauthorized_client" in caught.value.message
        assert "nope" not in caught.value.message
    assert len(server.grants) == 2


def test_malformed_grant_response(server, impersonation):
    with pytest.raises(ImpersonationError) as caught:
        token_for(impersonation, server, account_id="acc-garbage")
    assert caught.value.status == 200


def test_unreachable_token_endpoint(oauth_session):
    cache = ImpersonationTokenCache("http://127.0.0.1:1", session=oauth_session, timeout=1)
    with pytest.raises(ImpersonationError) as caught:
        cache.token_for(
            client_key="c",
            oauth_client_id="o",
            shared_secret=SECRET,
            base_url="https://x.atlassian.net",
            account_id="a",
        )
    assert caught.value.status is None


@pytest.fixture
def bearer(server, impersonation, fake_time):
    session = BearerJiraSession(
        server.base_url,
        lambda: token_for(impersonation, server),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    yield session
    session.close()


def test_bearer_session_sends_the_user_token(server, bearer, fake_time):
    server.script.append((429, {"Retry-After": "1"}, {}))
    assert bearer.get(server.base_url + "/rest/api/3/myself").status_code == 200
    assert [(seen.scheme, seen.token) for seen in server.seen] == [
        ("Bearer", "user-token-1"),
        ("Bearer", "user-token-1"),
    ]
    assert fake_time.waits == [1.0]


def test_bearer_session_refuses_other_origins(server, bearer):
    with pytest.raises(ValueError):
        bearer.get(f"http://localhost:{server.server_port}/jira/rest/api/3/myself")
    assert server.seen == []
    assert server.grants == []
