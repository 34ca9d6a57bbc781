"""Admin Import (preview → confirm), Export and templates, as clerk and bureau."""

import io

import openpyxl
import pytest
from django.urls import reverse

from registry.models import Mediator, Membership, Organization
from tests.factories import make_id, make_mediator, make_post
from tests.registry.xlsx import dropdown, run_import, xlsx

HEADER = ["姓名", "身份证号", "所属调解组织", "专兼职", "任职日期"]


def upload(client, model, data, name="f.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse(f"admin:registry_{model}_import"), {"file": file})


@pytest.mark.parametrize("who, org", [("clerk_a", "新山社区人民调解委员会"), ("bureau", "跃进村街道人民调解委员会")])
def test_preview_then_confirm(client_as, users, district, who, org):
    client = client_as(getattr(users, who))
    data = xlsx([HEADER, ["张三", make_id(seq=1), org, "专职", "2021-03-05"]])
    preview = upload(client, "mediator", data)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "新增 1 行" in page and "确认导入" in page
    assert not Mediator.objects.exists()  # the preview writes nothing
    token = preview.context["token"]
    done = client.post(reverse("admin:registry_mediator_import"), {"confirm": token})
    assert done.status_code == 302 and done.url == reverse("admin:registry_mediator_changelist")
    post = Membership.objects.get()
    assert post.organization.name == org
    assert Mediator.history.get().history_user == getattr(users, who)
    # the token is single-use
    again = client.post(reverse("admin:registry_mediator_import"), {"confirm": token})
    assert "预览已过期" in again.content.decode() and Membership.objects.count() == 1


def test_clerk_preview_lists_out_of_scope_rows_and_offers_no_confirm(client_as, users, district):
    client = client_as(users.clerk_a)
    data = xlsx(
        [
            HEADER,
            ["张三", make_id(seq=1), "跃进村街道人民调解委员会", "专职", ""],
            ["李四", "123", "新山社区人民调解委员会", "专职", ""],
        ]
    )
    page = upload(client, "mediator", data).content.decode()
    assert "不在您的管辖范围内" in page and "身份证号应为18位" in page
    assert "确认导入" not in page


def test_unusable_file_is_one_message_not_a_500(client_as, users, district):
    response = upload(client_as(users.bureau), "mediator", b"not a spreadsheet", name="x.xls")
    assert response.status_code == 200 and "无法导入" in response.content.decode()


def test_import_requires_permission(client_as, users, district):
    response = upload(client_as(users.finance), "mediator", xlsx([HEADER]))
    assert response.status_code == 403


def read(response) -> list[list]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_clerk_export_holds_only_their_town(client_as, users, district):
    make_post(make_mediator("甲", make_id(seq=3)), district.org_a)
    make_post(make_mediator("乙", make_id(seq=5)), district.org_b)
    rows = read(client_as(users.clerk_a).get(reverse("admin:registry_mediator_export")))
    assert rows[0][:3] == ["姓名", "性别", "身份证号"]
    assert [r[0] for r in rows[1:]] == ["甲"]
    orgs = read(client_as(users.clerk_a).get(reverse("admin:registry_organization_export")))
    assert {r[0] for r in orgs[1:]} == {"新山村街道人民调解委员会", "新山社区人民调解委员会"}


def test_export_follows_the_changelist_filter(client_as, users, district):
    rows = read(
        client_as(users.bureau).get(
            reverse("admin:registry_organization_export") + "?kind__exact=村（社区）人民调解委员会"
        )
    )
    assert {r[0] for r in rows[1:]} == {"新山社区人民调解委员会", "跃进社区人民调解委员会"}


def test_exported_file_reimports_unchanged_and_formulas_are_escaped(client_as, users, district, tmp_path):
    Organization.objects.filter(pk=district.org_a.pk).update(leader='=HYPERLINK("x")', address="@home")
    person = make_mediator("丙", make_id(seq=7), remarks="-1+2", categories="律师")
    make_post(person, district.org_a)
    from registry.models import Expert, HostUnit

    HostUnit.objects.create(name="新山村派出所", kind="派出所", area=district.a, officer_count=21)
    expert = Expert.objects.create(
        name="王专家", id_number=make_id(seq=9), domains="医患纠纷、商事", joined_date="2021-01-02"
    )
    expert.organizations.set([district.org_a, district.org_b])
    client = client_as(users.bureau)
    kinds = [
        ("area", "areas"),
        ("hostunit", "hostunits"),
        ("organization", "organizations"),
        ("mediator", "mediators"),
        ("expert", "experts"),
    ]
    for model, kind in kinds:
        response = client.get(reverse(f"admin:registry_{model}_export"))
        path = tmp_path / f"{kind}.xlsx"
        content = response.content
        path.write_bytes(content)
        code, out = run_import(kind, path)
        assert code == 0 and out["created"] == out["updated"] == 0 and out["unchanged"] > 0, (kind, out)
        if model == "organization":
            cells = [c for row in read(response) for c in row]
            assert '\'=HYPERLINK("x")' in cells and "'@home" in cells
            sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
            assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_template_has_header_dropdowns_and_notes(client_as, users, district):
    response = client_as(users.clerk_a).get(reverse("admin:registry_organization_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["组织名称", "组织类型", "所属区划"]
    assert "驻法院调解室" in dropdown(book, sheet, "组织类型") and dropdown(book, sheet, "是否建立党组织") == [
        "是",
        "否",
    ]
    assert dropdown(book, sheet, "所属区划") == ["新山村街道", "新山社区"]  # the clerk's own town
    assert "说明" in book.sheetnames
    notes = [r[0] for r in book["说明"].iter_rows(values_only=True)]
    assert "组织类型" in notes


def test_changelist_shows_the_buttons(client_as, users, district):
    page = client_as(users.clerk_a).get(reverse("admin:registry_mediator_changelist")).content.decode()
    assert reverse("admin:registry_mediator_import") in page and reverse("admin:registry_mediator_template") in page
