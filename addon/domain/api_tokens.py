"""API tokens: a user's (or, made by an admin, the site's) key to the REST API.

The token is shown once at creation; only its SHA-256 is stored. A token acts with its owner's
permissions, so revoking the owner's rights in Jira revokes the token's too.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ApiToken
from .errors import Forbidden
from .errors import NotFound
from .errors import invalid

TOKEN_PREFIX = "llt_"
LAST_USED_RESOLUTION = timedelta(minutes=5)  # don't write on every request


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, *, owner: str, name: str, now: datetime) -> tuple[str, ApiToken]:
    """A new token for ``owner``; returns (the token, shown once; its row)."""
    if not isinstance(name, str) or not name.strip() or len(name) > 255 or "\x00" in name:
        raise invalid("name", "a token needs a name of 1-255 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(token_sha256=_digest(token), prefix=token[:10], name=name.strip(),
                   owner_account_id=owner, created_at=now)
    session.add(row)
    session.flush()
    return token, row


def find_active_token(session: Session, token: str, *, now: datetime) -> ApiToken | None:
    """The live token row, from a session opened for all tenants (the token names the tenant)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_sha256 == _digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        row.last_used_at = now
    return row


def list_tokens(session: Session, *, owner: str | None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    if owner is not None:
        query = query.where(ApiToken.owner_account_id == owner)
    return list(session.scalars(query))


def revoke_token(session: Session, token_id: int, *, actor: str, actor_is_admin: bool,
                 now: datetime) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None or row.tenant_id != session.tenant_id:
        raise NotFound(f"token {token_id} not found")
    if row.owner_account_id != actor and not actor_is_admin:
        raise Forbidden("only the token's owner or a site admin may revoke it")
    row.revoked_at = row.revoked_at or now
    return row
