"""The admin for humans: Chinese everywhere a clerk looks, the index grouped by task,
ID numbers masked for roles that do not edit mediators, helpful empty states."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User

from registry.kernel.reporting import reports
from tests.factories import make_mediator, make_post

# Latin words a Chinese page may legitimately show (file types, the date pattern, units).
# "true"/"false": Django writes the Python value as the alt text of its yes/no icons
# (admin_list._boolean_icon), which no translation can reach.
# "min": math notation in the brands report's formula note.
ALLOWED_WORDS = {
    "excel",
    "xlsx",
    "xls",
    "csv",
    "json",
    "yyyy",
    "mm",
    "dd",
    "id",
    "cny",
    "mb",
    "ldap",
    "true",
    "false",
    "min",
    "ip",  # 登录安全 (django-axes): IP 地址
    "unknown",  # data, not UI: django-axes records the test client's missing User-Agent as <unknown>
}
WORD = re.compile(r"[A-Za-z][\w'’]+(?:[ -][A-Za-z][\w'’]*)*")
VISIBLE_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}


class VisibleText(HTMLParser):
    """Text a person sees or hears (screen readers read titles and labels too): text nodes
    outside <script>/<style>, button captions and the attributes above."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden_depth += 1
        attrs = dict(attrs)
        for name in VISIBLE_ATTRIBUTES & attrs.keys():
            self.chunks.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.chunks.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth:
            self.chunks.append(data)


def english_on(html: str, allowed: set[str]) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    found = set()
    for chunk in parser.chunks:
        for word in WORD.findall(chunk):
            if not all(part.lower() in allowed for part in re.split(r"[ -]", word)):
                found.add(word)
    return found


def test_the_scanner_finds_djangos_own_english():
    page = (
        '<a class="addlink">Add</a><input type="submit" value="Save"><p title="Log out">登录</p><script>var a;</script>'
    )
    assert english_on(page, ALLOWED_WORDS) == {"Add", "Save", "Log out"}
    assert english_on("<p>下载 Excel 模板（.xlsx），日期 YYYY-MM-DD</p>", ALLOWED_WORDS) == set()


def index_pages(client) -> list[str]:
    """The index, then every changelist and add page the index offers."""
    index = client.get("/admin/")
    urls = ["/admin/"]
    for app in index.context["app_list"]:
        for model in app["models"]:
            urls += [url for url in (model.get("admin_url"), model.get("add_url")) if url]
    return urls


@pytest.fixture
def clerk_world(district, users):
    mediator = make_mediator("王五")
    make_post(mediator, district.org_a)
    return mediator


def test_clerk_pages_have_no_untranslated_english(clerk_world, users, client_as):
    client = client_as(users.clerk_a)
    urls = index_pages(client)
    assert "/admin/registry/mediator/" in urls and "/admin/registry/mediator/add/" in urls
    urls += [
        f"/admin/registry/mediator/{clerk_world.pk}/change/",
        f"/admin/registry/mediator/{clerk_world.pk}/history/",
        "/admin/registry/mediator/?q=nobody-at-all",
        "/admin/registry/mediator/import/",
        "/admin/password_change/",
        "/reports/",
        *[f"/reports/{name}/" for name in reports()],
    ]
    assert_no_english(client, urls, users.clerk_a)


def assert_no_english(client, urls: list[str], user) -> None:
    usernames = {name.lower() for name in User.objects.values_list("username", flat=True)}  # data, not UI
    findings = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        words = english_on(response.content.decode(), ALLOWED_WORDS | usernames)
        if words:
            findings[url] = sorted(words)
    report = "\n".join(f"  {url}: {', '.join(words)}" for url, words in findings.items())
    assert not findings, f"untranslated English on {user.username}'s pages:\n{report}"


@pytest.mark.parametrize("role", ["bureau", "hr", "finance"])
def test_other_roles_pages_have_no_untranslated_english(clerk_world, users, client_as, role):
    user = getattr(users, role)
    client = client_as(user)
    assert_no_english(client, index_pages(client), user)


def test_index_lists_the_work_by_task(users, client_as, settings):
    response = client_as(users.bureau).get("/admin/")
    body = response.content.decode()
    assert f'<a href="/admin/">{settings.SITE_NAME}</a>' in body
    assert "查看站点" not in body  # "/" only leads back to the admin
    apps = [app["name"] for app in response.context["app_list"]]
    assert apps[:4] == ["花名册", "培训", "补贴", "品牌与表彰"] and apps[-1] == "账号与权限"
    roster = [model["object_name"] for model in response.context["app_list"][0]["models"]]
    assert roster[:3] == ["Mediator", "Membership", "Organization"]
    assert body.index("统计报表") < body.index("花名册")  # the report pages sit on the index too


def test_sidebar_uses_the_same_order(users, client_as):
    response = client_as(users.clerk_a).get("/admin/registry/mediator/")
    assert [app["name"] for app in response.context["available_apps"]][:2] == ["花名册", "培训"]


@pytest.fixture
def roster(district):
    mediator = make_mediator("赵六", id_number="500104197001010018")
    make_post(mediator, district.org_a)
    return mediator


@pytest.mark.parametrize("role", ["hr", "finance"])
def test_roles_that_do_not_edit_mediators_see_masked_id_numbers(roster, users, client_as, role):
    body = client_as(getattr(users, role)).get("/admin/registry/mediator/").content.decode()
    assert "500104********0018" in body
    assert "500104197001010018" not in body


@pytest.mark.parametrize("role", ["bureau", "clerk_a"])
def test_roles_that_edit_mediators_see_whole_id_numbers(roster, users, client_as, role):
    body = client_as(getattr(users, role)).get("/admin/registry/mediator/").content.decode()
    assert "500104197001010018" in body


def test_masked_column_still_sorts_and_searches(roster, users, client_as):
    client = client_as(users.finance)
    assert "赵六" in client.get("/admin/registry/mediator/?o=3").content.decode()
    assert "赵六" in client.get("/admin/registry/mediator/?q=500104197001010018").content.decode()


def test_empty_roster_tells_the_clerk_how_to_fill_it(district, users, client_as):
    body = client_as(users.clerk_a).get("/admin/registry/mediator/").content.decode()
    assert "本镇街（新山村街道）尚无人民调解员，可<a" in body
    assert 'href="/admin/registry/mediator/template/">下载模板</a>批量' in body
    assert 'href="/admin/registry/mediator/add/">逐条新增</a>' in body


def test_empty_list_for_a_district_role_names_no_town(district, users, client_as):
    body = client_as(users.hr).get("/admin/registry/mediator/").content.decode()
    assert "尚无人民调解员。" in body and "本镇街" not in body and "逐条新增" not in body


def test_a_search_that_finds_nothing_says_so(roster, users, client_as):
    body = client_as(users.clerk_a).get("/admin/registry/mediator/?q=无此人").content.decode()
    assert "没有符合当前搜索或筛选条件的人民调解员" in body
    assert "尚无人民调解员" not in body


def test_dates_show_as_year_month_day(roster, users, client_as):
    body = client_as(users.clerk_a).get("/admin/registry/membership/").content.decode()
    assert "2020-01-01" in body


def test_login_page_is_chinese(client, settings):
    body = client.get("/admin/login/").content.decode()
    assert english_on(body, ALLOWED_WORDS) == set()
    assert settings.SITE_NAME in body and "登录" in body


@pytest.fixture
def payout(roster, district):
    from decimal import Decimal

    from subsidies.models import Payout, PayoutKind

    claim = Payout(
        mediator=roster, organization=district.org_a, kind=PayoutKind.POST, period="2022-03", amount=Decimal("800.00")
    )
    claim.full_clean()
    claim.save()
    return claim


@pytest.mark.parametrize(
    "role, shown",
    [
        ("hr", "500104********0018"),
        ("finance", "500104********0018"),
        ("bureau", "500104197001010018"),
        ("clerk_a", "500104197001010018"),
    ],
)
def test_payout_list_masks_id_numbers_like_the_roster(payout, users, client_as, role, shown):
    body = client_as(getattr(users, role)).get("/admin/subsidies/payout/").content.decode()
    assert shown in body
    if "*" in shown:
        assert "500104197001010018" not in body


def test_an_english_browser_still_gets_chinese_unless_english_was_chosen(users, client_as):
    client = client_as(users.clerk_a)
    body = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "修改密码" in body and "Change password" not in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert "Change password" in client.get("/admin/").content.decode()
