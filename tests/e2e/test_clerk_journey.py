"""A street clerk's day: template, a roster with mistakes, the preview, the fix, the list, the fence."""

from __future__ import annotations

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.factories import make_id, make_mediator, make_post

pytestmark = pytest.mark.e2e

BAD_ID = make_id(seq=11)[:-1] + ("0" if make_id(seq=11)[-1] != "0" else "1")  # checksum broken


def fill_template(template_path, out_path, rows: list[dict[str, str]]) -> None:
    """Type rows into the downloaded template under its own header, as a clerk would in Excel."""
    book = openpyxl.load_workbook(template_path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for number, row in enumerate(rows, start=2):
        for column, value in row.items():
            sheet.cell(row=number, column=header.index(column) + 1, value=value)
    book.save(out_path)


def roster(district, *, fixed: bool) -> list[dict[str, str]]:
    town, village, other_town = district.org_a.name, district.org_a1.name, district.org_b.name
    return [
        {"姓名": "陈一", "身份证号": make_id(seq=21), "所属调解组织": town, "专兼职": "专职", "任职日期": "2021-03-05"},
        {"姓名": "刘二", "身份证号": make_id(seq=11) if fixed else BAD_ID, "所属调解组织": town, "专兼职": "兼职"},
        {
            "姓名": "孙三",
            "身份证号": make_id(seq=31),
            "所属调解组织": village if fixed else other_town,
            "专兼职": "专职",
        },
        {
            "姓名": "周四",
            "身份证号": make_id(seq=42),
            "所属调解组织": village,
            "专兼职": "兼职",
            "任职日期": "2021/3/5",
        },
    ]


def test_clerk_imports_a_roster_and_stays_in_their_town(district, users, sign_in, page, screenshot, tmp_path):
    elsewhere = make_mediator("吴外镇", id_number=make_id(seq=51))
    make_post(elsewhere, district.org_b)

    sign_in(users.clerk_a)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#content")).to_contain_text("花名册")

    page.get_by_role("link", name="人民调解员", exact=True).first.click()
    expect(page.locator(".empty-state")).to_contain_text("本镇街（新山村街道）尚无人民调解员，可下载模板批量导入")

    with page.expect_download() as download:
        page.locator(".object-tools").get_by_role("link", name="下载导入模板").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    assert [c.value for c in openpyxl.load_workbook(template).worksheets[0][1]][:3] == ["姓名", "性别", "身份证号"]

    # a roster with two bad rows: a mistyped ID number, and an organization of another town
    page.locator(".object-tools").get_by_role("link", name="导入", exact=True).click()
    fill_template(template, tmp_path / "花名册.xlsx", roster(district, fixed=False))
    page.set_input_files("#id_file", str(tmp_path / "花名册.xlsx"))
    page.get_by_role("button", name="上传并预览").click()
    errors = page.locator("#import-preview tbody tr.invalid")
    expect(errors).to_have_count(2)
    expect(page.locator("#import-preview tbody tr")).to_have_count(4)  # the good rows too, after the bad ones
    expect(errors.nth(0)).to_contain_text("3")
    expect(errors.nth(0)).to_contain_text("身份证号")
    expect(errors.nth(1)).to_contain_text("4")
    expect(errors.nth(1)).to_contain_text("所属调解组织")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)  # nothing can be written
    screenshot("clerk-import-preview-errors")

    fill_template(template, tmp_path / "花名册-改.xlsx", roster(district, fixed=True))
    page.set_input_files("#id_file", str(tmp_path / "花名册-改.xlsx"))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-preview tbody tr.invalid")).to_have_count(0)
    expect(page.locator("#import-preview tbody tr")).to_have_count(4)
    expect(page.locator("#import-preview")).to_contain_text("新增")
    screenshot("clerk-import-preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messagelist")).to_contain_text("已导入")

    page.locator("#changelist-filter").get_by_role("link", name="新山村街道").click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?town={district.a.pk}")
    for name in ["陈一", "刘二", "孙三", "周四"]:
        expect(page.locator("#result_list")).to_contain_text(name)
    expect(page.locator("#result_list")).not_to_contain_text("吴外镇")
    screenshot("clerk-mediators-after-import")

    # their posts, dates as YYYY-MM-DD whatever way the sheet wrote them
    page.goto(f"/admin/registry/membership/?town={district.a.pk}")
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    expect(page.locator("#result_list tbody tr", has_text="周四")).to_contain_text("2021-03-05")

    # another town's mediator, by URL: refused, and nothing of the record shows
    page.goto(f"/admin/registry/mediator/{elsewhere.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text("不存在")
    expect(page.locator("body")).not_to_contain_text("吴外镇")
    response = page.goto(f"/admin/registry/mediator/{elsewhere.pk}/history/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("吴外镇")
