"""A fake Jira Cloud for the test suite: real HTTP servers, never function-level mocks.

- ``AtlassianCloud`` (cloud.py): the install-keys CDN and the OAuth server, plus ``new_site``.
- ``FakeJiraSite`` (site.py): one site — install handshake and lifecycle (lifecycle.py),
  strict JWT/Bearer authentication (auth.py), REST v3 routes (routes/) over a ``JiraModel``,
  scripted answers for fault injection (server.py ``Script``) and a log of every request
  with its verified claims.
- ``JiraModel`` (model.py + issue_store.py, worklog_store.py, seeding.py): thread-safe
  in-memory data and the helpers tests use; payloads.py renders REST and webhook JSON.

The fake never imports the app (``connect``, ``addon``, ``worker``): qsh comes from the
independent ``atlassian_jwt`` package. Fixtures live in fixtures.py; tests/conftest.py loads
them with ``pytest_plugins = ["tests.fakejira.fixtures"]``.
"""

from .cloud import AtlassianCloud
from .entities import ISSUE_TYPES
from .entities import UNSET
from .model import JiraModel
from .site import FakeJiraSite
from .worklog_store import adf_text

__all__ = ["ISSUE_TYPES", "UNSET", "AtlassianCloud", "FakeJiraSite", "JiraModel", "adf_text"]
