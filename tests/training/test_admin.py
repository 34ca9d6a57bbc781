"""Training admin: pages, the sign-in inline, the mediator's history, and scope on every path."""

import pytest

from training.models import Attendance, TrainingSession


def session_form(area, code="XS-NEW", attendees=()):
    data = {
        "code": code,
        "name": "新增培训",
        "area": str(area.pk),
        "date": "2023-11-01",
        "hours": "2",
        "topic": "",
        "venue": "",
        "attendances-TOTAL_FORMS": str(len(attendees)),
        "attendances-INITIAL_FORMS": "0",
        "attendances-MIN_NUM_FORMS": "0",
        "attendances-MAX_NUM_FORMS": "1000",
    }
    for n, person in enumerate(attendees):
        data[f"attendances-{n}-mediator"] = str(person.pk)
    return data


@pytest.mark.parametrize(
    "url",
    [
        "/admin/training/trainingsession/",
        "/admin/training/trainingsession/add/",
        "/admin/training/attendance/",
        "/admin/training/attendance/add/",
    ],
)
def test_pages_render_for_bureau(year, users, client_as, url):
    assert client_as(users.bureau).get(url).status_code == 200


def test_session_page_lists_attendees(year, users, client_as):
    body = client_as(users.bureau).get(f"/admin/training/trainingsession/{year.a1.pk}/change/").content.decode()
    assert year.jia.id_number in body or "甲" in body


def test_clerk_session_list_has_own_and_district_sessions_only(year, users, client_as):
    body = client_as(users.clerk_a).get("/admin/training/trainingsession/").content.decode()
    assert "XS-2023-01" in body and "QX-2023-01" in body
    assert "YJ-2023-01" not in body and "跃进村街道培训" not in body


def test_clerk_cannot_open_other_towns_session_or_its_history(year, users, client_as):
    client = client_as(users.clerk_a)
    response = client.get(f"/admin/training/trainingsession/{year.b1.pk}/change/", follow=True)
    assert "YJ-2023-01" not in response.content.decode() and response.redirect_chain
    assert client.get(f"/admin/training/trainingsession/{year.b1.pk}/history/").status_code == 404
    client.post(f"/admin/training/trainingsession/{year.b1.pk}/delete/", {"post": "yes"})
    assert TrainingSession.objects.filter(pk=year.b1.pk).exists()


def test_district_session_is_read_only_for_clerk(year, users, client_as):
    client = client_as(users.clerk_a)
    url = f"/admin/training/trainingsession/{year.d1.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, session_form(year.d1.area, code="CHANGED")).status_code == 403
    assert client.post(f"/admin/training/trainingsession/{year.d1.pk}/delete/", {"post": "yes"}).status_code == 403
    year.d1.refresh_from_db()
    assert year.d1.code == "QX-2023-01"
    # the bureau may change it
    bureau = client_as(users.bureau)
    assert bureau.get(url).status_code == 200


def test_clerk_adds_own_town_session_with_own_mediator(year, users, district, client_as):
    client = client_as(users.clerk_a)
    response = client.post("/admin/training/trainingsession/add/", session_form(district.a, attendees=[year.wu]))
    assert response.status_code == 302, response.content.decode()[:2000]
    session = TrainingSession.objects.get(code="XS-NEW")
    assert list(session.attendances.values_list("mediator__name", flat=True)) == ["戊"]
    assert session.history.get().history_user == users.clerk_a


@pytest.mark.parametrize("where", ["b", "district", "a1"])
def test_clerk_cannot_add_session_elsewhere(year, users, district, client_as, where):
    response = client_as(users.clerk_a).post(
        "/admin/training/trainingsession/add/", session_form(getattr(district, where))
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not TrainingSession.objects.filter(code="XS-NEW").exists()


def test_clerk_cannot_sign_in_another_towns_mediator(year, users, district, client_as):
    response = client_as(users.clerk_a).post(
        "/admin/training/trainingsession/add/", session_form(district.a, attendees=[year.yi])
    )
    assert response.status_code == 200
    assert not TrainingSession.objects.filter(code="XS-NEW").exists()


def test_session_inline_shows_clerk_only_own_mediators(year, users, client_as):
    Attendance.objects.create(session=year.d1, mediator=year.yi)
    body = client_as(users.clerk_a).get(f"/admin/training/trainingsession/{year.d1.pk}/change/").content.decode()
    assert year.jia.id_number[-4:] in body and year.yi.id_number[-4:] not in body


def test_attendance_list_and_search_are_scoped(year, users, client_as):
    client = client_as(users.clerk_a)
    body = client.get("/admin/training/attendance/").content.decode()
    assert "甲（" in body and "丁（" not in body
    body = client.get("/admin/training/attendance/", {"q": year.ding.id_number}).content.decode()
    assert "0 条结果" in body
    other = Attendance.objects.get(mediator=year.ding)
    assert client.get(f"/admin/training/attendance/{other.pk}/history/").status_code == 404


def test_autocomplete_is_scoped(year, users, client_as):
    client = client_as(users.clerk_a)
    params = {"app_label": "training", "model_name": "attendance", "field_name": "session", "term": ""}
    names = [r["text"] for r in client.get("/admin/autocomplete/", params).json()["results"]]
    assert any("XS-2023-01" in n for n in names) and any("QX-2023-01" in n for n in names)
    assert not any("YJ-" in n for n in names)
    params = {"app_label": "training", "model_name": "attendance", "field_name": "mediator", "term": ""}
    names = [r["text"] for r in client.get("/admin/autocomplete/", params).json()["results"]]
    assert any(n.startswith("戊") for n in names) and not any(n.startswith("乙") or n.startswith("丁") for n in names)


def test_mediator_page_shows_training_per_year(year, users, client_as):
    body = client_as(users.clerk_a).get(f"/admin/registry/mediator/{year.jia.pk}/change/").content.decode()
    assert "培训记录" in body and "2023年：2次，6.0学时" in body
    body = client_as(users.clerk_a).get(f"/admin/registry/mediator/{year.wu.pk}/change/").content.decode()
    assert "暂无参训记录" in body


@pytest.mark.parametrize("role", ["hr", "finance"])
def test_hr_and_finance_read_only(year, users, client_as, role):
    client = client_as(getattr(users, role))
    assert client.get("/admin/training/trainingsession/").status_code == 200
    assert client.get("/admin/training/trainingsession/add/").status_code == 403
    assert (
        client.post(f"/admin/training/trainingsession/{year.a1.pk}/change/", session_form(year.a1.area)).status_code
        == 403
    )


def test_changelist_query_count_is_constant(year, users, district, client_as, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(users.bureau)
    client.get("/admin/training/attendance/")
    with CaptureQueriesContext(connection) as small:
        client.get("/admin/training/trainingsession/")
        client.get("/admin/training/attendance/")
    for n in range(25):
        session = TrainingSession.objects.create(code=f"X-{n}", name="批量", area=district.a, date="2023-07-01")
        Attendance.objects.create(session=session, mediator=year.jia)
    with django_assert_max_num_queries(len(small)):
        client.get("/admin/training/trainingsession/")
        client.get("/admin/training/attendance/")


def test_clerk_signs_own_mediator_in_at_a_district_session_but_nowhere_else(year, users, client_as):
    client = client_as(users.clerk_a)
    url = "/admin/training/attendance/add/"
    assert client.post(url, {"session": year.d1.pk, "mediator": year.wu.pk}).status_code == 302
    assert Attendance.objects.filter(session=year.d1, mediator=year.wu).exists()
    for session, person in [(year.b1, year.wu), (year.d1, year.yi)]:
        response = client.post(url, {"session": session.pk, "mediator": person.pk})
        assert response.status_code == 200
        assert not Attendance.objects.filter(session=session, mediator=person).exists()
