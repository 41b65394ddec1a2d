"""The reviewers' page inside Jira: who has not submitted, what waits, approve/reject one or
many. Writes go through the REST API (``/api/4/timesheet-approvals``)."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from flask import render_template
from flask import request

from connect.context import allow_context_qsh
from connect.context import current_context
from connect.context import mint_context_token

from ..db import request_session
from ..domain.approval_views import review_board
from ..domain.durations import format_duration
from . import bp


def _board_context() -> dict:
    context = current_context()
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = date.today()
    board = review_board(request_session(context.tenant_id), context.account_id or "", day)
    return {"board": board, "duration": format_duration,
            "previous_day": board.period.start - timedelta(days=1),
            "next_day": board.period.end + timedelta(days=1)}


@bp.get("/pages/approvals")
def approvals_page():
    context = current_context()
    return render_template("approvals.html", **_board_context(),
                           token=mint_context_token(context.tenant, context.account_id))


@bp.get("/pages/approvals/board")
@allow_context_qsh
def approvals_board():
    """The board again after an action, or for another period (fetched by the page)."""
    return render_template("_review_board.html", **_board_context())
