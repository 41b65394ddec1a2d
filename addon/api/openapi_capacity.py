"""The capacity part of the OpenAPI document (teams, schemes, holidays, absences, schedules,
plans, the capacity board, utilization), added to ``openapi.PATHS``/``SCHEMAS`` on import."""

from __future__ import annotations

from .openapi import _BOOL
from .openapi import _DATE
from .openapi import _INSTANT
from .openapi import _INT
from .openapi import _INT_OR_NULL
from .openapi import _STR
from .openapi import _STR_OR_NULL
from .openapi import PATHS
from .openapi import SCHEMAS
from .openapi import _list_of
from .openapi import _nullable
from .openapi import _obj
from .openapi import _op
from .openapi import _ref

_DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
_NUM_OR_NULL = {"type": ["number", "null"]}
_WEEKDAY = {"enum": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY",
                     "SUNDAY"]}
_CELL = _obj(["from", "to", "availableSeconds", "plannedSeconds", "loggedSeconds",
              "billableSeconds", "remainingSeconds", "overAllocated"], **{"from": _DATE},
             to=_DATE, availableSeconds=_INT, plannedSeconds=_INT, loggedSeconds=_INT,
             billableSeconds=_INT, remainingSeconds=_INT, overAllocated=_BOOL)

SCHEMAS.update({
    "Team": _obj(["self", "id", "name", "lead", "members"], self=_STR, id=_INT, name=_STR,
                 summary=_STR_OR_NULL, lead=_nullable(_ref("User")), administrative=_BOOL,
                 members=_obj(["self"], self=_STR)),
    "TeamMembership": _obj(
        ["id", "teamId", "accountId", "commitmentPercent", "from", "to", "inclusiveTo"],
        self=_STR, id=_INT, teamId=_INT, team=_obj(["id"], self=_STR, id=_INT),
        accountId=_STR, member=_ref("User"), roleId=_INT_OR_NULL,
        role=_nullable(_obj(["id", "name"], id=_INT, name=_STR)), commitmentPercent=_INT,
        **{"from": _DATE}, to=_DATE_OR_NULL, inclusiveTo=_DATE_OR_NULL,
        exclusiveTo=_DATE_OR_NULL),
    "WorkloadScheme": _obj(
        ["id", "name", "defaultScheme", "days"], self=_STR_OR_NULL, id=_INT_OR_NULL,
        name=_STR, description=_STR_OR_NULL, defaultScheme=_BOOL, memberCount=_INT,
        days={"type": "array", "minItems": 7, "maxItems": 7, "items": _obj(
            ["day", "requiredSeconds"], day=_WEEKDAY, requiredSeconds=_INT)}),
    "SchemeMember": _obj(["accountId"], accountId=_STR, effectiveFrom=_DATE),
    "HolidayScheme": _obj(["self", "id", "name", "defaultScheme"], self=_STR, id=_INT,
                          name=_STR, description=_STR_OR_NULL, defaultScheme=_BOOL),
    "Holiday": _obj(["id", "schemeId", "type", "name", "date", "durationSeconds"], self=_STR,
                    id=_INT, schemeId=_INT, type={"const": "FIXED"}, name=_STR,
                    description=_STR_OR_NULL, durationSeconds=_INT_OR_NULL, date=_DATE),
    "Absence": _obj(["id", "accountId", "from", "to", "type"], self=_STR, id=_INT,
                    accountId=_STR, user=_ref("User"), **{"from": _DATE}, to=_DATE,
                    secondsPerDay=_INT_OR_NULL, type={"enum": ["VACATION", "SICK", "OTHER"]},
                    note=_STR_OR_NULL),
    "ScheduleDay": _obj(["date", "requiredSeconds", "type"], date=_DATE, requiredSeconds=_INT,
                        type={"enum": ["WORKING_DAY", "NON_WORKING_DAY", "HOLIDAY",
                                       "HOLIDAY_AND_NON_WORKING_DAY", "ABSENCE"]},
                        holiday=_obj(["name"], name=_STR)),
    "Plan": _obj(
        ["id", "assignee", "planItem", "startDate", "endDate", "plannedSecondsPerDay",
         "totalPlannedSeconds", "effortPersistenceType", "includeNonWorkingDays",
         "plannedTime"], self=_STR, id=_INT,
        assignee=_obj(["id", "type"], id=_STR, type={"const": "USER"}),
        planItem=_obj(["id", "type"], id={"type": ["integer", "string"]},
                      type={"enum": ["ISSUE", "PROJECT", "ACCOUNT"]}),
        startDate=_DATE, endDate=_DATE, plannedSecondsPerDay=_INT, totalPlannedSeconds=_INT,
        effortPersistenceType={"enum": ["SECONDS_PER_DAY", "TOTAL_SECONDS"]},
        includeNonWorkingDays=_BOOL, rule=_STR, description=_STR_OR_NULL, billable=_BOOL,
        plannedTime=_obj(["days"], days=_obj(["values"], values={
            "type": "array", "items": _obj(["date", "plannedSeconds"], date=_DATE,
                                           plannedSeconds=_INT)})),
        syncSource=_STR, planCreatorId=_STR_OR_NULL, createdAt=_INSTANT, updatedAt=_INSTANT),
    "PlanInput": _obj(
        ["assigneeId", "planItemId", "planItemType", "startDate", "endDate"],
        assigneeId=_STR, assigneeType={"const": "USER"}, planItemId={"type": [
            "integer", "string"]}, planItemType={"enum": ["ISSUE", "PROJECT", "ACCOUNT"]},
        startDate=_DATE, endDate=_DATE, plannedSecondsPerDay=_INT, plannedSeconds=_INT,
        effortPersistenceType={"enum": ["SECONDS_PER_DAY", "TOTAL_SECONDS"]},
        includeNonWorkingDays=_BOOL, description=_STR,
        billable={**_BOOL, "description": "Ours; kept when absent from a PUT"}),
    "Capacity": _obj(
        ["from", "to", "granularity", "weekStart", "results", "teamTotals"],
        self=_STR, **{"from": _DATE}, to=_DATE, granularity={"enum": ["DAY", "WEEK", "MONTH"]},
        weekStart=_WEEKDAY, metadata=_ref("ListMetadata"),
        results={"type": "array", "items": _obj(
            ["user", "periods"], user=_obj(["accountId", "displayName", "timeZone"],
                                           self=_STR, accountId=_STR, displayName=_STR,
                                           timeZone=_STR),
            periods={"type": "array", "items": _CELL})},
        teamTotals={"type": ["array", "null"], "items": _CELL}),
    "Utilization": _obj(
        ["from", "to", "groupBy", "results"], self=_STR, **{"from": _DATE}, to=_DATE,
        groupBy=_STR, metadata=_ref("ListMetadata"),
        results={"type": "array", "items": _obj(
            ["group", "availableSeconds", "loggedSeconds", "billableSeconds",
             "billableUtilizationPercent", "totalUtilizationPercent",
             "targetUtilizationPercent", "gapPercent"], group=_STR, groupName=_STR,
            availableSeconds=_INT, loggedSeconds=_INT, billableSeconds=_INT,
            billableUtilizationPercent=_NUM_OR_NULL, totalUtilizationPercent=_NUM_OR_NULL,
            targetUtilizationPercent=_NUM_OR_NULL, gapPercent=_NUM_OR_NULL)}),
})

_RANGE = ["from", "to"]
_GONE = None
PATHS.update({
    "/teams": {"get": _op("Teams", _list_of("Team")),
               "post": _op("Create a team (admins)", _ref("Team"))},
    "/teams/{id}": {"get": _op("A team", _ref("Team")),
                    "put": _op("Replace a team (admins)", _ref("Team")),
                    "delete": _op("Delete a team (admins)", _GONE, status="204")},
    "/teams/{id}/members": {"get": _op("Memberships active today", _list_of("TeamMembership"))},
    "/team-memberships": {"post": _op(
        "Add a member (admins, the team's lead). `to` is inclusive; "
        "`useInclusiveEndDate: false` reads it as Tempo's exclusive `to`",
        _ref("TeamMembership"))},
    "/team-memberships/search": {"post": _op("Search memberships", _list_of("TeamMembership"))},
    "/team-memberships/team/{teamId}": {"get": _op("Memberships of a team",
                                                   _list_of("TeamMembership"))},
    "/team-memberships/{id}": {
        "get": _op("A membership", _ref("TeamMembership")),
        "put": _op("Replace a membership", _ref("TeamMembership")),
        "delete": _op("Delete a membership", _GONE, status="204")},
    "/workload-schemes": {"get": _op("Workload schemes", _list_of("WorkloadScheme")),
                          "post": _op("Create a scheme (all seven days, admins)",
                                      _ref("WorkloadScheme"))},
    "/workload-schemes/{id}": {
        "get": _op("A workload scheme", _ref("WorkloadScheme")),
        "put": _op("Replace a workload scheme", _ref("WorkloadScheme")),
        "delete": _op("Delete a workload scheme (not the default)", _GONE, status="204")},
    "/workload-schemes/{id}/default": {"put": _op("Make the default", _ref("WorkloadScheme"))},
    "/workload-schemes/{id}/members": {
        "get": _op("Members and since when", _list_of("SchemeMember")),
        "post": _op("Move people from effectiveFrom (default today)",
                    _list_of("SchemeMember"))},
    "/workload-schemes/users/{accountId}": {"get": _op("A person's scheme today",
                                                       _ref("WorkloadScheme"))},
    "/holiday-schemes": {"get": _op("Holiday schemes", _list_of("HolidayScheme")),
                         "post": _op("Create a holiday scheme", _ref("HolidayScheme"))},
    "/holiday-schemes/{id}": {
        "get": _op("A holiday scheme", _ref("HolidayScheme")),
        "put": _op("Replace a holiday scheme", _ref("HolidayScheme")),
        "delete": _op("Delete a holiday scheme", _GONE, status="204")},
    "/holiday-schemes/{id}/default": {"put": _op("Make the default", _ref("HolidayScheme"))},
    "/holiday-schemes/{id}/holidays": {
        "get": _op("Holidays", _list_of("Holiday"), params=["year"]),
        "post": _op("Add a holiday (no durationSeconds: the whole day)", _ref("Holiday"))},
    "/holiday-schemes/{id}/holidays/import": {"post": _op(
        "Ours: import public holidays {country, subdivision, year}", _list_of("Holiday"))},
    "/holiday-schemes/{id}/holidays/{holidayId}": {
        "get": _op("A holiday", _ref("Holiday")), "put": _op("Replace a holiday",
                                                             _ref("Holiday")),
        "delete": _op("Delete a holiday", _GONE, status="204")},
    "/holiday-schemes/{id}/members": {
        "get": _op("Members", _list_of("SchemeMember")),
        "post": _op("Move people to the scheme", _list_of("SchemeMember"))},
    "/absences": {"get": _op("Ours: absences", _list_of("Absence"),
                             params=[*_RANGE, "accountId"]),
                  "post": _op("Ours: record an absence", _ref("Absence"))},
    "/absences/{id}": {"get": _op("An absence", _ref("Absence")),
                       "put": _op("Replace an absence", _ref("Absence")),
                       "delete": _op("Delete an absence", _GONE, status="204")},
    "/user-schedule/{accountId}": {"get": _op("A person's days in their own time zone",
                                              _list_of("ScheduleDay"), params=_RANGE)},
    "/plans": {"get": _op("Plans", _list_of("Plan"), params=[*_RANGE, "accountId", "planId"]),
               "post": _op("Create a plan", _ref("Plan"), body="PlanInput")},
    "/plans/search": {"post": _op("Search plans", _list_of("Plan"))},
    "/plans/user/{accountId}": {"get": _op("A person's plans", _list_of("Plan"),
                                           params=_RANGE)},
    "/plans/{id}": {"get": _op("A plan", _ref("Plan")),
                    "put": _op("Replace a plan", _ref("Plan"), body="PlanInput"),
                    "delete": _op("Delete a plan", _GONE, status="204")},
    "/plans/{id}/split": {"post": _op("Ours: split a plan before {date}", _list_of("Plan"))},
    "/capacity": {"get": _op("Ours: available vs planned vs logged per person and period",
                             _ref("Capacity"), params=[*_RANGE, "granularity", "teamId",
                                                       "accountKey", "projectId", "roleId"])},
    "/reports/utilization": {"get": _op("Ours: utilization by user|team|role "
                                        "(format=json|csv|xlsx)",
                                        _ref("Utilization"),
                                        params=[*_RANGE, "groupBy", "format"])},
})
