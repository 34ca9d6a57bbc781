"""The 工作台 (admin index): per role, counts of open work linking to the filtered lists, in
place of 最近动作; scoped for clerks; the same number of queries at 1× and 20× the data."""

import datetime
import re

import pytest
from django.utils import timezone

from branding.models import Studio, StudioStatus
from registry.models import Employment, Organization
from subsidies.models import Payout, PayoutKind, PayoutStatus
from tests.factories import make_mediator, make_post
from tests.registry import test_report_queries

D = datetime.date


def tiles(html: str) -> dict[str, tuple[int, str]]:
    found = re.findall(r'data-tile="([a-z_]+)">\s*<a href="([^"]+)"><strong class="work-count">(\d+)</strong>', html)
    return {key: (int(count), url) for key, url, count in found}


@pytest.fixture
def work(district):
    today = timezone.localdate()
    # A's committee: quota 2, no full-timer, term expired; B's: full, term current
    Organization.objects.filter(pk=district.org_a.pk).update(term_start=today.replace(year=today.year - 4, day=1))
    Organization.objects.filter(pk=district.org_b.pk).update(term_start=today.replace(year=today.year - 1, day=1))
    for n in range(2):
        make_post(make_mediator(f"乙{n}"), district.org_b, Employment.FULL_TIME, start=D(2020, 1, 1))
    # villages: a1 (not designated, short: advisory, not counted), b1 designated and short: counted
    Organization.objects.filter(pk=district.org_b1.pk).update(full_time_designated=True)
    person = make_mediator("甲")
    make_post(person, district.org_a, Employment.PART_TIME, start=D(2020, 1, 1))
    for status, org in [
        (PayoutStatus.PENDING, district.org_a),
        (PayoutStatus.PENDING, district.org_b),
        (PayoutStatus.APPROVED, district.org_a),
    ]:
        Payout.objects.create(
            mediator=person,
            organization=org,
            area=org.area,
            kind=PayoutKind.POST,
            period="2022-01",
            amount="800",
            status=status,
            case_number=f"{status}{org.pk}",
        )
    Studio.objects.create(name="甲工作室", mediator=person, organization=district.org_a)
    Studio.objects.create(name="乙工作室", mediator=person, organization=district.org_b, status=StudioStatus.RECOGNIZED)
    return district


def test_bureau_sees_the_district_work(work, users, client_as):
    got = tiles(client_as(users.bureau).get("/admin/").content.decode())
    assert got == {
        "short_required": (2, "/admin/registry/organization/?staffing=short"),  # org_a and org_b1
        "expired_terms": (1, "/admin/registry/organization/?term=expired"),
        "imports_with_errors": (0, "/admin/registry/importrecord/?problems=today"),
        "untrained": (3, "/reports/training/"),  # 甲, 乙0, 乙1: nobody attended a training this year
        "payouts_pending": (2, "/admin/subsidies/payout/?status__exact=%E5%BE%85%E5%AE%A1%E6%A0%B8"),
    }


def test_clerk_sees_the_same_within_their_town(work, users, client_as):
    got = tiles(client_as(users.clerk_b).get("/admin/").content.decode())
    assert {k: v[0] for k, v in got.items()} == {
        "short_required": 1,
        "expired_terms": 0,
        "imports_with_errors": 0,
        "untrained": 2,  # 乙0, 乙1 (甲 serves in A)
        "payouts_pending": 1,
    }
    # the linked list shows what the tile counted
    html = client_as(users.clerk_b).get("/admin/registry/organization/", {"staffing": "short"}).content.decode()
    assert "跃进社区人民调解委员会" in html and "新山村街道人民调解委员会" not in html


def test_finance_and_hr_see_their_own_work(work, users, client_as):
    assert {k: v[0] for k, v in tiles(client_as(users.finance).get("/admin/").content.decode()).items()} == {
        "payouts_to_pay": 1
    }
    assert {k: v[0] for k, v in tiles(client_as(users.hr).get("/admin/").content.decode()).items()} == {
        "studios_cultivating": 1
    }


def test_the_recent_actions_box_is_gone(work, users, client_as):
    html = client_as(users.bureau).get("/admin/").content.decode()
    assert "recent-actions-module" not in html and "待办事项" in html


def count_index_queries(users, client) -> dict:
    from django.contrib.auth.models import User

    counts = {}
    for role in ("bureau", "clerk_a", "finance", "hr"):
        client.force_login(User.objects.get(pk=getattr(users, role).pk))
        counts[role] = test_report_queries.count_queries(lambda: client.get("/admin/"))
    return counts


def test_query_count_is_constant(work, users, client):
    test_report_queries.build(work, 10, "小", 0)
    before = count_index_queries(users, client)
    test_report_queries.build(work, 190, "大", 100)
    after = count_index_queries(users, client)
    assert after == before


def test_imports_with_errors_today(work, users, client_as):
    """Refused or failed imports started today count; yesterday's, written ones and another town's do not."""
    from registry.kernel.excel.records import ImportRecord, Outcome

    now = timezone.now()
    made = {"kind": "mediators", "source": "管理后台", "file_name": "花名册.xlsx", "file_size": 1, "sha256": "0" * 64}
    for outcome, town, when in [
        (Outcome.INVALID, work.b, now),  # counted for the bureau and B's clerk
        (Outcome.FAILED, work.b, now),  # counted
        (Outcome.UNUSABLE, work.a, now),  # counted for the bureau, not for B's clerk
        (Outcome.WRITTEN, work.b, now),  # written: no problem
        (Outcome.INVALID, work.b, now - datetime.timedelta(days=1)),  # yesterday
    ]:
        ImportRecord.objects.create(**made, outcome=outcome, town=town, user=users.clerk_b, started_at=when)
    assert tiles(client_as(users.bureau).get("/admin/").content.decode())["imports_with_errors"][0] == 3
    clerk = client_as(users.clerk_b)
    assert tiles(clerk.get("/admin/").content.decode())["imports_with_errors"][0] == 2
    listed = clerk.get("/admin/registry/importrecord/", {"problems": "today"}).context["cl"].result_count
    assert listed == 2  # the linked list shows what the tile counted
