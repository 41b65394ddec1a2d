"""Demo data for dev mode: a project, an epic and a story, a user, accounts and an attribute,
so every panel has something to show without a Jira site."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..jira.source import BrowseGrants
from ..models import Account
from ..models import AccountCategory
from ..models import AccountLink
from ..models import Customer
from ..models import JiraIssue
from ..models import JiraProject
from ..models import JiraUser
from ..models import WorkAttribute

DEMO_ACCOUNT_ID = "demo-user-0001"
DEMO_PROJECT_ID = "10000"
DEMO_ISSUE_ID = "10001"
DEMO_EPIC_ID = "10002"


def seed_demo_data(session: Session) -> None:
    """Idempotent: running ``ledgerline demo`` twice leaves one copy."""
    if session.scalar(select(JiraProject.id).where(JiraProject.jira_id == DEMO_PROJECT_ID)):
        return
    session.add(JiraProject(jira_id=DEMO_PROJECT_ID, key="DEMO", name="Demo client work",
                            lead_account_id=DEMO_ACCOUNT_ID))
    session.add(JiraUser(account_id=DEMO_ACCOUNT_ID, display_name="Dana Demo",
                         time_zone="Europe/Berlin", account_type="atlassian"))
    session.add(JiraIssue(jira_id=DEMO_EPIC_ID, key="DEMO-2", project_jira_id=DEMO_PROJECT_ID,
                          summary="Website relaunch", issue_type="Epic", hierarchy_level=1,
                          status="In Progress"))
    session.add(JiraIssue(jira_id=DEMO_ISSUE_ID, key="DEMO-1", project_jira_id=DEMO_PROJECT_ID,
                          summary="Build the checkout page", issue_type="Story",
                          status="In Progress", parent_jira_id=DEMO_EPIC_ID,
                          original_estimate_seconds=8 * 3600))
    customer = Customer(key="ACME", name="Acme Corp")
    billable = AccountCategory(key="BILL", name="Billable client work", type_name="BILLABLE")
    internal = AccountCategory(key="INT", name="Internal", type_name="INTERNAL")
    delivery = Account(key="ACME-DEV", name="Acme: Development", customer=customer,
                       category=billable, lead_account_id=DEMO_ACCOUNT_ID, currency="EUR")
    overhead = Account(key="INTERNAL", name="Internal overhead", category=internal,
                       is_global=True, currency="EUR")
    session.add_all([customer, billable, internal, delivery, overhead])
    session.flush()
    session.add(AccountLink(account_id=delivery.id, scope_id=DEMO_PROJECT_ID, is_default=True))
    session.add(WorkAttribute(key="_WorkType_", name="Work type", type="STATIC_LIST",
                              required=True, values=["DEV", "MEET", "SUP"],
                              names={"DEV": "Development", "MEET": "Meeting", "SUP": "Support"}))


class DemoSite:
    """The dev-mode demo site's answers to what the app asks Jira about people.

    The demo tenant has no Jira behind it; its one user, Dana Demo, administers it.
    """

    def is_site_admin(self, account_id: str) -> bool:
        return account_id == DEMO_ACCOUNT_ID

    def browse_grants(self, account_id: str, project_ids: list[str]) -> BrowseGrants:
        return BrowseGrants(site_admin=self.is_site_admin(account_id),
                            project_ids=frozenset())
