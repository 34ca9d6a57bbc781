"""import_xlsx payouts: SPEC §3 rules, all-or-nothing, re-sent rows, scope, duplicate cases."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from subsidies.models import Payout, PayoutStatus

HEADER = ["身份证号", "姓名", "补贴类型", "所属期间", "案件编号", "金额", "发放日期", "备注"]


def xlsx(tmp_path, rows, header=HEADER, name="payouts.xlsx", title=None):
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return str(path)


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_xlsx", "payouts", path, "--format", "json", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    data = json.loads(out.getvalue())
    data.pop("import_record", None)  # the 导入记录's id, a further key (SPEC §4)
    return code, data


def test_a_valid_file_creates_pending_claims_and_reimport_is_unchanged(tmp_path, district, pay, users):
    path = xlsx(
        tmp_path,
        [
            [pay.zhang.id_number, "张三", "岗位补贴", "2022-03", None, 800, None, "三月"],
            [pay.li.id_number, " 李四 ", "以案定补", "2022年4月", "（2022）渝调 1号", "¥200.50", None, None],
            [pay.zhang.id_number, "张三", "以案定补", "2022/4", "(2022)渝调2号", "200", None, None],
        ],
        title="2022年新山村街道补贴申报表",
    )
    code, result = run(path, "--as", users.clerk_a.username)
    assert (code, result) == (0, {"created": 3, "updated": 0, "unchanged": 0, "errors": []})
    assert set(Payout.objects.values_list("status", flat=True)) == {PayoutStatus.PENDING}
    li = Payout.objects.get(mediator=pay.li)
    assert (li.amount, li.period, li.case_number, li.area) == (
        Decimal("200.50"),
        "2022-04",
        "(2022)渝调1号",
        district.a,
    )
    assert li.history.get().history_user == users.clerk_a
    history = Payout.history.count()
    code, result = run(path, "--as", users.clerk_a.username)
    assert (code, result["unchanged"], result["created"], result["updated"]) == (0, 3, 0, 0)
    assert Payout.history.count() == history


def test_bad_rows_are_each_named_and_nothing_is_written(tmp_path, district, pay):
    path = xlsx(
        tmp_path,
        [
            [pay.zhang.id_number, "张三", "以案定补", "2022-03", None, 200, None, None],  # 2: no case number
            [pay.zhang.id_number, "张三", "岗位补贴", "2022-04", None, 0, None, None],  # 3: amount 0
            [pay.zhang.id_number, "张三", "岗位补贴", "2022-05", None, -1, None, None],  # 4: negative
            [pay.zhang.id_number, "张三", "岗位补贴", "2022-06", None, 12.345, None, None],  # 5: 3 decimals
            [pay.zhang.id_number, "张三", "岗位补贴", "2022-13", None, 100, None, None],  # 6: month 13
            ["110101199003077777", "无名", "岗位补贴", "2022-03", None, 100, None, None],  # 7: unknown mediator
            [pay.wang.id_number, "王五", "岗位补贴", "2022-03", None, 100, None, None],  # 8: fine
        ],
    )
    code, result = run(path)
    assert code == 1
    by_row = {(e["row"], e["column"]) for e in result["errors"]}
    assert {(2, "案件编号"), (3, "金额"), (4, "金额"), (5, "金额"), (6, "所属期间")} <= by_row
    assert any(e["row"] == 7 and e["column"] == "身份证号" for e in result["errors"])
    assert not any(e["row"] == 8 for e in result["errors"])
    assert Payout.objects.count() == 0


def test_the_same_case_number_twice_in_a_file_is_refused(tmp_path, district, pay):
    path = xlsx(
        tmp_path,
        [
            [pay.zhang.id_number, "张三", "以案定补", "2022-03", "A-1", 200, None, None],
            [pay.wang.id_number, "王五", "以案定补", "2022-03", "a-1 ", 200, None, None],
        ],
    )
    code, result = run(path)
    assert code == 1
    assert result["errors"][0]["row"] == 3 and "第2行" in result["errors"][0]["message"]
    assert Payout.objects.count() == 0


def test_a_case_number_paid_in_an_earlier_file_is_refused_naming_it(tmp_path, district, pay):
    assert run(xlsx(tmp_path, [[pay.zhang.id_number, "张三", "以案定补", "2022-03", "C-9", 200, None, None]]))[0] == 0
    earlier = Payout.objects.get()
    code, result = run(
        xlsx(tmp_path, [[pay.wang.id_number, "王五", "以案定补", "2022-05", "C-9", 200, None, None]], name="2.xlsx")
    )
    assert code == 1
    message = result["errors"][0]["message"]
    assert result["errors"][0]["column"] == "案件编号"
    assert "张三" in message and f"记录编号 {earlier.pk}" in message


def test_a_name_that_does_not_match_the_id_is_an_error(tmp_path, district, pay):
    code, result = run(xlsx(tmp_path, [[pay.zhang.id_number, "张四", "岗位补贴", "2022-03", None, 100, None, None]]))
    assert code == 1 and result["errors"][0]["column"] == "姓名"


def test_a_resent_row_updates_a_pending_claim_and_is_refused_once_approved(tmp_path, district, pay, users):
    row = [pay.zhang.id_number, "张三", "岗位补贴", "2022-03", None, 800, None, None]
    assert run(xlsx(tmp_path, [row]))[0] == 0
    row[5] = 900
    code, result = run(xlsx(tmp_path, [row], name="2.xlsx"))
    assert (code, result["updated"]) == (0, 1)
    assert Payout.objects.get().amount == Decimal("900.00")
    Payout.objects.update(status=PayoutStatus.APPROVED)
    row[5] = 950
    code, result = run(xlsx(tmp_path, [row], name="3.xlsx"))
    assert code == 1 and result["errors"][0]["column"] == "金额" and "已审核" in result["errors"][0]["message"]
    assert Payout.objects.get().amount == Decimal("900.00")
    row[5] = 900  # the same amount again is simply unchanged
    assert run(xlsx(tmp_path, [row], name="4.xlsx"))[1]["unchanged"] == 1


def test_a_corrected_returned_claim_goes_back_to_review(tmp_path, district, pay):
    row = [pay.zhang.id_number, "张三", "岗位补贴", "2022-03", None, 1800, None, None]
    assert run(xlsx(tmp_path, [row]))[0] == 0
    Payout.objects.update(status=PayoutStatus.RETURNED, return_reason="超标准")
    assert run(xlsx(tmp_path, [row], name="same.xlsx"))[1]["unchanged"] == 1
    row[5] = 1000
    assert run(xlsx(tmp_path, [row], name="fixed.xlsx"))[1]["updated"] == 1
    payout = Payout.objects.get()
    assert (payout.status, payout.return_reason, payout.amount) == (PayoutStatus.PENDING, "", Decimal("1000.00"))


def test_a_clerk_cannot_import_claims_for_another_towns_mediator(tmp_path, district, pay, users):
    code, result = run(
        xlsx(tmp_path, [[pay.wang.id_number, "王五", "岗位补贴", "2022-03", None, 100, None, None]]),
        "--as",
        users.clerk_a.username,
    )
    assert code == 1 and result["errors"][0]["column"] == "身份证号"
    assert Payout.objects.count() == 0


def test_a_clerk_cannot_resend_another_towns_claim(tmp_path, district, pay, users):
    row = [pay.wang.id_number, "王五", "岗位补贴", "2022-03", None, 100, None, None]
    assert run(xlsx(tmp_path, [row]))[0] == 0
    row[5] = 1
    code, result = run(xlsx(tmp_path, [row], name="2.xlsx"), "--as", users.clerk_a.username)
    assert code == 1
    assert Payout.objects.get().amount == Decimal("100.00")


def test_a_file_without_the_amount_column_is_unusable(tmp_path, district, pay):
    path = xlsx(tmp_path, [[pay.zhang.id_number, "张三", "岗位补贴", "2022-03"]], header=HEADER[:4])
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import_xlsx", "payouts", path, "--format", "json", stdout=out, stderr=io.StringIO())
    assert exc.value.code == 2


def test_import_query_count_does_not_grow_with_rows(tmp_path, district, pay, django_assert_max_num_queries):
    from tests.factories import make_mediator, make_post

    people = [pay.zhang, pay.li, pay.wang]
    for n in range(30):
        person = make_mediator(f"调解员{n}")
        make_post(person, district.org_a1, employment="兼职")
        people.append(person)
    rows = [[p.id_number, p.name, "以案定补", "2022-03", f"K-{i}", 200, None, None] for i, p in enumerate(people)]
    path = xlsx(tmp_path, rows)
    with django_assert_max_num_queries(25):
        code, result = run(path)
    assert (code, result["created"]) == (0, len(people))
