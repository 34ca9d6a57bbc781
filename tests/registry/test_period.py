"""The one date-span rule (registry.kernel.period): both ends inclusive, None open."""

import datetime
import itertools

import pytest

from registry.kernel.period import Period
from registry.models import Employment, Membership
from tests.factories import make_id, make_mediator

D = datetime.date


def test_a_span_ending_the_day_another_starts_overlaps_it():
    assert Period(D(2020, 1, 1), D(2020, 12, 31)).overlaps(Period(D(2020, 12, 31), None))
    assert Period(D(2020, 12, 31), None).overlaps(Period(D(2020, 1, 1), D(2020, 12, 31)))


def test_a_span_ending_the_day_before_another_starts_does_not():
    assert not Period(D(2020, 1, 1), D(2020, 12, 30)).overlaps(Period(D(2020, 12, 31), None))
    assert not Period(D(2020, 12, 31), None).overlaps(Period(D(2020, 1, 1), D(2020, 12, 30)))


def test_open_ends_reach_forever():
    assert Period().overlaps(Period(D(1990, 1, 1), D(1990, 1, 1)))
    assert Period(None, D(2000, 1, 1)).overlaps(Period(D(1999, 1, 1), None))
    assert not Period(None, D(2000, 1, 1)).overlaps(Period(D(2000, 1, 2), None))


def test_contains_counts_both_end_days():
    post = Period(D(2021, 3, 5), D(2021, 6, 30))
    assert [post.contains(d) for d in (D(2021, 3, 4), D(2021, 3, 5), D(2021, 6, 30), D(2021, 7, 1))] == [
        False,
        True,
        True,
        False,
    ]


def test_month_year_and_clipping():
    assert Period.month("2024-02") == Period(D(2024, 2, 1), D(2024, 2, 29))
    assert Period.month("2021-12") == Period(D(2021, 12, 1), D(2021, 12, 31))
    assert Period.year(2022).clipped(D(2022, 7, 1)) == Period(D(2022, 1, 1), D(2022, 7, 1))
    assert Period.year(2022).clipped(D(2023, 7, 1)) == Period.year(2022)


DAYS = [None, D(2020, 1, 1), D(2020, 6, 30), D(2020, 7, 1), D(2021, 1, 1)]
SPANS = [Period(s, e) for s, e in itertools.product(DAYS, DAYS) if not (s and e and e < s)]


@pytest.mark.django_db
def test_the_sql_form_agrees_with_the_python_form(district):
    """q_overlapping / q_active_on select exactly the rows `overlaps` / `contains` say."""
    for n, span in enumerate(SPANS):  # one person each: (person, organization, start) is unique
        Membership.objects.create(
            mediator=make_mediator(f"区间{n}", make_id(seq=300 + n)),
            organization=district.org_a,
            employment=Employment.PART_TIME,
            start_date=span.start,
            end_date=span.end,
        )
    stored = list(Membership.objects.all())
    assert len(stored) == len(SPANS)
    for span in SPANS:
        in_sql = set(Membership.objects.filter(span.q_overlapping()).values_list("pk", flat=True))
        assert in_sql == {p.pk for p in stored if p.period.overlaps(span)}, span
    for day in [d for d in DAYS if d]:
        in_sql = set(Membership.objects.filter(Period.q_active_on(day)).values_list("pk", flat=True))
        assert in_sql == {p.pk for p in stored if p.is_active_on(day)}, day
