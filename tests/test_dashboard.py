"""The dashboard: every rate of every report at a glance, red where short, target marked;
reachable from the admin index and sidebar for every role; scoped for clerks."""

import re

import pytest

from registry.kernel.reporting import ReportParams, run_report
from tests.registry import report_district
from tests.registry.report_district import Y2021


@pytest.fixture
def place(district):
    return report_district.build(district)


def bars(html: str) -> dict:
    found = re.findall(
        r'<tr class="rate( short)?[a-z ]*" data-category="([^"]+)" data-total="(\d+)" data-meeting="(\d+)" '
        r'data-rate="([^"]+)"',
        html,
    )
    return {
        (category, int(total), int(meeting), float(rate)): bool(short)
        for short, category, total, meeting, rate in found
    }


def panel(html: str, name: str) -> str:
    return html.split(f'id="report-{name}"')[1].split("</section>")[0]


def test_dashboard_shows_each_registry_rule_with_its_numbers(place, users, client_as):
    html = client_as(users.bureau).get("/reports/", {"year": 2021}).content.decode()
    for name in ["staffing", "experts", "committees", "rooms"]:
        report = run_report(name, ReportParams(as_of=Y2021, year=2021))
        expected = {(r.category, r.total, r.meeting, r.rate): r.short for r in report.rates}
        assert bars(panel(html, name)) == expected, name
    rooms = panel(html, "rooms")
    assert 'class="target" style="left: 60.0%"' in rooms  # police-station target of 2021
    assert 'style="width: 50.0%"' in rooms  # courts: 1 of 2


def test_short_rates_are_red_and_met_ones_are_not(place, users, client_as):
    html = client_as(users.bureau).get("/reports/", {"year": 2022}).content.decode()
    committees = bars(panel(html, "committees"))
    assert committees == {("乡镇（街道）", 2, 2, 1.0): False, ("村（社区）", 4, 3, 0.75): True}


def test_clerk_dashboard_is_scoped(place, users, client_as):
    html = client_as(users.clerk_b).get("/reports/", {"year": 2021}).content.decode()
    assert bars(panel(html, "committees")) == {("乡镇（街道）", 1, 1, 1.0): False, ("村（社区）", 2, 1, 0.5): True}
    town_choices = re.findall(r'<option value="(\d+)"', html)
    assert town_choices == [str(place.b.pk)]


@pytest.mark.parametrize("role", ["bureau", "clerk_a", "hr", "finance"])
def test_reports_are_linked_from_the_admin_index_and_sidebar(place, users, client_as, role):
    client = client_as(getattr(users, role))
    index = client.get("/admin/").content.decode()
    assert 'href="/reports/"' in index and 'href="/reports/staffing/"' in index
    sidebar = client.get("/admin/registry/organization/").content.decode()
    assert 'href="/reports/rooms/"' in sidebar
    assert client.get("/reports/").status_code == 200


def test_a_user_without_report_permissions_gets_no_links_and_no_page(place, users, client_as):
    users.hr.groups.clear()
    client = client_as(users.hr)
    assert 'href="/reports/"' not in client.get("/admin/").content.decode()
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/staffing/").status_code == 403


def test_report_pages_have_no_untranslated_english(place, users, client_as):
    from tests.test_admin_ui import assert_no_english

    client = client_as(users.clerk_a)
    urls = [
        "/reports/",
        *[f"/reports/{name}/?year=2021&sort=-{name}" for name in ["staffing", "experts", "committees", "rooms"]],
    ]
    assert_no_english(client, urls, users.clerk_a)


def test_a_category_without_a_target_is_drawn_neutral(place, users, client_as):
    html = client_as(users.bureau).get("/reports/", {"year": 2021}).content.decode()
    staffing = panel(html, "staffing")
    village = staffing.split('data-category="村（社区）人民调解委员会"')[0].rsplit("<tr", 1)[1]
    assert "notarget" in village and "short" not in village  # 100% with no target: grey, not green
    town = staffing.split('data-category="乡镇（街道）人民调解委员会"')[0].rsplit("<tr", 1)[1]
    assert "notarget" not in town
