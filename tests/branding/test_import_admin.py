"""Admin Import/Export of commendations and studios: the same engine, HR only, scoped exports."""

import io

import openpyxl
from django.urls import reverse

from branding.models import Commendation, Studio
from tests.registry.xlsx import xlsx


def upload(client, model, data):
    file = io.BytesIO(data)
    file.name = "f.xlsx"
    return client.post(reverse(f"admin:branding_{model}_import"), {"file": file})


def sheet(response) -> list[list]:
    return [
        list(r) for r in openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    ]


def test_hr_imports_commendations_through_the_admin(brands, users, client_as):
    client = client_as(users.hr)
    data = xlsx(
        [
            ["表彰对象类型", "姓名或组织名称", "身份证号", "表彰名称", "表彰级别", "表彰日期"],
            ["个人", "李师傅", brands.li.id_number, "区调解能手", "区级", "2023-05-01"],
        ]
    )
    preview = upload(client, "commendation", data)
    assert "新增 1 行" in preview.content.decode() and not Commendation.objects.filter(title="区调解能手").exists()
    done = client.post(reverse("admin:branding_commendation_import"), {"confirm": preview.context["token"]})
    assert done.status_code == 302
    assert Commendation.objects.get(title="区调解能手").history.get().history_user == users.hr


def test_clerk_has_no_import(brands, users, client_as):
    client = client_as(users.clerk_a)
    data = xlsx(
        [
            ["工作室名称", "命名调解员身份证号", "所属调解组织"],
            ["新工作室", brands.ma.id_number, "新山社区人民调解委员会"],
        ]
    )
    assert upload(client, "studio", data).status_code == 403
    assert not Studio.objects.filter(name="新工作室").exists()


def test_exports_are_scoped_and_reimport_unchanged(brands, users, client_as, tmp_path):
    from tests.registry.xlsx import run_import

    rows = sheet(client_as(users.clerk_a).get(reverse("admin:branding_studio_export")))
    assert rows[0] == ["工作室名称", "命名调解员身份证号", "所属调解组织", "命名日期", "状态"]
    assert {r[0] for r in rows[1:]} == {"老马工作室", "老李工作室"}
    for model, kind in (("studio", "studios"), ("commendation", "commendations")):
        data = client_as(users.bureau).get(reverse(f"admin:branding_{model}_export")).content
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(data)
        code, result = run_import(kind, path)
        assert code == 0 and result["created"] == result["updated"] == 0 and result["unchanged"] > 0, result
    rows = sheet(client_as(users.bureau).get(reverse("admin:branding_commendation_export")))
    assert rows[0] == [
        "表彰对象类型",
        "姓名或组织名称",
        "身份证号",
        "表彰名称",
        "表彰级别",
        "授予单位",
        "文号",
        "表彰日期",
    ]
    assert ["集体", "跃进村街道人民调解委员会"] in [r[:2] for r in rows[1:]]


def test_template_downloads(users, client_as):
    response = client_as(users.hr).get(reverse("admin:branding_commendation_template"))
    assert response.status_code == 200 and sheet(response)[0][0] == "表彰对象类型"
