"""The admin preview: every row with its status and errors, the mapping step remembered per user,
and templates a clerk can fill without guessing."""

import io

import openpyxl
from django.urls import reverse

from registry.models import ColumnMapping, Mediator
from tests.factories import make_id
from tests.registry.xlsx import dropdown, xlsx

A, A1, B = "新山村街道人民调解委员会", "新山社区人民调解委员会", "跃进村街道人民调解委员会"
URL = "admin:registry_mediator_import"


def upload(client, data: bytes, name="花名册.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse(URL), {"file": file})


def test_preview_lists_every_row_errors_first_and_pages(client_as, users, district, settings, monkeypatch):
    monkeypatch.setattr("registry.kernel.excel.admin.PAGE_SIZE", 3)
    header = ["姓名", "身份证号", "所属调解组织", "专兼职"]
    rows = [[f"人{i}", make_id(seq=100 + i), A1, "兼职"] for i in range(5)]
    rows[3][1] = "123"  # sheet row 5
    client = client_as(users.clerk_a)
    preview = upload(client, xlsx([header, *rows]))
    first = [r[:2] for r in preview.context["page_obj"]]
    assert first == [[5, "invalid"], [2, "created"], [3, "created"]]  # the bad row first, then in order
    assert preview.context["page_obj"][0][2] == "人3"  # what the bad row is about
    page = preview.content.decode()
    assert "身份证号应为18位" in page and "新增" in page and "第 1 / 2 页" in page
    token = preview.context["token"]
    second = client.get(reverse(URL) + f"?preview={token}&page=2")
    assert [r[:2] for r in second.context["page_obj"]] == [[4, "created"], [6, "created"]]
    assert not Mediator.objects.exists()


def test_mapping_step_is_remembered_for_the_same_user_and_not_another(client_as, users, district, client):
    data = xlsx([["姓名", "证件号", "所属调解组织", "专兼职"], ["张三", make_id(seq=1), A1, "专职"]])
    clerk = client_as(users.clerk_a)
    refused = upload(clerk, data)
    rows = refused.context["mapping_rows"]
    assert "缺少必填列：身份证号" in refused.content.decode() and rows[0]["column"] == "身份证号"
    assert rows[0]["missing"] and rows[0]["options"] == ["证件号"]
    token = refused.context["token"]
    remapped = clerk.post(reverse(URL), {"remap": token, "map-0": "证件号"})
    assert "新增 1 行" in remapped.content.decode() and "确认导入" in remapped.content.decode()
    assert ColumnMapping.objects.get(user=users.clerk_a).column == "身份证号"
    # shown in the preview (and changeable) the next time
    again = upload(clerk, data)
    shown = {r["column"]: (r["current"], r["how"]) for r in again.context["mapping_rows"]}
    assert shown["身份证号"] == ("证件号", "mapped") and "您保存的对应" in again.content.decode()
    assert "确认导入" in again.content.decode()
    # another clerk's upload of the same file still needs the step
    client.force_login(users.clerk_b)
    other = upload(client, xlsx([["姓名", "证件号", "所属调解组织", "专兼职"], ["李四", make_id(seq=2), B, "专职"]]))
    assert "缺少必填列" in other.content.decode() and "确认导入" not in other.content.decode()


def test_a_remembered_mapping_never_overrides_an_exact_header(client_as, users, district):
    ColumnMapping.objects.create(user=users.clerk_a, kind="mediators", header="证件号", column="身份证号")
    good = make_id(seq=3)
    data = xlsx([["姓名", "身份证号", "证件号", "所属调解组织", "专兼职"], ["张三", good, "作废", A1, "专职"]])
    page = upload(client_as(users.clerk_a), data).content.decode()
    assert "新增 1 行" in page and "未采用" in page
    assert "确认导入" in page


def test_template_lists_what_the_user_may_import_into(client_as, users, district):
    response = client_as(users.clerk_a).get(reverse("admin:registry_mediator_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.title == "调解员"
    assert dropdown(book, sheet, "所属调解组织") == [A, A1]  # not 跃进村街道's
    assert dropdown(book, sheet, "专兼职") == ["专职", "兼职"]
    assert book["下拉选项"].sheet_state == "hidden"
    notes = {r[0]: r for r in book["说明"].iter_rows(values_only=True) if r and r[0]}
    assert "公民身份号码" in notes["身份证号"][3] and "是否专职（是 = 专职，否 = 兼职）" in notes["专兼职"][3]
    bureau = openpyxl.load_workbook(
        io.BytesIO(client_as(users.bureau).get(reverse("admin:registry_mediator_template")).content)
    )
    assert B in dropdown(bureau, bureau.worksheets[0], "所属调解组织")
    assert dropdown(book, sheet, "身份证号") == []  # people are never listed


def test_every_kind_has_a_template_for_a_clerk(users, district):
    from registry.kernel.excel.engine import import_kinds, resource_for
    from registry.kernel.excel.writing import template_xlsx

    for kind in import_kinds():
        book = openpyxl.load_workbook(io.BytesIO(template_xlsx(resource_for(kind, users.clerk_a), users.clerk_a)))
        assert book.worksheets[0].title not in ("", kind) and book.sheetnames[1:] == ["说明", "下拉选项"], kind
