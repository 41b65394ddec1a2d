"""Health endpoints for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify

from connect.context import public

from .db import get_database
from .jobs import get_jobs

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@public
def healthz():
    """The process is up (no dependency checks: those belong to readiness)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@public
def readyz():
    """Database and, when configured, Redis reachable; 503 naming what is not."""
    checks: dict[str, str] = {}
    try:
        get_database().ping()
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
    jobs = get_jobs()
    if jobs.inline:
        checks["redis"] = "not configured (jobs run in-process)"
    else:
        try:
            jobs.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"unreachable: {type(exc).__name__}"
    ready = all(v == "ok" or v.startswith("not configured") for v in checks.values())
    return jsonify({"status": "ready" if ready else "unavailable", "checks": checks}), (
        200 if ready else 503
    )
