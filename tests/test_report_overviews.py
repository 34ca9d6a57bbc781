"""The dashboard draws each report's overview (rates and headline numbers counted by SQL
aggregates, no rows): it must equal the full report's rates and summary — on the demo, for
the district, a clerk's town, the page's town and kind filters, and other years."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils.module_loading import import_string

from registry.kernel.reporting import ReportParams, reports, run_report
from registry.models import Area


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def with_overview():
    return [spec for spec in reports().values() if spec.overview]


def test_the_dashboard_reports_have_overviews():
    assert {"staffing", "experts", "committees", "rooms", "terms", "training", "subsidies"} <= {
        spec.name for spec in with_overview()
    }


def test_each_overview_equals_its_report(demo):
    for spec in with_overview():  # one demo for all: seed_demo is the slow part
        check(spec)


def check(spec):
    name = spec.name
    clerk = User.objects.get(username="demo_clerk")
    town = Area.objects.get(name="八桥镇")
    today = datetime.date.today()
    cases = [
        ReportParams(as_of=today, year=today.year),
        ReportParams(as_of=datetime.date(2021, 12, 31), year=2021),
        ReportParams(as_of=today, year=today.year, user=clerk),
        ReportParams(as_of=today, year=today.year, town=town),
        *[ReportParams(as_of=today, year=today.year, kind=kind) for kind in spec.kinds[:3]],
    ]
    for params in cases:
        report, overview = run_report(name, params), import_string(spec.overview)(params)
        assert [r.as_dict() for r in overview.rates or []] == [r.as_dict() for r in report.rates or []], (name, params)
        assert overview.summary == report.summary, (name, params)
