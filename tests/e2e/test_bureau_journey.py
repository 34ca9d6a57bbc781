"""The bureau's morning: where does the district fall short, and the sheet to send upstairs."""

from __future__ import annotations

import openpyxl
import pytest
from playwright.sync_api import expect

from registry.models import Employment
from tests.factories import make_mediator, make_post

pytestmark = pytest.mark.e2e


@pytest.fixture
def staffed(district):
    """新山村街道's committee meets its quota of 2 full-time mediators; 跃进村街道's has 1 of 2."""
    for name in ("甲", "乙"):
        make_post(make_mediator(f"专职{name}"), district.org_a)
    make_post(make_mediator("专职丙"), district.org_b)
    make_post(make_mediator("兼职丁"), district.org_b, employment=Employment.PART_TIME)
    return district


def cell_text(value) -> str:
    return "" if value is None else str(value).strip()


def test_bureau_reads_the_dashboard_and_takes_the_staffing_sheet(staffed, users, sign_in, page, screenshot, tmp_path):
    sign_in(users.bureau)
    page.locator("#content-main").get_by_role("link", name="政策达标情况总览").click()
    expect(page.locator("h1")).to_contain_text("政策达标情况总览")

    # every rule with a rate shows a bar per category, and a target marker where the plan sets one
    rates = page.locator("tr.rate")
    assert rates.count() >= 5
    for i in range(rates.count()):
        row = rates.nth(i)
        bar = row.locator(".bar").bounding_box()
        fill = row.locator(".bar .fill").bounding_box()
        rate = float(row.get_attribute("data-rate"))
        assert fill["width"] == pytest.approx(bar["width"] * rate, abs=2), row.inner_text()
        target = row.get_attribute("data-target")
        expect(row.locator(".bar .target")).to_have_count(1 if target else 0)
        if target:  # the dashed marker sits at the target's share of the bar
            marker = row.locator(".bar .target").bounding_box()
            assert marker["x"] - bar["x"] == pytest.approx(bar["width"] * float(target), abs=3), row.inner_text()
        if target and rate < float(target):
            expect(row.locator(".verdict")).to_contain_text("未达标")

    town_committees = page.locator("#report-staffing tr.rate", has_text="乡镇（街道）人民调解委员会")
    expect(town_committees).to_contain_text("50%")
    expect(town_committees).to_contain_text("1/2")
    expect(town_committees.locator(".verdict")).to_contain_text("100% 未达标")
    screenshot("bureau-dashboard")

    # the staffing report, narrowed to one town
    page.locator("#report-staffing h2 a").click()
    page.get_by_label("所属镇街").select_option(label="跃进村街道")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".report-meta")).to_contain_text("跃进村街道")
    table = page.locator("table.report-table").first
    header = [cell_text(t) for t in table.locator("thead th").all_inner_texts()]
    body = [[cell_text(t) for t in row.locator("td").all_inner_texts()] for row in table.locator("tbody tr").all()]
    assert {row[header.index("调解组织")] for row in body} >= {"跃进村街道人民调解委员会"}
    assert not any("新山" in value for row in body for value in row)
    committee = body[[row[header.index("调解组织")] for row in body].index("跃进村街道人民调解委员会")]
    assert committee[header.index("缺额")] == "1"
    screenshot("bureau-staffing-report")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel").click()
    sheet_path = tmp_path / download.value.suggested_filename
    download.value.save_as(sheet_path)
    assert sheet_path.suffix == ".xlsx" and "跃进村街道" in sheet_path.name
    sheet = openpyxl.load_workbook(sheet_path).worksheets[0]
    rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == header
    assert rows[1:] == body  # the rows on screen, in the order on screen
