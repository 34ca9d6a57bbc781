"""Old and new report functions agree row for row on the demo district (issue 16): the
database-computed reports give exactly what the Python-counting ones gave (kept in
bench/legacy_reports.py), for the whole district, a clerk's town and another year."""

import datetime
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from bench import legacy_reports
from registry.kernel.reporting import ReportParams, render_json, run_report

LEGACY = {name: getattr(legacy_reports, name) for name in legacy_reports.REPORTS}


def as_json(report) -> dict:
    data = json.loads(render_json(report))
    for key in ("report", "scope"):
        data.pop(key, None)
    return data


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


@pytest.mark.parametrize("name", sorted(LEGACY))
def test_new_reports_equal_the_old_ones_on_the_demo(demo, name):
    clerk = User.objects.get(username="demo_clerk")
    today = datetime.date.today()
    for params in [
        ReportParams(as_of=today, year=today.year),
        ReportParams(as_of=datetime.date(2022, 12, 31), year=2022),
        ReportParams(as_of=today, year=today.year, user=clerk),
    ]:
        new, old = as_json(run_report(name, params)), as_json(LEGACY[name](params))
        assert new == old, (name, params)
        assert new["rows"], "the demo has rows to compare"
