"""A deleted mediator comes back from history through the admin's 恢复 path (issue 17, item 9)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from registry.models import Employment, Mediator, Membership
from tests.factories import make_id, make_mediator, make_post


@pytest.fixture
def gone(district):
    """A mediator of 新山村街道 with two posts, deleted (posts cascade); and an older post deleted on its own."""
    person = make_mediator("王删除", make_id("500104", "19750505", 41), phone="13800000001")
    make_post(person, district.org_a)
    make_post(person, district.org_a1, employment=Employment.PART_TIME)
    old = make_post(person, district.org_b1, employment=Employment.PART_TIME, start=datetime.date(2010, 1, 1))
    old_pk = old.pk
    old.delete()
    Membership.history.filter(id=old_pk, history_type="-").update(
        history_date=datetime.datetime(2015, 1, 1, tzinfo=datetime.timezone.utc)
    )
    pk = person.pk
    person.delete()
    return pk


def test_bureau_restores_from_the_history_page(gone, users, client_as):
    client = client_as(users.bureau)
    history = client.get(reverse("admin:registry_mediator_history", args=[gone]))
    assert history.status_code == 200
    assert reverse("admin:registry_mediator_restore", args=[gone]) in history.content.decode()
    listing = client.get(reverse("admin:registry_mediator_deleted")).content.decode()
    assert "王删除" in listing

    response = client.post(reverse("admin:registry_mediator_restore", args=[gone]))
    assert response.status_code == 302
    person = Mediator.objects.get(pk=gone)
    assert (person.name, person.phone) == ("王删除", "13800000001")
    posts = set(person.memberships.values_list("organization__name", "employment"))
    assert posts == {("新山村街道人民调解委员会", "专职"), ("新山社区人民调解委员会", "兼职")}  # not the 2015 one
    assert person.history.first().history_type == "+" and person.history.first().history_user == users.bureau
    assert client.get(reverse("admin:registry_mediator_deleted")).context["records"] == []


def test_clerk_restores_only_their_own_towns_people(gone, users, client_as):
    client = client_as(users.clerk_b)
    assert client.get(reverse("admin:registry_mediator_deleted")).context["records"] == []
    assert client.get(reverse("admin:registry_mediator_history", args=[gone])).status_code == 404
    client.post(reverse("admin:registry_mediator_restore", args=[gone]))
    assert not Mediator.objects.filter(pk=gone).exists()

    client = client_as(users.clerk_a)
    assert "王删除" in client.get(reverse("admin:registry_mediator_deleted")).content.decode()
    client.post(reverse("admin:registry_mediator_restore", args=[gone]))
    assert Mediator.objects.filter(pk=gone).exists()


@pytest.mark.parametrize("role", ["hr", "finance"])
def test_read_only_roles_cannot_restore(gone, users, client_as, role):
    client = client_as(getattr(users, role))
    assert client.get(reverse("admin:registry_mediator_deleted")).status_code == 403
    assert client.post(reverse("admin:registry_mediator_restore", args=[gone])).status_code == 403
    assert not Mediator.objects.filter(pk=gone).exists()


def test_an_id_number_taken_since_restores_nothing(gone, users, client_as):
    make_mediator("新人", make_id("500104", "19750505", 41))
    response = client_as(users.bureau).post(reverse("admin:registry_mediator_restore", args=[gone]), follow=True)
    assert "身份证号" in response.content.decode()
    assert not Mediator.objects.filter(pk=gone).exists()
    assert not Membership.objects.filter(mediator_id=gone).exists()


def test_history_form_cannot_be_posted_to_revert(district, users, client_as):
    person = make_mediator("改不了", phone="13800000002")
    version = person.history.first().history_id
    person.phone = "13800000003"
    person.save()
    for user in (users.hr, users.bureau):
        url = reverse("admin:registry_mediator_simple_history", args=[person.pk, version])
        response = client_as(user).post(url, {"name": "改不了", "id_number": person.id_number, "phone": "13800000002"})
        assert response.status_code == 403
    person.refresh_from_db()
    assert person.phone == "13800000003"


def test_sign_ins_deleted_with_the_person_come_back(district, users):
    from registry.services import mediator_restore
    from training.models import Attendance, TrainingSession

    person = make_mediator("签到者")
    make_post(person, district.org_a)
    session = TrainingSession.objects.create(
        code="QX-2023-09", name="区级培训", area=district.district, date=datetime.date(2023, 5, 10)
    )
    Attendance.objects.create(session=session, mediator=person)
    pk = person.pk
    person.delete()
    assert not Attendance.objects.exists()
    mediator_restore(mediator_id=pk, user=users.bureau)
    assert Attendance.objects.get().mediator_id == pk
