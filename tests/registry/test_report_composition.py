"""`report composition` (SPEC §2.14), worked by hand: active mediators per town and for the
district by 专兼职, 性别, 年龄段, 学历, 政治面貌, 人员类别; organizations with a party organization."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from registry import reports
from registry.kernel.reporting import ReportParams, render_xlsx, run_report
from registry.models import Employment
from tests.factories import make_id, make_mediator, make_post

D = datetime.date
FT, PT = Employment.FULL_TIME, Employment.PART_TIME
AS_OF = D(2022, 6, 30)


@pytest.fixture
def place(district):
    # ages on 2022-06-30: 35, 36 (born 1986-06-30: turns 36 that very day), 60 (born 1962-06-30), 61
    a35 = make_mediator(
        "三五",
        make_id(birth="19870630", seq=1),
        education="大学本科",
        political_status="中共党员",
        categories="律师、专业技术人员",
    )
    a36 = make_mediator("三六", make_id(birth="19860630", seq=2), education="大学本科")
    a60 = make_mediator("六十", make_id(birth="19620630", seq=3), political_status="群众")
    a61 = make_mediator("六一", make_id(birth="19610629", seq=5), categories="五老人员")
    gone = make_mediator("离任", make_id(birth="19700101", seq=7))
    make_post(a35, district.org_a, FT)
    make_post(a35, district.org_b1, PT)  # also in B: counted in both towns, once in the district
    make_post(a36, district.org_a1, PT)  # a village post rolls up into A
    make_post(a60, district.org_b, FT)
    make_post(a61, district.org_b, PT)
    make_post(gone, district.org_a, FT, end=D(2021, 12, 31))  # left: not active
    district.org_a.has_party_org = True
    district.org_a.save()
    return district


def counts(report, area, dimension):
    return {r["value"]: r["count"] for r in report.rows if r["area"] == area and r["dimension"] == dimension}


def test_hand_worked_counts(place):
    report = run_report("composition", ReportParams(as_of=AS_OF, year=2022))
    assert counts(report, "新山村街道", "专兼职") == {"专职": 1, "兼职": 1}
    assert counts(report, "跃进村街道", "专兼职") == {"专职": 1, "兼职": 2}  # 三五 is part-time in B
    assert counts(report, "全区", "专兼职") == {"专职": 2, "兼职": 2}
    assert counts(report, "全区", "性别") == {"男": 3, "女": 1, "未填": 0}  # seq 2 is even: female
    assert counts(report, "全区", "年龄段") == {
        "35岁及以下": 1,
        "36–45岁": 1,
        "46–55岁": 0,
        "56–60岁": 1,
        "60岁以上": 1,
        "未填": 0,
    }
    assert counts(report, "全区", "学历") == {"大学本科": 2, "未填": 2}
    assert counts(report, "跃进村街道", "政治面貌") == {"中共党员": 1, "未填": 1, "群众": 1}
    categories = counts(report, "全区", "人员类别")
    assert categories["律师"] == 1 and categories["专业技术人员"] == 1 and categories["五老人员"] == 1
    assert categories["党代表"] == 0
    party = {r["area"]: r for r in report.extra[0].rows}
    assert party["新山村街道"] == {"area": "新山村街道", "organizations": 2, "with_party_org": 1}
    assert party["全区"]["organizations"] == 4 and party["全区"]["with_party_org"] == 1
    assert dict(report.summary)["在岗调解员"] == 4


def test_clerk_sees_only_their_town(place, users):
    report = run_report("composition", ReportParams(as_of=AS_OF, year=2022, user=users.clerk_a))
    assert {r["area"] for r in report.rows} == {"新山村街道"}
    assert [c.title for c in report.charts][:2] == ["专兼职", "性别"]


def test_xlsx_has_a_sheet_per_dimension(place):
    report = run_report("composition", ReportParams(as_of=AS_OF, year=2022))
    book = load_workbook(io.BytesIO(render_xlsx(report)))
    assert book.sheetnames[:6] == ["专兼职", "性别", "年龄段", "学历", "政治面貌", "人员类别"]
    sheet = book["专兼职"]
    assert [c.value for c in sheet[1]] == ["区域", "专职", "兼职"]
    assert [c.value for c in sheet[4]] == ["全区", 2, 2]


def test_page_draws_a_chart_per_dimension(place, users, client_as):
    html = client_as(users.bureau).get("/reports/composition/", {"as_of": "2022-06-30"}).content.decode()
    assert html.count('class="report-chart"') == 6
    assert "下载 Excel" in html


@pytest.fixture
def two_posts(district):
    """People with more than one active post, each created so that their lowest-numbered post is
    not the one that decides: a full-time post beats an earlier part-time one, in a town and in
    the district; an ended full-time post does not count."""
    jia = make_mediator("甲", make_id(birth="19800101", seq=11), education="大学本科")
    yi = make_mediator("乙", make_id(birth="19800101", seq=13))
    bing = make_mediator("丙", make_id(birth="19800101", seq=15))
    ding = make_mediator("丁", make_id(birth="19800101", seq=17))
    make_post(jia, district.org_a, PT)
    make_post(jia, district.org_a1, FT)  # the village rolls up into A: 专职 in A
    make_post(yi, district.org_b, PT)
    make_post(yi, district.org_b1, PT)  # twice 兼职 in B: once
    make_post(bing, district.org_a, PT)
    make_post(bing, district.org_b, FT)  # 兼职 in A, 专职 in B, 专职 in the district
    make_post(ding, district.org_a, FT, end=D(2021, 12, 31))  # ended: 丁 is 兼职 in A
    make_post(ding, district.org_a1, PT)
    return district


def test_a_person_counts_once_per_town_full_time_if_any_post_there_is(two_posts):
    report = run_report("composition", ReportParams(as_of=AS_OF, year=2022))
    assert counts(report, "新山村街道", "专兼职") == {"专职": 1, "兼职": 2}  # 甲 专职; 丙, 丁 兼职
    assert counts(report, "跃进村街道", "专兼职") == {"专职": 1, "兼职": 1}  # 丙 专职; 乙 兼职
    assert counts(report, "全区", "专兼职") == {"专职": 2, "兼职": 2}  # 甲, 丙 专职; 乙, 丁 兼职
    assert counts(report, "新山村街道", "性别") == {"男": 3, "女": 0, "未填": 0}
    assert counts(report, "全区", "性别") == {"男": 4, "女": 0, "未填": 0}  # four people, seven active posts
    assert counts(report, "全区", "年龄段")["36–45岁"] == 4  # 42 on 2022-06-30
    assert counts(report, "新山村街道", "学历") == {"大学本科": 1, "未填": 2}
    assert counts(report, "全区", "学历") == {"大学本科": 1, "未填": 3}
    assert counts(report, "跃进村街道", "政治面貌") == {"未填": 2}
    assert dict(report.summary)["在岗调解员"] == 4


def test_a_clerk_counts_people_by_their_posts_in_the_town(two_posts, users):
    report = run_report("composition", ReportParams(as_of=AS_OF, year=2022, user=users.clerk_a))
    assert counts(report, "新山村街道", "专兼职") == {"专职": 1, "兼职": 2}  # 丙's 专职 post is in B
    assert dict(report.summary)["在岗调解员"] == 3


@pytest.mark.parametrize("clerk", [False, True])
def test_values_past_the_commonest_count_the_same(place, two_posts, users, monkeypatch, clerk):
    """学历/政治面貌 values past the FREE_TEXT_COLUMNS commonest are counted by a second query."""
    params = ReportParams(as_of=AS_OF, year=2022, user=users.clerk_a if clerk else None)
    every_value = run_report("composition", params).rows
    monkeypatch.setattr(reports, "FREE_TEXT_COLUMNS", 1)  # only "" (未填) as a column: every other value is rarer
    assert run_report("composition", params).rows == every_value
    assert {r["value"] for r in every_value if r["dimension"] == "学历"} == {"大学本科", "未填"}
