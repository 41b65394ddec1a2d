"""The REST API at ``/api/4`` (Tempo v4-shaped), for our iframes and for integrators.

Every route here accepts Connect context tokens (``qsh: context-qsh``) from our own iframes;
that is the only place they are accepted.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/4")


def init_app(app) -> None:
    from . import accounts  # noqa: F401 - these modules register their routes on bp
    from . import approvals  # noqa: F401
    from . import audit  # noqa: F401
    from . import auth
    from . import openapi  # noqa: F401
    from . import roles  # noqa: F401
    from . import setup  # noqa: F401
    from . import sync  # noqa: F401 - these modules register their routes on bp
    from . import worklogs  # noqa: F401

    auth.init_app(app)
    app.register_blueprint(bp)


@bp.before_request
def _attribute_changes() -> None:
    """Audit each request's writes to its caller (set up once, with the blueprint)."""
    from .auth import attribute_changes

    attribute_changes()
