"""The Capacity page: a people × weeks grid (over-allocation highlighted), a filter bar, a chart
of capacity vs plan vs actual per week, a person's plans and logged time, and plan forms.
Views read through the domain and render; plan writes go through /api/4/plans."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta

import pygal
from flask import render_template
from flask import request
from markupsafe import Markup
from pygal.style import Style

from connect.context import allow_context_qsh
from connect.context import current_context
from connect.context import mint_context_token

from ..caller import is_site_admin
from ..db import request_session
from ..domain.capacity.board import CapacityQuery
from ..domain.capacity.board import capacity_board
from ..domain.capacity.periods import load_week_start
from ..domain.capacity.views import filter_choices
from ..domain.capacity.views import person_detail
from ..domain.durations import format_duration
from ..domain.errors import DomainError
from ..domain.worklogs import zone
from . import bp

DEFAULT_WEEKS = 8
CHART_STYLE = Style(background="#ffffff", plot_background="#ffffff",
                    foreground="#172b4d", foreground_strong="#172b4d",
                    foreground_subtle="#6b778c", colors=("#97a0af", "#0052cc", "#36b37e"),
                    font_family="-apple-system, Segoe UI, Roboto, sans-serif")


def _today() -> date:
    try:
        return datetime.now(zone(request.args.get("tz") or "UTC")).date()
    except DomainError:
        return date.today()


def _query(session) -> CapacityQuery:
    """The board's range and filters from the query string (defaults: this week, 8 weeks)."""
    try:
        start = date.fromisoformat(request.args.get("from", ""))
    except ValueError:
        today = _today()
        start = today - timedelta(days=(today.weekday() - (load_week_start(session) - 1)) % 7)
    weeks = request.args.get("weeks", "")
    weeks = int(weeks) if weeks.isdigit() and 0 < int(weeks) <= 26 else DEFAULT_WEEKS
    team = request.args.get("teamId", "")
    return CapacityQuery(start, start + timedelta(days=7 * weeks - 1), "WEEK",
                         team_id=int(team) if team.isdigit() else None,
                         project_id=request.args.get("projectId") or None,
                         account_key=request.args.get("accountKey") or None)


def chart_svg(board) -> Markup:
    """Capacity vs planned vs logged per week, in hours, as inline SVG (no scripts fetched)."""
    chart = pygal.Bar(style=CHART_STYLE, height=260, width=900, js=[], legend_at_bottom=True,
                      disable_xml_declaration=True, show_y_guides=True, x_label_rotation=0,
                      print_values=False, title="Capacity vs plan vs actual (hours)")
    chart.x_labels = [p.start.strftime("%d %b") for p in board.periods]
    totals = board.team_totals or [None] * len(board.periods)
    for label, pick in (("Capacity", "available"), ("Planned", "planned"),
                        ("Logged", "logged")):
        chart.add(label, [round(getattr(t, pick) / 3600, 1) if t is not None else round(
            sum(getattr(p.cells[i], pick) for p in board.people) / 3600, 1)
            for i, t in enumerate(totals)])
    return Markup(chart.render(is_unicode=True))  # noqa: S704 - pygal escapes its labels


def _grid_context() -> dict:
    context = current_context()
    session = request_session(context.tenant_id)
    query = _query(session)
    board = capacity_board(session, context.account_id or "", query,
                           actor_is_admin=is_site_admin())
    return {"board": board, "query": query, "chart": chart_svg(board),
            "hours": lambda s: format_duration(s) if s else "0h",
            "weeks": (query.end - query.start).days // 7 + 1}


@bp.get("/pages/capacity")
def capacity_page():
    context = current_context()
    session = request_session(context.tenant_id)
    return render_template("capacity.html", **_grid_context(), choices=filter_choices(session),
                           token=mint_context_token(context.tenant, context.account_id))


@bp.get("/pages/capacity/grid")
@allow_context_qsh
def capacity_grid():
    """The grid and chart for other filters, fetched by the page with its context token."""
    return render_template("_capacity_grid.html", **_grid_context())


@bp.get("/pages/capacity/person")
@allow_context_qsh
def capacity_person():
    """A person's plans and logged time over the board's range (the row's drill-down)."""
    context = current_context()
    session = request_session(context.tenant_id)
    query = _query(session)
    detail = person_detail(session, context.account_id or "", request.args.get("accountId", ""),
                           query.start, query.end, actor_is_admin=is_site_admin())
    return render_template("_capacity_person.html", detail=detail, query=query,
                           hours=format_duration)
