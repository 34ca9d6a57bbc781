"""The dashboard's recounts in the background (REPORT_OVERVIEW_STALE_SECONDS; the task worker,
`manage.py db_worker`, runs them)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_tasks import task

from registry.kernel.reporting import ReportParams, report_spec
from registry.kernel.reporting.cache import compute_overview, data_version, overview_key
from registry.kernel.reporting.routing import report_reads
from registry.models import Area


@task()
def refresh_overview(name: str, as_of: str, year: int, user_id: int | None, town_id: int | None, kind: str) -> None:
    """Recount one report's overview for these filters and this reader's scope, as the dashboard would."""
    params = ReportParams(
        as_of=datetime.date.fromisoformat(as_of),
        year=year,
        user=get_user_model().objects.get(pk=user_id) if user_id is not None else None,
        town=Area.objects.get(pk=town_id) if town_id is not None else None,
        kind=kind or None,
    )
    spec = report_spec(name)
    try:
        with report_reads():
            compute_overview(spec, params, data_version())
    finally:
        cache.delete(overview_key(spec.name, params, "queued"))
