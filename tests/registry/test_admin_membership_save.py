"""Posts saved in the admin (the Membership page and the post inlines) go through
registry.services.membership_save; a save that loses a race ends in a form message, never a 500."""

import datetime
from unittest import mock

from django.core.exceptions import ValidationError

from registry import services
from registry.models import Employment, Mediator, Membership
from tests.factories import make_id, make_mediator, make_post

INLINE = {
    "memberships-INITIAL_FORMS": "0",
    "memberships-MIN_NUM_FORMS": "0",
    "memberships-MAX_NUM_FORMS": "1000",
}


def post_form(person, organization, employment=Employment.FULL_TIME, start="2022-01-01", end=""):
    return {
        "mediator": str(person.pk),
        "organization": str(organization.pk),
        "role": "调解员",
        "employment": employment,
        "start_date": start,
        "end_date": end,
    }


def mediator_form(*posts):
    data = {
        "name": "新来的",
        "id_number": make_id(seq=77),
        **{f: "" for f in ("gender", "birth_date", "phone", "ethnicity", "political_status", "education")},
        **{f: "" for f in ("domains", "remarks")},
        **INLINE,
        "memberships-TOTAL_FORMS": str(len(posts)),
    }
    for n, (organization, employment, start, end) in enumerate(posts):
        data.update(
            {
                f"memberships-{n}-organization": str(organization.pk),
                f"memberships-{n}-role": "调解员",
                f"memberships-{n}-employment": employment,
                f"memberships-{n}-start_date": start,
                f"memberships-{n}-end_date": end,
            }
        )
    return data


def test_membership_page_saves_through_the_service(users, district, client_as):
    person = make_mediator("甲")
    with mock.patch("registry.admin.membership_save", wraps=services.membership_save) as service:
        response = client_as(users.bureau).post("/admin/registry/membership/add/", post_form(person, district.org_a))
    assert response.status_code == 302
    assert service.call_count == 1
    post = Membership.objects.get(mediator=person)
    assert post.history.get().history_user == users.bureau


def test_mediator_page_posts_save_through_the_service(users, district, client_as):
    form = mediator_form((district.org_a1, Employment.PART_TIME, "2022-01-01", ""))
    with mock.patch("registry.admin.membership_save", wraps=services.membership_save) as service:
        response = client_as(users.clerk_a).post("/admin/registry/mediator/add/", form)
    assert response.status_code == 302
    assert service.call_count == 1
    assert Membership.objects.get(mediator__name="新来的").history.get().history_user == users.clerk_a


def test_organization_page_posts_save_through_the_service(users, district, client_as):
    person = make_mediator("乙")
    org = district.org_a1
    data = {
        "name": org.name,
        "kind": org.kind,
        "area": str(org.area_id),
        **{f: "" for f in ("host_unit", "domains", "founded_date", "leader", "phone", "address")},
        **INLINE,
        "memberships-TOTAL_FORMS": "1",
        "memberships-0-mediator": str(person.pk),
        "memberships-0-role": "调解员",
        "memberships-0-employment": Employment.FULL_TIME,
        "memberships-0-start_date": "2022-01-01",
        "memberships-0-end_date": "",
    }
    with mock.patch("registry.admin.membership_save", wraps=services.membership_save) as service:
        response = client_as(users.bureau).post(f"/admin/registry/organization/{org.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert service.call_count == 1
    assert Membership.objects.get(mediator=person).organization == org


def test_two_overlapping_full_time_posts_entered_together_are_a_form_error(users, district, client_as):
    form = mediator_form(
        (district.org_a, Employment.FULL_TIME, "2020-01-01", "2021-12-31"),
        (district.org_a1, Employment.FULL_TIME, "2021-12-31", ""),  # the day the first ends: overlaps
    )
    response = client_as(users.clerk_a).post("/admin/registry/mediator/add/", form)
    assert response.status_code == 200
    assert "同一时间只能担任一个专职职务" in response.content.decode()
    assert not Mediator.objects.filter(name="新来的").exists()


def test_full_time_posts_one_after_another_entered_together_are_saved(users, district, client_as):
    form = mediator_form(
        (district.org_a, Employment.FULL_TIME, "2020-01-01", "2021-12-30"),
        (district.org_a1, Employment.FULL_TIME, "2021-12-31", ""),
    )
    assert client_as(users.clerk_a).post("/admin/registry/mediator/add/", form).status_code == 302
    assert Membership.objects.filter(mediator__name="新来的").count() == 2


def test_a_stored_overlapping_post_is_a_form_error(users, district, client_as):
    person = make_mediator("丙")
    make_post(person, district.org_b, Employment.FULL_TIME, start=datetime.date(2021, 1, 1))
    response = client_as(users.bureau).post("/admin/registry/membership/add/", post_form(person, district.org_a))
    assert response.status_code == 200
    assert "跃进村街道人民调解委员会" in response.content.decode()
    assert Membership.objects.filter(mediator=person).count() == 1


def test_a_save_that_keeps_losing_ends_in_a_message_not_a_500(users, district, client_as):
    person = make_mediator("丁")
    refused = ValidationError({"employment": "该调解员同一时间只能担任一个专职职务。"})
    with mock.patch("registry.admin.membership_save", side_effect=refused) as service:
        response = client_as(users.bureau).post(
            "/admin/registry/membership/add/", post_form(person, district.org_a), follow=True
        )
    assert service.call_count == 2  # the first attempt, and the one after re-validating
    assert response.status_code == 200
    assert "同一时间只能担任一个专职职务。 未保存" in response.content.decode()
    assert not Membership.objects.filter(mediator=person).exists()
