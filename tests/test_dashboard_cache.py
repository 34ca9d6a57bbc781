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
