"""Tempo v4 response shapes (plus our own fields alongside, never instead)."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from decimal import Decimal

from connect.context import current_context

from ..domain.attributes import ACCOUNT_ATTRIBUTE
from ..domain.money import round_money
from .envelope import public_base


def api_base() -> str:
    return public_base() + "/api/4"


def jira_base() -> str:
    return current_context().tenant.base_url.rstrip("/")


def instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{value.microsecond // 1000:03d}Z"


def jira_id(value: str | None):
    """Jira ids are numeric strings; Tempo's API returns them as numbers."""
    if value is None:
        return None
    return int(value) if str(value).isdigit() else value


def user_ref(account_id: str | None) -> dict | None:
    if not account_id:
        return None
    return {"self": f"{jira_base()}/rest/api/2/user?accountId={account_id}",
            "accountId": account_id}


def worklog(w, issue_key: str | None) -> dict:
    values = [{"key": k, "value": v} for k, v in sorted(w.attributes.items())]
    if w.account_key:
        values.insert(0, {"key": ACCOUNT_ATTRIBUTE, "value": w.account_key})
    return {
        "self": f"{api_base()}/worklogs/{w.id}",
        "tempoWorklogId": w.id,
        "jiraWorklogId": jira_id(w.jira_worklog_id),
        "issue": {"self": f"{jira_base()}/rest/api/2/issue/{w.issue_jira_id}",
                  "id": jira_id(w.issue_jira_id), "key": issue_key},
        "timeSpentSeconds": w.time_spent_seconds,
        "billableSeconds": w.billable_seconds,
        "startDate": w.start_date.isoformat(),
        "startTime": w.start_time.strftime("%H:%M:%S"),
        "startDateTimeUtc": instant(w.started_at),
        "description": w.description,
        "createdAt": instant(w.created_at),
        "updatedAt": instant(w.updated_at),
        "author": user_ref(w.author_account_id),
        "attributes": {"self": f"{api_base()}/worklogs/{w.id}/work-attribute-values",
                       "values": values},
        "timeZone": w.time_zone,
        "account": {"key": w.account_key, "rule": w.account_rule},
        "complete": w.complete,
        "pushState": w.push_state,
    }


def category(c) -> dict | None:
    if c is None:
        return None
    return {"self": f"{api_base()}/account-categories/{c.key}", "id": c.id, "key": c.key,
            "name": c.name, "type": {"name": c.type_name}}


def customer(c) -> dict | None:
    if c is None:
        return None
    return {"self": f"{api_base()}/customers/{c.id}", "id": c.id, "key": c.key, "name": c.name}


def account(a) -> dict:
    contact = None
    if a.contact_account_id:
        contact = {**user_ref(a.contact_account_id), "type": "USER"}
    elif a.external_contact_name:
        contact = {"type": "EXTERNAL", "displayName": a.external_contact_name}
    return {
        "self": f"{api_base()}/accounts/{a.id}",
        "id": a.id, "key": a.key, "name": a.name, "status": a.status, "global": a.is_global,
        "monthlyBudget": a.monthly_budget, "lead": user_ref(a.lead_account_id),
        "contact": contact, "category": category(a.category), "customer": customer(a.customer),
        "links": {"self": f"{api_base()}/accounts/{a.key}/links"},
        "contractType": a.contract_type, "currency": a.currency,
        "billableByDefault": a.bills_by_default,
        **account_terms(a),
    }


def account_terms(a) -> dict:
    """Ours: the account's commercial terms (kept when a PUT leaves them out)."""
    return {
        "billingRounding": {"mode": a.billing_rounding_mode or "NONE",
                            "minutes": a.billing_rounding_minutes or 1},
        "timeAndMaterials": None if a.cap_amount is None and a.cap_hours is None else {
            "capAmount": amount(a.cap_amount, a.currency),
            "capHours": _hours(a.cap_hours)},
        "fixedFee": None if a.fixed_price is None else {
            "price": amount(a.fixed_price, a.currency), "budgetedHours": _hours(a.budgeted_hours),
            "recognition": a.recognition},
        "retainer": None if a.retainer_fee is None else {
            "monthlyFee": amount(a.retainer_fee, a.currency),
            "includedHours": _hours(a.retainer_hours), "rolloverMonths": a.rollover_months},
        "budgetThresholds": list(a.budget_thresholds or [75, 90, 100]),
    }


def _hours(value):
    return None if value is None else plain(value)


def account_link(link) -> dict:
    return {
        "self": f"{api_base()}/account-links/{link.id}",
        "id": link.id, "default": link.is_default,
        "scope": {"self": f"{jira_base()}/rest/api/2/project/{link.scope_id}",
                  "id": jira_id(link.scope_id), "type": link.scope_type},
        "account": {"self": f"{api_base()}/accounts/{link.account.id}", "key": link.account.key},
    }


def work_attribute(attr) -> dict:
    body = {"self": f"{api_base()}/work-attributes/{attr.key}", "key": attr.key,
            "name": attr.name, "type": attr.type, "required": attr.required}
    if attr.type == "STATIC_LIST":
        body["values"] = list(attr.values)
        body["names"] = dict(attr.names)
    return body


def role(r) -> dict:
    """Tempo's role plus our ``targetUtilizationPercent`` (capacity's target, or null)."""
    return {"self": f"{api_base()}/roles/{r.id}", "id": r.id, "name": r.name,
            "default": r.is_default, "targetUtilizationPercent": r.target_utilization_percent}


def amount(value, currency: str | None) -> dict | None:
    """Tempo's Amount, the value written from the Decimal at the currency's minor unit."""
    if value is None or currency is None:
        return None
    return {"value": round_money(value, currency), "currencyCode": currency}


def rate_value(value, currency: str | None) -> dict | None:
    """An hourly rate as an Amount (rates keep up to four decimal places)."""
    if value is None or currency is None:
        return None
    return {"value": plain(value), "currencyCode": currency}


def plain(value):
    """A Decimal without trailing zeros (27.5000 → 27.5, 100.0000 → 100)."""
    return value.quantize(1) if value == value.to_integral() else value.normalize()


def scope(row) -> dict:
    body: dict = {"type": row.scope_type}
    if row.account_key is not None:
        body["accountKey"] = row.account_key
    if row.role_id is not None:
        body["roleId"] = row.role_id
    if row.user_account_id is not None:
        body["accountId"] = row.user_account_id
    return body


def rate(row) -> dict:
    return {"self": f"{api_base()}/rates/{row.id}", "id": row.id, "category": row.category,
            "scope": scope(row), "rate": rate_value(row.value, row.currency),
            "effectiveDate": row.effective_date.isoformat() if row.effective_date else None}


def rate_explanation(found, role_row, day) -> dict:
    source = found.resolution.rate
    matched = source.scope_key if source is not None else None
    return {
        "category": found.category, "date": day.isoformat(),
        "role": {"id": role_row.id, "name": role_row.name},
        "rate": rate_value(found.rate, found.currency),
        "source": None if source is None else {
            "id": source.id, "scope": scope(source),
            "effectiveDate": source.effective_date.isoformat() if source.effective_date
            else None, "rate": rate_value(source.value, source.currency)},
        "tried": [{**_scope_of(s), "matched": s.key == matched}
                  for s in found.resolution.tried],
        "error": found.error,
    }


def _scope_of(s) -> dict:
    body: dict = {"type": s.type}
    if s.account_key is not None:
        body["accountKey"] = s.account_key
    if s.role_id is not None:
        body["roleId"] = s.role_id
    if s.user_account_id is not None:
        body["accountId"] = s.user_account_id
    return body


def exchange_rate(row) -> dict:
    return {"self": f"{api_base()}/exchange-rates/{row.id}", "id": row.id,
            "fromCurrency": row.from_currency, "toCurrency": row.to_currency,
            "rate": plain(row.rate),
            "effectiveDate": row.effective_date.isoformat()}


def worklog_money(w, *, costs: bool, revenue: bool) -> dict:
    """Tempo's labor-actuals fields on a worklog, with where each rate came from; cost fields
    only for callers who may see costs, revenue for them and the worklog's author."""
    body: dict = {}
    if costs:
        body.update(costRate=rate_value(w.cost_rate, w.cost_currency),
                    cost=amount(w.cost, w.cost_currency),
                    costRateSource=_source(w.cost_rate_id, w.cost_rate_scope),
                    costError=w.cost_error)
    if revenue:
        body.update(billingRate=rate_value(w.billing_rate, w.revenue_currency),
                    revenue=amount(w.revenue, w.revenue_currency),
                    billingRateSource=_source(w.billing_rate_id, w.billing_rate_scope),
                    pricedBillableSeconds=w.priced_billable_seconds,
                    revenueError=w.revenue_error)
    if costs or revenue:
        body["role"] = {"id": w.role_id} if w.role_id is not None else None
    return body


def _source(rate_id, scope_type) -> dict | None:
    if rate_id is None:
        return None
    return {"id": rate_id, "scope": scope_type, "self": f"{api_base()}/rates/{rate_id}"}


def expense(row, *, money: bool) -> dict:
    body = {"self": f"{api_base()}/expenses/{row.id}", "id": row.id,
            "accountKey": row.account_key, "issueId": jira_id(row.issue_jira_id),
            "date": row.date.isoformat(), "category": row.category,
            "amount": amount(row.amount, row.currency), "billable": row.billable,
            "markupPercent": plain(row.markup_percent), "description": row.description,
            "authorAccountId": row.author_account_id}
    if money:
        body.update(cost=amount(row.cost_base, row.cost_currency),
                    revenue=amount(row.revenue, row.revenue_currency), error=row.price_error)
    return body


def milestone(row, issue, currency: str) -> dict:
    return {"id": row.id, "name": row.name, "value": amount(row.value, currency),
            "issue": {"id": jira_id(issue.jira_id), "key": issue.key,
                      "status": issue.status, "statusCategory": issue.status_category},
            "recognized": issue.status_category == "done"}


def budget_alert(row) -> dict:
    return {"threshold": row.threshold, "period": row.period or None,
            "burnPercent": row.burn_percent, "crossedAt": instant(row.crossed_at)}


def burn(b, currency: str) -> dict:
    return {"percent": b.percent, "period": b.period or None,
            "budget": amount(b.budget, currency), "used": amount(b.used, currency)
            if b.used is not None and b.budget is not None else None,
            "budgetHours": b.budget_hours, "usedHours": b.used_hours}


def financial_summary(s, day) -> dict:
    """Tempo's financial summary shape, in the base currency."""
    base = s.currency
    total_cost = s.labor_cost + s.expense_cost
    revenue = s.revenue_base
    body = {
        "date": day.isoformat(),
        "cost": {"budget": amount(s.budget, base), "actual": {
            "labor": amount(s.labor_cost, base), "expense": amount(s.expense_cost, base),
            "total": amount(total_cost, base),
            "remainingBudget": amount(s.budget - total_cost, base) if s.budget is not None
            else None}},
        "revenue": None, "error": s.error,
        "recognizedInAccountCurrency": {
            "labor": amount(s.recognition.labor, s.recognition.currency),
            "fixedRevenue": amount(s.recognition.fixed, s.recognition.currency),
            "expense": amount(s.recognition.expenses, s.recognition.currency)},
    }
    if revenue is not None:
        profit = revenue.total - total_cost
        margin = (profit * 100 / revenue.total).quantize(Decimal("0.01")) if revenue.total \
            else None
        body["revenue"] = {"actual": {
            "labor": amount(revenue.labor, base), "fixedRevenue": amount(revenue.fixed, base),
            "expense": amount(revenue.expenses, base), "total": amount(revenue.total, base),
            "profit": amount(profit, base), "netProfitMargin": {"value": margin}}}
    if s.forecast_cost is not None:
        body["forecast"] = {"costAtCompletion": amount(s.forecast_cost, base),
                            "marginAtCompletion": amount(s.forecast_margin, base),
                            "marginAtRisk": s.forecast_margin < 0}
    return body


def _figures(f, currency: str) -> dict:
    margin = f.margin
    percent = None
    if margin is not None and f.revenue:
        percent = (margin * 100 / f.revenue).quantize(Decimal("0.01"))
    return {"timeSpentSeconds": f.time_spent_seconds, "billableSeconds": f.billable_seconds,
            "nonBillableSeconds": f.time_spent_seconds - f.billable_seconds,
            "cost": amount(f.cost, currency), "expenses": amount(f.expenses, currency),
            "revenue": amount(f.revenue, currency), "margin": amount(margin, currency),
            "marginPercent": percent}


def _report_row(row, currency: str, link) -> dict:
    body = {"group": {"type": row.type, "id": row.id, "name": row.name},
            **_figures(row.figures, currency), "budget": None, "burnPercent": None,
            "remaining": None, "drillDown": link(row)}
    b = row.budget
    if b is not None and b.percent is not None:
        account_currency = b.currency
        body["budget"] = amount(b.budget, account_currency)
        body["burnPercent"] = b.percent
        if b.budget is not None and b.used is not None:
            body["remaining"] = amount(b.budget - b.used, account_currency)
        elif b.budget_hours is not None and b.used_hours is not None:
            body["remaining"] = {"hours": b.budget_hours - b.used_hours}
    if row.rows:
        body["rows"] = [_report_row(child, currency, link) for child in row.rows]
    return body


def cost_report(report, link) -> dict:
    q = report.query
    return {
        "self": f"{api_base()}/reports/costs",
        "from": q.date_from.isoformat(), "to": q.date_to.isoformat(),
        "groupBy": list(q.group_by), "currencyCode": report.currency,
        "rows": [_report_row(r, report.currency, link) for r in report.rows],
        "totals": {**_figures(report.totals, report.currency),
                   "revenueByCurrency": [amount(v, c) for c, v in report.native_revenue]},
        "errors": [{"message": m, "code": "unpriced"} for m in report.errors],
        "pricing": report.pricing,
    }


def estimate_rows(rows) -> dict:
    results = [{"epic": {"id": jira_id(r.epic_id), "key": r.epic_key, "summary": r.summary}
                if r.epic_id else None,
                "originalEstimateSeconds": r.estimate_seconds,
                "timeSpentSeconds": r.logged_seconds, "overEstimate": r.over} for r in rows]
    return {"self": f"{api_base()}/reports/estimate-vs-actual",
            "metadata": {"count": len(results)}, "results": results}


def ratio_rows(rows, group: str, date_from, date_to) -> dict:
    results = [{"group": {"type": group, "id": r.id, "name": r.name},
                "timeSpentSeconds": r.time_spent_seconds, "billableSeconds": r.billable_seconds,
                "billableRatio": r.ratio} for r in rows]
    return {"self": f"{api_base()}/reports/billable-ratio", "from": date_from.isoformat(),
            "to": date_to.isoformat(), "metadata": {"count": len(results)}, "results": results}
