"""Server time to render the issue panel with hundreds of priced worklogs on the issue (the
viewer administers the site, so the panel shows cost, revenue and margin too).

Prints p50/p95/max over repeated renders, in-process (Flask test client, no network), on
PostgreSQL when reachable (a private database, dropped afterwards), else SQLite.
Target: well under 100 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from addon import create_app  # noqa: E402
from addon import migrate  # noqa: E402
from addon.db import EXTENSION_KEY  # noqa: E402
from addon.domain.demo import DEMO_ACCOUNT_ID  # noqa: E402
from addon.domain.demo import DEMO_ISSUE_ID  # noqa: E402
from addon.domain.demo import seed_demo_data  # noqa: E402
from addon.domain.worklogs import local_to_utc  # noqa: E402
from addon.models import JiraUser  # noqa: E402
from addon.models import Worklog  # noqa: E402
from addon.models.worklog import PUSH_SYNCED  # noqa: E402
from connect import jwt as connect_jwt  # noqa: E402
from tests.backend import drop_pg_database  # noqa: E402
from tests.backend import select_backend  # noqa: E402

WORKLOGS = 500
PEOPLE = 25
RENDERS = 60


def main() -> None:
    backend = select_backend(Path(tempfile.mkdtemp(prefix="ledgerline-bench-")))
    try:
        migrate.upgrade(backend.database_url)
        app = create_app({"testing": True, "dev_mode": True, "database_url": backend.database_url,
                          "secret_key": "bench-secret", "log_level": "WARNING"})
        database = app.extensions[EXTENSION_KEY]
        tenant = app.extensions["ledgerline.tenants"].ensure_demo_tenant(
            base_url="http://localhost:8000/dev/jira")
        with database.transaction(tenant_id=tenant.tenant_id) as session:
            seed_demo_data(session)
            for person in range(PEOPLE):
                session.add(JiraUser(account_id=f"user-{person}", display_name=f"Person {person}",
                                     time_zone="Europe/Berlin"))
            for n in range(WORKLOGS):
                day = date(2026, 11, 1 + n % 28)
                session.add(Worklog(
                    jira_worklog_id=str(50000 + n), issue_jira_id=DEMO_ISSUE_ID,
                    project_jira_id="10000", author_account_id=f"user-{n % PEOPLE}",
                    start_date=day, start_time=clock(9), time_zone="Europe/Berlin",
                    started_at=local_to_utc(day, clock(9), "Europe/Berlin"),
                    time_spent_seconds=1800 + n, billable_seconds=1800 if n % 3 else 0,
                    description=f"Work item {n}", account_key="ACME-DEV",
                    account_rule="PROJECT_DEFAULT", attributes={"_WorkType_": "DEV"},
                    push_state=PUSH_SYNCED, cost=Decimal(1800 + n) * 45 / 3600,
                    cost_currency="EUR", revenue=Decimal(1800 if n % 3 else 0) * 110 / 3600,
                    revenue_base=Decimal(1800 if n % 3 else 0) * 110 / 3600,
                    revenue_currency="EUR"))
        client = app.test_client()
        path = f"/panels/issue?issueId={DEMO_ISSUE_ID}&issueKey=DEMO-1&projectId=10000"
        timings = []
        for _ in range(RENDERS):
            now = int(time.time())
            token = connect_jwt.encode_hs256({
                "iss": tenant.client_key, "sub": DEMO_ACCOUNT_ID, "iat": now, "exp": now + 60,
                "qsh": connect_jwt.compute_qsh("GET", "/panels/issue", [
                    ("issueId", DEMO_ISSUE_ID), ("issueKey", "DEMO-1"), ("projectId", "10000")]),
            }, tenant.shared_secret)
            started = time.perf_counter()
            response = client.get(f"{path}&jwt={token}")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        warm = sorted(timings[5:])
        print(f"issue panel, {WORKLOGS} worklogs by {PEOPLE} people ({backend.notice}):")
        print(f"  p50 {statistics.median(warm):.1f} ms  p95 {warm[int(len(warm) * 0.95)]:.1f} ms"
              f"  max {warm[-1]:.1f} ms over {len(warm)} renders")
        database.dispose()
    finally:
        if backend.database_name:
            drop_pg_database(backend.admin_url, backend.database_name)


if __name__ == "__main__":
    main()
