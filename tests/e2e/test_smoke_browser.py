import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_clerk_signs_in_to_a_chinese_admin(users, sign_in, page):
    sign_in(users.clerk_a)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#site-name")).to_contain_text("调解员队伍与专家库登记系统")
    expect(page.locator("#user-tools")).to_contain_text("注销")


def test_the_date_widget_writes_year_month_day(users, sign_in, page):
    sign_in(users.clerk_a)
    page.goto("/admin/registry/mediator/add/")
    page.locator(".field-birth_date").get_by_role("link", name="今天").click()
    expect(page.locator("#id_birth_date")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
