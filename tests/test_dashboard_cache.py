"""The dashboard's cache (registry.kernel.reporting.cache): entries per scope, and a change to
the data shows on the next view — whatever path made it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.kernel.reporting.cache import invalidate_overviews
from registry.models import Organization, OrganizationKind
from tests.factories import make_org


def staffing_short(html: str) -> int:
    panel = html.split('id="report-staffing"')[1].split("</section>")[0]
    return int(re.search(r"未配齐组织数：<strong>(\d+)</strong>", panel).group(1))


@pytest.fixture
def dashboard(users, client_as):
    def view(user):
        return client_as(user).get("/reports/").content.decode()

    return view


def test_a_saved_change_shows_on_the_next_view(district, users, dashboard):
    with CaptureQueriesContext(connection) as cold:
        before = staffing_short(dashboard(users.bureau))
    with CaptureQueriesContext(connection) as cached:
        assert staffing_short(dashboard(users.bureau)) == before
    assert len(cached) <= len(cold) - 9  # no overview query of the nine panels runs again
    make_org("新山村街道第二人民调解委员会", OrganizationKind.TOWN, district.a)  # saved with history
    assert staffing_short(dashboard(users.bureau)) == before + 1


def test_scopes_do_not_share_entries(district, users, dashboard):
    make_org("跃进村街道第二人民调解委员会", OrganizationKind.TOWN, district.b)
    bureau, clerk_a, clerk_b = (staffing_short(dashboard(u)) for u in (users.bureau, users.clerk_a, users.clerk_b))
    assert (bureau, clerk_a, clerk_b) == (3, 1, 2)  # every town committee is short of its full-timers


def test_a_write_without_history_shows_after_invalidation(district, users, dashboard):
    before = staffing_short(dashboard(users.bureau))
    Organization.objects.filter(pk=district.org_a.pk).update(kind=OrganizationKind.OTHER)  # no history row
    assert staffing_short(dashboard(users.bureau)) == before  # the cache cannot know
    invalidate_overviews()  # what make_synthetic (and any bulk path without history) calls
    assert staffing_short(dashboard(users.bureau)) == before - 1


STALE = {
    "REPORT_OVERVIEW_STALE_SECONDS": 300,
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
}


@pytest.fixture
def stale_mode(settings):
    from django.core.cache import cache
    from django_tasks import default_task_backend

    cache.clear()
    for name, value in STALE.items():
        setattr(settings, name, value)
    assert default_task_backend.results == []  # a fresh dummy backend: the tasks queued are on it
    return default_task_backend


def test_stale_mode_shows_the_last_count_while_a_task_recounts(district, users, dashboard, stale_mode):
    """A nation-wide deployment (REPORT_OVERVIEW_STALE_SECONDS): after a change the reader gets the
    last numbers at once, labelled with their time, and one task per panel recounts them."""
    from registry.kernel.reporting.tasks import refresh_overview

    before = staffing_short(dashboard(users.bureau))
    make_org("新山村街道第二人民调解委员会", OrganizationKind.TOWN, district.a)
    with CaptureQueriesContext(connection) as stale_view:
        html = dashboard(users.bureau)
    assert staffing_short(html) == before  # not yet recounted
    assert "统计时间" in html
    assert not any("registry_membership" in q["sql"] for q in stale_view.captured_queries)  # no count ran
    queued = [r for r in stale_mode.results if r.task.name == refresh_overview.name]
    assert len(queued) == 9  # one per panel
    dashboard(users.bureau)
    assert len([r for r in stale_mode.results if r.task.name == refresh_overview.name]) == 9  # queued once
    for result in queued:  # what the task worker does
        refresh_overview.call(*result.args)
    assert staffing_short(dashboard(users.bureau)) == before + 1


def test_stale_mode_recounts_at_once_what_is_older_than_allowed(district, users, dashboard, stale_mode, monkeypatch):
    import datetime

    from django.utils import timezone

    before = staffing_short(dashboard(users.bureau))
    make_org("新山村街道第二人民调解委员会", OrganizationKind.TOWN, district.a)
    later = timezone.now() + datetime.timedelta(seconds=301)
    monkeypatch.setattr("registry.kernel.reporting.cache.timezone.now", lambda: later)
    assert staffing_short(dashboard(users.bureau)) == before + 1  # too old to show: counted while the reader waits
