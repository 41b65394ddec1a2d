"""Fuzzing every ``/api/4`` operation of the OpenAPI document, and the webhook route.

Hypothesis builds requests from the document (its paths, parameters and body fields) mixed
with hostile values (huge and odd numbers, NUL, long strings, wrong JSON types). Whatever it
sends, the app answers below 500 and, when it answers 4xx, the database is exactly as before.
A sweep first puts values that once broke a reader into each field; then the number of random
examples is bounded (``LEDGERLINE_FUZZ_EXAMPLES``, default 6 per operation) so CI stays fast;
raise it locally to search harder.
"""

from __future__ import annotations

import hashlib
import os
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from addon.api.openapi import PATHS
from addon.api.openapi import SCHEMAS
from addon.models import Base

EXAMPLES = int(os.environ.get("LEDGERLINE_FUZZ_EXAMPLES", "6"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

HOSTILE_SCALARS = st.sampled_from([
    None, True, 0, -1, 1, 2**31, 2**63, 2**70, -(2**70), 1e308, 0.5, "", " ", "1", "-1", "²",
    "--5", "9" * 5000, "1e20", "a\x00b", "x" * 70_000, "OPEN", "ACME", "2026-11-23",
    "0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00", "1h 30m", "1" * 8000,
    "Europe/Berlin", "BILLABLE", "_Account_", "<script>", "' OR 1=1 --",
])
JSON = st.recursive(
    HOSTILE_SCALARS | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12)
PATH_VALUES = st.sampled_from(["1", "0", "-1", "1e20", "9" * 30, "²", "ACME", "a" * 300,
                               "ACME-1", "x\x00y", "%", "..", "10000"]) | st.text(max_size=20)
COMMON_FIELDS = ["key", "name", "issueId", "startDate", "timeSpentSeconds", "timeSpent", "ids",
                 "keys", "statuses", "projectIds", "issueIds", "authorIds", "jiraWorklogIds",
                 "tempoWorklogIds", "policy", "mappings", "accountKey", "scopeId", "type",
                 "values", "required", "monthlyBudget", "currency", "typeName", "global", "from",
                 "to", "updatedFrom", "orderBy", "attributes", "description", "default"]


def _operations() -> list[tuple[str, str]]:
    return [(path, method) for path, ops in PATHS.items() for method in ops]


def _body_fields(operation: dict) -> list[str]:
    schema = operation.get("requestBody", {}).get("content", {}).get(
        "application/json", {}).get("schema", {})
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    return sorted(SCHEMAS.get(name, {}).get("properties", {})) or COMMON_FIELDS


def _request(path: str, method: str):
    operation = PATHS[path][method]
    names = [p["name"] for p in operation.get("parameters", [])]
    variables = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    body = st.dictionaries(st.sampled_from(_body_fields(operation)), JSON, max_size=6)
    return st.fixed_dictionaries({
        "path": st.fixed_dictionaries({v: PATH_VALUES for v in variables}),
        "query": st.dictionaries(st.sampled_from(names or ["offset"]), HOSTILE_SCALARS.map(
            lambda v: "" if v is None else str(v)[:2000]), max_size=3),
        "body": body if method in ("post", "put", "patch") else st.none(),
    }) | st.fixed_dictionaries({"path": st.fixed_dictionaries({v: PATH_VALUES
                                                                for v in variables}),
                                "query": st.just({}), "body": JSON})


def _fingerprint(database) -> str:
    """Every row of every table: any write shows up as a different digest."""
    digest = hashlib.sha256()
    with database.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select().order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


# The sweep: values known to have broken a reader once (issue 13), in each parameter and path
# variable alone, and in every body field at once (every reader checks its field, so one
# request probes them all). Random search finds combinations; the sweep leaves no field out.
KILLER_TEXT = ["²", "9" * 5000, "99999999999999999999", "0001-01-01T00:00:00+14:00"]
KILLER_JSON = ["²", "9" * 5000, 2**70, [{}], "x" * 70_000]


def _sweep_cases(path: str, method: str):
    operation = PATHS[path][method]
    variables = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    plain = {v: "1" for v in variables}
    for variable in variables:
        for value in KILLER_TEXT:
            yield {**plain, variable: value}, {}, None
    for parameter in operation.get("parameters", []):
        for value in KILLER_TEXT:
            yield plain, {parameter["name"]: value}, None
    if method in ("post", "put", "patch"):
        for value in KILLER_JSON:
            yield plain, {}, dict.fromkeys(_body_fields(operation), value)


def _send(admin, method: str, path: str, variables: dict, query: dict, body):
    url = path
    for name, value in variables.items():
        url = url.replace("{" + name + "}", quote(value, safe="") or "x")
    kwargs = {"params": query} if body is None else {"params": query, "json": body}
    return url, admin.request(method.upper(), url, **kwargs)


@pytest.mark.parametrize(("path", "method"), _operations(),
                         ids=[f"{m.upper()} {p}" for p, m in _operations()])
def test_no_request_built_from_the_openapi_document_gets_a_5xx_or_writes_on_a_4xx(
        api, world, database, path, method):
    admin = api.as_user(world["admin"].account_id)
    for variables, query, body in _sweep_cases(path, method):
        before = _fingerprint(database)
        url, response = _send(admin, method, path, variables, query, body)
        assert response.status_code < 500, (url, query, str(body)[:200], response.text[:300])
        if response.status_code >= 400:
            assert response.json()["errors"]["code"]
            assert _fingerprint(database) == before, (url, query, str(body)[:200])

    @FUZZ
    @given(st.data())
    def probe(data):
        case = data.draw(_request(path, method))
        before = _fingerprint(database)
        url, response = _send(admin, method, path, case["path"], case["query"], case["body"])
        assert response.status_code < 500, (url, case, response.text[:500])
        if 400 <= response.status_code < 500:
            assert response.json()["errors"]["code"], response.text[:500]
            assert _fingerprint(database) == before, (url, case, response.status_code)

    probe()


WEBHOOK_EVENTS = ["jira:issue_created", "jira:issue_updated", "jira:issue_deleted",
                  "worklog_created", "worklog_updated", "worklog_deleted", "project_created",
                  "project_deleted"]
ENTITY = st.fixed_dictionaries({}, optional={
    "id": JSON, "key": JSON, "updated": JSON, "fields": JSON, "issueId": JSON,
    "started": JSON, "timeSpentSeconds": JSON, "author": JSON, "comment": JSON})
WEBHOOK_BODIES = st.fixed_dictionaries({}, optional={
    "issue": ENTITY | JSON, "worklog": ENTITY | JSON, "project": ENTITY | JSON,
    "changelog": JSON, "user": JSON, "timestamp": JSON})


def test_webhooks_of_any_shape_are_stored_or_refused_never_a_5xx(installed_site, live_app,
                                                                  run_jobs, database):
    @FUZZ
    @given(event=st.sampled_from(WEBHOOK_EVENTS), body=WEBHOOK_BODIES,
           identifier=st.sampled_from([None, "x" * 200, "id-1", "a\x00b"]))
    def probe(event, body, identifier):
        before = _fingerprint(database)
        response = installed_site.send_webhook(event, body, identifier=identifier)
        assert response.status_code in (204, 400), response.text[:500]
        if response.status_code == 400:
            assert _fingerprint(database) == before
        run_jobs()  # applying it parks what cannot be applied; nothing escapes

    probe()


@pytest.mark.parametrize("raw", [b"[1]", b'"x"', b"{", b'{"webhookEvent": 5}', b"\x00"])
def test_a_webhook_body_that_is_not_an_event_object_is_a_400(installed_site, live_app, raw):
    descriptor = installed_site.app_descriptor
    url = descriptor.url_for(next(h["url"] for h in descriptor.webhooks))
    token = installed_site.sign_app_request("POST", url)
    response = requests.post(url, data=raw, timeout=30, headers={
        "Authorization": f"JWT {token}", "Content-Type": "application/json"})
    assert response.status_code == 400


def test_a_webhook_over_the_body_limit_is_a_413(installed_site, database):
    before = _fingerprint(database)
    response = installed_site.send_webhook("jira:issue_updated", {
        "issue": {"id": "1", "fields": {"summary": "x" * (2 * 1024 * 1024)}}})
    assert response.status_code == 413
    assert response.json()["errors"]["code"] == "body_too_large"
    assert _fingerprint(database) == before
