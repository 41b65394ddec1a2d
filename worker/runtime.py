"""The app a job runs in: the current one (in-process jobs, the worker CLI) or one made once,
and the process settings a worker applies batches under."""

from __future__ import annotations

import gc

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


# A sync batch allocates tens of thousands of short-lived objects (rows, dicts, Decimals), and
# with CPython's default thresholds (700, 10, 10) that triggers a collection every few hundred
# rows and a full one every few batches: a fifth of a backfill's time went to the collector
# (bench/backfill.py, gc.callbacks). Almost none of it is cyclic garbage; refcounting frees it.
BATCH_GC_THRESHOLDS = (50_000, 50, 100)


def tune_gc_for_batches() -> None:
    """Collect rarely, and never rescan what the process built before its first job.

    Called once in a worker process before it takes jobs: ``gc.freeze`` moves the app, its
    mappers and imported modules out of the collector's generations (forked work-horses share
    them copy-on-write, untouched), and the thresholds space collections out."""
    gc.freeze()
    gc.set_threshold(*BATCH_GC_THRESHOLDS)
