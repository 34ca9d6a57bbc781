"""A clerk's roster as their street keeps it: two bad rows, the marked file back, fixed in Excel
(openpyxl here), uploaded again and confirmed."""

from __future__ import annotations

import openpyxl
import pytest
from playwright.sync_api import expect

from registry.models import Membership
from tests.factories import make_id
from tests.registry.xlsx import real_shaped

pytestmark = pytest.mark.e2e

COLUMNS = [(None, "序号"), (None, "姓名"), ("基本情况", "公民身份\n号码"), ("基本情况", "出生年月")]
COLUMNS += [("任职情况", "所在调委会"), ("任职情况", "是否专职"), ("任职情况", "任职时间"), (None, "备注")]
GOOD_ID = make_id(birth="19650312", seq=11)
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")


def test_clerk_fixes_the_marked_file_and_imports_it(district, users, sign_in, page, screenshot, tmp_path):
    town, village, other_town = district.org_a.name, district.org_a1.name, district.org_b.name
    rows = [
        [1, "陈一", make_id(birth="19700101", seq=21), "1970.01", town, "是", "2021.3.5", ""],
        [2, "刘二", BAD_ID, "1965.03", town, "否", "2021.3.5", ""],  # checksum broken
        [3, "孙三", make_id(seq=31), "", other_town, "否", "", ""],  # another town's committee
        [4, "周四", make_id(seq=42), "", village, "否", "2021年3月5日", "网格员"],
    ]
    roster = tmp_path / "新山村街道花名册.xlsx"
    roster.write_bytes(real_shaped(COLUMNS, rows))

    sign_in(users.clerk_a)
    page.goto("/admin/registry/mediator/import/")
    page.set_input_files("#id_file", str(roster))
    page.get_by_role("button", name="上传并预览").click()
    bad = page.locator("#import-preview tbody tr.invalid")
    expect(bad).to_have_count(2)
    expect(bad.nth(0)).to_contain_text("身份证号")
    expect(bad.nth(1)).to_contain_text("所属调解组织")
    expect(page.locator("#import-preview tbody tr")).to_have_count(4)
    expect(page.locator("#import-summary")).to_contain_text("已忽略表尾")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    screenshot("clerk-import-marked-preview")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载标注错误的文件").click()
    marked = tmp_path / "标注.xlsx"
    download.value.save_as(marked)

    # the clerk opens the marked file, reads the red cells' comments and fixes them
    book = openpyxl.load_workbook(marked)
    sheet = book.worksheets[0]
    red = {c.coordinate: c.comment.text for row in sheet.iter_rows() for c in row if c.comment is not None}
    assert set(red) == {"C6", "E7"} and "校验位错误" in red["C6"] and "管辖" in red["E7"]
    assert sheet.cell(row=4, column=sheet.max_column).value == "错误说明"
    sheet["C6"] = GOOD_ID
    sheet["E7"] = village
    book.save(roster)

    page.set_input_files("#id_file", str(roster))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-preview tbody tr.invalid")).to_have_count(0)
    expect(page.locator("#import-preview tbody tr.created")).to_have_count(4)
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messagelist")).to_contain_text("已导入")
    assert Membership.objects.filter(organization__area__in=[district.a, district.a1]).count() == 4
    screenshot("clerk-import-marked-done")
