"""Self-tests of app-owned issue fields and their options in the fake Jira."""

from __future__ import annotations

import time

import jwt
import pytest
import requests

from .app_fields import app_field
from .app_fields import issue_value
from .standin import APP_KEY
from .standin import StandInApp
from .standin import call_as_app

FIELD_KEY = f"{APP_KEY}__team-field"
OPTIONS = f"/rest/api/3/field/{FIELD_KEY}/option"


class _AppWithField(StandInApp):
    def descriptor(self):
        body = super().descriptor()
        body["modules"]["jiraIssueFields"] = [{
            "key": "team-field", "name": {"value": "Team"},
            "description": {"value": "The team"}, "type": "single_select"}]
        return body


@pytest.fixture
def site(jira_site):
    app = _AppWithField()
    installed = jira_site()
    assert installed.install(app.base_url).status_code == 204
    yield installed
    app.close()


def _bearer(site, cloud, account_id):
    now = int(time.time())
    assertion = jwt.encode({
        "iss": f"urn:atlassian:connect:clientid:{site.oauth_client_id}",
        "sub": f"urn:atlassian:connect:useraccountid:{account_id}",
        "tnt": site.url, "aud": cloud.oauth_url, "iat": now, "exp": now + 59,
    }, site.shared_secret, algorithm="HS256")
    form = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": assertion, "scope": "READ"}
    granted = requests.post(f"{cloud.oauth_url}/oauth2/token", data=form, timeout=5)
    return {"Authorization": f"Bearer {granted.json()['access_token']}"}


def test_installed_field_is_listed_with_the_app_key_and_issues_show_it(site):
    (listed,) = [f for f in call_as_app(site, "GET", "/rest/api/3/field").json() if f["custom"]]
    field = app_field(site, "team-field")
    assert listed["id"] == field.id and listed["id"].startswith("customfield_")
    assert (listed["key"], listed["name"]) == (FIELD_KEY, "Team")
    assert listed["schema"]["type"] == "option"
    assert listed["schema"]["custom"].endswith(f":{FIELD_KEY}")
    issue = site.model.add_issue(site.model.add_project("ACME"), "x")
    fields = call_as_app(site, "GET", f"/rest/api/3/issue/{issue.id}").json()["fields"]
    assert fields[field.id] is None


def test_options_crud_paging_and_refusals(site):
    created = [call_as_app(site, "POST", OPTIONS, json={"value": f"Team {n}"}) for n in range(3)]
    assert [r.status_code for r in created] == [200, 200, 200]
    first = created[0].json()
    page = call_as_app(site, "GET", f"{OPTIONS}?startAt=1&maxResults=1").json()
    assert (page["total"], page["isLast"], [v["value"] for v in page["values"]]) == (
        3, False, ["Team 1"])
    renamed = {"id": first["id"], "value": "Renamed",
               "config": {"scope": {"global": {"attributes": ["notSelectable"]}}}}
    assert call_as_app(site, "PUT", f"{OPTIONS}/{first['id']}", json=renamed).status_code == 200
    assert not app_field(site, "team-field").options[first["id"]].selectable
    assert call_as_app(site, "PUT", f"{OPTIONS}/{first['id']}",
                       json={**renamed, "id": 999}).status_code == 400
    assert call_as_app(site, "POST", OPTIONS, json={"value": " "}).status_code == 400

    field = app_field(site, "team-field")
    site.model.add_issue(site.model.add_project("ACME"), "x",
                         custom_fields={field.id: issue_value(field.options[first["id"]])})
    assert call_as_app(site, "DELETE", f"{OPTIONS}/{first['id']}").status_code == 409
    second = created[1].json()["id"]
    assert call_as_app(site, "DELETE", f"{OPTIONS}/{second}").status_code == 204
    assert call_as_app(site, "GET", f"{OPTIONS}/{second}").status_code == 404
    other = "/rest/api/3/field/other-app__team-field/option"
    assert call_as_app(site, "GET", other).status_code == 400
    assert call_as_app(site, "POST", other, json={"value": "x"}).status_code == 404


def test_only_admins_may_manage_options_as_a_user(site, atlassian_cloud):
    user = site.model.add_user("Alice")
    as_user = requests.get(site.url + OPTIONS, timeout=5,
                           headers=_bearer(site, atlassian_cloud, user.account_id))
    assert as_user.status_code == 403
    as_admin = requests.get(site.url + OPTIONS, timeout=5,
                            headers=_bearer(site, atlassian_cloud, site.admin.account_id))
    assert as_admin.status_code == 200
