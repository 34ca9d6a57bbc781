"""The read replica for reports (docs/deployment.md): off by default; when configured, every
read of the report command, the report pages and the dashboard goes to it, writes never do."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections

from registry.kernel.reporting import routing
from registry.kernel.reporting.routing import REPLICA, ReportReplicaRouter, report_reads
from registry.models import Mediator


@pytest.fixture
def replica_configured(monkeypatch):
    """A `replica` alias as settings add it for REPORTS_DATABASE_URL (never connected here)."""
    monkeypatch.setitem(connections.settings, REPLICA, dict(connections.settings["default"]))
    yield
    connections.settings.pop(REPLICA, None)


@pytest.mark.django_db
def test_it_is_off_by_default(settings):
    assert REPLICA not in settings.DATABASES
    assert not getattr(settings, "DATABASE_ROUTERS", [])
    with report_reads():
        assert ReportReplicaRouter().db_for_read(Mediator) is None
    assert routing.reports_db() == "default"


def test_report_reads_go_to_the_replica_and_nothing_else(replica_configured):
    router = ReportReplicaRouter()
    assert router.db_for_read(Mediator) is None  # an admin page, an import: the primary
    token = routing._reading_reports.set(True)  # inside report_reads(), without opening the replica
    try:
        assert router.db_for_read(Mediator) == REPLICA
        assert router.db_for_write(Mediator) == "default"
    finally:
        routing._reading_reports.reset(token)
    assert router.db_for_read(Mediator) is None
    assert not router.allow_migrate(REPLICA, "registry")
    assert router.allow_migrate("default", "registry")
    assert routing.reports_db() == REPLICA


@pytest.mark.django_db
@pytest.mark.parametrize("run", ["command", "page", "dashboard"])
def test_every_report_path_reads_inside_report_reads(run, users, client_as, monkeypatch, settings):
    settings.DATABASE_ROUTERS = ["registry.kernel.reporting.routing.ReportReplicaRouter"]
    seen = []
    original = ReportReplicaRouter.db_for_read

    def spy(self, model, **hints):
        seen.append(routing._reading_reports.get())
        return original(self, model, **hints)

    monkeypatch.setattr(ReportReplicaRouter, "db_for_read", spy)
    if run == "command":
        call_command("report", "training", "--format", "json", stdout=StringIO())
    elif run == "page":
        assert client_as(users.bureau).get("/reports/training/").status_code == 200
    else:
        assert client_as(users.bureau).get("/reports/").status_code == 200
    assert True in seen  # the report's own reads were routed as report reads
