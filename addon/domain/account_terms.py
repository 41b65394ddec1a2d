"""Accounts' commercial terms — our extension fields on Tempo's account (issue 8).

``billingRounding``, ``timeAndMaterials``, ``fixedFee``, ``retainer`` and ``budgetThresholds``
are not in Tempo's schema, so a PUT that leaves one out keeps its stored value; an explicit
null clears it (back to the default). Money here is in the account's currency.
"""

from __future__ import annotations

from decimal import Decimal

from ..models import Account
from .errors import FieldProblem
from .money import parse_decimal
from .pricing import ROUNDING_MINUTES
from .pricing import ROUNDING_MODES

TERM_FIELDS = ("billingRounding", "timeAndMaterials", "fixedFee", "retainer",
               "budgetThresholds")
DEFAULT_THRESHOLDS = [75, 90, 100]
RECOGNITIONS = ("PERCENT_COMPLETE", "MILESTONES")


def parse_terms(body: dict) -> tuple[dict, list[FieldProblem]]:
    """The term fields present in ``body`` as column values, and every problem found."""
    problems: list[FieldProblem] = []
    values: dict = {}
    for name in TERM_FIELDS:
        if name in body:
            values.update(_PARSERS[name](body[name], problems))
    return values, problems


def apply_terms(account: Account, values: dict) -> None:
    for column, value in values.items():
        setattr(account, column, value)


def thresholds_of(account: Account) -> list[int]:
    return list(account.budget_thresholds or DEFAULT_THRESHOLDS)


def _money(raw, field: str, problems: list, *, required: bool = False) -> Decimal | None:
    if isinstance(raw, dict):
        raw = raw.get("value")
    if raw is None:
        if required:
            problems.append(FieldProblem(field, f"{field} is required", "required"))
        return None
    value = parse_decimal(raw, field, problems, places=3)
    if value is not None and value < 0:
        problems.append(FieldProblem(field, f"{field} must not be negative"))
        return None
    return value


def _hours(raw, field: str, problems: list, *, required: bool = False) -> Decimal | None:
    if raw is None:
        if required:
            problems.append(FieldProblem(field, f"{field} is required", "required"))
        return None
    value = parse_decimal(raw, field, problems, places=2)
    if value is not None and value < 0:
        problems.append(FieldProblem(field, f"{field} must not be negative"))
        return None
    return value


def _object(raw, field: str, problems: list) -> dict | None:
    if raw is not None and not isinstance(raw, dict):
        problems.append(FieldProblem(field, f"{field} must be an object or null"))
        return None
    return raw


def _rounding(raw, problems: list) -> dict:
    raw = _object(raw, "billingRounding", problems)
    if raw is None:
        return {"billing_rounding_mode": "NONE", "billing_rounding_minutes": 1}
    mode, minutes = raw.get("mode", "NONE"), raw.get("minutes", 1)
    if mode not in ROUNDING_MODES:
        problems.append(FieldProblem("billingRounding.mode", "mode must be NONE, UP or NEAREST"))
    if minutes not in ROUNDING_MINUTES or isinstance(minutes, bool):
        problems.append(FieldProblem("billingRounding.minutes",
                                     "minutes must be 1, 6, 15 or 30"))
    return {"billing_rounding_mode": mode, "billing_rounding_minutes": minutes}


def _time_and_materials(raw, problems: list) -> dict:
    raw = _object(raw, "timeAndMaterials", problems) or {}
    return {"cap_amount": _money(raw.get("capAmount"), "timeAndMaterials.capAmount", problems),
            "cap_hours": _hours(raw.get("capHours"), "timeAndMaterials.capHours", problems)}


def _fixed_fee(raw, problems: list) -> dict:
    raw = _object(raw, "fixedFee", problems)
    if raw is None:
        return {"fixed_price": None, "budgeted_hours": None, "recognition": None}
    recognition = raw.get("recognition") or "PERCENT_COMPLETE"
    if recognition not in RECOGNITIONS:
        problems.append(FieldProblem("fixedFee.recognition",
                                     "recognition must be PERCENT_COMPLETE or MILESTONES"))
    hours = _hours(raw.get("budgetedHours"), "fixedFee.budgetedHours", problems, required=True)
    if hours is not None and hours == 0:
        problems.append(FieldProblem("fixedFee.budgetedHours", "budgetedHours must be > 0"))
    return {"fixed_price": _money(raw.get("price"), "fixedFee.price", problems, required=True),
            "budgeted_hours": hours, "recognition": recognition}


def _retainer(raw, problems: list) -> dict:
    raw = _object(raw, "retainer", problems)
    if raw is None:
        return {"retainer_fee": None, "retainer_hours": None, "rollover_months": None}
    months = raw.get("rolloverMonths", 0)
    if isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= 24:
        problems.append(FieldProblem("retainer.rolloverMonths",
                                     "rolloverMonths must be a whole number from 0 to 24"))
    return {"retainer_fee": _money(raw.get("monthlyFee"), "retainer.monthlyFee", problems,
                                   required=True),
            "retainer_hours": _hours(raw.get("includedHours"), "retainer.includedHours",
                                     problems, required=True),
            "rollover_months": months}


def _thresholds(raw, problems: list) -> dict:
    if raw is None:
        return {"budget_thresholds": None}
    ok = isinstance(raw, list) and raw and all(
        isinstance(t, int) and not isinstance(t, bool) and 0 < t <= 1000 for t in raw)
    if not ok or sorted(set(raw)) != raw:
        problems.append(FieldProblem("budgetThresholds", "budgetThresholds must be ascending "
                                     "whole percentages, e.g. [75, 90, 100]"))
        return {}
    return {"budget_thresholds": raw}


_PARSERS = {"billingRounding": _rounding, "timeAndMaterials": _time_and_materials,
            "fixedFee": _fixed_fee, "retainer": _retainer, "budgetThresholds": _thresholds}
