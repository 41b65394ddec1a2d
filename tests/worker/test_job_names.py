"""The app names jobs by dotted path (it never imports worker): each must resolve."""

from __future__ import annotations

import importlib

import pytest

from addon import jobs


@pytest.mark.parametrize("path", jobs.ALL_JOBS)
def test_job_paths_name_functions(path):
    module, _, name = path.rpartition(".")
    assert callable(getattr(importlib.import_module(module), name))
