import datetime

import pytest

from branding.models import Commendation, Studio
from registry.models import Employment, Mediator
from tests.factories import make_id

D = datetime.date


def commendation_form(**fields):
    data = {
        "mediator": "",
        "organization": "",
        "title": "优秀调解员",
        "level": "区级",
        "issuer": "区司法局",
        "document_number": "",
        "date": "2022-01-05",
    }
    data.update({k: str(v) for k, v in fields.items()})
    return data


@pytest.mark.parametrize("model", ["studio", "commendation"])
def test_pages_render_for_hr(brands, users, client_as, model):
    client = client_as(users.hr)
    assert client.get(f"/admin/branding/{model}/").status_code == 200
    assert client.get(f"/admin/branding/{model}/add/").status_code == 200
    obj = Studio.objects.first() if model == "studio" else Commendation.objects.first()
    assert client.get(f"/admin/branding/{model}/{obj.pk}/change/").status_code == 200
    assert client.get(f"/admin/branding/{model}/{obj.pk}/history/").status_code == 200


def test_hr_adds_a_commendation_and_history_names_them(brands, users, client_as):
    response = client_as(users.hr).post("/admin/branding/commendation/add/", commendation_form(mediator=brands.li.pk))
    assert response.status_code == 302
    item = Commendation.objects.get(mediator=brands.li)
    assert item.history.get().history_user == users.hr


def test_hr_edits_a_studio(brands, users, client_as):
    studio = brands.studios.wang
    data = {
        "name": studio.name,
        "mediator": brands.wang.pk,
        "organization": studio.organization_id,
        "named_date": "2024-02-01",
        "status": "已命名",
        "method": "板凳调解",
    }
    response = client_as(users.hr).post(f"/admin/branding/studio/{studio.pk}/change/", data)
    assert response.status_code == 302
    studio.refresh_from_db()
    assert studio.status == "已命名" and studio.history.first().history_user == users.hr


def test_admin_refuses_both_and_neither_recipient(brands, users, district, client_as):
    client = client_as(users.hr)
    both = client.post(
        "/admin/branding/commendation/add/", commendation_form(mediator=brands.li.pk, organization=district.org_a.pk)
    )
    neither = client.post("/admin/branding/commendation/add/", commendation_form())
    for response in (both, neither):
        assert response.status_code == 200
        assert "只能是一位调解员（个人）或一个调解组织（集体）" in response.content.decode()
    assert not Commendation.objects.filter(title="优秀调解员").exists()


def test_admin_refuses_unknown_level(brands, users, client_as):
    response = client_as(users.hr).post(
        "/admin/branding/commendation/add/", commendation_form(mediator=brands.li.pk, level="省级")
    )
    assert response.status_code == 200 and not Commendation.objects.filter(title="优秀调解员").exists()


def test_admin_refuses_a_namesake_who_is_not_a_member(brands, users, district, client_as):
    data = {
        "name": "老李二号工作室",
        "mediator": brands.li.pk,
        "organization": district.org_b.pk,
        "named_date": "2023-01-01",
        "status": "已命名",
        "method": "",
    }
    response = client_as(users.hr).post("/admin/branding/studio/add/", data)
    assert response.status_code == 200
    assert "不是“跃进村街道人民调解委员会”的在任成员" in response.content.decode()
    assert not Studio.objects.filter(name="老李二号工作室").exists()


@pytest.mark.parametrize("role", ["clerk_a", "finance", "bureau"])
def test_other_roles_read_but_only_bureau_changes(brands, users, client_as, role):
    client = client_as(getattr(users, role))
    studio = brands.studios.ma
    assert client.get("/admin/branding/studio/").status_code == 200
    assert client.get(f"/admin/branding/studio/{studio.pk}/change/").status_code == 200
    expected = 302 if role == "bureau" else 403
    assert client.get("/admin/branding/commendation/add/").status_code == (200 if role == "bureau" else 403)
    response = client.post("/admin/branding/commendation/add/", commendation_form(mediator=brands.ma.pk))
    assert response.status_code == expected
    data = {
        "name": "改名",
        "mediator": brands.ma.pk,
        "organization": studio.organization_id,
        "named_date": "2021-05-01",
        "status": "已命名",
        "method": "",
    }
    client.post(f"/admin/branding/studio/{studio.pk}/change/", data)
    studio.refresh_from_db()
    assert (studio.name == "改名") == (role == "bureau")


def test_clerk_list_and_search_stay_in_town(brands, users, client_as):
    client = client_as(users.clerk_a)
    body = client.get("/admin/branding/studio/").content.decode()
    assert "老马工作室" in body and "老李工作室" in body and "老王工作室" not in body
    assert "老王工作室" not in client.get("/admin/branding/studio/", {"q": "老王"}).content.decode()
    body = client.get("/admin/branding/commendation/").content.decode()
    assert "市优秀调解员" in body and "全国模范人民调解委员会" not in body and "王调解" not in body


def test_clerk_cannot_open_other_towns_records_by_url(brands, users, client_as):
    client = client_as(users.clerk_a)
    studio = brands.studios.wang
    collective = Commendation.objects.get(organization__isnull=False)
    for url in (f"/admin/branding/studio/{studio.pk}/change/", f"/admin/branding/commendation/{collective.pk}/change/"):
        response = client.get(url)
        assert response.status_code in (302, 404) and "老王工作室" not in response.content.decode()
    assert client.get(f"/admin/branding/studio/{studio.pk}/history/").status_code == 404
    assert client.get(f"/admin/branding/commendation/{collective.pk}/history/").status_code == 404


def test_commendation_of_a_person_follows_every_town_they_served(brands, users, district, client_as):
    from tests.factories import make_post

    make_post(brands.wang, district.org_a1, employment=Employment.PART_TIME, start=D(2022, 1, 1))
    body = client_as(users.clerk_a).get("/admin/branding/commendation/").content.decode()
    assert "王调解" in body


def test_mediator_page_lists_studio_and_commendations(brands, users, client_as):
    body = client_as(users.clerk_a).get(f"/admin/registry/mediator/{brands.ma.pk}/change/").content.decode()
    assert "老马工作室" in body and "市优秀调解员" in body and "渝司发〔2021〕1号" in body
    assert f"/branding/honours/{brands.ma.pk}/" in body


def test_organization_page_lists_studios_and_commendations(brands, users, district, client_as):
    body = client_as(users.bureau).get(f"/admin/registry/organization/{district.org_b.pk}/change/").content.decode()
    assert "老王工作室" in body and "全国模范人民调解委员会" in body


def test_mediator_form_posts_without_branding_management_forms(brands, users, district, client_as):
    """The read-only lists must not make the mediator form demand their management forms."""
    data = {
        "name": "马大姐改",
        "id_number": brands.ma.id_number,
        "gender": "",
        "birth_date": "",
        "phone": "",
        "ethnicity": "",
        "political_status": "",
        "education": "",
        "domains": "",
        "remarks": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = client_as(users.clerk_a).post(f"/admin/registry/mediator/{brands.ma.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Mediator.objects.get(pk=brands.ma.pk).name == "马大姐改"
    assert Studio.objects.filter(mediator=brands.ma).count() == 1


def test_admin_list_query_count_is_constant(brands, users, district, client_as, django_assert_max_num_queries):
    from tests.factories import make_mediator, make_post

    client = client_as(users.bureau)
    client.get("/admin/branding/commendation/")
    with django_assert_max_num_queries(30) as before:
        client.get("/admin/branding/studio/")
        client.get("/admin/branding/commendation/")
    for n in range(15):
        person = make_mediator(f"新人{n}", id_number=make_id(seq=500 + n))
        make_post(person, district.org_b1)
        Studio.objects.create(name=f"新工作室{n}", mediator=person, organization=district.org_b1)
        Commendation.objects.create(mediator=person, title="新秀", level="镇街级", date=D(2022, 1, 1))
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get("/admin/branding/studio/")
        client.get("/admin/branding/commendation/")


def test_invalid_mediator_form_comes_back_with_the_lists_and_no_formset_error(brands, users, client_as):
    data = {
        "name": "",
        "id_number": brands.ma.id_number,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = client_as(users.bureau).post(f"/admin/registry/mediator/{brands.ma.pk}/change/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "这个字段是必填项" in body
    assert "老马工作室" in body and "市优秀调解员" in body and "ManagementForm" not in body
