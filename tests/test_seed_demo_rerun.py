"""seed_demo touches only what it created, whatever users did and whatever the date (issue 17, item 5)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from registry.models import Employment, Mediator, Membership
from subsidies.models import Payout
from tests.factories import make_id
from tests.registry.xlsx import run_import, write
from training.models import Attendance

USERS_PEOPLE = [(f"用户{i}", make_id("500104", f"19850{i + 1}01", 300 + i)) for i in range(5)]


def import_five_mediators(tmp_path) -> None:
    """A clerk's own roster: five full-time mediators in demo committees of 新山村街道."""
    committees = ["新山村街道人民调解委员会"] + [f"新山村街道演示社区{n}人民调解委员会" for n in range(1, 5)]
    rows = [["姓名", "身份证号", "所属调解组织", "专兼职", "任职日期", "联系电话"]]
    rows += [[name, number, org, "专职", "2019-03-01", ""] for (name, number), org in zip(USERS_PEOPLE, committees)]
    code, result = run_import("mediators", write(tmp_path, rows), "--as", "demo_clerk")
    assert code == 0, result


def later(monkeypatch, days: int) -> None:
    """Pretend it is `days` later (timezone.now and localdate both move)."""
    moved = timezone.now() + datetime.timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: moved)


def test_rerun_after_an_import_and_on_a_later_date(db, tmp_path, monkeypatch):
    call_command("seed_demo")
    import_five_mediators(tmp_path)
    users_people = Mediator.objects.filter(id_number__in=[n for _, n in USERS_PEOPLE])
    before = {m.pk: (m.name, m.phone, m.remarks) for m in users_people}
    users_posts = set(Membership.objects.filter(mediator__in=users_people).values_list("pk", "end_date", "employment"))

    call_command("seed_demo")  # after the clerk's import
    later(monkeypatch, 40)
    call_command("seed_demo")  # a month later, data untouched
    later(monkeypatch, 400)
    call_command("seed_demo")  # a year later

    assert {m.pk: (m.name, m.phone, m.remarks) for m in users_people} == before
    assert set(Membership.objects.filter(mediator__in=users_people).values_list("pk", "end_date", "employment")) == (
        users_posts
    )
    assert not Payout.objects.filter(mediator__in=users_people).exists()
    assert not Attendance.objects.filter(mediator__in=users_people).exists()


def test_a_users_record_with_a_demo_name_is_left_alone(db, tmp_path):
    """A record the demo would have made, but a user made first, is not the demo's to change."""
    call_command("seed_demo")
    import_five_mediators(tmp_path)
    post = Membership.objects.get(mediator__id_number=USERS_PEOPLE[0][1])
    post.employment = Employment.PART_TIME
    post.save()
    call_command("seed_demo")
    post.refresh_from_db()
    assert post.employment == Employment.PART_TIME


@pytest.mark.parametrize("first_day, later_days", [(0, 31), (0, 365 * 2)])
def test_seed_demo_twice_with_an_import_and_a_later_date_exits_0(db, tmp_path, monkeypatch, first_day, later_days):
    call_command("seed_demo")  # a SystemExit or an exception fails the test
    import_five_mediators(tmp_path)
    later(monkeypatch, later_days)
    call_command("seed_demo")
    assert Payout.objects.filter(remarks="演示数据").exists()
