"""`report coverage` (SPEC §2 rules 9–11), worked by hand: industry committees in the district
mediation centre, the five key departments, the twelve fields of item 3."""

import datetime

import pytest

from registry.kernel.reporting import ReportParams, run_report
from registry.models import OrganizationKind as Kind
from tests.factories import make_org

D = datetime.date


@pytest.fixture
def place(district):
    d = district.district
    # industry: one in the centre serving two fields, one outside serving one field → centre 1/2, fields 3/12
    make_org("区医患纠纷人民调解委员会", Kind.INDUSTRY, d, domains="医患纠纷、道路交通", in_mediation_centre=True)
    make_org("区劳动争议人民调解委员会", Kind.INDUSTRY, d, domains="劳动争议、知识产权")
    # key departments: 公安 (written as the bureau's name), 住建 (an alias), 自然资源, 生态环境; 市场监管 missing;
    # 教育 is another department and does not count
    for name, department in [
        ("区公安分局行政调解组织", "区公安分局"),
        ("区住建委行政调解组织", "住建委"),
        ("区规划自然资源局行政调解组织", "自然资源"),
        ("区生态环境局行政调解组织", "生态环境"),
        ("区教委行政调解组织", "教育"),
    ]:
        make_org(name, Kind.ADMINISTRATIVE, d, department=department)
    # a market-regulation organization founded after 2021 does not count in 2021
    make_org("区市场监管局行政调解组织", Kind.ADMINISTRATIVE, d, department="市场监管", founded_date=D(2022, 3, 1))
    return district


def rates(year, **params):
    report = run_report("coverage", ReportParams(as_of=D(year, 12, 31), year=year, **params))
    return {r.category: (r.total, r.meeting, r.rate, r.target) for r in report.rates}, report


def test_four_of_five_key_departments_against_the_2021_target(place):
    got, _ = rates(2021)
    assert got["重点部门行政调解组织"] == (5, 4, 0.8, 1.0)
    assert got["行业性专业性调委会入驻调解中心"] == (2, 1, 0.5, 1.0)
    assert got["重点领域行业性专业性调委会覆盖"] == (12, 3, 0.25, None)  # target from 2023


def test_no_targets_in_2020_and_the_field_target_in_2023(place):
    got, _ = rates(2020)
    assert got["重点部门行政调解组织"] == (5, 4, 0.8, None)
    assert got["行业性专业性调委会入驻调解中心"][3] is None
    got, _ = rates(2023)
    assert got["重点部门行政调解组织"] == (5, 5, 1.0, 1.0)  # 市场监管 founded 2022
    assert got["重点领域行业性专业性调委会覆盖"] == (12, 3, 0.25, 1.0)


def test_rows_name_what_is_missing(place):
    _, report = rates(2021)
    departments = {r["item"]: r for r in report.rows if r["category"] == "重点部门行政调解组织"}
    assert list(departments) == ["公安", "住房城乡建设", "自然资源", "生态环境", "市场监管"]
    assert departments["公安"]["organizations"] == ["区公安分局行政调解组织"]
    assert departments["市场监管"]["covered"] is False
    fields = {r["item"]: r["covered"] for r in report.rows if r["category"] == "重点领域行业性专业性调委会覆盖"}
    assert [f for f, covered in fields.items() if covered] == ["医患纠纷", "道路交通", "劳动争议"]
    assert dict(report.summary)["没有行政调解组织的重点部门"] == "市场监管"


def test_a_clerk_sees_the_district_rates_labelled_and_no_district_rows(place, users):
    _, report = rates(2021, user=users.clerk_a)
    assert {r.scope for r in report.rates} == {"全区"}
    assert report.rates[1].meeting == 4  # the district's number, not the clerk's town's
    assert not [r for r in report.rows if r["category"] == "行业性专业性调委会入驻调解中心"]
    assert all(r["organizations"] == [] for r in report.rows)  # district organizations are outside the town


def test_department_names_fold_to_the_key_department(place):
    from registry.models import Organization

    assert Organization.objects.get(name="区公安分局行政调解组织").department == "公安"
    assert Organization.objects.get(name="区住建委行政调解组织").department == "住房城乡建设"
    assert Organization.objects.get(name="区教委行政调解组织").department == "教育"


def test_plan_fields_belong_to_their_kinds(place):
    from django.core.exceptions import ValidationError

    org = place.org_a
    org.in_mediation_centre = True
    org.department = "公安"
    with pytest.raises(ValidationError) as caught:
        org.full_clean()
    assert set(caught.value.message_dict) == {"in_mediation_centre", "department"}
