"""Capacity request bodies in, Tempo-shaped capacity answers out (teams, memberships, schemes,
holidays, absences, schedules, plans, the board and utilization)."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from flask import request

from ..caller import is_site_admin
from ..caller import require_user
from ..domain.capacity.holidays import AbsenceInput
from ..domain.capacity.holidays import HolidayInput
from ..domain.capacity.plans import PlanInput
from ..domain.capacity.teams import MembershipInput
from ..domain.capacity.teams import inclusive_end
from ..models.capacity import ABSENCE_TYPES
from ..models.capacity import EFFORT_TYPES
from ..models.capacity import PLAN_ITEM_TYPES
from ..models.capacity import WEEKDAYS
from .inputs import Problems
from .inputs import parse_bool
from .inputs import parse_date
from .inputs import parse_int
from .inputs import parse_str
from .serialize import api_base
from .serialize import instant
from .serialize import jira_id
from .serialize import user_ref


def caller() -> tuple[str, bool]:
    """The calling user and whether they administer the site."""
    actor = require_user()
    return actor, is_site_admin()


def query_range(*, required: bool = True) -> tuple[date | None, date | None]:
    problems = Problems()
    start = parse_date(request.args.get("from"), "from", problems, required=required)
    end = parse_date(request.args.get("to"), "to", problems, required=required)
    problems.raise_if_any()
    return start, end


def membership_input(body: dict, *, today: date) -> MembershipInput:
    problems = Problems()
    team_id = parse_int(body.get("teamId"), "teamId", problems, required=True)
    account_id = parse_str(body.get("accountId"), "accountId", problems, required=True,
                           max_length=128)
    role_id = parse_int(body.get("roleId"), "roleId", problems)
    percent = parse_int(body.get("commitmentPercent", 100), "commitmentPercent", problems)
    start = parse_date(body.get("from"), "from", problems) or today
    end = parse_date(body.get("to"), "to", problems)
    inclusive = parse_bool(body.get("useInclusiveEndDate"), "useInclusiveEndDate", problems,
                           default=True)
    problems.raise_if_any("invalid team membership")
    return MembershipInput(team_id, account_id, role_id, percent if percent is not None else 100,
                           start, inclusive_end(end, use_inclusive_end_date=inclusive))


def holiday_input(body: dict) -> HolidayInput:
    problems = Problems()
    name = parse_str(body.get("name"), "name", problems, required=True, max_length=255)
    day = parse_date(body.get("date"), "date", problems, required=True)
    duration = parse_int(body.get("durationSeconds"), "durationSeconds", problems, minimum=1)
    description = parse_str(body.get("description"), "description", problems)
    if body.get("type", "FIXED") != "FIXED":
        problems.add("type", "only FIXED holidays are supported")
    problems.raise_if_any("invalid holiday")
    return HolidayInput(name, day, duration, description)


def absence_input(body: dict, *, actor: str) -> AbsenceInput:
    problems = Problems()
    account_id = parse_str(body.get("accountId"), "accountId", problems, max_length=128)
    start = parse_date(body.get("from"), "from", problems, required=True)
    end = parse_date(body.get("to"), "to", problems) or start
    per_day = parse_int(body.get("secondsPerDay"), "secondsPerDay", problems, minimum=1)
    kind = body.get("type", "VACATION")
    if kind not in ABSENCE_TYPES:
        problems.add("type", f"'type' must be one of {', '.join(ABSENCE_TYPES)}")
    note = parse_str(body.get("note"), "note", problems)
    problems.raise_if_any("invalid absence")
    return AbsenceInput(account_id or actor, start, end, per_day, kind, note)


def _effort(body: dict, problems: Problems) -> tuple[str, int | None, int | None]:
    per_day = parse_int(body.get("plannedSecondsPerDay"), "plannedSecondsPerDay", problems,
                        minimum=1)
    total = parse_int(body.get("plannedSeconds"), "plannedSeconds", problems, minimum=1)
    kind = body.get("effortPersistenceType") or ("TOTAL_SECONDS" if total is not None
                                                 else "SECONDS_PER_DAY")
    if kind not in EFFORT_TYPES:
        problems.add("effortPersistenceType", f"must be one of {', '.join(EFFORT_TYPES)}")
    elif kind == "TOTAL_SECONDS" and total is None and "plannedSeconds" not in body:
        problems.add("plannedSeconds", "'plannedSeconds' is required for TOTAL_SECONDS",
                     "required")
    elif kind == "SECONDS_PER_DAY" and per_day is None and "plannedSecondsPerDay" not in body:
        problems.add("plannedSecondsPerDay", "'plannedSecondsPerDay' is required", "required")
    return kind, per_day if kind == "SECONDS_PER_DAY" else None, \
        total if kind == "TOTAL_SECONDS" else None


def plan_input(body: dict) -> PlanInput:
    """Tempo's PlanInput, plus ``ACCOUNT`` items (the account key) and ``billable``."""
    problems = Problems()
    assignee = parse_str(body.get("assigneeId"), "assigneeId", problems, required=True,
                         max_length=128)
    if body.get("assigneeType", "USER") != "USER":
        problems.add("assigneeType", "only USER assignees are supported")
    item_type = body.get("planItemType")
    if item_type not in PLAN_ITEM_TYPES:
        problems.add("planItemType", f"must be one of {', '.join(PLAN_ITEM_TYPES)}",
                     "required" if item_type is None else "invalid")
    item_id = body.get("planItemId")
    if item_id is None or str(item_id).strip() == "" or isinstance(item_id, bool | dict | list):
        problems.add("planItemId", "'planItemId' is required", "required")
    start = parse_date(body.get("startDate"), "startDate", problems, required=True)
    end = parse_date(body.get("endDate"), "endDate", problems, required=True)
    effort = _effort(body, problems)
    non_working = parse_bool(body.get("includeNonWorkingDays"), "includeNonWorkingDays",
                             problems)
    description = parse_str(body.get("description"), "description", problems)
    billable = parse_bool(body.get("billable"), "billable", problems, default=None)
    problems.raise_if_any("invalid plan")
    return PlanInput(assignee, item_type, str(item_id).strip(), start, end, *effort,
                     non_working, description, billable)


def team(t) -> dict:
    return {"self": f"{api_base()}/teams/{t.id}", "id": t.id, "name": t.name,
            "summary": t.summary, "lead": user_ref(t.lead_account_id), "administrative": False,
            "members": {"self": f"{api_base()}/teams/{t.id}/members"}}


def membership(m) -> dict:
    return {"self": f"{api_base()}/team-memberships/{m.id}", "id": m.id,
            "teamId": m.team_id, "team": {"self": f"{api_base()}/teams/{m.team_id}",
                                          "id": m.team_id},
            "accountId": m.account_id, "member": user_ref(m.account_id),
            "roleId": m.role_id, "role": {"id": m.role.id, "name": m.role.name} if m.role else None,
            "commitmentPercent": m.commitment_percent, "from": m.from_date.isoformat(),
            "to": _iso(m.to_date), "inclusiveTo": _iso(m.to_date),
            "exclusiveTo": _iso(m.to_date + timedelta(days=1) if m.to_date else None)}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def workload_scheme(s, member_count: int = 0) -> dict:
    days = s.day_seconds
    self_url = f"{api_base()}/workload-schemes/{s.id}" if s.id is not None else None
    return {"self": self_url, "id": s.id, "name": s.name,
            "description": s.description, "defaultScheme": s.is_default,
            "memberCount": member_count,
            "days": [{"day": d, "requiredSeconds": int(days[i])} for i, d in enumerate(WEEKDAYS)]}


def holiday_scheme(s) -> dict:
    return {"self": f"{api_base()}/holiday-schemes/{s.id}", "id": s.id, "name": s.name,
            "description": s.description, "defaultScheme": s.is_default}


def holiday(h) -> dict:
    return {"self": f"{api_base()}/holiday-schemes/{h.scheme_id}/holidays/{h.id}", "id": h.id,
            "schemeId": h.scheme_id, "type": "FIXED", "name": h.name,
            "description": h.description, "durationSeconds": h.duration_seconds,
            "date": h.date.isoformat()}


def absence(a) -> dict:
    return {"self": f"{api_base()}/absences/{a.id}", "id": a.id, "accountId": a.account_id,
            "user": user_ref(a.account_id), "from": a.from_date.isoformat(),
            "to": a.to_date.isoformat(), "secondsPerDay": a.seconds_per_day, "type": a.type,
            "note": a.note}


def schedule_day(d) -> dict:
    body = {"date": d.date.isoformat(), "requiredSeconds": d.required_seconds, "type": d.type}
    if d.holiday_name:
        body["holiday"] = {"name": d.holiday_name}
    return body


def plan(p, days: list[tuple[date, int]]) -> dict:
    total = sum(s for _, s in days)
    per_day = p.seconds_per_day if p.effort_type == "SECONDS_PER_DAY" else \
        (total // len(days) if days else 0)
    item_id = p.plan_item_id if p.plan_item_type == "ACCOUNT" else jira_id(p.plan_item_id)
    return {
        "self": f"{api_base()}/plans/{p.id}", "id": p.id,
        "assignee": {"id": p.assignee_account_id, "type": "USER"},
        "planItem": {"id": item_id, "type": p.plan_item_type},
        "startDate": p.start_date.isoformat(), "endDate": p.end_date.isoformat(),
        "plannedSecondsPerDay": per_day, "totalPlannedSeconds": total,
        "effortPersistenceType": p.effort_type,
        "includeNonWorkingDays": p.include_non_working_days, "rule": "NEVER",
        "description": p.description, "billable": p.billable,
        "plannedTime": {"days": {"values": [{"date": d.isoformat(), "plannedSeconds": s}
                                            for d, s in days]}},
        "syncSource": "NONE", "planCreatorId": p.created_by,
        "createdAt": instant(p.created_at), "updatedAt": instant(p.updated_at)}


def cell(c, span: tuple[str, str]) -> dict:
    return {"from": span[0], "to": span[1], "availableSeconds": c.available,
            "plannedSeconds": c.planned, "loggedSeconds": c.logged, "billableSeconds": c.billable,
            "remainingSeconds": c.remaining, "overAllocated": c.over_allocated}


def board(b, start: date, end: date, granularity: str) -> dict:
    spans = [(s.start.isoformat(), s.end.isoformat()) for s in b.periods]
    people = [{"user": {**user_ref(p.account_id), "displayName": p.display_name,
                        "timeZone": p.time_zone},
               "periods": [cell(c, s) for c, s in zip(p.cells, spans, strict=True)]}
              for p in b.people]
    totals = None if b.team_totals is None else [
        cell(c, s) for c, s in zip(b.team_totals, spans, strict=True)]
    return {"from": start.isoformat(), "to": end.isoformat(), "granularity": granularity,
            "weekStart": WEEKDAYS[b.week_start - 1],
            "metadata": {"count": len(people)}, "results": people, "teamTotals": totals}


def utilization_row(r) -> dict:
    return {"group": r.group, "groupName": r.group_name,
            "availableSeconds": r.available_seconds, "loggedSeconds": r.logged_seconds,
            "billableSeconds": r.billable_seconds,
            "billableUtilizationPercent": r.billable_percent,
            "totalUtilizationPercent": r.total_percent,
            "targetUtilizationPercent": r.target_percent, "gapPercent": r.gap_percent}
