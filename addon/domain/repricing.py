"""Re-pricing after a change to rates, roles, exchange rates or account terms.

A change notes a new generation (``request_repricing``) in its own transaction and enqueues
the job after commit; the job brings every unfrozen worklog and every expense to the current
tables and records the generation it reached and when (``pricing_status``, shown by reports).
A job that finds nothing requested since the last run does nothing, so duplicates are cheap.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..models import TenantSetting
from .expenses import reprice_expenses
from .pricing import PricingContext
from .pricing import reprice_worklogs

PRICING_SETTING = "pricing"


def request_repricing(session: Session, *, now: datetime) -> int:
    """Note that prices must follow a change (the caller enqueues the job after commit).
    Returns the generation the job will bring the prices to."""
    setting = session.get(TenantSetting, (session.tenant_id, PRICING_SETTING))
    state = dict(setting.value) if setting else {"requested": 0, "done": 0}
    state["requested"] = state.get("requested", 0) + 1
    state["requested_at"] = now.isoformat()
    _save(session, setting, state)
    return state["requested"]


def pricing_status(session: Session) -> dict:
    """``{upToDate, requestedAt, finishedAt}``: whether every unfrozen line follows the rates."""
    setting = session.get(TenantSetting, (session.tenant_id, PRICING_SETTING))
    state = setting.value if setting else {}
    return {"upToDate": state.get("done", 0) >= state.get("requested", 0),
            "requestedAt": state.get("requested_at"), "finishedAt": state.get("finished_at")}


def reprice(session: Session, tenant_id: int, *, now: datetime) -> int:
    """Re-price the tenant's worklogs and expenses; returns how many lines were priced."""
    setting = session.get(TenantSetting, (tenant_id, PRICING_SETTING))
    state = dict(setting.value) if setting else {"requested": 0, "done": 0}
    target = state.get("requested", 0)
    if setting is not None and state.get("done", 0) >= target:
        return 0
    ctx = PricingContext.load(session)
    count = reprice_worklogs(session, tenant_id, ctx, now=now)
    count += reprice_expenses(session, ctx)
    if setting is not None:
        # A change may have been requested meanwhile: keep its number, lock until we commit.
        session.refresh(setting, with_for_update=session.bind.dialect.name == "postgresql")
        state = dict(setting.value)
    state["done"] = max(state.get("done", 0), target)
    state["finished_at"] = now.isoformat()
    _save(session, setting, state)
    return count


def _save(session: Session, setting: TenantSetting | None, state: dict) -> None:
    if setting is None:
        session.add(TenantSetting(name=PRICING_SETTING, value=state))
    else:
        setting.value = state
