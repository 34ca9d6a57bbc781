"""Subsidies from claim to bank sheet: the bureau approves, finance pays and exports."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from subsidies.models import Payout, PayoutKind
from tests.factories import make_mediator, make_post

pytestmark = pytest.mark.e2e
PAYOUTS = "/admin/subsidies/payout/"


def claim(mediator, organization, amount: str) -> Payout:
    payout = Payout(
        mediator=mediator, organization=organization, kind=PayoutKind.POST, period="2022-03", amount=Decimal(amount)
    )
    payout.full_clean()
    payout.save()
    return payout


@pytest.fixture
def claims(district):
    """Two pending claims in 新山村街道, one in 跃进村街道."""
    for name, org, amount in [
        ("张三", district.org_a, "800.00"),
        ("李四", district.org_a1, "600.50"),
        ("王五", district.org_b, "700.00"),
    ]:
        mediator = make_mediator(name)
        make_post(mediator, org)
        claim(mediator, org, amount)
    return district


def run_action(page: Page, label: str, **fields: str) -> None:
    """Tick every row on the page, choose the action, fill its fields, press 执行."""
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label=label)
    for name, value in fields.items():
        page.locator(f"[name={name}]").fill(value)
    page.get_by_role("button", name="执行").click()


def test_bureau_approves_and_finance_pays_and_exports(claims, users, sign_in, page, screenshot, tmp_path):
    sign_in(users.bureau)
    page.goto(PAYOUTS)
    page.locator("#changelist-filter").get_by_role("link", name="待审核").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    run_action(page, "审核通过所选补贴（司法局）")
    expect(page.locator(".messagelist")).to_contain_text("已审核 3 条补贴")

    page.context.clear_cookies()
    sign_in(users.finance)
    page.locator("#content-main").get_by_role("link", name="补贴发放", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    # finance is not offered the bureau's steps
    options = page.locator("select[name=action] option").all_text_contents()
    assert "审核通过所选补贴（司法局）" not in options and "标记所选补贴已发放（财政）" in options

    page.locator("#changelist-filter").get_by_role("link", name="已审核").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    run_action(page, "标记所选补贴已发放（财政）", paid_date="2022-06-30")
    expect(page.locator(".messagelist")).to_contain_text("已标记 3 条补贴为已发放")
    page.goto(PAYOUTS)
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    for i in range(3):
        expect(rows.nth(i)).to_contain_text("已发放")
        expect(rows.nth(i)).to_contain_text("2022-06-30")
    screenshot("finance-payouts-paid")

    # the bank sheet for one town
    page.locator("#changelist-filter").get_by_role("link", name="新山村街道").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    with page.expect_download() as download:
        run_action(page, "导出所选补贴为财务发放表（.xlsx）")
    path = tmp_path / "payouts.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    people = {row["姓名"]: row for row in rows[:-1]}
    assert set(people) == {"张三", "李四"}
    assert Decimal(str(people["李四"]["金额（元）"])) == Decimal("600.50")
    assert {row["状态"] for row in people.values()} == {"已发放"}
    assert rows[-1]["序号"] == "合计" and Decimal(str(rows[-1]["金额（元）"])) == Decimal("1400.50")
