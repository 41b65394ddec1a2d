"""Jira webhooks: verify (the guard, real qsh only), store in the inbox, answer, process later.

No domain work happens in the request: Jira gives a webhook a few seconds and retries
otherwise, and the inbox must accept deliveries even while Redis or the workers are down.
"""

from __future__ import annotations

from flask import Blueprint
from flask import request

from connect.context import current_context

from ..db import request_session
from ..domain.inbox import IDENTIFIER_MAX
from ..domain.inbox import UnknownEvent
from ..domain.inbox import receive_webhook
from ..errors import ApiError
from ..hardening import user_optional
from ..jobs import DRAIN_INBOX_JOB
from ..jobs import DRAIN_THROTTLE_SECONDS
from ..jobs import drain_key
from ..jobs import get_jobs
from ..models.base import utcnow

bp = Blueprint("webhooks", __name__)
WEBHOOK_PATH = "/webhooks/jira"


@bp.post(WEBHOOK_PATH)
@user_optional  # Jira signs webhooks as the app: there is no user
def receive():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiError(400, "expected a JSON object", field="body")
    event_type = payload.get("webhookEvent")
    if not isinstance(event_type, str):
        raise ApiError(400, "webhookEvent is required", field="webhookEvent")
    identifier = request.headers.get("X-Atlassian-Webhook-Identifier")
    if identifier is not None and (len(identifier) > IDENTIFIER_MAX or "\x00" in identifier):
        raise ApiError(400, f"the webhook identifier must be at most {IDENTIFIER_MAX} "
                       "characters without NUL", field="X-Atlassian-Webhook-Identifier")
    tenant_id = current_context().tenant_id
    session = request_session(tenant_id)
    try:
        with session.begin():
            stored = receive_webhook(session, event_type=event_type, payload=payload,
                                     now=utcnow(), identifier=identifier)
    except UnknownEvent:
        raise ApiError(400, f"unsupported event {event_type}", field="webhookEvent") from None
    if stored:
        get_jobs().enqueue_once(drain_key(tenant_id), DRAIN_INBOX_JOB, tenant_id, queue="sync",
                                throttle_seconds=DRAIN_THROTTLE_SECONDS)
    return "", 204
