import datetime
import json
from decimal import Decimal

from django.core.management import call_command

from registry.kernel.reporting import ReportParams, render_json, render_text, render_xlsx, run_report
from tests.factories import make_mediator, make_post
from training.models import Attendance
from training.reports import training


def report(as_of="2023-12-31", year=2023, user=None, town=None):
    return run_report(
        "training", ReportParams(as_of=datetime.date.fromisoformat(as_of), year=year, user=user, town=town)
    )


def by_area(result):
    return {row["area"]: row for row in result.rows}


def test_held_required_short_per_district_and_town(year):
    rows = by_area(report())
    assert [r["area"] for r in report().rows] == ["大渡口区", "新山村街道", "跃进村街道"]
    assert (rows["大渡口区"]["held"], rows["大渡口区"]["required"], rows["大渡口区"]["short"]) == (1, 1, 0)
    assert (rows["新山村街道"]["held"], rows["新山村街道"]["required"], rows["新山村街道"]["short"]) == (2, 2, 0)
    assert (rows["跃进村街道"]["held"], rows["跃进村街道"]["required"], rows["跃进村街道"]["short"]) == (1, 2, 1)


def test_sessions_of_another_year_do_not_count(year):
    rows = by_area(report(as_of="2022-12-31", year=2022))
    assert rows["大渡口区"]["held"] == 1 and rows["跃进村街道"]["held"] == 1 and rows["新山村街道"]["held"] == 0
    assert by_area(report(as_of="2024-12-31", year=2024))["新山村街道"]["held"] == 1


def test_a_session_after_the_as_of_date_is_not_yet_held(year):
    rows = by_area(report(as_of="2023-06-30"))
    assert rows["新山村街道"]["held"] == 1 and rows["新山村街道"]["short"] == 1


def test_untrained_lists_active_mediators_without_attendance_that_year(year):
    result = report()
    untrained = {row["name"]: row for row in result.as_dict()["untrained"]}
    assert set(untrained) == {"乙", "戊"}  # 丙's post ended; 乙 trained only in 2022
    assert untrained["戊"]["towns"] == ["新山村街道"] and untrained["戊"]["organizations"] == ["新山社区人民调解委员会"]
    rows = by_area(result)
    assert rows["新山村街道"]["untrained"] == 1 and rows["跃进村街道"]["untrained"] == 1


def test_ended_post_still_counts_on_a_date_when_it_was_active(year):
    names = {row["name"] for row in report(as_of="2023-06-30").as_dict()["untrained"]}
    assert "丙" in names


def test_hours_per_mediator(year):
    hours = {row["name"]: (row["sessions"], row["hours"]) for row in report().as_dict()["hours"]}
    assert hours == {"甲": (2, Decimal("6.0")), "丁": (1, Decimal("2.0"))}


def test_rates(year):
    rates = {rate.category: rate for rate in report().rates}
    assert (rates["区县"].total, rates["区县"].meeting, rates["区县"].rate, rates["区县"].target) == (1, 1, 1.0, 1.0)
    assert (rates["乡镇（街道）"].total, rates["乡镇（街道）"].meeting, rates["乡镇（街道）"].rate) == (2, 1, 0.5)


def test_before_the_policy_there_is_no_requirement(year):
    row = by_area(report(as_of="2019-12-31", year=2019))["跃进村街道"]
    assert row["required"] is None and row["short"] is None
    assert all(rate.target is None for rate in report(as_of="2019-12-31", year=2019).rates)


def test_the_requirement_is_in_force_from_2020(year):
    """Item 17: from 2020 the district holds ≥ 1 and every town/street ≥ 2 sessions a year."""
    rows = by_area(report(as_of="2020-12-31", year=2020))
    assert (rows["大渡口区"]["required"], rows["新山村街道"]["required"], rows["跃进村街道"]["required"]) == (1, 2, 2)


def test_clerk_sees_only_own_town(year, users):
    result = report(user=users.clerk_a)
    assert [row["area"] for row in result.rows] == ["新山村街道"]
    data = result.as_dict()
    assert {row["name"] for row in data["untrained"]} == {"戊"}
    assert {row["name"] for row in data["hours"]} == {"甲"}
    assert [rate.category for rate in result.rates] == ["乡镇（街道）"]


def test_town_filter(year, district):
    result = report(town=district.b)
    assert [row["area"] for row in result.rows] == ["跃进村街道"]
    assert {row["name"] for row in result.as_dict()["untrained"]} == {"乙"}


def test_json_shape_from_the_command(year, capsys):
    call_command("report", "training", "--year", "2023", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2023-12-31"
    assert {"area", "held", "required", "short"} <= set(data["rows"][0])
    assert {r["category"] for r in data["rates"]} == {"区县", "乡镇（街道）"}
    assert all(0 <= r["rate"] <= 1 for r in data["rates"])
    assert {r["name"] for r in data["untrained"]} == {"乙", "戊"}


def test_command_as_clerk(year, users, capsys):
    call_command("report", "training", "--as-of", "2023-12-31", "--as", "clerk_b", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert [r["area"] for r in data["rows"]] == ["跃进村街道"]
    assert {r["name"] for r in data["untrained"]} == {"乙"}


def test_text_and_xlsx_render(year, tmp_path):
    result = report()
    text = render_text(result)
    assert "跃进村街道" in text and "戊" in text
    from openpyxl import load_workbook

    path = tmp_path / "t.xlsx"
    path.write_bytes(render_xlsx(result))
    book = load_workbook(path)
    assert "本年度未参训的在岗调解员" in book.sheetnames
    json.loads(render_json(result))


def test_query_count_does_not_grow_with_rows(year, district, django_assert_max_num_queries):
    params = ReportParams(as_of=datetime.date(2023, 12, 31), year=2023)
    with django_assert_max_num_queries(6):
        training(params)
    for n in range(30):
        person = make_mediator(f"新人{n}")
        make_post(person, district.org_a1 if n % 2 else district.org_b1)
        if n % 3:
            Attendance.objects.create(session=year.a1 if n % 2 else year.b1, mediator=person)
    with django_assert_max_num_queries(6):
        result = training(params)
    assert len(result.as_dict()["untrained"]) == 2 + 10
