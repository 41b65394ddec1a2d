"""Pytest fixtures for the fake Jira; load with ``pytest_plugins = ["tests.fakejira.fixtures"]``.

``atlassian_cloud`` starts once per session (RSA key generation is the slow part);
``jira_site`` is a factory so a test can start several sites (tenants) and all of them stop
at teardown; ``stand_in_app`` is a minimal Connect app to install on a site where a test
needs an installation but not the real app.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator

import pytest

from .cloud import AtlassianCloud
from .site import FakeJiraSite
from .standin import StandInApp


@pytest.fixture(scope="session")
def atlassian_cloud() -> Iterator[AtlassianCloud]:
    with AtlassianCloud() as cloud:
        yield cloud


@pytest.fixture
def jira_site(atlassian_cloud: AtlassianCloud) -> Iterator[Callable[..., FakeJiraSite]]:
    started: list[FakeJiraSite] = []

    def make(
        name: str = "acme", *, app_key: str = "ledgerline", context_path: str = ""
    ) -> FakeJiraSite:
        site = atlassian_cloud.new_site(name, app_key=app_key, context_path=context_path)
        started.append(site)
        return site

    yield make
    for site in started:
        site.close()


@pytest.fixture
def stand_in_app() -> Iterator[StandInApp]:
    app = StandInApp()
    yield app
    app.close()
