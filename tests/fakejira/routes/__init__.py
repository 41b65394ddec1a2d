"""REST v3 route modules; each fills a ``RouteTable`` that the site mounts.

To add an endpoint, add a handler to the fitting module (or a new module listed here); handlers
take the ``ApiCall`` and the URL values, return JSON-able data or a Response, and raise
``ApiError`` for Jira-shaped failures.
"""

from . import counts
from . import field_options
from . import issues
from . import meta
from . import projects
from . import worklog_feed
from . import worklogs

ROUTE_TABLES = (meta.routes, projects.routes, issues.routes, worklogs.routes, worklog_feed.routes,
                field_options.routes, counts.routes)
