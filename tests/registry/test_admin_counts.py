"""Admin lists at a national size (issue 16): an unfiltered list on PostgreSQL takes its length
from the planner's statistics, a filtered one is counted exactly; no second full COUNT(*)."""

import pytest
from django.db import connection

from registry.admin import MediatorAdmin
from registry.kernel.admin import EstimatedCountPaginator, ScopedAdmin
from registry.models import Mediator
from tests.factories import make_mediator


def test_roster_lists_skip_the_full_count():
    assert ScopedAdmin.show_full_result_count is False
    assert issubclass(MediatorAdmin.paginator, EstimatedCountPaginator)


@pytest.mark.django_db
def test_small_or_filtered_lists_are_counted_exactly(settings):
    for n in range(3):
        make_mediator(name=f"张{n}")
    assert EstimatedCountPaginator(Mediator.objects.all(), 50).count == 3
    assert EstimatedCountPaginator(Mediator.objects.filter(name="张1"), 50).count == 1


@pytest.mark.django_db
def test_a_large_unfiltered_list_is_estimated_on_postgresql(settings):
    if connection.vendor != "postgresql":
        pytest.skip("pg_class statistics are PostgreSQL's")
    for n in range(3):
        make_mediator(name=f"张{n}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_mediator")
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'registry_mediator'::regclass")
        estimate = cursor.fetchone()[0]
        cursor.execute("UPDATE pg_class SET reltuples = 5000000 WHERE oid = 'registry_mediator'::regclass")
    settings.ADMIN_ESTIMATED_COUNT_ABOVE = 1_000_000
    assert EstimatedCountPaginator(Mediator.objects.all(), 50).count == 5_000_000  # no COUNT(*) run
    assert EstimatedCountPaginator(Mediator.objects.filter(name="张1"), 50).count == 1  # filtered: exact
    settings.ADMIN_ESTIMATED_COUNT_ABOVE = 10_000_000
    assert EstimatedCountPaginator(Mediator.objects.all(), 50).count == 3  # below the line: exact
    assert estimate is not None
