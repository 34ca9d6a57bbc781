"""/healthz/ for the load balancer or a monitoring probe: is the database reachable, are all
migrations applied? No login; the answer names no table, migration or record.

A few lines rather than django-health-check: two checks need no new app, dependency or settings.
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def pending_migrations() -> bool:
    """Any migration the code has and the database has not recorded (not only the leaves: a merge
    migration recorded as applied would hide an unapplied branch below it)."""
    loader = MigrationLoader(connection)
    return bool(set(loader.graph.nodes) - set(loader.applied_migrations))


@never_cache
@require_safe
def healthz(request):
    checks = {"database": "ok", "migrations": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if pending_migrations():
            checks["migrations"] = "pending"
    except DatabaseError:
        checks = {"database": "unreachable", "migrations": "unknown"}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
