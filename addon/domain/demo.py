"""Demo data for dev mode.

``seed_demo_data`` is the offline demo (``ledgerline demo``): a synced project, epic and story
written straight into the mirror, with no Jira behind them. ``seed_demo_setup`` is the app's
side of ``make run``'s demo site (``ledgerline demo-site``), whose projects and issues come from
a Jira that answers: customers, categories, three accounts (two clients, one internal) linked
to those projects, and the required work type attribute.
"""

from __future__ import annotations

from dataclasses import dataclass

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
WORK_TYPE = "_WorkType_"


@dataclass(frozen=True)
class DemoAccount:
    key: str
    name: str
    category: str  # BILL or INT
    currency: str
    customer: tuple[str, str] | None = None  # (key, name)
    project_key: str | None = None  # the Jira project it is the default account of
    is_global: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("ACME-DEV", "Acme: Development", "BILL", "EUR", ("ACME", "Acme Corp"), "ACME"),
    DemoAccount("GLOBEX-DATA", "Globex: Data platform", "BILL", "USD",
                ("GLOBEX", "Globex Corporation"), "GLOBEX"),
    DemoAccount("INTERNAL", "Internal overhead", "INT", "EUR", None, "OPS", is_global=True),
)


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
    seed_demo_setup(session, project_ids={"ACME": DEMO_PROJECT_ID}, lead=DEMO_ACCOUNT_ID)


def seed_demo_setup(session: Session, *, project_ids: dict[str, str], lead: str) -> None:
    """Categories, customers, the demo accounts (default on their project where
    ``project_ids`` names it, by project key) and the work type attribute. Idempotent."""
    if session.scalar(select(WorkAttribute.id).where(WorkAttribute.key == WORK_TYPE)):
        return
    categories = {"BILL": AccountCategory(key="BILL", name="Billable client work",
                                          type_name="BILLABLE"),
                  "INT": AccountCategory(key="INT", name="Internal", type_name="INTERNAL")}
    session.add_all(categories.values())
    for spec in DEMO_ACCOUNTS:
        customer = Customer(key=spec.customer[0], name=spec.customer[1]) if spec.customer else None
        account = Account(key=spec.key, name=spec.name, customer=customer,
                          category=categories[spec.category], lead_account_id=lead,
                          currency=spec.currency, is_global=spec.is_global)
        session.add(account)
        session.flush()
        if spec.project_key in project_ids:
            session.add(AccountLink(account_id=account.id, scope_id=project_ids[spec.project_key],
                                    is_default=True))
    session.add(WorkAttribute(key=WORK_TYPE, name="Work type", type="STATIC_LIST", required=True,
                              values=["DEV", "REV", "MEET", "SUP"],
                              names={"DEV": "Development", "REV": "Code review",
                                     "MEET": "Meeting", "SUP": "Support"}))


def synced_keys(session: Session) -> tuple[dict[str, str], dict[str, str]]:
    """The mirror's (project key → Jira id, issue key → Jira id), for seeding by key."""
    projects = dict(session.execute(select(JiraProject.key, JiraProject.jira_id).where(
        JiraProject.deleted_at.is_(None))).all())
    issues = dict(session.execute(select(JiraIssue.key, JiraIssue.jira_id).where(
        JiraIssue.deleted_at.is_(None))).all())
    return projects, issues


class DemoSite:
    """The dev-mode demo site's answers to what the app asks Jira about people.

    The demo tenant has no Jira behind it; its one user, Dana Demo, administers it.
    """

    def is_site_admin(self, account_id: str) -> bool:
        return account_id == DEMO_ACCOUNT_ID

    def site_admins(self) -> list[str]:
        return [DEMO_ACCOUNT_ID]

    def browse_grants(self, account_id: str, project_ids: list[str]) -> BrowseGrants:
        return BrowseGrants(site_admin=self.is_site_admin(account_id),
                            project_ids=frozenset())
