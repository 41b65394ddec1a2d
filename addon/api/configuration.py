"""``/api/4/globalconfiguration``: Tempo's global configuration, backed by the worklog policy."""

from __future__ import annotations

from flask import jsonify

from connect.context import allow_context_qsh

from ..caller import require_site_admin
from ..domain.capacity.periods import load_week_start
from ..domain.capacity.periods import save_week_start
from ..domain.errors import FieldProblem
from ..domain.errors import InvalidInput
from ..domain.policy import load_policy
from ..domain.policy import save_policy
from . import bp
from .inputs import json_body
from .inputs import tenant_session


def _configuration(policy, week_start: int) -> dict:
    """Tempo's global configuration names, then our policy under ``policy``."""
    return {
        "allowLoggingOnClosedAccount": False,
        "maxHoursPerDayPerUser": policy.max_seconds_per_day / 3600,
        "numberOfDaysAllowedIntoFuture": policy.days_ahead_allowed,
        "worklogDescriptionOptional": not policy.description_required,
        "remainingEstimateOptional": True,
        "startAndEndTimesEnabled": True,
        "weekStart": week_start,
        "approvalPeriod": "WEEK",
        "approvalWeekStart": 1,
        "policy": {
            "descriptionRequired": policy.description_required,
            "accountRequired": policy.account_required,
            "minDurationSeconds": policy.min_duration_seconds,
            "maxDurationSeconds": policy.max_duration_seconds,
            "maxSecondsPerDay": policy.max_seconds_per_day,
            "daysBackAllowed": policy.days_back_allowed,
            "daysAheadAllowed": policy.days_ahead_allowed,
            "hoursPerDay": policy.hours_per_day,
            "daysPerWeek": policy.days_per_week,
        },
    }


_POLICY_FIELDS = {
    "descriptionRequired": "description_required", "accountRequired": "account_required",
    "minDurationSeconds": "min_duration_seconds", "maxDurationSeconds": "max_duration_seconds",
    "maxSecondsPerDay": "max_seconds_per_day", "daysBackAllowed": "days_back_allowed",
    "daysAheadAllowed": "days_ahead_allowed", "hoursPerDay": "hours_per_day",
    "daysPerWeek": "days_per_week",
}


@bp.get("/globalconfiguration")
@allow_context_qsh
def global_configuration():
    session = tenant_session()
    return jsonify(_configuration(load_policy(session), load_week_start(session)))


@bp.put("/globalconfiguration")
@allow_context_qsh
def update_global_configuration():
    """Ours: change the worklog policy (``{"policy": {...}}`` with the names GET shows) and
    ``weekStart`` (1 = Monday … 7 = Sunday, or a day name)."""
    require_site_admin()
    week_start = json_body().get("weekStart")
    body = json_body().get("policy", {})
    changes = {}
    for name, value in (body.items() if isinstance(body, dict) else []):
        changes[_POLICY_FIELDS.get(name, name)] = value
    session = tenant_session()
    try:
        with session.begin():
            policy = save_policy(session, changes)
            week_start = load_week_start(session) if week_start is None else \
                save_week_start(session, week_start)
    except InvalidInput as exc:
        api_names = {v: k for k, v in _POLICY_FIELDS.items()}
        raise InvalidInput(exc.message, [
            FieldProblem(p.field if p.field == "weekStart" else
                         f"policy.{api_names.get(p.field, p.field)}", p.message, p.code)
            for p in exc.problems]) from None
    return jsonify(_configuration(policy, week_start))
