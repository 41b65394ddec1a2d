"""Server time of the capacity board for 500 people × 12 weeks, and of the utilization report
for the same people over a quarter, on PostgreSQL (issue 10: the board must stay < 500 ms).

The data is generated with set-based SQL (``generate_series``): 500 people in 10 teams at mixed
commitments, three workload schemes with 100 people moved mid-range, a default holiday scheme,
absences, roles held from staggered dates by three quarters of them, two plans per person
(about 60 000 plan days) and a worklog per person and working day (about 30 000). Requests go
through the app in-process (Flask test client, no network) with a context token, like the
board page's own calls. Prints p50/max over repeated requests and the ratio to a trivial API
call measured in the same run. ``--quick`` uses 50 people.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from addon import create_app  # noqa: E402
from addon import migrate  # noqa: E402
from addon.db import EXTENSION_KEY  # noqa: E402
from connect.context import mint_context_token  # noqa: E402
from tests.backend import drop_pg_database  # noqa: E402
from tests.backend import select_backend  # noqa: E402

BOARD = "/api/4/capacity?from=2026-01-05&to=2026-03-29&granularity=WEEK"
QUARTER = "/api/4/reports/utilization?from=2026-01-01&to=2026-03-31&groupBy={}"
BASELINE = "/api/4/globalconfiguration"
RUNS = 12

# Every statement is set-based: no row is generated in Python. :t is the tenant, :n people.
SEED = [
    """INSERT INTO jira_users (tenant_id, account_id, display_name, time_zone, account_type,
         active, created_at, updated_at)
       SELECT :t, 'p-' || i, 'Person ' || i,
              (ARRAY['Europe/Berlin','Pacific/Auckland','America/Los_Angeles'])[1 + i % 3],
              'atlassian', true, now(), now() FROM generate_series(1, :n) i""",
    """INSERT INTO workload_schemes (tenant_id, name, is_default, day_seconds, created_at,
         updated_at) VALUES
       (:t, 'Full time', true, '[28800,28800,28800,28800,28800,0,0]', now(), now()),
       (:t, 'Four days', false, '[28800,28800,28800,28800,0,0,0]', now(), now()),
       (:t, 'Mornings', false, '[14400,14400,14400,14400,14400,0,0]', now(), now())""",
    """INSERT INTO workload_scheme_members (tenant_id, account_id, scheme_id, effective_from)
       SELECT :t, 'p-' || i, (SELECT id FROM workload_schemes WHERE name =
              CASE WHEN i % 2 = 0 THEN 'Four days' ELSE 'Mornings' END AND tenant_id = :t),
              DATE '2026-02-09' FROM generate_series(1, :n) i WHERE i % 5 = 0""",
    """INSERT INTO holiday_schemes (tenant_id, name, is_default, created_at, updated_at)
       VALUES (:t, 'Public', true, now(), now())""",
    """INSERT INTO holidays (tenant_id, scheme_id, name, date, duration_seconds)
       SELECT :t, (SELECT id FROM holiday_schemes WHERE tenant_id = :t), 'Holiday', d::date,
              CASE WHEN extract(day FROM d) > 15 THEN 14400 END
       FROM unnest(ARRAY[DATE '2026-01-06', DATE '2026-02-16', DATE '2026-03-20']) d""",
    """INSERT INTO absences (tenant_id, account_id, from_date, to_date, seconds_per_day, type,
         created_at, updated_at)
       SELECT :t, 'p-' || i, DATE '2026-01-12' + (i % 60), DATE '2026-01-12' + (i % 60) + 4,
              CASE WHEN i % 2 = 0 THEN 7200 END, 'VACATION', now(), now()
       FROM generate_series(1, :n) i WHERE i % 3 = 0""",
    """INSERT INTO teams (tenant_id, name, created_at, updated_at)
       SELECT :t, 'Team ' || g, now(), now() FROM generate_series(0, 9) g""",
    """INSERT INTO team_memberships (tenant_id, team_id, account_id, commitment_percent,
         from_date, to_date, created_at, updated_at)
       SELECT :t, (SELECT id FROM teams WHERE tenant_id = :t AND name = 'Team ' || (i % 10)),
              'p-' || i, CASE WHEN i % 4 = 0 THEN 50 ELSE 100 END, DATE '2025-06-01',
              CASE WHEN i % 7 = 0 THEN DATE '2026-02-20' END, now(), now()
       FROM generate_series(1, :n) i""",
    """INSERT INTO roles (tenant_id, name, is_default, target_utilization_percent, created_at,
         updated_at) VALUES (:t, 'Default', true, NULL, now(), now()),
       (:t, 'Consultant', false, 75, now(), now()), (:t, 'Senior', false, 65, now(), now())""",
    """INSERT INTO role_assignments (tenant_id, account_id, role_id, effective_from, created_at)
       SELECT :t, 'p-' || i, (SELECT id FROM roles WHERE tenant_id = :t AND name =
              CASE WHEN i % 2 = 0 THEN 'Consultant' ELSE 'Senior' END),
              DATE '2025-12-01' + (i % 90), now()
       FROM generate_series(1, :n) i WHERE i % 4 <> 0""",
    """INSERT INTO plans (tenant_id, assignee_account_id, plan_item_type, plan_item_id,
         start_date, end_date, effort_type, seconds_per_day, include_non_working_days,
         billable, created_at, updated_at)
       SELECT :t, 'p-' || i, 'PROJECT', '1000' || k, DATE '2026-01-05',
              DATE '2026-03-29', 'SECONDS_PER_DAY', 14400 + 3600 * k, false, true, now(), now()
       FROM generate_series(1, :n) i, generate_series(0, 1) k""",
    """INSERT INTO plan_days (tenant_id, plan_id, day, account_id, planned_seconds)
       SELECT :t, p.id, d::date, p.assignee_account_id, p.seconds_per_day
       FROM plans p, generate_series(p.start_date, p.end_date, INTERVAL '1 day') d
       WHERE p.tenant_id = :t AND extract(isodow FROM d) < 6""",
    """INSERT INTO worklogs (tenant_id, jira_worklog_id, issue_jira_id, project_jira_id,
         author_account_id, start_date, start_time, time_zone, started_at, time_spent_seconds,
         billable_seconds, description, account_rule, attributes, complete, push_state,
         push_attempts, created_at, updated_at)
       SELECT :t, NULL, '20000', '10000', 'p-' || i, d::date, TIME '09:00', 'UTC',
              d + INTERVAL '9 hours', 21600 + 60 * (i % 30), 14400, '', 'NONE', '{}', true,
              'SYNCED', 0, now(), now()
       FROM generate_series(1, :n) i,
            generate_series(DATE '2026-01-05', DATE '2026-03-27', INTERVAL '1 day') d
       WHERE extract(isodow FROM d) < 6""",
]


def _seed(database, tenant_id: int, people: int) -> dict[str, int]:
    with database.engine.begin() as conn:
        for statement in SEED:
            conn.execute(text(statement), {"t": tenant_id, "n": people})
        counts = {table: conn.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
                  for table in ("plan_days", "worklogs", "team_memberships")}
        conn.execute(text("ANALYZE"))
    return counts


def _time(client, path: str, token: str) -> list[float]:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(path, headers={"Authorization": f"JWT {token}"})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return sorted(timings[2:])


def main() -> None:
    people = 50 if "--quick" in sys.argv else 500
    backend = select_backend(Path(tempfile.mkdtemp(prefix="ledgerline-bench-")))
    if not backend.is_postgres:
        print("capacity bench: skipped, it measures PostgreSQL and none is reachable")
        return
    try:
        migrate.upgrade(backend.database_url)
        app = create_app({"testing": True, "dev_mode": True, "database_url": backend.database_url,
                          "secret_key": "bench-secret", "log_level": "WARNING"})
        database = app.extensions[EXTENSION_KEY]
        tenant = app.extensions["ledgerline.tenants"].ensure_demo_tenant(
            base_url="http://localhost:8000/dev/jira")
        counts = _seed(database, tenant.tenant_id, people)
        client = app.test_client()
        with app.app_context():
            token = mint_context_token(tenant, "p-1")
        print(f"capacity bench, {people} people ({backend.notice}); rows: {counts}")
        baseline = statistics.median(_time(client, BASELINE, token))
        for label, path in (("board 12 weeks", BOARD),
                            ("utilization quarter by user", QUARTER.format("user")),
                            ("utilization quarter by team", QUARTER.format("team")),
                            ("utilization quarter by role", QUARTER.format("role"))):
            warm = _time(client, path, token)
            p50 = statistics.median(warm)
            print(f"  {label:32s} p50 {p50:7.1f} ms  max {warm[-1]:7.1f} ms"
                  f"  ({p50 / baseline:.0f}× a trivial call of {baseline:.1f} ms)")
        database.dispose()
    finally:
        if backend.database_name:
            drop_pg_database(backend.admin_url, backend.database_name)


if __name__ == "__main__":
    main()
