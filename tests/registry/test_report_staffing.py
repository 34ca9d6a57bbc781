"""Rules 1–2 on the hand-worked district (tests/registry/report_district.py)."""

import datetime

import pytest

from registry.kernel.reporting import ReportParams, run_report
from tests.registry import report_district
from tests.registry.report_district import Y2021, Y2022


@pytest.fixture
def place(district):
    return report_district.build(district)


def staffing(as_of, year, user=None, **filters):
    return run_report("staffing", ReportParams(as_of=as_of, year=year, user=user, **filters))


def by_org(report):
    return {r["organization"]: (r["quota"], r["full_time"], r["shortfall"]) for r in report.rows}


def rates(report):
    return {r.category: (r.total, r.meeting, r.rate, r.target) for r in report.rates}


def test_rows_at_end_of_2021(place):
    report = staffing(Y2021, 2021)
    assert by_org(report) == {
        "新山村街道人民调解委员会": (2, 1, 1),  # 甲二 left 2021-06-30, 甲三 not yet
        "跃进村街道人民调解委员会": (2, 2, 0),
        "新山社区人民调解委员会": (1, 1, 0),
        "跃进社区人民调解委员会": (1, 1, 0),
        "新山钢铁企业人民调解委员会": (1, 0, 1),
        "区医患纠纷人民调解委员会": (3, 3, 0),
        "区道路交通人民调解委员会": (3, 2, 1),
        "区劳动争议人民调解委员会": (3, 2, 1),  # 劳三 starts 2022
        "区物业管理人民调解委员会": (3, 0, 3),
        "区法院诉前调解室": (2, 2, 0),
        "区信访事项调解室": (2, 1, 1),
        "跃进二派出所调解室": (2, 0, 2),
        # 新山派出所调解室 founded 2022-02-01, 跃进二社区 committee 2022-06-01: not yet
        # 区市场监管行政调解组织: no quota, never a row
    }
    assert sum(r["shortfall"] for r in report.rows) == 10
    # the enterprise committee (short 1) is not designated 具备专职配备条件: advisory, outside the headline
    assert dict(report.summary) == {
        "未配齐组织数": 6,
        "专职人员缺额合计": 9,
        "未配齐但不作要求的村（社区）、企事业单位调委会（参考）": 1,
    }


def test_a_village_committee_counts_under_its_town(place):
    """The roll-up is Area.town's: a community's committee lists its street as 所属镇街."""
    rows = {r["organization"]: r for r in staffing(Y2021, 2021).rows}
    assert (rows["新山社区人民调解委员会"]["area"], rows["新山社区人民调解委员会"]["town"]) == (
        "新山社区",
        "新山村街道",
    )
    assert (rows["新山村街道人民调解委员会"]["area"], rows["新山村街道人民调解委员会"]["town"]) == (
        "新山村街道",
        "新山村街道",
    )


def test_rates_and_targets_2021(place):
    assert rates(staffing(Y2021, 2021)) == {
        "乡镇（街道）人民调解委员会": (2, 1, 0.5, 1.0),
        "行业性专业性人民调解委员会": (4, 1, 0.25, 0.5),
        "派驻调解室": (3, 1, 1 / 3, 1.0),
        "村（社区）人民调解委员会": (2, 2, 1.0, None),
        "企事业单位人民调解委员会": (1, 0, 0.0, None),
    }


def test_rows_and_rates_2022(place):
    report = staffing(Y2022, 2022)
    rows = by_org(report)
    assert rows["新山村街道人民调解委员会"] == (2, 2, 0)
    assert rows["区劳动争议人民调解委员会"] == (3, 3, 0)
    assert rows["新山派出所调解室"] == (2, 2, 0)
    assert rows["跃进二社区人民调解委员会"] == (1, 0, 1)
    assert len(rows) == 14
    assert rates(report) == {
        "乡镇（街道）人民调解委员会": (2, 2, 1.0, 1.0),
        "行业性专业性人民调解委员会": (4, 2, 0.5, 1.0),  # the target rises to 100% in 2022
        "派驻调解室": (4, 2, 0.5, 1.0),
        "村（社区）人民调解委员会": (3, 2, 2 / 3, None),
        "企事业单位人民调解委员会": (1, 0, 0.0, None),
    }
    short = {r.category for r in report.rates if r.short}
    assert short == {"行业性专业性人民调解委员会", "派驻调解室"}


def test_a_post_counts_only_between_its_dates(place):
    assert by_org(staffing(datetime.date(2021, 6, 30), 2021))["新山村街道人民调解委员会"] == (2, 2, 0)
    assert by_org(staffing(datetime.date(2021, 7, 1), 2021))["新山村街道人民调解委员会"] == (2, 1, 1)
    assert by_org(staffing(datetime.date(2022, 2, 28), 2022))["新山村街道人民调解委员会"] == (2, 1, 1)
    assert by_org(staffing(datetime.date(2022, 3, 1), 2022))["新山村街道人民调解委员会"] == (2, 2, 0)


def test_before_the_plan_there_are_no_targets(place):
    assert all(r.target is None for r in staffing(datetime.date(2020, 12, 31), 2020).rates)


def test_part_time_candidates_for_short_organizations(place):
    rows = {r["organization"]: r for r in staffing(Y2021, 2021).rows}

    def names(org):
        return [(p["name"], p["organization"]) for p in rows[org]["candidates"]]

    # own part-timer first, then part-timers of other organizations in the same area;
    # 村二 holds a full-time post elsewhere, 候选二 starts in 2023, 候选五 is in another area
    assert names("新山村街道人民调解委员会") == [
        ("候选一", "新山村街道人民调解委员会"),
        ("候选四", "新山钢铁企业人民调解委员会"),
    ]
    assert names("新山钢铁企业人民调解委员会") == [
        ("候选四", "新山钢铁企业人民调解委员会"),
        ("候选一", "新山村街道人民调解委员会"),
    ]
    assert rows["新山村街道人民调解委员会"]["candidate_count"] == 2
    assert rows["跃进村街道人民调解委员会"]["candidates"] == []  # not short: no help needed
    assert rows["跃进村街道人民调解委员会"]["candidate_count"] == 0


def test_clerk_sees_only_their_town(place, users):
    report = staffing(Y2022, 2022, user=users.clerk_a)
    assert set(by_org(report)) == {
        "新山村街道人民调解委员会",
        "新山社区人民调解委员会",
        "新山钢铁企业人民调解委员会",
        "新山派出所调解室",
    }
    # rates over what the clerk may see; a category with nothing in it is 100% (nothing short)
    assert rates(report) == {
        "乡镇（街道）人民调解委员会": (1, 1, 1.0, 1.0),
        "行业性专业性人民调解委员会": (0, 0, 1.0, 1.0),
        "派驻调解室": (1, 1, 1.0, 1.0),
        "村（社区）人民调解委员会": (1, 1, 1.0, None),
        "企事业单位人民调解委员会": (1, 0, 0.0, None),
    }
    assert report.scope_label == "新山村街道"
    other = staffing(Y2022, 2022, user=users.clerk_b)
    assert "新山村街道人民调解委员会" not in by_org(other)


def test_filters_by_town_and_kind(place, users):
    report = staffing(Y2021, 2021, town=place.b)
    assert set(by_org(report)) == {"跃进村街道人民调解委员会", "跃进社区人民调解委员会", "跃进二派出所调解室"}
    report = staffing(Y2021, 2021, kind="驻派出所调解室")
    assert set(by_org(report)) == {"跃进二派出所调解室"}
    assert rates(report) == {"派驻调解室": (1, 0, 0.0, 1.0)}
    # a clerk filtering on another town gets nothing of it
    assert list(staffing(Y2021, 2021, user=users.clerk_a, town=place.b).rows) == []
