"""Backfill throughput and memory on a fake Jira site with 10k issues and 100k worklogs.

Starts its own fake Atlassian cloud, Jira site and app (real HTTP, as the test suite does), installs
the app, copies the site with ``run_backfill`` while Jira answers 429 every few pages, checks that
the copy equals the site, and prints issues/s, worklogs/s and the peak memory the backfill added
(resident set size, sampled every 20 ms). The database follows the test suite's rule: the local
PostgreSQL (a private database, dropped afterwards) when it and Redis are reachable, SQLite in a
temporary directory otherwise or with LEDGERLINE_TEST_BACKEND=sqlite.
BENCH_PROJECTS, BENCH_ISSUES_PER_PROJECT and BENCH_WORKLOGS_PER_ISSUE scale the site.

The fake Jira runs in this process and shares its GIL, so the rates are a floor.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from addon import create_app  # noqa: E402
from addon import migrate  # noqa: E402
from addon.db import EXTENSION_KEY as DB_KEY  # noqa: E402
from addon.domain.backfill import run_backfill  # noqa: E402
from tests.backend import drop_pg_database  # noqa: E402
from tests.backend import select_backend  # noqa: E402
from tests.fakejira import AtlassianCloud  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402
from tests.worker.test_backfill import app_snapshot  # noqa: E402
from tests.worker.test_backfill import jira_snapshot  # noqa: E402
from worker.jobs.sync import jira_source  # noqa: E402
from worker.runtime import tune_gc_for_batches  # noqa: E402

MEMORY_BOUND_MB = 150
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class RssSampler:
    """The process's peak resident set size while it runs, from /proc/self/statm."""

    def __init__(self) -> None:
        self.baseline = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss())

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def added_mb(self) -> float:
        return (self.peak - self.baseline) / 2**20


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


class PhaseClock:
    """Progress callback: when each phase began and ended, and a 429 burst every 5th page."""

    def __init__(self, site) -> None:
        self.site = site
        self.spans: dict[str, list[float]] = {}
        self.pages = 0

    def __call__(self, progress) -> None:
        now = time.perf_counter()
        self.spans.setdefault(progress.phase, [now, now])[1] = now
        if progress.done:
            self.pages += 1
            if self.pages % 5 == 0:
                self.site.fail_next(3, status=429, retry_after="0")

    def seconds(self, phase: str) -> float:
        start, end = self.spans[phase]
        return end - start


def bench(database_url: str, size: dict[str, int]) -> bool:
    with AtlassianCloud() as cloud:
        server = LiveServer()
        app = create_app({
            "database_url": database_url, "redis_url": None, "base_url": server.url,
            "secret_key": "bench-secret-key", "log_level": "WARNING",
            "connect_install_keys_url": cloud.keys_url,
            "atlassian_oauth_url": cloud.oauth_url, "backfill_on_install": False,
        })
        server.start(app)
        try:
            return _copy_site(app, cloud.new_site("bench"), server.url, size)
        finally:
            server.stop()
            app.extensions[DB_KEY].dispose()


def _copy_site(app, site, app_url: str, size: dict[str, int]) -> bool:
    assert site.install(app_url).status_code == 204
    started = time.perf_counter()
    seeded = site.model.seed(**size, users=20)
    print(f"site: {len(seeded.projects):,} projects, {len(seeded.issues):,} issues, "
          f"{seeded.worklog_count:,} worklogs (seeded in {time.perf_counter() - started:.1f} s)")
    tenant_id = app.extensions["ledgerline.tenants"].find(site.client_key).tenant_id
    database = app.extensions[DB_KEY]
    phases = PhaseClock(site)
    # As `ledgerline worker` does before it takes jobs. It also freezes the fake site's seeded
    # model, which a real worker's heap does not hold.
    tune_gc_for_batches()
    with app.app_context(), RssSampler() as memory:
        started = time.perf_counter()
        run_backfill(lambda: database.transaction(tenant_id=tenant_id), jira_source(tenant_id),
                     addon_key="ledgerline", on_progress=phases)
        elapsed = time.perf_counter() - started
    issues, worklogs = len(seeded.issues), seeded.worklog_count
    print(f"backfill: {elapsed:.1f} s — issues {issues:,} in {phases.seconds('issues'):.1f} s "
          f"({issues / phases.seconds('issues'):,.0f}/s), worklogs {worklogs:,} in "
          f"{phases.seconds('worklogs'):.1f} s ({worklogs / phases.seconds('worklogs'):,.0f}/s)")
    print(f"429 answers absorbed: {sum(r.status == 429 for r in site.requests_log):,}")
    print(f"peak memory added: {memory.added_mb:.1f} MB RSS (bound {MEMORY_BOUND_MB} MB)")
    equal = app_snapshot(database, tenant_id) == jira_snapshot(site)
    print(f"copy equals the site: {'yes' if equal else 'NO'}")
    return equal and memory.added_mb < MEMORY_BOUND_MB


def main() -> int:
    size = {"projects": int(os.environ.get("BENCH_PROJECTS", 20)),
            "issues_per_project": int(os.environ.get("BENCH_ISSUES_PER_PROJECT", 500)),
            "worklogs_per_issue": int(os.environ.get("BENCH_WORKLOGS_PER_ISSUE", 10))}
    scratch = Path(tempfile.mkdtemp(prefix="ledgerline-bench-"))
    backend = select_backend(scratch)
    try:
        where = (f"PostgreSQL (database {backend.database_name})" if backend.is_postgres
                 else f"SQLite ({backend.database_url.removeprefix('sqlite:///')})")
        print(f"backend: {where}")
        migrate.upgrade(backend.database_url)
        return 0 if bench(backend.database_url, size) else 1
    finally:
        if backend.database_name:
            drop_pg_database(backend.admin_url, backend.database_name)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
