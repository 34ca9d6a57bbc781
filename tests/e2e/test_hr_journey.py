"""HR records a commendation and finds it where people look: on the mediator's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_mediator, make_post

pytestmark = pytest.mark.e2e


def test_hr_commends_a_mediator_and_sees_it_on_their_page(district, users, sign_in, page, screenshot):
    mediator = make_mediator("马调解", id_number="500104197001010018")
    make_post(mediator, district.org_a)

    sign_in(users.hr)
    page.locator("#content-main").get_by_role("link", name="表彰奖励").click()
    page.locator(".object-tools").get_by_role("link", name="增加").click()

    page.locator(".field-mediator .select2-selection").click()  # the admin's autocomplete box
    page.locator(".select2-search__field").fill("马调解")
    page.locator(".select2-results__option", has_text="马调解").click()
    page.get_by_label("表彰名称").fill("区级优秀人民调解员")
    page.get_by_label("表彰级别").select_option(label="区级")
    page.get_by_label("授予单位").fill("大渡口区司法局")
    page.get_by_label("表彰日期").fill("2024-12-20")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    expect(page.locator("#result_list")).to_contain_text("区级优秀人民调解员")
    expect(page.locator("#result_list")).to_contain_text("2024-12-20")

    # hr reads the roster without editing it: ID masked in the list, the page read-only
    page.goto("/admin/registry/mediator/")
    expect(page.locator("#result_list")).to_contain_text("500104********0018")
    expect(page.locator("#result_list")).not_to_contain_text("500104197001010018")
    page.locator("#result_list").get_by_role("link", name="马调解").click()
    expect(page.locator("body")).to_contain_text("区级优秀人民调解员")
    expect(page.locator("body")).to_contain_text("2024-12-20")
    expect(page.get_by_role("button", name="保存", exact=True)).to_have_count(0)
    screenshot("hr-mediator-with-commendation")
