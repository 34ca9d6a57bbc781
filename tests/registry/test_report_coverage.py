"""Rules 3–5 (experts, committees, rooms) on the hand-worked district (report_district.py)."""

import datetime

import pytest

from registry.kernel.reporting import ReportParams, run_report
from tests.registry import report_district
from tests.registry.report_district import Y2021, Y2022


@pytest.fixture
def place(district):
    return report_district.build(district)


def run(name, as_of, year, **kwargs):
    return run_report(name, ReportParams(as_of=as_of, year=year, **kwargs))


def rates(report):
    return {r.category: (r.total, r.meeting, r.rate, r.target) for r in report.rates}


# ---- rule 3: expert coverage of industry committees


def test_experts_2021_counts_experts_and_professional_members(place):
    report = run("experts", Y2021, 2021)
    rows = {r["organization"]: (r["experts"], r["professionals"], r["covered"]) for r in report.rows}
    assert rows == {
        "区医患纠纷人民调解委员会": (1, 0, True),  # 专家一
        "区道路交通人民调解委员会": (0, 1, True),  # 交一 is 专业技术人员
        "区劳动争议人民调解委员会": (0, 0, False),  # 专家二 joins 2022; 劳退 left in 2020
        "区物业管理人民调解委员会": (0, 0, False),
    }
    assert rates(report) == {"行业性专业性人民调解委员会": (4, 2, 0.5, 1.0)}


def test_experts_2022(place):
    report = run("experts", Y2022, 2022)
    assert rates(report) == {"行业性专业性人民调解委员会": (4, 3, 0.75, 1.0)}
    assert [r["organization"] for r in report.rows if not r["covered"]] == ["区物业管理人民调解委员会"]


def test_experts_clerk_scope(place, users):
    report = run("experts", Y2022, 2022, user=users.clerk_a)
    assert report.rows == []  # industry committees sit at district level
    assert rates(report) == {"行业性专业性人民调解委员会": (0, 0, 1.0, 1.0)}


# ---- rule 4: committee coverage (建成率)


def test_committees_2021(place):
    report = run("committees", Y2021, 2021)
    rows = {r["area"]: r["has_committee"] for r in report.rows}
    assert rows == {
        "新山村街道": True,
        "跃进村街道": True,
        "新山社区": True,
        "跃进社区": True,
        "新山二社区": False,
        "跃进二社区": False,
    }  # 跃进二社区's committee is founded 2022-06-01
    assert rates(report) == {"乡镇（街道）": (2, 2, 1.0, 1.0), "村（社区）": (4, 2, 0.5, 1.0)}


def test_committees_2022(place):
    report = run("committees", Y2022, 2022)
    assert rates(report) == {"乡镇（街道）": (2, 2, 1.0, 1.0), "村（社区）": (4, 3, 0.75, 1.0)}
    rows = {r["area"]: r["committee"] for r in report.rows}
    assert rows["跃进二社区"] == "跃进二社区人民调解委员会"
    assert rows["新山二社区"] == ""


def test_committees_clerk_scope(place, users):
    report = run("committees", Y2021, 2021, user=users.clerk_b)
    assert {r["area"] for r in report.rows} == {"跃进村街道", "跃进社区", "跃进二社区"}
    assert rates(report) == {"乡镇（街道）": (1, 1, 1.0, 1.0), "村（社区）": (2, 1, 0.5, 1.0)}


# ---- rule 5: stationed-room coverage


def test_rooms_2021_with_the_20_officer_rule(place):
    report = run("rooms", Y2021, 2021)
    rows = {r["host_unit"]: (r["counted"], r["has_room"]) for r in report.rows}
    assert rows == {
        "区人民法院": (True, True),
        "新山法庭": (True, False),
        "区信访接待大厅": (True, True),
        "新山派出所": (True, False),  # its room is founded 2022-02-01
        "跃进派出所": (True, False),  # exactly 20 officers: in the rate
        "跃进二派出所": (False, True),  # 19 officers: listed, outside the rate
        "新山二派出所": (False, False),  # officer count unknown: outside the rate
    }
    assert rates(report) == {
        "驻法院调解室": (2, 1, 0.5, 0.8),
        "信访事项调解室": (1, 1, 1.0, 0.8),
        "驻派出所调解室": (2, 0, 0.0, 0.6),
    }


@pytest.mark.parametrize("name", ["committees", "rooms"])
def test_no_coverage_target_before_2021(place, name):
    """Committee and room coverage targets fall due at the end of 2021: none for 2020."""
    report = run(name, datetime.date(2020, 12, 31), 2020)
    assert report.rates and all(rate.target is None for rate in report.rates)


def test_rooms_2022(place):
    assert rates(run("rooms", Y2022, 2022)) == {
        "驻法院调解室": (2, 1, 0.5, 1.0),
        "信访事项调解室": (1, 1, 1.0, 1.0),
        "驻派出所调解室": (2, 1, 0.5, 1.0),
    }


def test_rooms_clerk_scope_and_kind_filter(place, users):
    report = run("rooms", Y2022, 2022, user=users.clerk_a)
    assert {r["host_unit"] for r in report.rows} == {"新山法庭", "新山派出所", "新山二派出所"}
    assert rates(report) == {
        "驻法院调解室": (1, 0, 0.0, 1.0),
        "信访事项调解室": (0, 0, 1.0, 1.0),
        "驻派出所调解室": (1, 1, 1.0, 1.0),
    }
    police = run("rooms", Y2022, 2022, kind="驻派出所调解室")
    assert [r.category for r in police.rates] == ["驻派出所调解室"]
    assert {r["host_kind"] for r in police.rows} == {"派出所"}
