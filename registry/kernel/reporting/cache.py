"""The dashboard's numbers, cached per (report, as-of date, target year, scope, filters) and
keyed by a data version, so an entry can never outlive the data it was computed from.

The data version is the newest history id of every table django-simple-history keeps — one
query of index look-ups. Every write the product makes (admin, import, services, deletions)
records history (SPEC §5), so any change gives a new version and the next dashboard view
recomputes. Writes that bypass history (make_synthetic, raw SQL in a shell) call
`invalidate_overviews()`; a timeout bounds anything else. See docs/performance.md.
"""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone
from django.utils.module_loading import import_string
from simple_history.models import HistoricalChanges

from registry.kernel.reporting.routing import reports_db
from registry.kernel.scope import scope_areas, user_town

GENERATION_KEY = "reports:overview:generation"


def history_tables() -> list[tuple[str, str]]:
    return sorted(
        (m._meta.db_table, m._meta.pk.column)
        for m in apps.get_models(include_auto_created=True)
        if issubclass(m, HistoricalChanges)  # the m2m history tables too
    )


def data_version() -> str:
    """One query: the newest history row of every history table — read where the reports read
    (the replica, when there is one), so a version never runs ahead of the data it labels."""
    connection = connections[reports_db()]
    parts = [
        f"(SELECT MAX({connection.ops.quote_name(pk)}) FROM {connection.ops.quote_name(table)})"
        for table, pk in history_tables()
    ]
    if not parts:
        return "0"
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return ".".join(str(v or 0) for v in cursor.fetchone())


def invalidate_overviews() -> None:
    """Drop every cached overview (for writes that leave no history)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def overview_key(name: str, params, version: str) -> str:
    """Users who see the same rows share entries: the whole district, or one town's clerks."""
    areas = scope_areas(params.user) if params.user is not None else None
    if areas is None:
        scope = "all"
    else:
        town = user_town(params.user)
        scope = f"town{town.pk}" if town is not None else "none"
    generation = cache.get(GENERATION_KEY, 0)
    filters = f"{params.town.pk if params.town else '-'}:{params.kind or '-'}"
    whole = f"{generation}:{version}:{name}:{params.as_of.isoformat()}:{params.year}:{scope}:{filters}"
    # hashed: short and ASCII whatever the kind filter says (memcached keys are ≤ 250 ASCII bytes)
    return f"reports:overview:{name}:{hashlib.sha256(whole.encode()).hexdigest()}"


LATEST = "latest"  # the version slot of the newest entry whatever the data version (stale mode)


def cached_overview(spec, params, version: str):
    """The rates and headline numbers of one report, from the cache when the data is unchanged.

    With REPORT_OVERVIEW_STALE_SECONDS = N > 0, a changed version does not wait for the count:
    the newest entry is shown while it is at most N seconds old (labelled with its time) and a
    task recomputes it for the next view; an older one is recomputed while the reader waits."""
    found = cache.get(overview_key(spec.name, params, version))
    if found is not None:
        return found
    stale_seconds = getattr(settings, "REPORT_OVERVIEW_STALE_SECONDS", 0)
    if stale_seconds:
        latest = cache.get(overview_key(spec.name, params, LATEST))
        if latest is not None and (timezone.now() - latest.computed_at).total_seconds() <= stale_seconds:
            refresh_later(spec, params, stale_seconds)
            return latest
    return compute_overview(spec, params, version)


def compute_overview(spec, params, version: str):
    """Count one report's overview now and cache it under `version` (and as the newest entry)."""
    from registry.kernel.reporting import Overview, run_report, scope_label

    if spec.overview:
        overview = import_string(spec.overview)(params)
    else:
        report = run_report(spec.name, params)
        overview = Overview(rates=report.rates, summary=report.summary)
    overview.scope_label = scope_label(params.user, params.town)
    overview.computed_at = timezone.now()
    lifetime = getattr(settings, "REPORT_OVERVIEW_CACHE_SECONDS", 600)
    cache.set(overview_key(spec.name, params, version), overview, lifetime)
    if getattr(settings, "REPORT_OVERVIEW_STALE_SECONDS", 0):
        cache.set(overview_key(spec.name, params, LATEST), overview, None)
    return overview


def refresh_later(spec, params, stale_seconds: int) -> None:
    """Queue one recount of this overview (a second view meanwhile queues nothing)."""
    from registry.kernel.reporting.tasks import refresh_overview

    queued = overview_key(spec.name, params, "queued")
    if cache.add(queued, 1, stale_seconds):
        refresh_overview.enqueue(
            spec.name,
            params.as_of.isoformat(),
            params.year,
            params.user.pk if params.user is not None else None,
            params.town.pk if params.town is not None else None,
            params.kind or "",
        )
