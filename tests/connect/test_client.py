"""Outbound sessions against the fake Jira, which checks every JWT independently of the app.

The fake verifies signatures with PyJWT and qsh with atlassian_jwt, records the verified claims
of every request, and answers from a script where a test needs a 429, a 503 or a redirect; its
OAuth server checks and records every JWT-bearer grant. So signing, origin refusal, retries and
impersonation are all observed from the receiving side.
"""

import time
from email.utils import formatdate

import pytest
import requests

from connect.client import BearerJiraSession
from connect.client import ImpersonationError
from connect.client import ImpersonationTokenCache
from connect.client import SignedJiraSession
from connect.client import retry_after_seconds
from tests.fakejira.standin import APP_KEY

CONTEXT = "/jira"
MYSELF = "/rest/api/3/myself"


@pytest.fixture
def site(jira_site, stand_in_app):
    """A site under a context path, so refusals outside the base URL's path are observable."""
    stand_in_app.scopes = ("READ", "WRITE", "DELETE", "ACT_AS_USER")  # DELETE: worklog deletes
    installed = jira_site(context_path=CONTEXT)
    assert installed.install(stand_in_app.base_url).status_code == 204
    return installed


@pytest.fixture
def issue(site):
    return site.model.add_issue(site.model.add_project("ACME"), "Pay invoice")


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
def make_signed(site, fake_time):
    sessions = []

    def make(**kwargs) -> SignedJiraSession:
        session = SignedJiraSession(
            APP_KEY,
            site.url,
            site.shared_secret,
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


def assert_signed(seen) -> dict:
    """The fake accepted the request's JWT: right secret, iss and qsh; returns its claims."""
    assert seen.auth == "jwt"
    assert seen.refusal is None
    assert seen.claims["iss"] == APP_KEY
    assert seen.claims["exp"] - seen.claims["iat"] == 180
    return seen.claims


# --- signing ------------------------------------------------------------------------------------


def test_get_with_params_is_signed_for_the_final_url(site, signed, issue):
    params = {"jql": "project = ACME ORDER BY key", "fields": ["summary", "status"],
              "q": "ü*~+&="}
    response = signed.get(site.url + "/rest/api/3/search/jql", params=params)
    assert response.status_code == 200, response.text
    assert [found["key"] for found in response.json()["issues"]] == [issue.key]
    [seen] = site.requests_log
    assert seen.target.startswith("/jira/rest/api/3/search/jql?jql=project")
    assert seen.query["q"] == "ü*~+&="
    assert_signed(seen)


@pytest.mark.parametrize(("method", "status"), [("POST", 201), ("PUT", 200), ("DELETE", 204)])
def test_body_methods_are_signed(site, signed, issue, method, status):
    url = f"{site.url}/rest/api/3/issue/{issue.key}/worklog"
    body = {"started": "2026-11-23T09:00:00.000+0000", "timeSpentSeconds": 1800}
    if method != "POST":
        url += f"/{site.model.add_worklog(issue, site.admin.account_id, 600).id}"
    if method == "DELETE":
        body = None
    response = signed.request(method, url, params={"notifyUsers": "false"}, json=body)
    assert response.status_code == status, response.text
    [seen] = site.requests_log
    assert (seen.method, seen.query, seen.body) == (method, {"notifyUsers": "false"}, body)
    assert_signed(seen)


def test_awkward_path_is_signed_as_sent(site, signed):
    response = signed.get(site.url + "/rest/api/3/issue/A&B/x%20y/")
    assert response.status_code == 404  # no such resource, but the JWT was accepted
    [seen] = site.requests_log
    assert seen.target == "/jira/rest/api/3/issue/A&B/x%20y/"
    assert_signed(seen)


def test_every_request_gets_its_own_token(site, signed):
    signed.get(site.url + MYSELF)
    signed.get(site.url + MYSELF, params={"expand": "groups"})
    first, second = site.requests_log
    assert assert_signed(first)["qsh"] != assert_signed(second)["qsh"]


def test_redirect_within_the_tenant_is_resigned(site, signed):
    site.script.add(302, headers={"Location": f"{CONTEXT}{MYSELF}?expand=groups"})
    response = signed.get(site.url + "/rest/api/3/serverInfo")
    assert response.json()["accountId"] == site.app_user.account_id
    first, second = site.requests_log
    assert (first.status, second.status) == (302, 200)
    assert second.target == "/jira/rest/api/3/myself?expand=groups"
    assert_signed(first)
    assert_signed(second)


def test_redirect_to_another_origin_is_refused(site, signed):
    # "localhost" reaches the same server, so a leaked token would show up in requests_log.
    elsewhere = site.url.replace("127.0.0.1", "localhost") + MYSELF
    site.script.add(302, headers={"Location": elsewhere})
    with pytest.raises(ValueError, match="another origin"):
        signed.get(site.url + "/rest/api/3/serverInfo")
    assert [seen.path for seen in site.requests_log] == ["/rest/api/3/serverInfo"]


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:{port}/jira/rest/api/3/myself",
        "https://127.0.0.1:{port}/jira/rest/api/3/myself",
        "http://127.0.0.1:1/jira/rest/api/3/myself",
        "http://127.0.0.1:{port}/other/rest/api/3/myself",
        "http://127.0.0.1:{port}/jiraX/rest",
        "http://127.0.0.1:{port}/",
        "http://127.0.0.1:{port}/rest/api/3/myself",
        "http://127.0.0.1:{port}/jira/../admin",
        "http://evil.example/jira/rest/api/3/myself",
        "http://127.0.0.1:{port}@evil.example/jira/rest",
    ],
)
def test_other_origins_and_paths_are_refused(site, signed, url):
    port = site.url.removesuffix(CONTEXT).rpartition(":")[2]
    with pytest.raises(ValueError):
        signed.get(url.format(port=port))
    assert site.requests_log == []


# --- rate limits --------------------------------------------------------------------------------


def test_429_with_retry_after_then_200(site, signed, fake_time):
    site.fail_next(1, status=429, retry_after="2")
    response = signed.get(site.url + MYSELF)
    assert response.json()["accountId"] == site.app_user.account_id
    assert fake_time.waits == [2.0]
    first, second = site.requests_log
    assert (first.status, second.status) == (429, 200)
    assert assert_signed(second)["iat"] == assert_signed(first)["iat"] + 2


def test_retry_after_http_date(site, signed, fake_time):
    site.fail_next(1, status=503, retry_after=formatdate(fake_time.now + 5, usegmt=True))
    assert signed.get(site.url + MYSELF).status_code == 200
    [wait] = fake_time.waits
    assert 4 <= wait <= 5


def test_503_without_retry_after_backs_off_with_jitter(site, make_signed, fake_time):
    signed = make_signed(max_retries=6, max_backoff=5.0)
    site.fail_next(6, status=503, retry_after=None)
    assert signed.get(site.url + MYSELF).status_code == 200
    assert len(fake_time.waits) == 6
    for attempt, wait in enumerate(fake_time.waits):
        assert 0 <= wait <= min(5.0, 2**attempt)
    assert len(site.requests_log) == 7
    for seen in site.requests_log:
        assert_signed(seen)


def test_retries_are_bounded_and_return_the_last_response(site, make_signed, fake_time):
    signed = make_signed(max_retries=3)
    for n in range(10):
        site.script.add(429, {"n": n}, headers={"Retry-After": "1"})
    response = signed.get(site.url + MYSELF)
    assert response.status_code == 429
    assert response.json() == {"n": 3}
    assert fake_time.waits == [1.0, 1.0, 1.0]
    assert len(site.requests_log) == 4


def test_retry_after_beyond_max_backoff_is_not_waited_for(site, signed, fake_time):
    site.fail_next(1, status=429, retry_after="120")
    assert signed.get(site.url + MYSELF).status_code == 429
    assert fake_time.waits == []
    assert len(site.requests_log) == 1


def test_streamed_body_is_not_replayed(site, signed, fake_time, issue):
    site.fail_next(1, status=429, retry_after="1")
    url = f"{site.url}/rest/api/3/issue/{issue.key}/worklog"
    parts = [b'{"started": "2026-11-23T09:00:00.000+0000", ', b'"timeSpentSeconds": 60}']
    response = signed.post(url, data=iter(parts))
    assert response.status_code == 429
    assert fake_time.waits == []
    [seen] = site.requests_log
    assert seen.body == {"started": "2026-11-23T09:00:00.000+0000", "timeSpentSeconds": 60}
    assert_signed(seen)
    assert site.model.issue_worklogs(issue.id) == []


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
def impersonation(atlassian_cloud, oauth_session, fake_time):
    return ImpersonationTokenCache(
        atlassian_cloud.oauth_url, session=oauth_session, clock=fake_time.clock
    )


@pytest.fixture
def user(site):
    return site.model.add_user("Ada Lovelace")


def token_for(cache, site, account_id, **kwargs):
    return cache.token_for(
        client_key=site.client_key,
        oauth_client_id=site.oauth_client_id,
        shared_secret=site.shared_secret,
        base_url=site.url,
        account_id=account_id,
        **kwargs,
    )


def test_grant_sends_a_correct_assertion(site, impersonation, user, atlassian_cloud):
    token = token_for(impersonation, site, user.account_id)
    [grant] = site.grants
    assert grant.access_token == token
    assert (grant.account_id, grant.scopes) == (user.account_id, {"READ", "WRITE"})
    claims = grant.claims
    assert claims["iss"] == f"urn:atlassian:connect:clientid:{site.oauth_client_id}"
    assert claims["sub"] == f"urn:atlassian:connect:useraccountid:{user.account_id}"
    assert claims["tnt"] == site.url
    assert claims["aud"] == atlassian_cloud.oauth_url
    assert claims["exp"] - claims["iat"] == 60


def test_grant_is_cached_until_expiry_minus_margin(
    site, impersonation, user, fake_time, atlassian_cloud, monkeypatch
):
    # A short lifetime keeps the moved clock within the skew the token endpoint accepts.
    monkeypatch.setattr(atlassian_cloud, "token_ttl", 70)
    first = token_for(impersonation, site, user.account_id)
    assert token_for(impersonation, site, user.account_id) == first
    fake_time.now += 70 - 60 - 1
    assert token_for(impersonation, site, user.account_id) == first
    assert len(site.grants) == 1
    fake_time.now += 2
    second = token_for(impersonation, site, user.account_id)
    assert second != first
    assert [grant.access_token for grant in site.grants] == [first, second]


def test_cache_is_per_user_and_scope_set(site, impersonation, user):
    first = token_for(impersonation, site, user.account_id)
    assert token_for(impersonation, site, user.account_id,
                     scopes=["write", "read", "READ"]) == first
    assert len(site.grants) == 1
    read_only = token_for(impersonation, site, user.account_id, scopes=("READ",))
    assert site.grants[1].scopes == {"READ"}
    other = site.model.add_user("Grace Hopper")
    assert token_for(impersonation, site, other.account_id) not in (first, read_only)
    assert [grant.account_id for grant in site.grants] == [user.account_id] * 2 + [
        other.account_id]


def test_refused_grant_raises_and_is_not_cached(site, impersonation):
    for _ in range(2):
        with pytest.raises(ImpersonationError) as caught:
            token_for(impersonation, site, "no-such-user")
        assert caught.value.status == 400
        assert "invalid_grant" in caught.value.message
        assert "sub must be" not in caught.value.message  # the description is not echoed
    assert [request.status for request in site.token_requests] == [400, 400]


def test_malformed_grant_response(site, impersonation, user):
    site.grant_script.add(200, "not json at all")
    with pytest.raises(ImpersonationError) as caught:
        token_for(impersonation, site, user.account_id)
    assert caught.value.status == 200
    assert [request.status for request in site.token_requests] == [200]
    assert site.grants == []


def test_unreachable_token_endpoint(oauth_session):
    cache = ImpersonationTokenCache("http://127.0.0.1:1", session=oauth_session, timeout=1)
    with pytest.raises(ImpersonationError) as caught:
        cache.token_for(
            client_key="c",
            oauth_client_id="o",
            shared_secret="unused-shared-secret-" + "0123456789abcdef" * 2,
            base_url="https://x.atlassian.net",
            account_id="a",
        )
    assert caught.value.status is None


@pytest.fixture
def bearer(site, impersonation, user, fake_time):
    session = BearerJiraSession(
        site.url,
        lambda: token_for(impersonation, site, user.account_id),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    yield session
    session.close()


def test_bearer_session_sends_the_user_token(site, bearer, user, fake_time):
    site.fail_next(1, status=429, retry_after="1")
    response = bearer.get(site.url + MYSELF)
    assert response.json()["accountId"] == user.account_id
    assert [(seen.auth, seen.account_id, seen.status) for seen in site.requests_log] == [
        ("bearer", user.account_id, 429),
        ("bearer", user.account_id, 200),
    ]
    assert len(site.grants) == 1  # both attempts carried the one cached token
    assert fake_time.waits == [1.0]


def test_bearer_session_refuses_other_origins(site, bearer):
    with pytest.raises(ValueError):
        bearer.get(site.url.replace("127.0.0.1", "localhost") + MYSELF)
    assert site.requests_log == []
    assert site.token_requests == []
