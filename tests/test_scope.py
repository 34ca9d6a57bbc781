"""Scope is security (SPEC §5): a clerk gets nothing of another town by any admin path."""

import pytest
from django.contrib.auth.models import User

from registry.models import Employment, HostUnit, HostUnitKind, Mediator, Membership, Organization
from tests.factories import make_mediator, make_post


@pytest.fixture
def people(district):
    """One mediator in each street: 甲 in A (新山村街道), 乙 in B (跃进村街道)."""
    jia = make_mediator("甲调解员", phone="13800000001")
    yi = make_mediator("乙调解员", phone="13800000002")
    make_post(jia, district.org_a1)
    make_post(yi, district.org_b1)
    return jia, yi


def test_list_shows_only_own_town(users, people, client_as):
    jia, yi = people
    body = client_as(users.clerk_a).get("/admin/registry/mediator/").content.decode()
    assert jia.name in body and yi.name not in body
    orgs = client_as(users.clerk_a).get("/admin/registry/organization/").content.decode()
    assert "新山社区人民调解委员会" in orgs and "跃进" not in orgs


def test_bureau_hr_finance_see_all(users, people, client_as):
    for user in (users.bureau, users.hr, users.finance):
        body = client_as(user).get("/admin/registry/mediator/").content.decode()
        assert all(p.name in body for p in people), user


def test_search_does_not_reach_other_town(users, people, client_as):
    jia, yi = people
    for term in (yi.name, yi.id_number, yi.phone):
        body = client_as(users.clerk_a).get("/admin/registry/mediator/", {"q": term}).content.decode()
        assert "0 条结果" in body and f"/admin/registry/mediator/{yi.pk}/" not in body


def test_change_url_of_other_town_is_refused(users, people, client_as):
    _, yi = people
    client = client_as(users.clerk_a)
    for url in (
        f"/admin/registry/mediator/{yi.pk}/change/",
        f"/admin/registry/organization/{yi.memberships.get().organization_id}/change/",
    ):
        response = client.get(url, follow=True)
        assert yi.name not in response.content.decode()
        assert response.redirect_chain, url  # Django redirects to the index: "不存在"
    response = client.post(f"/admin/registry/mediator/{yi.pk}/delete/", {"post": "yes"})
    assert Mediator.objects.filter(pk=yi.pk).exists()


def test_history_of_other_town_is_refused(users, people, client_as):
    jia, yi = people
    client = client_as(users.clerk_a)
    assert client.get(f"/admin/registry/mediator/{yi.pk}/history/").status_code == 404
    version = yi.history.first()
    assert client.get(f"/admin/registry/mediator/{yi.pk}/history/{version.history_id}/").status_code == 404
    assert client.get(f"/admin/registry/mediator/{jia.pk}/history/").status_code == 200
    # a deleted record of another town: its history must stay hidden too
    assert client.get(f"/admin/registry/mediator/{yi.pk + 1000}/history/").status_code == 404


def test_autocomplete_offers_only_own_town(users, people, client_as):
    client = client_as(users.clerk_a)
    params = {"app_label": "registry", "model_name": "membership", "field_name": "organization", "term": ""}
    names = [r["text"] for r in client.get("/admin/autocomplete/", params).json()["results"]]
    assert names and all("跃进" not in n for n in names)
    params = {"app_label": "registry", "model_name": "membership", "field_name": "mediator", "term": "调解员"}
    names = [r["text"] for r in client.get("/admin/autocomplete/", params).json()["results"]]
    assert any("甲" in n for n in names) and not any("乙" in n for n in names)


def _mediator_form(district, organization, **extra):
    from tests.factories import make_id

    data = {
        "name": "新来的",
        "id_number": make_id(seq=77),
        "gender": "",
        "birth_date": "",
        "phone": "",
        "ethnicity": "",
        "political_status": "",
        "education": "",
        "domains": "",
        "remarks": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-organization": str(organization.pk),
        "memberships-0-role": "调解员",
        "memberships-0-employment": Employment.PART_TIME,
        "memberships-0-start_date": "2022-01-01",
        "memberships-0-end_date": "",
    }
    data.update(extra)
    return data


def test_clerk_cannot_post_into_other_towns_organization(users, district, client_as):
    client = client_as(users.clerk_a)
    response = client.post("/admin/registry/mediator/add/", _mediator_form(district, district.org_b))
    assert response.status_code == 200  # the form comes back with an error
    assert "选择一个有效的选项" in response.content.decode()
    assert not Mediator.objects.filter(name="新来的").exists()
    response = client.post("/admin/registry/mediator/add/", _mediator_form(district, district.org_a1))
    assert response.status_code == 302
    assert Membership.objects.get(mediator__name="新来的").organization == district.org_a1


def test_clerk_cannot_create_organization_in_other_town(users, district, client_as):
    data = {
        "name": "越界调委会",
        "kind": "村（社区）人民调解委员会",
        "area": district.b1.pk,
        "phone": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = client_as(users.clerk_a).post("/admin/registry/organization/add/", data)
    assert response.status_code == 200 and not Organization.objects.filter(name="越界调委会").exists()


def test_inline_shows_only_posts_in_scope(users, district, client_as):
    person = make_mediator("两地人")
    make_post(person, district.org_a1, employment=Employment.PART_TIME)
    make_post(person, district.org_b1, employment=Employment.PART_TIME)
    body = client_as(users.clerk_a).get(f"/admin/registry/mediator/{person.pk}/change/").content.decode()
    assert "新山社区人民调解委员会" in body and "跃进社区人民调解委员会" not in body


def test_town_filter_lists_only_own_town(users, district, client_as):
    body = client_as(users.clerk_a).get("/admin/registry/organization/").content.decode()
    assert "?town=%d" % district.a.pk in body and "?town=%d" % district.b.pk not in body


def test_host_units_are_scoped(users, district, client_as):
    HostUnit.objects.create(name="跃进派出所", kind=HostUnitKind.POLICE, area=district.b, officer_count=30)
    assert "跃进派出所" not in client_as(users.clerk_a).get("/admin/registry/hostunit/").content.decode()
    assert "跃进派出所" in client_as(users.bureau).get("/admin/registry/hostunit/").content.decode()


@pytest.mark.parametrize("role", ["hr", "finance"])
def test_hr_and_finance_read_the_registry_but_cannot_change_it(users, people, client_as, role):
    jia, _ = people
    client = client_as(getattr(users, role))
    assert client.get(f"/admin/registry/mediator/{jia.pk}/change/").status_code == 200
    assert client.get("/admin/registry/mediator/add/").status_code == 403
    response = client.post(f"/admin/registry/mediator/{jia.pk}/change/", {"name": "改名"})
    assert response.status_code == 403
    jia.refresh_from_db()
    assert jia.name == "甲调解员"


def test_clerk_without_area_sees_nothing(district, people, client_as):
    from registry.services import staff_user_save

    lost = staff_user_save(username="lost", role="clerk", area_name=district.a.name, password="x")[0]
    lost.staff_profile.area = None
    lost.staff_profile.save()
    body = client_as(User.objects.get(username="lost")).get("/admin/registry/mediator/").content.decode()
    assert "甲调解员" not in body and "乙调解员" not in body


def test_user_admin_is_bureau_only(users, client_as):
    assert client_as(users.bureau).get("/admin/auth/user/").status_code == 200
    assert client_as(users.clerk_a).get("/admin/auth/user/").status_code == 403


def test_history_records_the_user(users, district, client_as):
    client = client_as(users.clerk_a)
    client.post("/admin/registry/mediator/add/", _mediator_form(district, district.org_a1))
    person = Mediator.objects.get(name="新来的")
    assert person.history.get().history_user == users.clerk_a
    assert Membership.history.get(mediator_id=person.pk).history_user == users.clerk_a
