"""The payout admin: scope on every path, workflow actions by role, locked fields, query counts."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from subsidies.models import Payout, PayoutStatus
from tests.factories import make_mediator, make_post
from tests.subsidies.conftest import make_payout

URL = "/admin/subsidies/payout/"


@pytest.fixture
def both(district, pay):
    return make_payout(pay.zhang, district.org_a), make_payout(pay.wang, district.org_b)


def act(client, action, payouts, **extra):
    data = {"action": action, "_selected_action": [p.pk for p in payouts], "index": 0, **extra}
    return client.post(URL, data, follow=True)


def test_a_clerk_sees_only_their_towns_payouts_on_every_path(both, users, client_as):
    mine, theirs = both
    client = client_as(users.clerk_a)
    body = client.get(URL).content.decode()
    assert "张三" in body and "王五" not in body
    assert "0 条结果" in client.get(URL, {"q": "王五"}).content.decode()
    assert client.get(f"{URL}{theirs.pk}/change/").status_code in (302, 404)
    assert client.get(f"{URL}{theirs.pk}/history/").status_code == 404
    assert client.get(f"{URL}{mine.pk}/history/").status_code == 200
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "subsidies", "model_name": "payout", "field_name": "mediator", "term": "王"},
    ).json()
    assert found["results"] == []


def test_a_clerk_cannot_export_or_approve_from_the_admin(both, users, client_as):
    mine, _ = both
    client = client_as(users.clerk_a)
    response = act(client, "approve", [mine])
    assert Payout.objects.get(pk=mine.pk).status == PayoutStatus.PENDING
    response = act(client, "export_xlsx", [mine])
    assert response.headers.get("Content-Type", "").startswith("text/html")


def test_a_clerk_cannot_act_on_another_towns_payout_by_posting_its_id(both, users, client_as):
    _, theirs = both
    act(client_as(users.bureau), "return_payouts", [theirs], note="补充材料")
    act(client_as(users.clerk_a), "resubmit", [theirs])
    assert Payout.objects.get(pk=theirs.pk).status == PayoutStatus.RETURNED
    act(client_as(users.clerk_b), "resubmit", [theirs])
    assert Payout.objects.get(pk=theirs.pk).status == PayoutStatus.PENDING


def test_a_clerk_adds_a_claim_and_the_post_is_found_for_them(district, pay, users, client_as):
    client = client_as(users.clerk_a)
    response = client.post(
        f"{URL}add/",
        {
            "mediator": pay.li.pk,
            "organization": "",
            "kind": "岗位补贴",
            "period": "2022年5月",
            "case_number": "",
            "case_grade": "",
            "amount": "¥1,000.50",
            "paid_date": "",
            "remarks": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    payout = Payout.objects.get()
    assert (payout.organization, payout.area, payout.amount, payout.status) == (
        district.org_a1,
        district.a,
        Decimal("1000.50"),
        PayoutStatus.PENDING,
    )
    assert payout.history.get().history_user == users.clerk_a


def test_a_clerk_cannot_claim_for_another_towns_mediator(district, pay, users, client_as):
    response = client_as(users.clerk_a).post(
        f"{URL}add/",
        {
            "mediator": pay.wang.pk,
            "organization": "",
            "kind": "岗位补贴",
            "period": "2022-05",
            "amount": "100",
            "case_number": "",
            "case_grade": "",
            "paid_date": "",
            "remarks": "",
        },
    )
    assert response.status_code == 200 and Payout.objects.count() == 0


def test_bureau_approves_with_a_note_and_finance_pays_through_actions(both, users, client_as):
    mine, theirs = both
    act(client_as(users.bureau), "approve", [mine, theirs])
    assert set(Payout.objects.values_list("status", flat=True)) == {PayoutStatus.APPROVED}
    act(client_as(users.finance), "mark_paid", [mine], paid_date="2022-06-30")
    assert Payout.objects.get(pk=mine.pk).status == PayoutStatus.PAID
    assert str(Payout.objects.get(pk=mine.pk).paid_date) == "2022-06-30"


def test_return_without_a_reason_is_refused_with_a_message(both, users, client_as):
    mine, _ = both
    response = act(client_as(users.bureau), "return_payouts", [mine], note="")
    assert "退回原因" in response.content.decode()
    assert Payout.objects.get(pk=mine.pk).status == PayoutStatus.PENDING
    act(client_as(users.bureau), "return_payouts", [mine], note="缺少调解协议书")
    assert Payout.objects.get(pk=mine.pk).return_reason == "缺少调解协议书"


def test_finance_cannot_edit_amounts(both, users, client_as):
    mine, _ = both
    client = client_as(users.finance)
    page = client.get(f"{URL}{mine.pk}/change/").content.decode()
    assert 'name="amount"' not in page
    response = client.post(
        f"{URL}{mine.pk}/change/",
        {"amount": "1", "mediator": mine.mediator_id, "kind": mine.kind, "period": mine.period},
    )
    assert response.status_code == 403
    assert Payout.objects.get(pk=mine.pk).amount == Decimal("800.00")


def test_an_approved_claim_is_locked_in_the_form_even_for_the_bureau(both, users, client_as):
    mine, _ = both
    Payout.objects.filter(pk=mine.pk).update(status=PayoutStatus.APPROVED)
    client = client_as(users.bureau)
    assert 'name="amount"' not in client.get(f"{URL}{mine.pk}/change/").content.decode()
    client.post(f"{URL}{mine.pk}/change/", {"amount": "1", "remarks": "改", "override_note": ""})
    payout = Payout.objects.get(pk=mine.pk)
    assert payout.amount == Decimal("800.00")


def test_over_standard_and_over_budget_are_flagged_on_the_list(district, pay, users, client_as):
    make_payout(pay.zhang, district.org_a, amount="1200")
    make_payout(pay.li, district.org_a1, amount="900", period="2022-04")
    from subsidies.models import Budget

    Budget.objects.filter(area=district.a).update(amount=Decimal("1000.00"))
    body = client_as(users.bureau).get(URL).content.decode()
    assert "高于标准 ¥1,000.00" in body
    assert "超出2022年预算" in body
    over = client_as(users.bureau).get(URL, {"standard": "over"}).content.decode()
    assert "张三" in over and "李四" not in over


def test_finance_export_has_numbers_text_ids_and_an_exact_total(district, pay, users, client_as):
    a = make_payout(pay.zhang, district.org_a, amount="0.10")
    b = make_payout(pay.li, district.org_a1, amount="0.20")
    c = make_payout(pay.wang, district.org_b, amount="1234567.01")
    response = act(client_as(users.finance), "export_xlsx", [a, b, c])
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    amount_col, id_col = header.index("金额（元）") + 1, header.index("身份证号") + 1
    amounts = [sheet.cell(row=r, column=amount_col) for r in range(2, 5)]
    assert all(isinstance(cell.value, (int, float)) and cell.number_format == "¥#,##0.00" for cell in amounts)
    assert {sheet.cell(row=r, column=id_col).value for r in range(2, 5)} == {
        pay.zhang.id_number,
        pay.li.id_number,
        pay.wang.id_number,
    }
    assert all(sheet.cell(row=r, column=id_col).data_type == "s" for r in range(2, 5))
    total = sheet.cell(row=5, column=amount_col)
    assert sheet.cell(row=5, column=1).value == "合计"
    assert Decimal(str(total.value)) == Decimal("1234567.31") and total.number_format == "¥#,##0.00"


@pytest.mark.parametrize("role", ["bureau", "clerk_a", "finance", "hr"])
def test_the_changelist_query_count_does_not_grow_with_rows(
    district, pay, users, client_as, role, django_assert_max_num_queries
):
    client = client_as(getattr(users, role))
    make_payout(pay.zhang, district.org_a)
    client.get(URL)
    with django_assert_max_num_queries(40) as few:
        client.get(URL)
    baseline = len(few.captured_queries)
    for n in range(25):
        person = make_mediator(f"甲{n}")
        make_post(person, district.org_a1, employment="兼职")
        make_payout(person, district.org_a1, amount="100", period=f"2022-{n % 12 + 1:02d}")
    with django_assert_max_num_queries(baseline):
        assert client.get(URL).status_code == 200


def test_standards_and_budgets_are_edited_by_the_bureau_only(district, pay, users, client_as):
    for role in ("clerk_a", "finance"):
        client = client_as(getattr(users, role))
        assert client.get("/admin/subsidies/subsidystandard/").status_code == 200
        assert client.get("/admin/subsidies/subsidystandard/add/").status_code == 403
        assert client.get("/admin/subsidies/budget/add/").status_code == 403
    client = client_as(users.bureau)
    response = client.post(
        "/admin/subsidies/subsidystandard/add/",
        {"kind": "岗位补贴", "case_grade": "", "amount": "1100", "effective_from": "2023-01-01", "remarks": ""},
    )
    assert response.status_code == 302


def test_a_clerk_sees_only_their_towns_budget(district, pay, users, client_as):
    body = client_as(users.clerk_a).get("/admin/subsidies/budget/").content.decode()
    assert "新山村街道" in body and "跃进村街道" not in body


def test_a_clerk_imports_claims_from_the_admin_with_a_preview(district, pay, users, client_as, tmp_path):
    from tests.subsidies.test_import_payouts import xlsx

    path = xlsx(tmp_path, [[pay.zhang.id_number, "张三", "岗位补贴", "2022-03", None, 800, None, None]])
    client = client_as(users.clerk_a)
    assert client.get(f"{URL}import/").status_code == 200
    with open(path, "rb") as handle:
        response = client.post(f"{URL}import/", {"file": handle})
    assert response.status_code == 200 and Payout.objects.count() == 0  # a preview writes nothing
    assert client_as(users.finance).get(f"{URL}import/").status_code == 403
    exported = client_as(users.clerk_a).get(f"{URL}export/")
    assert exported.status_code == 200


def test_the_list_links_to_the_report_and_the_import(users, client_as):
    body = client_as(users.clerk_a).get(URL).content.decode()
    assert "/admin/subsidies/payout/report/" in body and "/admin/subsidies/payout/import/" in body


def test_the_admin_export_reimports_unchanged(district, pay, users, client_as, tmp_path):
    from tests.subsidies.test_import_payouts import run

    make_payout(
        pay.zhang,
        district.org_a,
        kind="以案定补",
        case_number="(2022)渝调1号",
        amount="200.50",
        paid_date=None,
        remarks="=SUM(A1)",
    )
    make_payout(pay.wang, district.org_b)
    client = client_as(users.clerk_a)
    exported = client.get(f"{URL}export/")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet.max_row == 2  # the clerk's own claim only
    path = tmp_path / "export.xlsx"
    path.write_bytes(exported.content)
    code, result = run(str(path), "--as", users.clerk_a.username)
    assert (code, result["unchanged"], result["created"], result["updated"]) == (0, 1, 0, 0)
    assert client.get(f"{URL}template/").status_code == 200
