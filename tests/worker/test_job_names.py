"""The app names jobs by dotted path (it never imports worker): each must resolve."""

from __future__ import annotations

import importlib

import pytest

from addon import jobs
from addon.domain.account_field import OPTIONS_SYNC_JOB


@pytest.mark.parametrize("path", [jobs.BACKFILL_JOB, jobs.DRAIN_INBOX_JOB, jobs.PUSH_WORKLOG_JOB,
                                  OPTIONS_SYNC_JOB])
def test_job_paths_name_functions(path):
    module, _, name = path.rpartition(".")
    assert callable(getattr(importlib.import_module(module), name))
