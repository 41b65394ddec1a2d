"""Gives the fake's self-tests their fixtures, with or without tests/conftest.py.

Importing the fixture functions (rather than ``pytest_plugins``) cannot register the plugin a
second time; when tests/conftest.py loads ``tests.fakejira.fixtures`` too, these definitions
simply take precedence inside this directory.
"""

from .fixtures import atlassian_cloud
from .fixtures import jira_site
from .fixtures import stand_in_app
from .standin import site

__all__ = ["atlassian_cloud", "jira_site", "site", "stand_in_app"]
