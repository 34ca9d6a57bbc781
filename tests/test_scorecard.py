"""`report scorecard` (SPEC §2.13): every town's measures equal the underlying reports' numbers;
targets by year; a clerk sees their town and the district's row, labelled as the district's; a
printable workbook."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from registry.kernel.reporting import ReportParams, render_xlsx, run_report
from registry.models import Area, AreaLevel
from tests.registry import report_district

D = datetime.date


def scores(row) -> dict:
    return {s["measure"]: s for s in row["measures"]}


def rate_of(report, category):
    return next(r for r in report.rates if r.category == category)


def expired(report) -> int:
    return sum(r["status"] == "expired" for r in report.rows)


# the demo's terms run out in 2025: both years check every measure, the later one with expired terms
@pytest.mark.parametrize(("year", "terms_expired"), [(2022, False), (2025, True)])
def test_every_town_equals_the_underlying_reports(db, year, terms_expired):
    call_command("seed_demo", stdout=io.StringIO())
    as_of = D(year, 12, 31)
    card = run_report("scorecard", ReportParams(as_of=as_of, year=year))
    rows = {r["area"]: scores(r) for r in card.rows}
    towns = Area.objects.filter(level__in=(AreaLevel.TOWN, AreaLevel.STREET))
    assert len(towns) == 8
    for town in towns:
        got = rows[town.name]
        params = ReportParams(as_of=as_of, year=year, town=town)
        staffing = run_report("staffing", params)
        own = rate_of(staffing, "乡镇（街道）人民调解委员会")
        assert got["本级调委会专职配备"]["text"] == f"{own.meeting}/{own.total}", town
        assert got["本级调委会专职配备"]["met"] == (not own.short), town
        rooms = rate_of(staffing, "派驻调解室")
        if rooms.total:
            assert (got["派驻调解室专职配备率"]["value"], got["派驻调解室专职配备率"]["met"]) == (
                rooms.rate,
                not rooms.short,
            )
        else:
            assert got["派驻调解室专职配备率"]["value"] is None
        villages = rate_of(run_report("committees", params), "村（社区）")
        assert got["村（社区）调委会建成率"]["value"] == villages.rate and got["村（社区）调委会建成率"]["met"] == (
            not villages.short
        )
        assert got["任期已届满的调委会"]["value"] == expired(run_report("terms", params)), town
        training = run_report("training", params)
        row = next(r for r in training.rows if r["area"] == town.name)
        assert (got["集中培训次数"]["value"], got["集中培训次数"]["target"]) == (row["held"], row["required"])
        trained = got["在岗调解员参训率"]
        assert trained["value"] == (row["active"] - row["untrained"]) / row["active"] and trained["target"] is None
        brands = run_report("brands", params)
        assert got["已命名品牌工作室"]["value"] == sum(r["status"] == "已命名" for r in brands.rows)
        assert got["已命名品牌工作室"]["target"] is None  # the district's target, not the town's
    district = next(r for r in card.rows if r["district"])
    got = scores(district)
    whole = ReportParams(as_of=as_of, year=year)
    staffing = run_report("staffing", whole)
    own, rooms = rate_of(staffing, "乡镇（街道）人民调解委员会"), rate_of(staffing, "派驻调解室")
    assert got["本级调委会专职配备"]["text"] == f"{own.meeting}/{own.total}"
    assert got["派驻调解室专职配备率"]["text"] == f"{rooms.meeting}/{rooms.total}"
    villages = rate_of(run_report("committees", whole), "村（社区）")
    assert got["村（社区）调委会建成率"]["text"] == f"{villages.meeting}/{villages.total}"
    assert got["任期已届满的调委会"]["value"] == expired(run_report("terms", whole))
    assert any(scores(r)["任期已届满的调委会"]["value"] for r in card.rows) is terms_expired
    brand = run_report("brands", whole).rates[0]
    assert (got["已命名品牌工作室"]["value"], got["已命名品牌工作室"]["target"]) == (brand.meeting, brand.total)
    assert district["targets_total"] == sum(1 for s in district["measures"] if s["met"] is not None)
    assert len(card.rows) == 9


@pytest.fixture
def place(district):
    return report_district.build(district)


# What the measures must not build: the reports' rows, one per organization, area or person
# (at national scale they would take gigabytes; the measures are counted by town in SQL).
ROW_BUILDERS = [
    "registry.reports.staffing",
    "registry.reports._staffing_rows",
    "registry.reports.committees",
    "registry.reports._committee_row",
    "registry.reports.terms",
    "branding.reports.brands",
]


def test_the_measures_read_no_report_rows(place, monkeypatch):
    from registry.kernel.reporting import LazyRows

    def refuse(*args, **kwargs):
        raise AssertionError("the scorecard read a report's rows")

    for name in ROW_BUILDERS:
        monkeypatch.setattr(name, refuse)
    monkeypatch.setattr(LazyRows, "__iter__", refuse)
    monkeypatch.setattr(LazyRows, "__getitem__", refuse)
    card = run_report("scorecard", ReportParams(as_of=D(2022, 12, 31), year=2022))
    assert [r["area"] for r in card.rows] == ["新山村街道", "跃进村街道", "大渡口区（全区）"]


def test_targets_follow_the_year(place):
    def town_a(year):
        card = run_report("scorecard", ReportParams(as_of=D(year, 12, 31), year=year))
        return scores(next(r for r in card.rows if r["area"] == "新山村街道"))

    assert town_a(2020)["本级调委会专职配备"]["target"] is None  # staffing targets fall due in 2021
    a = town_a(2021)["本级调委会专职配备"]
    assert (a["value"], a["target"], a["met"], a["text"]) == (0.0, 1.0, False, "0/1")  # 甲二 left mid-2021
    assert town_a(2022)["本级调委会专职配备"]["met"] is True


def test_clerk_sees_their_town_and_the_district_labelled(place, users, client_as):
    card = run_report("scorecard", ReportParams(as_of=D(2022, 12, 31), year=2022, user=users.clerk_b))
    assert [r["area"] for r in card.rows] == ["跃进村街道", "大渡口区（全区）"]
    district = card.rows[1]
    assert district["district"] is True
    # the district's brand target is on the district row only
    assert scores(card.rows[0])["已命名品牌工作室"]["met"] is None
    html = client_as(users.clerk_b).get("/reports/scorecard/", {"year": 2022}).content.decode()
    assert 'data-area="跃进村街道"' in html and 'data-area="新山村街道"' not in html
    assert "全区</span>" in html
    assert 'class="unmet"' in html or 'class="met"' in html


def test_json_shape(place):
    out = io.StringIO()
    call_command("report", "scorecard", "--year", "2022", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    row = data["rows"][0]
    assert {"area", "measures", "targets_met", "targets_total"} <= set(row)
    assert {"measure", "value", "target", "met"} <= set(row["measures"][0])
    assert data["rows"][-1]["area"] == "大渡口区（全区）"


def test_xlsx_is_a_printable_page_per_town(place):
    card = run_report("scorecard", ReportParams(as_of=D(2022, 12, 31), year=2022))
    sheet = load_workbook(io.BytesIO(render_xlsx(card)))["年度考核"]
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert len(sheet.row_breaks.brk) == len(card.rows) - 1
    titles = [c.value for (c,) in sheet.iter_rows(max_col=1) if c.value and "年度人民调解工作考核" in str(c.value)]
    assert titles[0] == "2022年度人民调解工作考核 · 新山村街道"
    assert "截至日期：2022-12-31" in sheet["A2"].value and "生成时间：" in sheet["A2"].value


def test_the_page_is_paged_like_every_report(place, users, client_as, monkeypatch):
    """Thousands of towns (a province, the nation) would make one page of every row: the scorecard's
    page shows PAGE_SIZE rows at a time, in the report's order, and says how many there are."""
    monkeypatch.setattr("registry.kernel.reporting.views.PAGE_SIZE", 1)
    client = client_as(users.bureau)
    first = client.get("/reports/scorecard/", {"year": 2022}).content.decode()
    second = client.get("/reports/scorecard/", {"year": 2022, "page": 2}).content.decode()
    assert 'data-area="新山村街道"' in first and 'data-area="跃进村街道"' not in first
    assert 'data-area="跃进村街道"' in second and 'data-area="新山村街道"' not in second
    assert "第 2 / 3 页（共 3 行）" in second and "下一页" in second
