"""The training report as a web page, its xlsx, and its bars on the dashboard."""

import io

from openpyxl import load_workbook


def test_page_numbers_links_and_scope(year, users, client_as):
    html = client_as(users.bureau).get("/reports/training/", {"year": 2023}).content.decode()
    assert "跃进村街道" in html and "本年度未参训的在岗调解员" in html
    assert f'href="/admin/registry/mediator/{year.wu.pk}/change/"' in html
    assert 'data-category="乡镇（街道）" data-total="2" data-meeting="1"' in html
    html = client_as(users.clerk_a).get("/reports/training/", {"year": 2023}).content.decode()
    assert "跃进村街道" not in html and "乙（" not in html and f"/admin/registry/mediator/{year.yi.pk}/" not in html


def test_xlsx_download(year, users, client_as):
    response = client_as(users.bureau).get("/reports/training/", {"year": 2023, "export": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["明细"].iter_rows(values_only=True))
    assert rows[0][:5] == ("主办区划", "层级", "已举办", "应举办", "差额")
    assert ("跃进村街道", "乡镇（街道）", 1, 2, 1) in [r[:5] for r in rows[1:]]
    untrained = [r[0] for r in book["本年度未参训的在岗调解员"].iter_rows(values_only=True)][1:]
    assert sorted(untrained) == sorted(["乙", "戊"])


def test_dashboard_has_training_bars(year, users, client_as):
    html = client_as(users.bureau).get("/reports/", {"year": 2023}).content.decode()
    assert "调解员培训" in html and 'data-category="区县"' in html


def test_every_role_may_read_it(year, users, client_as):
    for role in ("bureau", "clerk_a", "hr", "finance"):
        assert client_as(getattr(users, role)).get("/reports/training/").status_code == 200, role
