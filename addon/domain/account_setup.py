"""Customers, account categories, and the links that make accounts usable on Jira projects.

A project may link many accounts and have one default (the fallback in account resolution);
the admin page maps projects one by one or in bulk through ``map_projects``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from ..models import Account
from ..models import AccountCategory
from ..models import AccountLink
from ..models import Customer
from ..models import JiraProject
from ..models.account import CATEGORY_TYPES
from .accounts import get_account
from .accounts import key_and_name_problems
from .errors import Conflict
from .errors import FieldProblem
from .errors import InvalidInput
from .errors import NotFound
from .errors import invalid


def _unique(session: Session, model, key: str) -> None:
    if session.scalar(select(model.id).where(model.key == key)) is not None:
        raise Conflict(f"{key!r} exists", [FieldProblem("key", f"{key!r} is taken", "duplicate")])


def get_by_key(session: Session, model, key: str):
    row = session.scalar(select(model).where(model.key == key))
    if row is None:
        raise NotFound(f"{model.__name__} {key!r} not found")
    return row


def get_by_id(session: Session, model, row_id: int):
    row = session.scalar(select(model).where(model.id == row_id))
    if row is None:
        raise NotFound(f"{model.__name__} {row_id} not found")
    return row


def list_rows(session: Session, model, keys: list[str] | None = None) -> list:
    query = select(model).order_by(model.id)
    if keys:
        query = query.where(model.key.in_(keys))
    return list(session.scalars(query))


def _keyed_row(session: Session, model, key: str, name: str, existing_key: str | None,
               problems: list[FieldProblem] = ()):
    """A new row (``existing_key`` None) or the existing one re-keyed, with its name set."""
    problems = key_and_name_problems(key, name) + list(problems)
    if problems:
        raise InvalidInput(problems[0].message, problems)
    key, name = key.strip(), name.strip()
    if existing_key is None:
        _unique(session, model, key)
        row = model(key=key)
        session.add(row)
    else:
        row = get_by_key(session, model, existing_key)
        if key != existing_key:
            _unique(session, model, key)
        row.key = key
    row.name = name
    return row


def save_customer(session: Session, *, key, name, existing_key: str | None = None) -> Customer:
    """Create (``existing_key`` None) or replace a customer."""
    customer = _keyed_row(session, Customer, key, name, existing_key)
    session.flush()
    return customer


def save_category(session: Session, *, key, name, type_name,
                  existing_key: str | None = None) -> AccountCategory:
    """Create or replace a category; its type (BILLABLE, ...) sets accounts' billable default."""
    problems = [] if isinstance(type_name, str) and type_name in CATEGORY_TYPES else [
        FieldProblem("typeName", f"typeName must be one of {', '.join(CATEGORY_TYPES)}")]
    category = _keyed_row(session, AccountCategory, key, name, existing_key, problems)
    category.type_name = type_name
    session.flush()
    return category


def delete_by_key(session: Session, model, key: str) -> None:
    session.delete(get_by_key(session, model, key))


def _project_exists(session: Session, project_id: str) -> bool:
    return session.scalar(select(JiraProject.id).where(
        JiraProject.jira_id == project_id, JiraProject.deleted_at.is_(None))) is not None


def link_account(session: Session, *, account_key: str, project_id: str,
                 default: bool = False, scope_type: str = "PROJECT") -> AccountLink:
    """Make an account usable on a project (idempotent), optionally as its default."""
    if scope_type != "PROJECT":
        raise invalid("scopeType", "scopeType must be PROJECT")
    if not isinstance(project_id, str) or not project_id.isdigit():
        raise invalid("scopeId", "scopeId must be a Jira project id")
    if not _project_exists(session, project_id):
        raise invalid("scopeId", f"project {project_id} is not a known Jira project", "not_found")
    account = get_account(session, account_key)
    link = session.scalar(select(AccountLink).where(AccountLink.account_id == account.id,
                                                    AccountLink.scope_id == project_id))
    if link is None:
        link = AccountLink(account_id=account.id, scope_id=project_id, scope_type=scope_type)
        session.add(link)
        session.flush()
    if default:
        make_default(session, link.id)
    return link


def make_default(session: Session, link_id: int) -> AccountLink:
    link = get_by_id(session, AccountLink, link_id)
    session.execute(update(AccountLink).where(
        AccountLink.scope_id == link.scope_id, AccountLink.id != link.id,
        AccountLink.is_default.is_(True)).values(is_default=False)
        .execution_options(synchronize_session="fetch"))
    session.flush()  # the one-default index must see the old default cleared first
    link.is_default = True
    session.flush()
    return link


def delete_link(session: Session, link_id: int) -> None:
    session.delete(get_by_id(session, AccountLink, link_id))


def links_for_project(session: Session, project_id: str) -> list[AccountLink]:
    return list(session.scalars(select(AccountLink).where(AccountLink.scope_id == project_id)
                                .order_by(AccountLink.is_default.desc(), AccountLink.id)))


def links_for_account(session: Session, account: Account) -> list[AccountLink]:
    return list(session.scalars(select(AccountLink).where(AccountLink.account_id == account.id)
                                .order_by(AccountLink.id)))


@dataclass(frozen=True)
class ProjectMapping:
    project: JiraProject
    default_account: Account | None
    linked: list[Account]


def project_mappings(session: Session) -> list[ProjectMapping]:
    """Every live synced project with its linked accounts and default (for the admin page)."""
    projects = list(session.scalars(select(JiraProject).where(JiraProject.deleted_at.is_(None))
                                    .order_by(JiraProject.key)))
    links = list(session.scalars(select(AccountLink)))
    by_project: dict[str, list[AccountLink]] = {}
    for link in links:
        by_project.setdefault(link.scope_id, []).append(link)
    return [ProjectMapping(
        project=p,
        default_account=next((lk.account for lk in by_project.get(p.jira_id, [])
                              if lk.is_default), None),
        linked=[lk.account for lk in by_project.get(p.jira_id, [])]) for p in projects]


def map_projects(session: Session, mappings: dict[str, str | None]) -> int:
    """Set each project's default account (key) or clear it (None), in one transaction.

    Returns how many projects changed. Any bad pair refuses the whole batch.
    """
    changed = 0
    for project_id, account_key in mappings.items():
        if account_key:
            link = link_account(session, account_key=account_key, project_id=project_id,
                                default=True)
            changed += 1 if link else 0
        else:
            changed += session.execute(update(AccountLink).where(
                AccountLink.scope_id == project_id, AccountLink.is_default.is_(True))
                .values(is_default=False).execution_options(synchronize_session="fetch")
            ).rowcount
    return changed
