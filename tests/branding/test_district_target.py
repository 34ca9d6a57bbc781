"""The brand count is the district's target (item 19): a clerk sees their town's contribution
with no target of its own, and the district's rate labelled as the district's — never their
town held against five."""

import datetime

from branding.models import Studio, StudioStatus
from registry.kernel.reporting import ReportParams, run_report
from tests.factories import make_mediator, make_post

D = datetime.date


def rates(report):
    return [rate.as_dict() for rate in report.rates]


def test_clerk_sees_their_contribution_and_the_district_rate(brands, district, users):
    # a second named studio in B makes the district's count (2) differ from A's (1)
    wang2 = make_mediator("王二")
    make_post(wang2, district.org_b1, start=D(2020, 1, 1))
    Studio.objects.create(
        name="老王二工作室",
        mediator=wang2,
        organization=district.org_b1,
        named_date=D(2022, 1, 1),
        status=StudioStatus.RECOGNIZED,
    )
    report = run_report("brands", ReportParams(as_of=D(2022, 12, 31), year=2022, user=users.clerk_a))
    assert rates(report) == [
        {
            "category": "本镇街已命名品牌调解工作室（对全区目标的贡献）",
            "total": 5,
            "meeting": 1,
            "rate": 0.2,
            "target": None,
        },
        {"category": "已命名品牌调解工作室", "total": 5, "meeting": 2, "rate": 0.4, "target": 1.0, "scope": "全区"},
    ]
    assert not report.rates[0].short  # the town is not failing a target of its own
    # the bureau, unscoped, sees the district rate only, unlabelled
    bureau = run_report("brands", ReportParams(as_of=D(2022, 12, 31), year=2022, user=users.bureau))
    assert rates(bureau) == [{"category": "已命名品牌调解工作室", "total": 5, "meeting": 2, "rate": 0.4, "target": 1.0}]


def test_clerk_dashboard_tile_is_neutral_and_labels_the_district(brands, users, client_as):
    html = client_as(users.clerk_a).get("/reports/", {"year": 2022}).content.decode()
    tile = html.split('id="report-brands"')[1].split("</section>")[0]
    own, district = tile.split('<tr class="rate')[1:3]
    assert own.startswith(" notarget") and "无目标" in own and "未达标" not in own
    assert " district" in district.split('"')[0] and "全区指标（参考）" in district
