"""``/share/<token>``: the client's page without a Jira account — only the share's account and
period, amounts only when chosen, Jira's text escaped, every open logged, and one generic 404
for unknown, expired and revoked links."""

from __future__ import annotations

import requests
from sqlalchemy import text

from .conftest import log
from .conftest import share_body


def _make(client, **overrides) -> dict:
    made = client.post("/shares", json=share_body(**overrides))
    assert made.status_code == 201, made.text
    return made.json()


def _open(share: dict, **headers):
    return requests.get(share["url"], headers=headers, timeout=30)


def test_the_page_shows_only_the_accounts_time_in_the_period(shared):
    page = _open(_make(shared["lead"]))
    assert page.status_code == 200
    html = page.text
    assert "Acme" in html and "2026-11-01 – 2026-11-30" in html
    # 2 h + 0.5 h on ACME in November; GLOBEX's 10 h and December's 15 h never show.
    assert "2.50" in html and "10.00" not in html and "15.00" not in html
    assert "Billing epic" in html and "Invoice export" in html and "Ada Lovelace" in html
    assert "EUR" not in html and "250.00" not in html  # no amounts unless chosen


def test_amounts_show_only_when_chosen(shared):
    html = _open(_make(shared["admin"], show=["hours_by_issue", "amounts"])).text
    assert "250.00 EUR" in html and "200.00 EUR" in html and "50.00 EUR" in html
    assert "92.50" not in html  # cost (37/h) is never shown to a client
    assert "Hours by epic" not in html and "Hours by person" not in html
    alone = _open(_make(shared["admin"], show=["amounts"])).text
    assert "250.00 EUR" in alone and "Invoice export" not in alone


def test_jira_text_is_escaped(shared):
    html = _open(_make(shared["lead"], show=["hours_by_issue"])).text
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_the_page_is_not_cached_leaks_no_referrer_and_frames_only_where_the_app_may(shared):
    page = _open(_make(shared["lead"]))
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'self' https://*.atlassian.net" in page.headers[
        "Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "connect-cdn" not in page.text  # no Jira bridge on a page outside Jira


def test_every_open_is_logged_with_a_cut_user_agent(shared, database):
    share = _make(shared["lead"])
    _open(share, **{"User-Agent": "ClientBrowser/1.0 " + "x" * 500})
    _open(share, **{"User-Agent": "Second"})
    accesses = shared["lead"].get(f"/shares/{share['id']}/accesses").json()
    assert accesses["metadata"]["count"] == 2
    newest, oldest = accesses["results"]
    assert newest["userAgent"] == "Second" and newest["accessedAt"].endswith("Z")
    assert oldest["userAgent"].startswith("ClientBrowser/1.0") and len(oldest["userAgent"]) == 200
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM share_accesses")).scalar() == 2


def test_unknown_expired_and_revoked_links_are_one_generic_404(shared, database):
    live = _make(shared["lead"])
    revoked, expired = _make(shared["lead"]), _make(shared["lead"])
    assert shared["lead"].delete(f"/shares/{revoked['id']}").status_code == 204
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE shares SET expires_at = :past WHERE id = :id"),
                     {"past": "2020-01-01 00:00:00+00:00", "id": expired["id"]})
    base = live["url"].rsplit("/", 1)[0]
    answers = [_open(revoked), _open(expired), requests.get(f"{base}/not-a-token", timeout=30),
               requests.get(f"{base}/{'a' * 300}", timeout=30)]
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1
    assert "Acme" not in answers[0].text and "expired" not in answers[0].text.lower()
    assert all(a.headers["Cache-Control"] == "no-store" for a in answers)
    assert _open(live).status_code == 200
    assert shared["lead"].get(f"/shares/{revoked['id']}/accesses").json()["results"] == []


def test_a_share_is_live_so_later_work_shows(shared, world):
    share = _make(shared["lead"], show=["hours_by_person"])
    assert "2.50" in _open(share).text
    log(shared["user"], world["story"], "ACME", "2026-11-26", 3600)
    assert "3.50" in _open(share).text

