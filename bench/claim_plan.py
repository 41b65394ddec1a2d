"""Plans of the inbox claim and the retention purge on a big inbox: do they stop at their batch?

Two tenants each get ``--backlog`` pending events and the first as many done ones (``INSERT …
SELECT … generate_series``). The claim ``process_due_events`` issues (``inbox.claim_query``)
and the purge (``inbox.purge_done_events``) are run through the app's session and their SQL
captured as sent; each is then prepared with ``plan_cache_mode = force_generic_plan`` and run
under ``EXPLAIN (ANALYZE, BUFFERS)``: the plan a statement psycopg has prepared (after five
runs) can get, planned for any parameters. How PostgreSQL planned the claim's prepared runs
(generic, custom) on one connection is printed too. PostgreSQL only.
"""

from __future__ import annotations

import argparse
import re
from datetime import timedelta

from _harness import AtlassianCloud
from _harness import installed_app
from _harness import private_backend
from sqlalchemy import text

from addon.domain.inbox import claim_query
from addon.domain.inbox import purge_done_events
from addon.models.base import utcnow
from tests.sql_capture import sent_statements

BACKLOG_ROWS = text("""
    INSERT INTO inbox_events (tenant_id, event_type, dedupe_key, received_at, payload, status,
                              attempts, next_attempt_at, processed_at)
    SELECT :tenant_id, 'worklog_updated', :status || ':' || n, :at, '{}', :status, 0, :at,
           CASE WHEN :status = 'done' THEN :at - n * interval '1 second' END
    FROM generate_series(1, :rows) AS n""")
CLAIM_RUNS = 12  # psycopg prepares from the 6th run, PostgreSQL may go generic from the 11th


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=200_000, help="pending events per tenant")
    args = parser.parse_args()
    with private_backend() as backend, AtlassianCloud() as cloud:
        if not backend.database_name:
            print("claim plan: needs PostgreSQL (CI=true with a reachable server); skipped")
            return
        with installed_app(backend, cloud, ["plan0", "plan1"], redis_url=None) as (
                _, _, database, sites):
            tenant_ids = [tenant_id for _, tenant_id in sites]
            for tenant_id, statuses in zip(tenant_ids, (["pending", "done"], ["pending"]),
                                           strict=True):
                with database.transaction(tenant_id=tenant_id) as session:
                    for status in statuses:
                        session.execute(BACKLOG_ROWS, {"tenant_id": tenant_id, "at": utcnow(),
                                                       "status": status, "rows": args.backlog})
            with database.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE inbox_events"))
                print("indexes:")
                for line in conn.execute(text(
                        "SELECT indexdef FROM pg_indexes WHERE tablename = 'inbox_events' "
                        "ORDER BY indexname")).scalars():
                    print(f"  {line}")
            print(f"{args.backlog:,} pending events in each of two tenants, {args.backlog:,} "
                  f"done in the first ({backend.notice})")

            session = database.session(tenant_id=tenant_ids[1])
            try:
                with sent_statements(database.engine) as sent:
                    for _ in range(CLAIM_RUNS):
                        session.execute(claim_query(session, 100, utcnow())).all()
                claim, parameters = sent[-1]
                counts = session.execute(text(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    "WHERE statement LIKE '%FROM inbox_events%SKIP LOCKED'")).one_or_none()
                print(f"claim of 100 as the app sends it, run {CLAIM_RUNS} times on one "
                      f"connection; psycopg prepared it, PostgreSQL planned it (generic, custom) "
                      f"= {tuple(counts) if counts else 'not prepared'} times:")
                print("\n".join(f"  {line}" for line in claim.splitlines()))
                print_generic_plan(session, claim, parameters)
            finally:
                session.rollback()
                session.close()

            session = database.session(all_tenants=True)
            try:
                with sent_statements(database.engine) as sent:
                    purge_done_events(session, before=utcnow() - timedelta(seconds=1),
                                      limit=5000)
                print("purge of 5,000 done events (rolled back):")
                print_generic_plan(session, *sent[-1])
            finally:
                session.rollback()
                session.close()


def print_generic_plan(session, statement: str, parameters: dict) -> None:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of ``statement`` prepared and planned for any parameters."""
    names: list[str] = []

    def number(match: re.Match) -> str:
        names.append(match.group(1))
        return f"${len(names)}"

    numbered = re.sub(r"%\((\w+)\)s", number, statement)
    values = ", ".join("'" + str(parameters[name]).replace("'", "''") + "'" for name in names)
    session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
    session.connection().exec_driver_sql(f"PREPARE planned AS {numbered}")
    plan = session.connection().exec_driver_sql(
        f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE planned({values})").scalars()
    print("  generic plan:")
    print("\n".join(f"    {line}" for line in plan))
    session.connection().exec_driver_sql("DEALLOCATE planned")


if __name__ == "__main__":
    main()
