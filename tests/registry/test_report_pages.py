"""The report pages: same numbers as the function, filters, sorting, admin links, the
.xlsx of what is on screen, and scope for every role."""

import io
import re

import pytest
from openpyxl import load_workbook

from registry.kernel.reporting import ReportParams, run_report
from tests.registry import report_district
from tests.registry.report_district import Y2021
from tests.test_admin_ui import ALLOWED_WORDS, english_on


@pytest.fixture
def place(district):
    return report_district.build(district)


def page_rates(html: str) -> dict:
    rows = re.findall(
        r'data-category="([^"]+)" data-total="(\d+)" data-meeting="(\d+)" data-rate="([^"]+)" '
        r'data-target="([^"]*)"',
        html,
    )
    return {c: (int(t), int(m), float(r), float(g) if g else None) for c, t, m, r, g in rows}


def xlsx_rows(content: bytes, sheet="明细") -> list[tuple]:
    return list(load_workbook(io.BytesIO(content))[sheet].iter_rows(values_only=True))


@pytest.mark.parametrize("name", ["staffing", "experts", "committees", "rooms"])
def test_page_shows_the_function_numbers(place, users, client_as, name):
    html = client_as(users.bureau).get(f"/reports/{name}/", {"year": 2021}).content.decode()
    report = run_report(name, ReportParams(as_of=Y2021, year=2021))
    assert page_rates(html) == {r.category: (r.total, r.meeting, r.rate, r.target) for r in report.rates}
    assert f"（{len(report.rows)} 条）" in html


def test_staffing_page_rows_links_and_candidates(place, users, client_as):
    html = client_as(users.bureau).get("/reports/staffing/", {"as_of": "2021-12-31"}).content.decode()
    assert f'href="/admin/registry/organization/{place.org_a.pk}/change/"' in html
    assert "候选一" in html and "候选四" in html  # part-time help for the short town committee
    assert "区市场监管行政调解组织" not in html
    assert 'class="rate short"' in html  # a red bar
    assert 'class="target" style="left: 50.0%"' in html  # industry target 50% in 2021


def test_filters_town_kind_and_sorting(place, users, client_as):
    client = client_as(users.bureau)
    html = client.get("/reports/staffing/", {"year": 2021, "town": place.b.pk}).content.decode()
    assert "跃进二派出所调解室" in html and "新山村街道人民调解委员会" not in html
    html = client.get("/reports/rooms/", {"year": 2021, "kind": "驻派出所调解室"}).content.decode()
    assert set(page_rates(html)) == {"驻派出所调解室"}
    html = client.get("/reports/staffing/", {"year": 2021, "sort": "-shortfall"}).content.decode()
    assert html.index("区物业管理人民调解委员会") < html.index("跃进二派出所调解室") < html.index("区法院诉前调解室")


def test_xlsx_download_is_what_is_on_screen(place, users, client_as):
    client = client_as(users.bureau)
    query = {"year": 2021, "town": place.a.pk, "sort": "-shortfall"}
    html = client.get("/reports/staffing/", query).content.decode()
    response = client.get("/reports/staffing/", {**query, "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = xlsx_rows(response.content)
    names = [r[0] for r in rows[1:]]
    assert names == ["新山村街道人民调解委员会", "新山钢铁企业人民调解委员会", "新山社区人民调解委员会"]
    assert [html.index(n) for n in names] == sorted(html.index(n) for n in names)
    rates = xlsx_rows(response.content, "达标率")
    assert page_rates(html) == {c: (t, m, r, g) for c, t, m, r, g in rates[1:]}
    assert 'href="/reports/staffing/?' in html and "export=xlsx" in html


def test_clerk_sees_only_their_town_on_every_report(place, users, client_as):
    client = client_as(users.clerk_a)
    for name in ["staffing", "experts", "committees", "rooms"]:
        html = client.get(f"/reports/{name}/", {"year": 2022}).content.decode()
        assert "跃进" not in html.split('id="content-main"')[1], name
        body = client.get(f"/reports/{name}/", {"year": 2022, "export": "xlsx"}).content
        cells = {c for row in xlsx_rows(body) for c in row}
        assert not any("跃进" in str(c) for c in cells), name
    # another town in the filter is not a choice for this clerk: a clear form error, no data
    response = client.get("/reports/staffing/", {"town": place.b.pk})
    assert response.status_code == 400 and "跃进村街道人民调解委员会" not in response.content.decode()


def test_bad_filter_values_are_form_errors(place, users, client_as):
    client = client_as(users.bureau)
    for query in [{"as_of": "2021-13-01"}, {"year": "abc"}, {"year": "99"}, {"kind": "村委会"}]:
        response = client.get("/reports/rooms/", query)
        assert response.status_code == 400, query
        assert "errorlist" in response.content.decode()
    assert client.get("/reports/no-such-report/").status_code == 404


def test_pages_need_a_staff_login(place, client):
    response = client.get("/reports/staffing/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("role", ["bureau", "clerk_a", "hr", "finance"])
def test_every_role_can_read_the_registry_reports(place, users, client_as, role):
    client = client_as(getattr(users, role))
    for name in ["staffing", "experts", "committees", "rooms"]:
        assert client.get(f"/reports/{name}/").status_code == 200


def test_page_query_count_does_not_grow_with_rows(place, users, client_as, django_assert_max_num_queries):
    client = client_as(users.bureau)
    # fixed costs, not per row: the session saved on every request (idle expiry), the user's name,
    # on PostgreSQL the report's own transaction (SAVEPOINT, SET LOCAL, RELEASE) for streaming, the
    # rows counted apart from their page (they are paged in SQL), the rates' aggregate, and the
    # town filter's check of how many towns there are (a list, or a name typed in)
    with django_assert_max_num_queries(18):
        assert client.get("/reports/staffing/", {"year": 2021}).status_code == 200


def test_long_lists_are_paged_and_the_download_holds_every_page(place, users, client_as, monkeypatch):
    monkeypatch.setattr("registry.kernel.reporting.views.PAGE_SIZE", 5)
    client = client_as(users.bureau)
    first = client.get("/reports/staffing/", {"year": 2021}).content.decode()
    second = client.get("/reports/staffing/", {"year": 2021, "page": 2}).content.decode()
    assert "区法院诉前调解室" in second and "区法院诉前调解室" not in first.split("明细")[1]
    rows = xlsx_rows(client.get("/reports/staffing/", {"year": 2021, "export": "xlsx"}).content)
    assert len(rows) - 1 == 12
    assert english_on(second, ALLOWED_WORDS | {"bureau"}) == set()


@pytest.mark.parametrize("name", ["staffing", "committees", "terms"])
def test_a_page_never_reads_every_row(place, users, client_as, monkeypatch, name):
    """A page shows its page of rows (counted and paged in SQL, sorted in SQL by the columns that
    allow it): streaming the whole list — what the JSON and xlsx do — would not scale to a nation."""
    from registry.kernel.reporting import LazyRows

    rows = list(run_report(name, ReportParams(as_of=Y2021, year=2021)).rows)
    by_full_time = sorted(rows, key=lambda r: -r.get("full_time", 0))  # stable: the report's order breaks ties
    monkeypatch.setattr("registry.kernel.reporting.views.PAGE_SIZE", 3)

    def whole(self):
        raise AssertionError("the page read every row")

    monkeypatch.setattr(LazyRows, "__iter__", whole)
    client = client_as(users.bureau)
    html = client.get(f"/reports/{name}/", {"year": 2021, "page": 2}).content.decode()
    key = "organization" if name != "committees" else "area"
    shown = [r[key] for r in rows if f">{r[key]}</a>" in html]  # the rows' own links
    assert shown == [r[key] for r in rows[3:6]]  # the second page, in the report's order
    if name == "staffing":  # sorted by a column, in SQL
        html = client.get("/reports/staffing/", {"year": 2021, "sort": "-full_time"}).content.decode()
        linked = [r["organization"] for r in rows if f">{r['organization']}</a>" in html]
        assert sorted(linked, key=lambda name: html.index(f">{name}</a>")) == [
            r["organization"] for r in by_full_time[:3]
        ]


def test_with_thousands_of_towns_the_town_filter_is_typed(place, users, client_as, monkeypatch):
    """A province or the nation has tens of thousands of towns/streets: the 镇街 filter becomes a
    name typed in (a list of them all would cost every page seconds); links carrying the pk still work,
    and a name outside the reader's scope is refused like an unknown one."""
    monkeypatch.setattr("registry.kernel.reporting.forms.TOWN_SELECT_LIMIT", 1)
    bureau = client_as(users.bureau)
    html = bureau.get("/reports/staffing/", {"year": 2021, "town": "跃进村街道"}).content.decode()
    assert '<select name="town"' not in html and 'name="town"' in html
    assert "跃进二派出所调解室" in html and ">新山村街道人民调解委员会</a>" not in html
    by_pk = bureau.get("/reports/staffing/", {"year": 2021, "town": place.b.pk}).content.decode()
    assert "跃进二派出所调解室" in by_pk and ">新山村街道人民调解委员会</a>" not in by_pk
    unknown = bureau.get("/reports/staffing/", {"year": 2021, "town": "不存在街道"})
    assert unknown.status_code == 400 and "没有名为“不存在街道”的镇街" in unknown.content.decode()
    users.clerk_a.refresh_from_db()
    monkeypatch.setattr("registry.kernel.reporting.forms.TOWN_SELECT_LIMIT", 0)
    other = client_as(users.clerk_a).get("/reports/staffing/", {"year": 2021, "town": "跃进村街道"})
    assert other.status_code == 400 and "不在您的权限范围内" in other.content.decode()
