"""Admin Import/Export of trainings and sign-in sheets: same engine, same scope."""

import io

import openpyxl
from django.urls import reverse

from tests.registry.xlsx import xlsx
from training.models import Attendance, TrainingSession


def upload(client, model, data):
    file = io.BytesIO(data)
    file.name = "f.xlsx"
    return client.post(reverse(f"admin:training_{model}_import"), {"file": file})


def sheet(response) -> list[list]:
    return [
        list(r) for r in openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    ]


def test_clerk_imports_a_sign_in_sheet(year, users, client_as):
    client = client_as(users.clerk_a)
    data = xlsx(
        [
            ["培训编号", "身份证号", "姓名"],
            ["XS-2023-02", year.wu.id_number, "戊"],
            ["QX-2023-01", year.wu.id_number, "戊"],
        ]
    )
    preview = upload(client, "attendance", data)
    assert "新增 2 行" in preview.content.decode() and not Attendance.objects.filter(mediator=year.wu).exists()
    done = client.post(reverse("admin:training_attendance_import"), {"confirm": preview.context["token"]})
    assert done.status_code == 302
    assert Attendance.objects.filter(mediator=year.wu).count() == 2


def test_clerk_preview_refuses_other_towns_rows(year, users, client_as):
    data = xlsx([["培训编号", "身份证号", "姓名"], ["XS-2023-02", year.yi.id_number, "乙"]])
    page = upload(client_as(users.clerk_a), "attendance", data).content.decode()
    assert "镇街录入员只能登记本镇街调解员的参训记录" in page and "确认导入" not in page
    data = xlsx([["培训编号", "培训名称", "主办区划", "培训日期"], ["QX-9", "区级", "大渡口区", "2023-01-01"]])
    page = upload(client_as(users.clerk_a), "trainingsession", data).content.decode()
    assert "不在您的管辖范围内" in page and not TrainingSession.objects.filter(code="QX-9").exists()


def test_exports_are_scoped_and_reimportable(year, users, client_as):
    client = client_as(users.clerk_a)
    sessions = sheet(client.get(reverse("admin:training_trainingsession_export")))
    assert sessions[0] == ["培训编号", "培训名称", "主办区划", "培训日期", "学时"]
    assert {r[0] for r in sessions[1:]} == {"XS-2023-01", "XS-2023-02", "XS-2024-01", "QX-2023-01", "QX-2022-01"}
    rows = sheet(client.get(reverse("admin:training_attendance_export")))
    assert rows[0] == ["培训编号", "身份证号", "姓名"]
    assert {r[2] for r in rows[1:]} == {"甲"}
    # the bureau's export of sign-ins, imported again, changes nothing
    data = client_as(users.bureau).get(reverse("admin:training_attendance_export")).content
    preview = upload(client_as(users.bureau), "attendance", data).content.decode()
    assert "无变化 4 行" in preview


def test_finance_cannot_import(year, users, client_as):
    assert upload(client_as(users.finance), "attendance", xlsx([["培训编号", "身份证号", "姓名"]])).status_code == 403
