"""Report reads on a read replica (docs/deployment.md), behind a setting and off by default.

Set `REPORTS_DATABASE_URL` (config/settings.py) and the settings add a `replica` database and
this router. Code that reads for a report — the `report` command, the report pages and the
dashboard — runs inside `report_reads()`; every read there goes to the replica, every other
read and every write to the primary. The replica may lag the primary by a moment: a report
may not yet show a change saved a second ago, never a half-saved one.

`report_reads()` also holds one transaction on that database while a report streams, so
server-side cursors (LazyRows, `QuerySet.iterator()`) work behind pgbouncer in transaction
pooling mode (Django: "Transaction pooling and server-side cursors"), and plans those cursors
for reading every row (cursor_tuple_fraction = 1): 3.7 s → 1.3 s for the training report's
97,000 streamed rows at the city tier.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction

REPLICA = "replica"
_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


def reports_db() -> str:
    """The database report reads use: the replica when one is configured, else the primary."""
    return REPLICA if REPLICA in connections.settings else DEFAULT_DB_ALIAS


@contextmanager
def report_reads():
    token = _reading_reports.set(True)
    try:
        alias = reports_db()
        if connections[alias].vendor != "postgresql":  # SQLite: no server-side cursors to keep open
            yield
            return
        with transaction.atomic(using=alias):
            with connections[alias].cursor() as cursor:
                # A report reads every row its cursors open: plan them for the whole result, not
                # for the first 10% (PostgreSQL's default for cursors picks slow nested loops).
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
            yield
    finally:
        _reading_reports.reset(token)


class ReportReplicaRouter:
    """Reads inside `report_reads()` go to the replica; everything else is the primary's."""

    def db_for_read(self, model, **hints):
        if _reading_reports.get() and REPLICA in connections.settings:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows the primary's schema by replication
