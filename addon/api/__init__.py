"""The REST API at ``/api/4`` (Tempo v4-shaped), for our iframes and for integrators.

Every route here accepts Connect context tokens (``qsh: context-qsh``) from our own iframes, as
do the few panel fragments those iframes fetch (marked ``@allow_context_qsh``); webhooks and
lifecycle callbacks never do.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/4")


def init_app(app) -> None:
    from . import account_money  # noqa: F401 - these modules register their routes on bp
    from . import accounts  # noqa: F401
    from . import approvals  # noqa: F401
    from . import audit  # noqa: F401
    from . import capacity  # noqa: F401
    from . import configuration  # noqa: F401
    from . import expenses  # noqa: F401
    from . import invoices  # noqa: F401
    from . import issues  # noqa: F401
    from . import money  # noqa: F401
    from . import openapi  # noqa: F401
    from . import openapi_capacity  # noqa: F401
    from . import openapi_invoices  # noqa: F401
    from . import plans  # noqa: F401
    from . import reports  # noqa: F401
    from . import roles  # noqa: F401
    from . import schemes  # noqa: F401
    from . import shares  # noqa: F401
    from . import sync  # noqa: F401
    from . import teams  # noqa: F401
    from . import tokens  # noqa: F401
    from . import work_attributes  # noqa: F401
    from . import worklogs  # noqa: F401
    from .path_ids import IdConverter

    app.url_map.converters["id"] = IdConverter
    app.register_blueprint(bp)


@bp.before_request
def _attribute_changes() -> None:
    """Audit each request's writes to its caller (set up once, with the blueprint)."""
    from ..caller import attribute_changes

    attribute_changes()
