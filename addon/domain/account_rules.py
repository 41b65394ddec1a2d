"""Which account applies to a worklog, and why.

In order: the account chosen on the worklog (it must be global or linked to the issue's
project) → the issue's Account field → the nearest ancestor's (parent, then epic) Account
field → the project's default account → none. The API and the panel show the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account
from ..models import AccountLink
from ..models import JiraIssue
from ..models.account import ACCOUNT_OPEN
from .errors import FieldProblem
from .errors import PolicyViolation
from .issues import live_issue
from .sync_batch import current_batch
from .sync_batch import find_row
from .sync_batch import memoized

RULE_WORKLOG = "WORKLOG"
RULE_ISSUE = "ISSUE"
RULE_PARENT = "PARENT"
RULE_EPIC = "EPIC"
RULE_PROJECT_DEFAULT = "PROJECT_DEFAULT"
RULE_NONE = "NONE"
ACCOUNT_FIELD = "attributes._Account_"
MAX_ANCESTORS = 5  # subtask → story → epic is 2; a guard against cycles in bad data


@dataclass(frozen=True)
class AccountChoice:
    account: Account | None
    rule: str
    via_issue_key: str | None = None

    @property
    def key(self) -> str | None:
        return self.account.key if self.account else None


def account_by_key(session: Session, key: str) -> Account | None:
    return session.scalar(select(Account).where(Account.key == key))


def account_for_field_value(session: Session, value: str | None) -> Account | None:
    """The account an issue's Account field points at (its Jira option id, or its key)."""
    if not value:
        return None
    return memoized(session, ("field", value), lambda: _account_for_field_value(session, value))


def _account_for_field_value(session: Session, value: str) -> Account | None:
    by_option = session.scalar(select(Account).where(Account.jira_option_id == value))
    return by_option or session.scalar(select(Account).where(Account.key == value))


def usable_on_project(session: Session, account: Account, project_jira_id: str) -> bool:
    if account.is_global:
        return True
    return session.scalar(select(AccountLink.id).where(
        AccountLink.account_id == account.id, AccountLink.scope_id == project_jira_id)) is not None


def project_default(session: Session, project_jira_id: str) -> Account | None:
    return memoized(session, ("default", project_jira_id),
                    lambda: _project_default(session, project_jira_id))


def _project_default(session: Session, project_jira_id: str) -> Account | None:
    link = session.scalar(select(AccountLink).where(
        AccountLink.scope_id == project_jira_id, AccountLink.is_default.is_(True)))
    return link.account if link else None


def _issue(session: Session, jira_id: str | None) -> JiraIssue | None:
    if jira_id and current_batch(session) is not None:  # sees the batch's own new issues
        issue = find_row(session, JiraIssue, jira_id)
        return issue if issue is not None and not issue.deleted else None
    return live_issue(session, jira_id=jira_id)


def resolve_account(session: Session, issue: JiraIssue, chosen_key: str | None) -> AccountChoice:
    """The account for time on ``issue``. Raises PolicyViolation for an unusable choice."""
    if chosen_key:
        account = account_by_key(session, chosen_key)
        if account is None:
            raise PolicyViolation(f"account {chosen_key!r} not found", [FieldProblem(
                ACCOUNT_FIELD, f"account {chosen_key!r} not found", "not_found")])
        if not usable_on_project(session, account, issue.project_jira_id):
            raise PolicyViolation("account not available here", [FieldProblem(
                ACCOUNT_FIELD, f"account {chosen_key!r} is neither global nor linked to this "
                "project", "not_linked")])
        return AccountChoice(account, RULE_WORKLOG)
    account = account_for_field_value(session, issue.account_field_value)
    if account is not None:
        return AccountChoice(account, RULE_ISSUE, issue.key)
    ancestor = _issue(session, issue.parent_jira_id)
    for _ in range(MAX_ANCESTORS):
        if ancestor is None:
            break
        account = account_for_field_value(session, ancestor.account_field_value)
        if account is not None:
            rule = RULE_EPIC if ancestor.hierarchy_level >= 1 else RULE_PARENT
            return AccountChoice(account, rule, ancestor.key)
        ancestor = _issue(session, ancestor.parent_jira_id)
    account = project_default(session, issue.project_jira_id)
    if account is not None:
        return AccountChoice(account, RULE_PROJECT_DEFAULT)
    return AccountChoice(None, RULE_NONE)


def require_open(choice: AccountChoice) -> None:
    """New time may only go to an OPEN account (closed take none, archived are hidden)."""
    if choice.account is not None and choice.account.status != ACCOUNT_OPEN:
        status = choice.account.status.lower()
        raise PolicyViolation(f"account {choice.account.key!r} is {status}", [FieldProblem(
            ACCOUNT_FIELD, f"account {choice.account.key!r} is {status} and accepts no new time",
            f"account_{status}")])


def selectable_accounts(session: Session, project_jira_id: str) -> list[Account]:
    """Accounts a picker offers on a project: linked or global, OPEN (archived are hidden)."""
    linked = select(AccountLink.account_id).where(AccountLink.scope_id == project_jira_id)
    return list(session.scalars(select(Account).where(
        Account.status == ACCOUNT_OPEN,
        or_(Account.is_global.is_(True), Account.id.in_(linked)),
    ).order_by(Account.name)))
