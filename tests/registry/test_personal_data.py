"""Personal information (个人信息保护法): hr and finance see ID and phone numbers masked on every
path; every page or download showing whole ID numbers is recorded once, and the bureau finds the
records by person and by user."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from branding.models import Commendation, Studio
from registry.kernel.validators import mask_id_number, mask_phone
from registry.models import AccessKind, Expert, PersonalDataAccess
from tests.factories import make_id, make_mediator, make_post
from tests.subsidies.conftest import make_payout
from tests.training.conftest import make_session
from training.models import Attendance

PHONE = "13812345678"


@pytest.fixture
def people(district):
    """Three mediators in 新山村街道 with phones, one claim each, one sign-in; one expert."""
    mediators = []
    for seq, name in enumerate(["赵一", "钱二", "孙三"], start=1):
        mediator = make_mediator(name, id_number=make_id(seq=seq), phone=PHONE)
        make_post(mediator, district.org_a)
        make_payout(mediator, district.org_a)
        mediators.append(mediator)
    session = make_session("XS-2023-01", district.a, "2023-03-01")
    Attendance.objects.create(session=session, mediator=mediators[0])
    expert = Expert.objects.create(name="李专家", id_number=make_id(seq=9), phone=PHONE)
    expert.organizations.add(district.org_a)
    Commendation.objects.create(
        mediator=mediators[0], title="区优秀调解员", level="区级", date=datetime.date(2022, 1, 1)
    )
    Studio.objects.create(name="赵一工作室", mediator=mediators[0], organization=district.org_a)
    return mediators, expert


def sheet_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)


def test_masks():
    assert mask_id_number("500104197001010018") == "500104********0018"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("023-68812345") == "023*****2345"
    assert mask_phone("1234") == "**34"


# ---- hr and finance: masked everywhere ---------------------------------------------------------
MASKED_PAGES = [
    "/admin/registry/mediator/",
    "/admin/registry/mediator/{m}/change/",
    "/admin/registry/mediator/{m}/history/",
    "/admin/registry/expert/",
    "/admin/registry/expert/{e}/change/",
    "/admin/subsidies/payout/",
    "/admin/training/attendance/",
    "/reports/training/",
    "/reports/subsidies/?year=2022",
    "/admin/subsidies/payout/report/?year=2022",
]


@pytest.mark.parametrize("role", ["hr", "finance"])
def test_hr_and_finance_never_see_a_whole_number_on_a_page(people, users, client_as, role):
    mediators, expert = people
    old = mediators[0].id_number
    mediators[0].id_number = make_id(seq=7)  # the history page would show the old and new numbers
    mediators[0].save()
    client = client_as(getattr(users, role))
    for url in MASKED_PAGES:
        response = client.get(url.format(m=mediators[0].pk, e=expert.pk))
        html = response.content.decode()
        assert response.status_code == 200, url
        for number in [old, expert.id_number, *(m.id_number for m in mediators), PHONE]:
            assert number not in html, (url, number)
    columns = [getattr(c, "__name__", c) for c in client.get(MASKED_PAGES[0]).context["cl"].list_display]
    listed = client.get(MASKED_PAGES[0], {"o": columns.index("masked_id_number")})  # still sorts by the number
    assert [m.id_number for m in listed.context["cl"].result_list] == sorted(m.id_number for m in mediators)
    assert mask_id_number(mediators[0].id_number) in listed.content.decode()
    assert "138****5678" in client.get(f"/admin/registry/expert/{expert.pk}/change/").content.decode()
    assert not PersonalDataAccess.objects.exists()  # nothing whole was shown, nothing to record


@pytest.mark.parametrize("role", ["hr", "finance"])
def test_hr_and_finance_exports_and_report_downloads_are_masked(people, users, client_as, role):
    mediators, expert = people
    client = client_as(getattr(users, role))
    for url in [
        "/admin/registry/mediator/export/",
        "/admin/registry/expert/export/",
        "/admin/subsidies/payout/export/",
        "/admin/training/attendance/export/",
        "/admin/branding/commendation/export/",
        "/admin/branding/studio/export/",
        "/reports/training/?export=xlsx",
        "/reports/subsidies/?year=2022&export=xlsx",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = sheet_text(response.content)
        assert "********" in text, url  # ID numbers are there, masked
        for number in [expert.id_number, *(m.id_number for m in mediators), PHONE]:
            assert number not in text, (url, number)
    assert not PersonalDataAccess.objects.exists()


def test_the_command_masks_for_hr_too(people, users, capsys):
    call_command("report", "subsidies", "--year", "2022", "--as", "hr", "--format", "json")
    rows = json.loads(capsys.readouterr().out)["rows"]
    shown = [row["id_number"] for row in rows if row.get("id_number")]
    assert shown and all("*" in number for number in shown)


def test_finance_bank_sheet_keeps_whole_numbers_and_is_recorded(people, users, client_as):
    mediators, _ = people
    for payout in mediators[0].payouts.all():
        payout.status = "已审核"
        payout.save()
    client = client_as(users.finance)
    ids = list(mediators[0].payouts.values_list("pk", flat=True))
    response = client.post("/admin/subsidies/payout/", {"action": "export_xlsx", "_selected_action": ids, "index": 0})
    assert response.status_code == 200 and mediators[0].id_number in sheet_text(response.content)
    record = PersonalDataAccess.objects.get()
    assert (record.username, record.kind, record.person_count) == ("finance", AccessKind.EXPORT, 1)
    assert record.id_numbers == mediators[0].id_number


# ---- the bureau and clerks: whole numbers, each view recorded once -----------------------------
def test_a_change_page_is_recorded_with_its_person(people, users, client_as):
    mediator = people[0][0]
    html = client_as(users.clerk_a).get(f"/admin/registry/mediator/{mediator.pk}/change/").content.decode()
    assert mediator.id_number in html and PHONE in html
    record = PersonalDataAccess.objects.get()
    assert (record.user, record.kind, record.person_count, record.id_numbers) == (
        users.clerk_a,
        AccessKind.VIEW,
        1,
        mediator.id_number,
    )
    assert record.path == f"/admin/registry/mediator/{mediator.pk}/change/"


def test_a_history_page_is_recorded_with_its_person(people, users, client_as):
    mediator = people[0][0]
    response = client_as(users.bureau).get(f"/admin/registry/mediator/{mediator.pk}/history/")
    assert response.status_code == 200
    record = PersonalDataAccess.objects.get()
    assert (record.kind, record.person_count, record.id_numbers) == (AccessKind.VIEW, 1, mediator.id_number)
    assert record.path == f"/admin/registry/mediator/{mediator.pk}/history/"


def test_a_list_page_is_one_record_naming_everyone_on_it(people, users, client_as):
    mediators, _ = people
    client_as(users.bureau).get("/admin/registry/mediator/")
    record = PersonalDataAccess.objects.get()
    assert record.person_count == 3 and set(record.id_numbers.split()) == {m.id_number for m in mediators}
    client_as(users.bureau).get("/admin/registry/organization/")  # no ID numbers there: nothing recorded
    assert PersonalDataAccess.objects.count() == 1


def test_an_export_is_one_insert_whatever_its_size(district, users, client_as, django_assert_max_num_queries):
    for seq in range(1, 41):
        make_post(make_mediator(f"调解员{seq}", id_number=make_id(seq=seq)), district.org_a)
    client = client_as(users.bureau)
    client.get("/admin/registry/mediator/export/")  # warm-up: permission caches, content types
    PersonalDataAccess.objects.all().delete()
    with django_assert_max_num_queries(20) as captured:
        assert client.get("/admin/registry/mediator/export/").status_code == 200
    inserts = [q for q in captured.captured_queries if "INSERT" in q["sql"] and "personaldataaccess" in q["sql"]]
    assert len(inserts) == 1
    record = PersonalDataAccess.objects.get()
    assert (record.kind, record.person_count, record.what) == (AccessKind.EXPORT, 40, "导出：人民调解员")


def test_a_report_download_and_page_are_recorded(people, users, client_as):
    mediators, _ = people
    client = client_as(users.bureau)
    client.get("/reports/subsidies/?year=2022&export=xlsx")
    client.get("/reports/training/")
    export, page = PersonalDataAccess.objects.order_by("pk")
    assert (export.kind, export.person_count, export.what) == (AccessKind.EXPORT, 3, "报表：调解员补贴发放")
    assert page.kind == AccessKind.VIEW and page.what == "报表：调解员培训"
    client.get("/reports/staffing/")  # no ID numbers on it
    assert PersonalDataAccess.objects.count() == 2


def test_the_bureau_finds_records_by_person_and_by_user(people, users, client_as):
    mediators, _ = people
    client_as(users.clerk_a).get(f"/admin/registry/mediator/{mediators[0].pk}/change/")
    client_as(users.bureau).get(f"/admin/registry/mediator/{mediators[1].pk}/change/")
    bureau = client_as(users.bureau)
    by_person = bureau.get("/admin/registry/personaldataaccess/", {"q": mediators[0].id_number})
    assert [r.username for r in by_person.context["cl"].result_list] == ["clerk_a"]
    by_user = bureau.get("/admin/registry/personaldataaccess/", {"q": "clerk_a"})
    assert [r.person_count for r in by_user.context["cl"].result_list] == [1]
    assert (
        bureau.post(
            f"/admin/registry/personaldataaccess/{by_person.context['cl'].result_list[0].pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
