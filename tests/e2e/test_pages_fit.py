"""Every role's pages on the demo data, in a real browser at 1366×768 and 1920×1080 (issue 15):
no number or short label in a table wraps to more than two lines, no English outside data cells,
a screenshot of each page at each size in test-artifacts/pages/ for a reviewer; and a report
printed to PDF is a document (title on page 1, header on every page, page numbers, no menus)."""

from __future__ import annotations

import io
import re
import time

import pypdf
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from registry.models import Area, AreaLevel, OrganizationKind
from tests.e2e.conftest import ARTIFACTS
from tests.factories import make_org
from tests.test_admin_ui import ALLOWED_WORDS, WORD

pytestmark = pytest.mark.e2e

SIZES = [(1366, 768), (1920, 1080)]
DEMO_PASSWORD = "demo12345"
ROLES = ["demo_bureau", "demo_clerk", "demo_hr", "demo_finance"]

# Cells whose text is a number, date or amount, or a label of up to four characters: each must
# stay on at most two lines. Lines are counted from the rects of the cell's text (not its icons), not
# from the cell's height, which the tallest cell of its row decides.
WRAPPED_CELLS_JS = """() => {
  const NUMBER = /^[\\s\\d.,%¥+\\-—–/:：]+$/;
  const cells = document.querySelectorAll(
    '#result_list th, #result_list td, table.report-table th, table.report-table td, table.rates th, table.rates td');
  const bad = [];
  for (const cell of cells) {
    if (!cell.getClientRects().length) continue;
    const text = cell.innerText.trim();
    if (!text || !(NUMBER.test(text) || [...text].length <= 4)) continue;
    const tops = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      if (!walker.currentNode.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(walker.currentNode);
      for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) tops.push(r.top);
    }
    tops.sort((a, b) => a - b);
    let lines = 0, last = -1e9;
    for (const top of tops) { if (top - last > 4) { lines++; last = top; } }
    if (lines > 2) bad.push(`${text}（${lines} 行）`);
  }
  return bad;
}"""

# Text a person sees outside data cells (names, remarks and other data may be anything).
VISIBLE_TEXT_JS = """() => {
  const skip = 'script, style, template, noscript, #result_list td, #result_list tbody th, table.report-table td, #change-history td';
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !node.textContent.trim() || el.closest(skip)) continue;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    out.push(node.textContent);
  }
  for (const input of document.querySelectorAll('input[type=submit], input[type=button]')) {
    if (input.getClientRects().length) out.push(input.value);
  }
  return out;
}"""


def english_words(chunks: list[str], allowed: set[str]) -> set[str]:
    return {
        word
        for chunk in chunks
        for word in WORD.findall(chunk)
        if not all(part.lower() in allowed for part in re.split(r"[ -]", word))
    }


def pages_of(page) -> list[str]:
    """What the role's index offers: every list and every report, plus the dashboard."""
    page.goto("/admin/")
    links = page.locator("#content-main table a:not(.addlink):not(.changelink)")
    urls = ["/admin/"] + [href for href in links.evaluate_all("els => els.map(a => a.getAttribute('href'))") if href]
    return list(dict.fromkeys(urls))


def sign_in_demo(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#user-tools")).to_be_visible()


def slug(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "index"


def test_every_roles_pages_fit_both_screens_and_speak_chinese(browser, live_server, page):
    call_command("seed_demo", stdout=io.StringIO())
    allowed = ALLOWED_WORDS | {name.lower() for name in User.objects.values_list("username", flat=True)}
    allowed |= {"admin", "login"}  # data: the login page's path (/admin/login/) in the login log (登录安全)
    out = ARTIFACTS / "pages"
    out.mkdir(parents=True, exist_ok=True)
    wrapped, english, seen = {}, {}, 0
    started = time.monotonic()
    for username in ROLES:
        sign_in_demo(page, username)
        # the header greets the person by name, not by login
        expect(page.locator("#user-tools strong")).not_to_have_text(username)
        urls = pages_of(page)
        assert len(urls) > 3, (username, urls)
        for url in urls:
            page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
            response = page.goto(url)
            assert response.status == 200, (username, url)
            seen += 1
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                bad = page.evaluate(WRAPPED_CELLS_JS)
                if bad:
                    wrapped[f"{username} {url} {width}×{height}"] = bad[:5]
                page.screenshot(path=str(out / f"{username}-{slug(url)}-{width}x{height}.png"), full_page=True)
            words = english_words(page.evaluate(VISIBLE_TEXT_JS), allowed)
            if words:
                english[f"{username} {url}"] = sorted(words)
    report = ["cells wrapped to more than two lines:", *(f"  {k}: {v}" for k, v in wrapped.items())] if wrapped else []
    report += ["English on the page:", *(f"  {k}: {v}" for k, v in english.items())] if english else []
    assert not report, "\n".join(report)
    assert seen >= 40
    print(f"{seen} pages × {len(SIZES)} sizes in {time.monotonic() - started:.0f}s")


@pytest.fixture
def many_committees(district, users):
    """Enough rows that the staffing report runs over several printed pages."""
    for n in range(1, 61):
        village = Area.objects.create(name=f"演示{n:02d}村", level=AreaLevel.VILLAGE, parent=district.a)
        make_org(f"演示{n:02d}村人民调解委员会", OrganizationKind.VILLAGE, village)
    return district


def pdf_pages(page, name: str) -> tuple[list[str], pypdf.PdfReader]:
    """Print the page as Chromium does (the CSS @page size), keep the PDF for a reviewer, read its text."""
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(prefer_css_page_size=True, path=str(ARTIFACTS / f"{name}.pdf"))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", "", p.extract_text()) for p in reader.pages], reader


def test_the_staffing_report_prints_as_a_document(many_committees, users, sign_in, page):
    sign_in(users.bureau)
    page.goto("/reports/staffing/")
    expect(page.locator("h1")).to_have_text("专职人民调解员配备")
    texts, reader = pdf_pages(page, "print-staffing")
    total = len(texts)
    assert total >= 2, texts
    first = texts[0]
    assert "专职人民调解员配备" in first  # the title on page 1
    assert "范围：全区" in first and "截至" in first and "生成时间" in first
    for number, text in enumerate(texts, start=1):
        assert f"第{number}页，共{total}页" in text, (number, text[-80:])
        assert "调解组织" in text and "缺额" in text, number  # the table header on every page
        assert "下载Excel" not in text and "查询" not in text and "首页›" not in text  # no navigation
    box = reader.pages[0].mediabox
    assert box.width > box.height  # eight columns: landscape
    page.emulate_media(media="print")  # for a reviewer: the page as printed, in one picture
    page.screenshot(path=str(ARTIFACTS / "print-staffing.png"), full_page=True)


def test_a_narrow_report_prints_portrait(district, users, sign_in, page):
    sign_in(users.bureau)
    page.goto("/reports/committees/")
    texts, reader = pdf_pages(page, "print-committees")
    assert "人民调解委员会建成率" in texts[0] and f"第1页，共{len(texts)}页" in texts[0]
    box = reader.pages[0].mediabox
    assert box.width < box.height


def test_the_scorecard_prints_as_a_document(district, users, sign_in, page):
    sign_in(users.bureau)
    page.goto("/reports/scorecard/")
    expect(page.locator("h1")).to_have_text("镇街年度考核")
    texts, reader = pdf_pages(page, "print-scorecard")
    total = len(texts)
    assert "镇街年度考核" in texts[0] and "截至" in texts[0] and "生成时间" in texts[0]
    for number, text in enumerate(texts, start=1):
        assert f"第{number}页，共{total}页" in text, (number, text[-80:])
        assert "下载Excel" not in text and "首页›" not in text  # no navigation
