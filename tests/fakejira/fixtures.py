"""Pytest fixtures for the fake Jira; load with ``pytest_plugins = ["tests.fakejira.fixtures"]``.

``atlassian_cloud`` starts once per session (RSA key generation is the slow part);
``jira_site`` is a factory so a test can start several sites (tenants) and all of them stop
at teardown.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator

import pytest

from .cloud import AtlassianCloud
from .site import FakeJiraSite


@pytest.fixture(scope="session")
def atlassian_cloud() -> Iterator[AtlassianCloud]:
    with AtlassianCloud() as cloud:
        yield cloud


@pytest.fixture
def jira_site(atlassian_cloud: AtlassianCloud) -> Iterator[Callable[..., FakeJiraSite]]:
    started: list[FakeJiraSite] = []

    def make(name: str = "acme", *, app_key: str = "ledgerline") -> FakeJiraSite:
        site = atlassian_cloud.new_site(name, app_key=app_key)
        started.append(site)
        return site

    yield make
    for site in started:
        site.close()
