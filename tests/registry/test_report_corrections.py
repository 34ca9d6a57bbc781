"""Issue 14's corrections to the existing reports: the `required` flag of SPEC §2.1, a clean
`candidates` list, expert coverage from 2020, money with thousands separators, a terminal-sized
text report."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from registry.kernel.reporting import Column, Report, ReportParams, render_text, render_xlsx, run_report
from registry.models import Employment
from registry.models import OrganizationKind as Kind
from tests.factories import make_mediator, make_org, make_post
from tests.registry import report_district
from tests.registry.report_district import Y2021


@pytest.fixture
def place(district):
    return report_district.build(district)


def staffing(**params):
    return run_report("staffing", ReportParams(as_of=Y2021, year=2021, **params))


def test_designated_village_and_enterprise_committees_count_in_the_headline(place):
    rows = {r["organization"]: r for r in staffing().rows}
    assert rows["新山钢铁企业人民调解委员会"]["required"] is False  # short 1, advisory
    assert rows["新山村街道人民调解委员会"]["required"] is True  # other kinds are always required
    assert dict(staffing().summary)["未配齐组织数"] == 6
    place.org_e.full_time_designated = True
    place.org_e.save()
    summary = dict(staffing().summary)
    assert summary["未配齐组织数"] == 7 and summary["专职人员缺额合计"] == 10
    assert summary["未配齐但不作要求的村（社区）、企事业单位调委会（参考）"] == 0


def test_only_village_and_enterprise_committees_take_the_designation(place):
    from django.core.exceptions import ValidationError

    place.org_a.full_time_designated = True
    with pytest.raises(ValidationError, match="具备专职配备条件"):
        place.org_a.full_clean()


def test_json_candidates_are_people_and_a_separate_count(place):
    for n in range(12):  # more part-timers in A than the list shows
        make_post(make_mediator(f"兼{n}"), place.org_a, Employment.PART_TIME)
    out = io.StringIO()
    call_command("report", "staffing", "--year", "2021", "--format", "json", stdout=out)
    row = next(r for r in json.loads(out.getvalue())["rows"] if r["organization"] == "新山村街道人民调解委员会")
    assert row["candidate_count"] == 14  # 候选一, 候选四 and the twelve
    assert len(row["candidates"]) == 8
    for person in row["candidates"]:
        assert set(person) == {"mediator_id", "name", "id_number", "organization"}
        assert len(person["id_number"]) == 18


def test_expert_coverage_target_from_2020(place):
    def target(year):
        report = run_report("experts", ReportParams(as_of=datetime.date(year, 12, 31), year=year))
        return report.rates[0].target

    assert target(2019) is None
    assert target(2020) == 1.0  # item 18: 到2020年


def money_report() -> Report:
    from decimal import Decimal

    return Report(
        name="subsidies",
        title="补贴",
        as_of=Y2021,
        year=2021,
        columns=[Column("name", "名称"), Column("total", "合计（元）", number_format="#,##0.00")],
        rows=[{"name": "合计", "total": Decimal("438000.00")}],
        summary=[("补贴合计（元）", Decimal("438000.00"))],
    )


def test_money_has_thousands_separators_as_text_and_as_xlsx_numbers():
    assert "438,000.00" in render_text(money_report())
    book = load_workbook(io.BytesIO(render_xlsx(money_report())))
    amount = book["明细"]["B2"]
    assert amount.value == 438000 and amount.number_format == "#,##0.00"
    summary = book["说明"]["B5"]
    assert summary.value == 438000 and summary.number_format == "#,##0.00"


def test_text_report_is_limited_and_says_how_to_get_the_rest(place):
    report = staffing()
    text = render_text(report, limit=3)
    assert f"另有 {len(report.rows) - 3} 条未显示" in text and "--format json" in text
    assert len(text.splitlines()) < len(render_text(report).splitlines()) - 5
    out = io.StringIO()
    call_command("report", "staffing", "--year", "2021", "--limit", "0", stdout=out)
    assert "未显示" not in out.getvalue()
    out = io.StringIO()
    call_command("report", "staffing", "--year", "2021", stdout=out)  # default 30 rows: all 14 fit
    assert "区物业管理人民调解委员会" in out.getvalue()


def test_a_bad_limit_is_a_clear_error(place):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--limit"):
        call_command("report", "staffing", "--limit", "-1", stdout=io.StringIO())


def test_a_designated_village_shows_short_in_the_admin(place, users, client_as):
    village = make_org("新山二社区人民调解委员会", Kind.VILLAGE, place.a2)
    html = client_as(users.bureau).get("/admin/registry/organization/", {"staffing": "advisory"}).content.decode()
    assert village.name in html and "1（参考）" in html
    village.full_time_designated = True
    village.save()
    html = client_as(users.bureau).get("/admin/registry/organization/", {"staffing": "short"}).content.decode()
    assert village.name in html
    html = client_as(users.bureau).get("/admin/registry/organization/", {"staffing": "advisory"}).content.decode()
    assert village.name not in html


def test_every_staffing_column_sorts_on_the_page(place, users, client_as):
    client = client_as(users.bureau)
    for key in ["candidates", "-candidates", "candidate_count", "required"]:
        assert client.get("/reports/staffing/", {"year": 2021, "sort": key}).status_code == 200, key
