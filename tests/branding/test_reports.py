import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from branding.models import Studio, StudioStatus
from registry.kernel.reporting import ReportParams, run_report
from tests.factories import make_mediator, make_post

D = datetime.date


def brands_report(as_of, year=None, user=None, town=None):
    return run_report("brands", ReportParams(as_of=as_of, year=year or as_of.year, user=user, town=town))


def by(rows, key):
    return {row[key]: row for row in rows}


def test_hand_worked_numbers_at_end_of_2022(brands):
    report = brands_report(D(2022, 12, 31)).as_dict()
    rows = by(report["rows"], "studio")
    assert set(rows) == {"老马工作室", "老李工作室", "老王工作室"}
    # 老李 is named only in 2023: still being cultivated at the end of 2022
    assert [rows[n]["status"] for n in ("老马工作室", "老李工作室", "老王工作室")] == ["已命名", "培育中", "培育中"]
    assert rows["老马工作室"]["area"] == "新山村街道"  # the community rolls up into its street
    assert report["rates"] == [
        {"category": "已命名品牌调解工作室", "total": 5, "meeting": 1, "rate": 0.2, "target": 1.0}
    ]
    assert report["studios_by_status"] == [{"status": "培育中", "count": 2}, {"status": "已命名", "count": 1}]
    assert report["studios_by_area"] == [
        {"area": "新山村街道", "培育中": 1, "已命名": 1, "total": 2},
        {"area": "跃进村街道", "培育中": 1, "已命名": 0, "total": 1},
    ]
    zero = {"国家级": 0, "省部级": 0, "市级": 0, "区级": 0, "镇街级": 0}
    assert report["commendations_by_year"] == [
        {"year": 2020, **zero, "区级": 1, "total": 1},
        {"year": 2021, **zero, "国家级": 1, "市级": 1, "total": 2},
    ]
    assert by(report["commendations_by_level"], "level") == {
        "国家级": {"level": "国家级", "count": 1},
        "省部级": {"level": "省部级", "count": 0},
        "市级": {"level": "市级", "count": 1},
        "区级": {"level": "区级", "count": 1},
        "镇街级": {"level": "镇街级", "count": 0},
    }


def test_later_as_of_counts_later_namings_and_commendations(brands):
    report = brands_report(D(2024, 1, 1)).as_dict()
    assert report["rates"][0]["meeting"] == 2 and report["rates"][0]["rate"] == pytest.approx(0.4)
    assert report["commendations_by_year"][-1]["year"] == 2023
    assert report["commendations_by_year"][-1]["区级"] == 1


def test_target_applies_from_2022_only(brands):
    assert brands_report(D(2021, 12, 31)).as_dict()["rates"][0]["target"] is None
    assert brands_report(D(2021, 12, 31), year=2022).as_dict()["rates"][0]["target"] == 1.0


def test_rate_is_capped_at_one(district):
    for n in range(7):
        person = make_mediator(f"调解员{n}")
        make_post(person, district.org_a if n % 2 else district.org_b)
        Studio.objects.create(
            name=f"工作室{n}",
            mediator=person,
            organization=district.org_a if n % 2 else district.org_b,
            named_date=D(2021, 1, 1),
            status=StudioStatus.RECOGNIZED,
        )
    rate = brands_report(D(2022, 12, 31)).as_dict()["rates"][0]
    assert rate["meeting"] == 7 and rate["total"] == 5 and rate["rate"] == 1.0


def test_clerk_sees_only_own_town(brands, users):
    report = brands_report(D(2024, 1, 1), user=users.clerk_a).as_dict()
    assert {r["studio"] for r in report["rows"]} == {"老马工作室", "老李工作室"}
    # 老王's commendation and 跃进's collective one belong to the other street
    assert sum(r["total"] for r in report["commendations_by_year"]) == 2
    assert report["scope"] == "新山村街道"


def test_town_filter_narrows_the_bureau_view(brands, users, district):
    report = brands_report(D(2024, 1, 1), user=users.bureau, town=district.b).as_dict()
    assert [r["studio"] for r in report["rows"]] == ["老王工作室"]
    assert sum(r["total"] for r in report["commendations_by_year"]) == 2


def test_query_count_does_not_grow(brands, district, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        brands_report(D(2024, 1, 1))
    for n in range(20):
        person = make_mediator(f"新人{n}")
        make_post(person, district.org_b1)
        Studio.objects.create(name=f"新工作室{n}", mediator=person, organization=district.org_b1)
    with django_assert_max_num_queries(4):
        report = brands_report(D(2024, 1, 1))
    assert len(report.rows) == 23


def test_command_prints_json(brands):
    out = StringIO()
    call_command("report", "brands", "--as-of", "2022-12-31", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["as_of"] == "2022-12-31"
    assert {"category", "total", "meeting", "rate", "target"} <= set(data["rates"][0])
    assert by(data["rows"], "studio")["老马工作室"]["named_date"] == "2021-05-01"


def test_command_scopes_with_as(brands, users):
    out = StringIO()
    call_command("report", "brands", "--year", "2023", "--as", "clerk_b", "--format", "json", stdout=out)
    assert [r["studio"] for r in json.loads(out.getvalue())["rows"]] == ["老王工作室"]


def test_text_and_xlsx_render(brands, tmp_path):
    out = StringIO()
    call_command("report", "brands", "--as-of", "2022-12-31", stdout=out)
    assert "老马工作室" in out.getvalue() and "20%" in out.getvalue()
    target = tmp_path / "brands.xlsx"
    call_command("report", "brands", "--format", "xlsx", "--output", str(target), stderr=StringIO())
    from openpyxl import load_workbook

    assert "表彰按年度" in load_workbook(target).sheetnames


@pytest.mark.parametrize("role", ["bureau", "hr", "clerk_a", "finance"])
def test_web_page_renders_for_every_role(brands, users, client_as, role):
    response = client_as(getattr(users, role)).get("/reports/brands/", {"as_of": "2022-12-31"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "老马工作室" in body
    assert ("老王工作室" in body) == (role != "clerk_a")


def test_dashboard_shows_the_brands_bar(brands, users, client_as):
    body = client_as(users.bureau).get("/reports/").content.decode()
    assert "调解品牌建设" in body and "已命名品牌调解工作室" in body
