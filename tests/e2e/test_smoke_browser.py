import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_clerk_signs_in_to_a_chinese_admin(users, sign_in, page):
    sign_in(users.clerk_a)
    expect(page.locator("#site-name")).to_contain_text("调解员")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
