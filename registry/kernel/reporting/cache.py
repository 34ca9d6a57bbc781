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


def cached_overview(spec, params, version: str):
    """The rates and headline numbers of one report, from the cache when the data is unchanged."""
    from registry.kernel.reporting import Overview, run_report, scope_label

    key = overview_key(spec.name, params, version)
    found = cache.get(key)
    if found is not None:
        return found
    if spec.overview:
        overview = import_string(spec.overview)(params)
    else:
        report = run_report(spec.name, params)
        overview = Overview(rates=report.rates, summary=report.summary)
    overview.scope_label = scope_label(params.user, params.town)
    cache.set(key, overview, getattr(settings, "REPORT_OVERVIEW_CACHE_SECONDS", 600))
    return overview
