"""Retention: the apply rate with a million done inbox events behind it, and with none.

Done events stay in ``inbox_events`` until the retention job deletes them
(``INBOX_RETENTION_DAYS``); a site applying webhooks for days holds that many. The bench
alternates rounds on one tenant: apply a fresh backlog (``apply.known_issue_events``, drained by
one worker process as ``bench/apply.py`` does) with no old rows, then with ``--old`` done rows
inserted by one ``INSERT … SELECT … generate_series`` (each with a real worklog payload), which
the retention job's ``purge_done_events`` then deletes again, in its bounded batches, timed.
PostgreSQL only (SQLite is the test fallback, not a production store).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import timedelta

from _harness import AtlassianCloud
from _harness import installed_app
from _harness import private_backend
from apply import check_applied_once
from apply import drain
from apply import fill
from apply import known_issue_events
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from addon.domain.inbox import purge_done_events
from addon.models import InboxEvent
from addon.models.base import utcnow

PURGE_BATCH = 5000  # what the hourly retention job deletes per statement

OLD_ROWS = text("""
    INSERT INTO inbox_events (tenant_id, event_type, dedupe_key, received_at, payload, status,
                              attempts, next_attempt_at, processed_at)
    SELECT :tenant_id, 'worklog_updated', 'old:' || n, :at, CAST(:payload AS json), 'done', 1,
           :at, :at
    FROM generate_series(1, :rows) AS n""")


def _insert_old(database, tenant_id: int, rows: int, payload: dict) -> float:
    started = time.perf_counter()
    at = utcnow() - timedelta(days=4)
    with database.transaction(tenant_id=tenant_id) as session:
        session.execute(OLD_ROWS, {"tenant_id": tenant_id, "at": at, "rows": rows,
                                   "payload": json.dumps(payload)})
    with database.engine.connect() as conn:
        autocommit = conn.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.execute(text("VACUUM ANALYZE inbox_events"))
        # The gigabyte just written is flushed now, not by the checkpointer during the round.
        autocommit.execute(text("CHECKPOINT"))
    return time.perf_counter() - started


def _purge(database) -> tuple[int, float]:
    started, deleted = time.perf_counter(), 0
    while True:
        with database.transaction(all_tenants=True) as session:
            gone = purge_done_events(session, before=utcnow() - timedelta(days=3),
                                     limit=PURGE_BATCH)
        deleted += gone
        if gone == 0:
            return deleted, time.perf_counter() - started


def _rows(database, tenant_id: int) -> int:
    with database.transaction(tenant_id=tenant_id) as session:
        return session.scalar(select(func.count(InboxEvent.id)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=int, default=1_000_000, help="done rows behind the backlog")
    parser.add_argument("--issues", type=int, default=400, help="issues per round (x5 events)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of (none, --old)")
    args = parser.parse_args()
    with private_backend() as backend, AtlassianCloud() as cloud:
        if not backend.database_name:
            print("retention: needs PostgreSQL (CI=true with a reachable server); skipped")
            return
        with installed_app(backend, cloud, ["retention"], redis_url=None) as (
                config, _, database, ((site, tenant_id),)):
            print(f"apply rate with done inbox rows behind it ({backend.notice}):")
            rates: dict[str, list[float]] = {"none": [], "old": []}
            applied = 0
            for round_ in range(args.rounds):
                for kind in ("none", "old"):
                    events = known_issue_events(site.model, args.issues, 4,
                                                f"R{round_}{kind.upper()}")
                    if kind == "old":
                        seconds = _insert_old(database, tenant_id, args.old, events[-1][1])
                        print(f"  {args.old:,} done rows inserted in {seconds:.1f} s")
                    behind = _rows(database, tenant_id)
                    fill(database, tenant_id, events)
                    seconds = drain(config, tenant_id, 1)
                    applied += len(events)
                    rates[kind].append(len(events) / seconds)
                    print(f"  {behind:9,} rows behind: {len(events) / seconds:5.0f} events/s "
                          f"({len(events)} in {seconds:.1f} s)", flush=True)
                    if kind == "old":
                        deleted, seconds = _purge(database)
                        print(f"  retention purge: {deleted:,} rows in {seconds:.1f} s "
                              f"({deleted / seconds:,.0f}/s, batches of {PURGE_BATCH})")
                    check_applied_once(database, tenant_id, applied)
            none, old = (sum(r) / len(r) for r in (rates["none"], rates["old"]))
            print(f"  with {args.old:,} done rows / with none: {old / none:.2f}x "
                  "(target: the same rate)")


if __name__ == "__main__":
    main()
