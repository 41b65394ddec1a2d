"""The app a job runs in: the current one (in-process jobs, the worker CLI) or one made once."""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask import has_app_context

from addon import create_app
from addon.db import EXTENSION_KEY as DB_KEY
from addon.db import Database

_process_app: Flask | None = None


def job_app() -> Flask:
    global _process_app
    if has_app_context():
        return current_app._get_current_object()
    if _process_app is None:
        _process_app = create_app()
    return _process_app


def database() -> Database:
    return job_app().extensions[DB_KEY]
