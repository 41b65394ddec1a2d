"""``/api/4/globalconfiguration``: Tempo's global configuration, backed by the worklog policy."""

from __future__ import annotations

from flask import jsonify

from connect.context import allow_context_qsh

from ..caller import require_site_admin
from ..domain import periods
from ..domain.capacity.periods import load_week_start
from ..domain.capacity.periods import save_week_start
from ..domain.errors import InvalidInput
from ..domain.errors import invalid
from ..domain.money import base_currency
from ..domain.money import save_configuration
from ..domain.policy import load_policy
from . import bp
from .inputs import json_body
from .inputs import tenant_session
from .money import reprice_after_commit


def _configuration(policy, currency: str, week_start: int, approval) -> dict:
    """Tempo's global configuration names that a stored setting backs, then our policy under
    ``policy``. Tempo names nothing backs yet are left out rather than answered with constants
    a client would take for configuration."""
    return {
        "currencyCode": currency,
        "maxHoursPerDayPerUser": policy.max_seconds_per_day / 3600,
        "numberOfDaysAllowedIntoFuture": policy.days_ahead_allowed,
        "worklogDescriptionOptional": not policy.description_required,
        "weekStart": week_start,
        "approvalPeriod": approval.period,
        "approvalWeekStart": approval.week_start,
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


def _collecting(problems: list, step):
    """Run one settings step; its field problems join ``problems`` instead of stopping the
    others (the transaction is rolled back when any step found one)."""
    try:
        return step()
    except InvalidInput as exc:
        problems.extend(exc.problems)
        return None


@bp.get("/globalconfiguration")
@allow_context_qsh
def global_configuration():
    session = tenant_session()
    return jsonify(_configuration(load_policy(session), base_currency(session),
                                  load_week_start(session), periods.load_settings(session)))


@bp.put("/globalconfiguration")
@allow_context_qsh
def update_global_configuration():
    """Change the worklog policy (``{"policy": {...}}`` with the names GET shows), the base
    currency (``currencyCode``), ``weekStart`` (1 = Monday … 7 = Sunday, or a day name) and/or
    Tempo's ``approvalPeriod``/``approvalWeekStart``; settings left out stay as they are."""
    require_site_admin()
    whole = json_body()
    body = whole.get("policy", {})
    if not isinstance(body, dict):
        raise invalid("policy", "'policy' must be an object of settings")
    changes = {_POLICY_FIELDS.get(name, name): value for name, value in body.items()}
    api_names = {v: k for k, v in _POLICY_FIELDS.items()}
    session = tenant_session()
    approval_period, approval_week_start = whole.get("approvalPeriod"), \
        whole.get("approvalWeekStart")
    with session.begin():  # every bad field at once; nothing is written
        problems = periods.settings_problems(approval_period, approval_week_start)
        saved = _collecting(problems, lambda: save_configuration(
            session, changes, whole.get("currencyCode"), policy_field=lambda name: (
                f"policy.{api_names.get(name, name)}")))
        wanted_week_start = whole.get("weekStart")
        week_start = load_week_start(session) if wanted_week_start is None else \
            _collecting(problems, lambda: save_week_start(session, wanted_week_start))
        if problems:
            raise InvalidInput(problems[0].message if len(problems) == 1
                               else "invalid configuration", problems)
        policy, currency, changed = saved
        approval = periods.save_settings(session, period=approval_period,
                                         week_start=approval_week_start)
        if changed:
            reprice_after_commit(session)
    return jsonify(_configuration(policy, currency, week_start, approval))
