"""Client-shared reports (issue 9): a link that shows one account's live figures for one period
to someone without a Jira account.

The link carries a long random token; only its SHA-256 is stored, so the link is shown once
(when it is made) and cannot be recovered. Opening it looks the hash up across tenants (the
token alone names the share), refuses an expired or revoked share exactly like an unknown one,
records the access, and reads the figures through the cost report, restricted to the share's
account and period. Amounts (billed revenue; never cost or margin) appear only when chosen.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Share
from ..models import ShareAccess
from ..models.share import SHARE_SECTIONS
from ..models.share import USER_AGENT_LIMIT
from . import access
from .access import Caller
from .account_rules import account_by_key
from .errors import FieldProblem
from .errors import InvalidInput
from .errors import NotFound
from .reports.cost import CostQuery
from .reports.cost import Figures
from .reports.cost import Row
from .reports.cost import cost_report

# A link without ``expiresAt`` lives this long; none lives longer than the maximum.
DEFAULT_LIFETIME = timedelta(days=30)
MAX_LIFETIME = timedelta(days=366)
TOKEN_BYTES = 32
# Longer than any token we make; anything longer is refused before a database look-up.
MAX_TOKEN_LENGTH = 128
AMOUNTS = "amounts"
# The hour tables a share can show, in page order: the report dimension, title, column.
SECTIONS = (("hours_by_epic", "epic", "Hours by epic", "Epic"),
            ("hours_by_issue", "issue", "Hours by issue", "Issue"),
            ("hours_by_person", "user", "Hours by person", "Person"))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ShareDraft:
    """What a caller asked for; ``None`` where the value is missing or already refused."""

    account_key: str | None
    date_from: date | None
    date_to: date | None
    show: list[str] | None
    expires_at: datetime | None


def _problems(session: Session, draft: ShareDraft, *, reported: set[str],
              now: datetime) -> list[FieldProblem]:
    problems: list[FieldProblem] = []

    def add(name: str, message: str, code: str = "invalid") -> None:
        if name not in reported:
            problems.append(FieldProblem(name, message, code))

    if draft.account_key is None:
        add("accountKey", "'accountKey' is required", "required")
    elif account_by_key(session, draft.account_key) is None:
        add("accountKey", f"no account with key {draft.account_key!r}", "unknown")
    if draft.date_from is None:
        add("from", "'from' is required", "required")
    if draft.date_to is None:
        add("to", "'to' is required", "required")
    elif draft.date_from is not None and draft.date_from > draft.date_to:
        add("to", "'to' must not be before 'from'")
    if not draft.show:
        add("show", f"'show' needs at least one of {', '.join(SHARE_SECTIONS)}", "required")
    else:
        unknown = sorted({s for s in draft.show if s not in SHARE_SECTIONS})
        if unknown:
            add("show", f"unknown 'show' values: {', '.join(unknown)}; choose from "
                f"{', '.join(SHARE_SECTIONS)}", "unknown")
    if draft.expires_at is not None:
        if draft.expires_at <= now:
            add("expiresAt", "'expiresAt' must be in the future")
        elif draft.expires_at > now + MAX_LIFETIME:
            add("expiresAt", f"'expiresAt' must be within {MAX_LIFETIME.days} days",
                "out_of_range")
    return problems


def create_share(session: Session, caller: Caller, draft: ShareDraft, *, now: datetime,
                 reported: list[FieldProblem] = ()) -> tuple[str, Share]:
    """A new share; returns (the token, shown once; the row). ``reported`` are the problems
    the caller's layer already found, so the client sees every bad field at once."""
    access.require_share_manager(session, caller)
    problems = [*reported, *_problems(session, draft, reported={p.field for p in reported},
                                      now=now)]
    if problems:
        raise InvalidInput(problems[0].message if len(problems) == 1 else
                           "invalid share", problems)
    access.require_share_manager(session, caller, draft.account_key)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    share = Share(token_hash=token_digest(token), account_key=draft.account_key,
                  date_from=draft.date_from, date_to=draft.date_to,
                  show=[s for s in SHARE_SECTIONS if s in draft.show],
                  expires_at=draft.expires_at or now + DEFAULT_LIFETIME, created_at=now,
                  created_by=caller.account_id)
    session.add(share)
    session.flush()
    return token, share


def list_shares(session: Session, caller: Caller) -> list[Share]:
    """The shares of the accounts ``caller`` manages, newest first."""
    accounts = access.require_share_manager(session, caller)
    statement = select(Share).order_by(Share.id.desc())
    if accounts is not None:
        statement = statement.where(Share.account_key.in_(sorted(accounts)))
    return list(session.scalars(statement))


def get_share(session: Session, caller: Caller, share_id: int) -> Share:
    """One share of an account ``caller`` manages (403 for other accounts, 404 if none)."""
    access.require_share_manager(session, caller)
    share = session.scalar(select(Share).where(Share.id == share_id))
    if share is None:
        raise NotFound(f"share {share_id} not found")
    access.require_share_manager(session, caller, share.account_key)
    return share


def revoke_share(session: Session, caller: Caller, share_id: int, *, now: datetime) -> Share:
    """The link stops working at once; revoking twice keeps the first revocation."""
    share = get_share(session, caller, share_id)
    if share.revoked_at is None:
        share.revoked_at, share.revoked_by = now, caller.account_id
    return share


def list_accesses(session: Session, caller: Caller, share_id: int) -> list[ShareAccess]:
    share = get_share(session, caller, share_id)
    return list(session.scalars(select(ShareAccess).where(ShareAccess.share_id == share.id)
                                .order_by(ShareAccess.accessed_at.desc(), ShareAccess.id.desc())))


def find_live_share(session: Session, token: str, *, now: datetime) -> Share | None:
    """The share behind ``token`` if it is neither expired nor revoked, from a session opened
    for all tenants; None otherwise (the caller cannot tell unknown from expired)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    share = session.scalar(select(Share).where(Share.token_hash == token_digest(token)))
    if share is None or share.revoked_at is not None or share.expires_at <= now:
        return None
    return share


def record_access(session: Session, share_id: int, *, user_agent: str | None,
                  now: datetime) -> None:
    session.add(ShareAccess(share_id=share_id, accessed_at=now,
                            user_agent=(user_agent or None) and user_agent[:USER_AGENT_LIMIT]))


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    label: str
    rows: list[Row]


@dataclass(frozen=True)
class SharedReport:
    account_name: str
    date_from: date
    date_to: date
    currency: str
    amounts: bool
    sections: list[Section]
    totals: Figures
    unpriced: bool


def shared_report(session: Session, tenant_id: int, share: Share) -> SharedReport:
    """The share's live figures: its account and period only, the sections it chose."""
    sections, report = [], None
    for key, dimension, title, label in SECTIONS:
        if key in share.show:
            report = cost_report(session, tenant_id, _query(share, dimension))
            sections.append(Section(key, title, label, report.rows))
    if report is None:  # amounts alone: the totals are all there is to show
        report = cost_report(session, tenant_id, _query(share, "account"))
    account = account_by_key(session, share.account_key)
    amounts = AMOUNTS in share.show
    return SharedReport(
        account_name=account.name if account else share.account_key,
        date_from=share.date_from, date_to=share.date_to, currency=report.currency,
        amounts=amounts, sections=sections, totals=report.totals,
        unpriced=amounts and report.totals.revenue is None)


def _query(share: Share, dimension: str) -> CostQuery:
    return CostQuery(date_from=share.date_from, date_to=share.date_to, group_by=(dimension,),
                     account_key=share.account_key)
