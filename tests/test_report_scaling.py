"""Every report, its page, its JSON and the dashboard run the same number of queries on a
synthetic roster and on one twenty times its size (issue 16: set-based, whatever the size)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import synthetic
from registry.kernel.reporting import ReportParams, json_chunks, reports, run_report
from registry.management.commands.make_synthetic import all_steps
from tests.test_synthetic import wipe

SMALL = synthetic.Tier(districts=1, towns=3, villages=12, organizations=40, mediators=150, full_time=40, experts=5)


def queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = run()
    assert getattr(result, "status_code", 200) == 200
    return len(captured)


def measure(client, params) -> dict[str, int]:
    from django.core.cache import cache

    counts = {}
    for name in reports():
        counts[f"{name}.json"] = queries(lambda: "".join(json_chunks(run_report(name, params))))
        counts[f"{name}.page"] = queries(lambda: client.get(f"/reports/{name}/", {"as_of": params.as_of}))
    counts["subsidies.admin_page"] = queries(
        lambda: client.get("/admin/subsidies/payout/report/", {"as_of": params.as_of})
    )
    cache.clear()
    counts["dashboard"] = queries(lambda: client.get("/reports/", {"as_of": params.as_of}))
    counts["dashboard.cached"] = queries(lambda: client.get("/reports/", {"as_of": params.as_of}))
    return counts


def bureau_client(client):
    from registry.kernel.roles import StaffRole
    from registry.services import staff_user_save

    client.force_login(staff_user_save(username="bench_bureau", role=StaffRole.BUREAU, password="pw-1-bench")[0])
    return client


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(client):
    plan = synthetic.SyntheticPlan(SMALL)
    params = ReportParams(as_of=plan.today, year=plan.today.year)
    synthetic.run_steps(all_steps(plan))
    small = measure(bureau_client(client), params)
    wipe()
    synthetic.run_steps(all_steps(synthetic.SyntheticPlan(SMALL.scaled(20))))
    large = measure(bureau_client(client), params)
    assert large == small
    assert small["dashboard.cached"] < small["dashboard"]
