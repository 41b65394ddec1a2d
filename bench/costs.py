"""The cost report over one month of a PostgreSQL tenant with 1M priced worklogs, against a
single hand-written GROUP BY over the same rows.

Rows are generated in the database with ``generate_series`` (priced snapshot columns
included), spread over twelve months, so one month holds about 1/12 of them. Prints the median
time of each and their ratio. Targets (issue 8): report ≤ 1.5 × the GROUP BY and < 300 ms.
``--rows N`` changes the size (default 1,000,000; ``--quick`` = 100,000).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from addon import create_app  # noqa: E402
from addon import migrate  # noqa: E402
from addon.db import EXTENSION_KEY  # noqa: E402
from addon.domain.reports.cost import CostQuery  # noqa: E402
from addon.domain.reports.cost import cost_report  # noqa: E402
from tests.backend import drop_pg_database  # noqa: E402
from tests.backend import select_backend  # noqa: E402

ACCOUNTS = 20
PEOPLE = 50
RUNS = 15
MONTH = (date(2026, 6, 1), date(2026, 6, 30))

GENERATE = """
INSERT INTO worklogs (tenant_id, jira_worklog_id, issue_jira_id, project_jira_id,
    author_account_id, start_date, start_time, time_zone, started_at, time_spent_seconds,
    billable_seconds, description, account_key, account_rule, attributes, complete, push_state,
    push_attempts, created_at, updated_at, role_id, cost_rate, cost_rate_scope, cost,
    cost_currency, billing_rate, billing_rate_scope, priced_billable_seconds, revenue,
    revenue_currency, revenue_base, priced_at)
SELECT :tenant, 'j' || n, (10000 + n % 5000)::text, (100 + n % 10)::text, 'user-' || n % 50,
    d, '09:00', 'UTC', d + time '09:00', 1800 + (n % 7) * 900,
    CASE WHEN n % 4 = 0 THEN 0 ELSE 1800 + (n % 7) * 900 END, '', 'ACC' || n % 20,
    'PROJECT_DEFAULT', '{}', true, 'SYNCED', 0, now(), now(), 1 + n % 3, 60, 'ROLE',
    round((1800 + (n % 7) * 900) * 60 / 3600.0, 2), 'EUR', 120, 'ACCOUNT',
    CASE WHEN n % 4 = 0 THEN 0 ELSE 1800 + (n % 7) * 900 END,
    CASE WHEN n % 4 = 0 THEN 0 ELSE round((1800 + (n % 7) * 900) * 120 / 3600.0, 2) END, 'EUR',
    CASE WHEN n % 4 = 0 THEN 0 ELSE round((1800 + (n % 7) * 900) * 120 / 3600.0, 2) END, now()
FROM generate_series(1, :rows) AS n,
     LATERAL (SELECT date '2026-01-01' + (n % 365) AS d) AS day
"""

HAND_WRITTEN = """
SELECT account_key, sum(time_spent_seconds), sum(billable_seconds), sum(cost), sum(revenue_base)
FROM worklogs
WHERE tenant_id = :tenant AND deleted_at IS NULL AND start_date BETWEEN :a AND :b
GROUP BY account_key
"""


def _seed(database, tenant_id: int, rows: int) -> None:
    started = time.perf_counter()
    with database.engine.begin() as conn:
        for n in range(ACCOUNTS):
            conn.execute(text(
                "INSERT INTO accounts (tenant_id, key, name, status, contract_type, currency, "
                "is_global, billing_rounding_mode, billing_rounding_minutes, created_at, "
                "updated_at) VALUES (:t, :k, :k, 'OPEN', 'TIME_AND_MATERIALS', 'EUR', false, "
                "'NONE', 1, now(), now())"), {"t": tenant_id, "k": f"ACC{n}"})
        conn.execute(text("INSERT INTO tenant_settings (tenant_id, name, value) "
                          "VALUES (:t, 'money', '{\"currency_code\": \"EUR\"}')"),
                     {"t": tenant_id})
        conn.execute(text(GENERATE), {"tenant": tenant_id, "rows": rows})
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE worklogs"))  # the steady state autovacuum keeps
    print(f"  generated {rows:,} worklogs in {time.perf_counter() - started:.1f} s")


def _median_ms(action) -> float:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings[2:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rows = 100_000 if args.quick else args.rows
    backend = select_backend(Path(tempfile.mkdtemp(prefix="ledgerline-bench-")))
    if not backend.is_postgres:
        print("cost report bench needs PostgreSQL; skipped (" + backend.notice + ")")
        return
    try:
        migrate.upgrade(backend.database_url)
        app = create_app({"testing": True, "dev_mode": True, "database_url": backend.database_url,
                          "secret_key": "bench-secret", "log_level": "WARNING"})
        database = app.extensions[EXTENSION_KEY]
        tenant = app.extensions["ledgerline.tenants"].ensure_demo_tenant(
            base_url="http://localhost:8000/dev/jira")
        print(f"cost report, one month of {rows:,} worklogs ({backend.notice}):")
        _seed(database, tenant.tenant_id, rows)
        query = CostQuery(MONTH[0], MONTH[1], ("account",))

        def report():
            with database.transaction(tenant_id=tenant.tenant_id) as session:
                found = cost_report(session, tenant.tenant_id, query)
                assert len(found.rows) == ACCOUNTS and not found.errors

        def hand_written():
            with database.engine.connect() as conn:
                conn.execute(text(HAND_WRITTEN), {"tenant": tenant.tenant_id, "a": MONTH[0],
                                                  "b": MONTH[1]}).all()

        baseline = _median_ms(hand_written)
        ours = _median_ms(report)
        print(f"  hand-written GROUP BY  {baseline:7.1f} ms")
        print(f"  cost report            {ours:7.1f} ms   ratio {ours / baseline:.2f}"
              f"   (targets: ≤ 1.5 and < 300 ms)")
        database.dispose()
    finally:
        if backend.database_name:
            drop_pg_database(backend.admin_url, backend.database_name)


if __name__ == "__main__":
    main()
