"""Invoices: drafts from approved items, issue with a number, void, delete, wrong transitions
(409 naming the state), no double billing, who may, the audit trail, HTML and PDF."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from .conftest import NEXT_WEEK
from .conftest import WEEK
from .conftest import approve
from .conftest import log
from .test_export import export
from .test_export import rows_of


def draft(client, group_by="ISSUE", **body):
    return client.post("/invoices", json={"accountKey": "ACME", **WEEK, "groupBy": group_by,
                                          **body})


def created(client, group_by="ISSUE", **body) -> dict:
    response = draft(client, group_by, **body)
    assert response.status_code == 201, response.text
    return response.json()


def act(client, invoice, action):
    return client.post(f"/invoices/{invoice['id']}/{action}")


def value(amount) -> Decimal:
    return Decimal(str(amount["value"]))


def test_a_draft_bills_the_approved_items_grouped_by_issue(billing, world):
    invoice = created(billing["admin"])
    assert (invoice["status"], invoice["number"], invoice["displayNumber"],
            invoice["currency"], invoice["groupBy"]) == ("DRAFT", None, None, "EUR", "ISSUE")
    lines = [(line["kind"], line["description"], line["hours"], value(line["amount"]))
             for line in invoice["lines"]]
    story, epic = world["story"], world["epic"]
    assert lines == [
        ("WORK", f"{epic.key} Billing epic", 1.03, Decimal("102.78")),
        ("WORK", f"{story.key} Invoice export", 3.83, Decimal("383.33")),
        ("EXPENSE", "TRAVEL: <b>night train</b>", None, Decimal("135.80"))]
    assert value(invoice["total"]) == Decimal("621.91")
    assert billing["admin"].get(f"/invoices/{invoice['id']}").json() == invoice


@pytest.mark.parametrize(("group_by", "descriptions"), [
    ("PERSON", ["Ada Lovelace", "Bob Builder"]),
    ("ROLE", ["Default"]),
])
def test_lines_group_by_person_or_role(billing, group_by, descriptions):
    invoice = created(billing["admin"], group_by)
    work = [line for line in invoice["lines"] if line["kind"] == "WORK"]
    assert [line["description"] for line in work] == descriptions
    assert value(invoice["total"]) == Decimal("621.91")


def test_issuing_numbers_the_invoice_and_nothing_is_billed_twice(billing):
    admin = billing["admin"]
    first = created(admin)
    issued = act(admin, first, "issue")
    assert issued.status_code == 200, issued.text
    assert (issued.json()["status"], issued.json()["number"],
            issued.json()["displayNumber"]) == ("ISSUED", 1, "INV-000001")
    assert issued.json()["issuedAt"] is not None
    assert rows_of(export(admin)) == []
    second = created(admin)
    assert second["lines"] == [] and value(second["total"]) == Decimal(0)
    voided = act(admin, first, "void")
    assert (voided.json()["status"], voided.json()["number"]) == ("VOID", 1)
    assert len(rows_of(export(admin))) == 5
    third = created(admin)
    assert value(third["total"]) == Decimal("621.91")
    assert act(admin, third, "issue").json()["number"] == 2  # 1 stays with the void one


def test_a_draft_whose_items_were_invoiced_meanwhile_cannot_be_issued(billing):
    admin = billing["admin"]
    first, second = created(admin), created(admin, "EPIC")
    assert act(admin, first, "issue").status_code == 200
    refused = act(admin, second, "issue")
    assert refused.status_code == 409
    assert "invoiced meanwhile" in refused.json()["errors"]["message"]
    assert admin.get(f"/invoices/{second['id']}").json()["status"] == "DRAFT"
    # The refused issue took no number: the next one is 2.
    assert act(admin, created(admin), "issue").json()["number"] == 2


def test_wrong_transitions_are_409_naming_the_state(billing):
    admin = billing["admin"]
    invoice = created(admin)
    void_draft = act(admin, invoice, "void")
    assert void_draft.status_code == 409 and "DRAFT" in void_draft.json()["errors"]["message"]
    assert act(admin, invoice, "issue").status_code == 200
    again = act(admin, invoice, "issue")
    assert again.status_code == 409 and "ISSUED" in again.json()["errors"]["message"]
    deleted = admin.delete(f"/invoices/{invoice['id']}")
    assert deleted.status_code == 409 and "ISSUED" in deleted.json()["errors"]["message"]
    assert act(admin, invoice, "void").status_code == 200
    twice = act(admin, invoice, "void")
    assert twice.status_code == 409 and "VOID" in twice.json()["errors"]["message"]


def test_a_draft_can_be_deleted(billing):
    admin = billing["admin"]
    invoice = created(admin)
    assert admin.delete(f"/invoices/{invoice['id']}").status_code == 204
    assert admin.get(f"/invoices/{invoice['id']}").status_code == 404


def test_bad_input_names_every_field_at_once(billing):
    response = billing["admin"].post("/invoices", json={"from": "2026-02-30", "to": 7,
                                                       "groupBy": "MONTH"})
    assert response.status_code == 400
    assert {f["field"] for f in response.json()["errors"]["fields"]} == {
        "accountKey", "from", "to", "groupBy"}
    backwards = draft(billing["admin"], accountKey="NOPE", **{"from": "2026-11-29",
                                                            "to": "2026-11-23"})
    assert {f["field"] for f in backwards.json()["errors"]["fields"]} == {"accountKey", "to"}
    assert billing["admin"].get("/invoices").json()["results"] == []


@pytest.mark.parametrize(("who", "status"), [("admin", 201), ("lead", 201), ("ada", 403),
                                             ("other", 403), ("anonymous", 401)])
def test_only_site_admins_and_the_account_lead_may_invoice(billing, who, status):
    assert draft(billing[who]).status_code == status


@pytest.mark.parametrize(("who", "status"), [("lead", 200), ("other", 403),
                                             ("anonymous", 401)])
def test_others_may_not_read_issue_or_void_an_invoice(billing, who, status):
    invoice = created(billing["admin"])
    client = billing[who]
    assert client.get(f"/invoices/{invoice['id']}").status_code == status
    assert client.get(f"/invoices/{invoice['id']}/pdf").status_code == status
    assert act(client, invoice, "issue").status_code == status


def test_the_list_filters_by_account_and_status_and_hides_others_accounts(billing):
    admin = billing["admin"]
    issued = created(admin)
    act(admin, issued, "issue")
    drafted = created(admin)
    listed = admin.get("/invoices").json()
    assert [i["id"] for i in listed["results"]] == [drafted["id"], issued["id"]]
    only_issued = admin.get("/invoices", params={"status": "ISSUED", "accountKey": "ACME"})
    assert [i["id"] for i in only_issued.json()["results"]] == [issued["id"]]
    assert billing["lead"].get("/invoices").json()["metadata"]["count"] == 2
    assert billing["other"].get("/invoices").status_code == 403
    bad = admin.get("/invoices", params={"status": "PAID"})
    assert bad.status_code == 400 and bad.json()["errors"]["fields"][0]["field"] == "status"


def test_invoices_are_in_the_audit_trail(billing):
    admin = billing["admin"]
    invoice = created(admin)
    act(admin, invoice, "issue")
    found = admin.post("/papertrail/search", json={"from": "2000-01-01",
                                                   "entityType": ["invoice"]}).json()
    events = [(e["action"], e["entityId"]) for e in found["results"]]
    assert events == [("Created", str(invoice["id"])), ("Updated", str(invoice["id"]))]
    changed = {c["field"]: c["new"] for c in found["results"][1]["changes"]}
    assert changed["status"] == "ISSUED" and changed["number"] == 1


def test_the_printable_page_escapes_what_people_typed(billing):
    admin = billing["admin"]
    invoice = created(admin)
    act(admin, invoice, "issue")
    page = admin.get(f"/invoices/{invoice['id']}/html")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "INV-000001" in page.text and "621.91 EUR" in page.text
    assert "&lt;b&gt;night train&lt;/b&gt;" in page.text and "<b>night" not in page.text


def test_the_pdf_is_a_real_pdf_with_the_number_and_total(billing):
    admin = billing["admin"]
    invoice = created(admin)
    act(admin, invoice, "issue")
    response = admin.get(f"/invoices/{invoice['id']}/pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "INV-000001" in text and "621.91 EUR" in text and "night train" in text


def test_an_invoiced_expense_cannot_change_until_the_invoice_is_void(billing):
    admin, expense_id = billing["admin"], billing["expense"]
    invoice = created(admin)
    act(admin, invoice, "issue")
    edit = {"accountKey": "ACME", "date": "2026-11-26", "category": "TRAVEL", "billable": True,
            "amount": {"value": 1, "currencyCode": "EUR"}}
    refused = admin.put(f"/expenses/{expense_id}", json=edit)
    assert refused.status_code == 409 and "issued invoice" in refused.json()["errors"]["message"]
    assert admin.delete(f"/expenses/{expense_id}").status_code == 409
    act(admin, invoice, "void")
    assert admin.put(f"/expenses/{expense_id}", json=edit).status_code == 200


def test_non_billable_time_is_exported_but_not_invoiced(billing, world):
    ada = billing["ada"]
    log(ada, world["story"], "2026-11-30", 1800, billableSeconds=0)
    approve(ada, billing["lead"], world["ada"].account_id, NEXT_WEEK)
    rows = rows_of(export(billing["admin"], **NEXT_WEEK))
    assert [(r["hours"], r["billableHours"], r["amount"]) for r in rows] == [
        ("0.50", "0.00", "0.00")]
    assert created(billing["admin"], "ISSUE", **NEXT_WEEK)["lines"] == []


def test_an_invoiced_timesheet_stays_approved_until_the_invoice_is_void(billing, world):
    admin, ada = billing["admin"], world["ada"].account_id
    invoice = created(admin)
    act(admin, invoice, "issue")

    def reopen():
        return admin.post(f"/timesheet-approvals/user/{ada}/reopen", params=WEEK,
                          json={"comment": "a correction"})

    refused = reopen()
    assert refused.status_code == 409 and "issued invoice" in refused.json()["errors"]["message"]
    act(admin, invoice, "void")
    assert reopen().status_code == 200


def test_keeping_jiras_version_of_an_invoiced_worklog_waits_for_the_void(billing, world,
                                                                          run_jobs):
    """A Jira-side edit of billed time is a discrepancy like any other, but keeping Jira's
    version would reopen the timesheet under an issued invoice: 409 until it is void."""
    admin, site, model = billing["admin"], world["site"], world["model"]
    invoice = created(admin)
    act(admin, invoice, "issue")
    jira_id = admin.get(f"/worklogs/{billing['worklogs'][0]}").json()["jiraWorklogId"]
    model.update_worklog(jira_id, time_spent_seconds=60)
    site.send_webhook("worklog_updated", model.worklog_event_payload(
        model.worklog(jira_id), "worklog_updated"))
    run_jobs()
    (found,) = admin.get("/discrepancies", params={"status": "OPEN"}).json()["results"]

    def keep_jira():
        return admin.post(f"/discrepancies/{found['id']}/resolve", json={"keep": "JIRA"})

    refused = keep_jira()
    assert refused.status_code == 409 and "issued invoice" in refused.json()["errors"]["message"]
    assert admin.get("/discrepancies", params={"status": "OPEN"}).json()["metadata"]["count"] == 1
    act(admin, invoice, "void")
    assert keep_jira().status_code == 200
