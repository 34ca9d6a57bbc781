"""`report terms` (SPEC §2.12): three-year terms from 换届日期; expired, expiring within 90 days,
current, unknown — and the organization list's filter on it."""

import datetime

import pytest

from registry.kernel.reporting import ReportParams, run_report
from registry.models import Organization, TermStatus, term_end
from registry.models import OrganizationKind as Kind
from tests.factories import make_org

D = datetime.date


def status(as_of, **params):
    report = run_report("terms", ReportParams(as_of=as_of, year=as_of.year, **params))
    return {r["organization"]: r for r in report.rows}


@pytest.fixture
def place(district):
    district.org_a.term_start = D(2019, 3, 1)
    district.org_a.save()
    district.org_b.term_start = D(2021, 6, 1)
    district.org_b.save()
    make_org("区法院诉前调解室", Kind.COURT_ROOM, district.district)  # a room is not a committee
    return district


@pytest.mark.parametrize(
    "day, expected",
    [
        (D(2021, 11, 30), "current"),  # 91 days before the end
        (D(2021, 12, 1), "expiring"),  # 90 days before 2022-03-01
        (D(2022, 1, 1), "expiring"),
        (D(2022, 3, 1), "expiring"),  # the last day of the term
        (D(2022, 3, 2), "expired"),
    ],
)
def test_a_term_begun_2019_03_01(place, day, expected):
    row = status(day)["新山村街道人民调解委员会"]
    assert row["status"] == expected
    assert row["term_start"] == D(2019, 3, 1) and row["term_end"] == D(2022, 3, 1)


def test_unknown_without_a_date_and_rooms_are_not_listed(place):
    rows = status(D(2022, 3, 2))
    assert rows["新山社区人民调解委员会"]["status"] == "unknown"
    assert rows["新山社区人民调解委员会"]["term_end"] is None
    assert "区法院诉前调解室" not in rows
    assert rows["跃进村街道人民调解委员会"]["status"] == "current"
    assert list(rows)[0] == "新山村街道人民调解委员会"  # expired first


def test_a_term_begun_on_29_february_ends_on_the_28th():
    assert term_end(D(2020, 2, 29), 3) == D(2023, 2, 28)


def test_clerk_sees_only_their_town(place, users):
    rows = status(D(2022, 3, 2), user=users.clerk_b)
    assert set(rows) == {"跃进村街道人民调解委员会", "跃进社区人民调解委员会"}


def test_json_shape(place):
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("report", "terms", "--as-of", "2022-03-02", "--format", "json", stdout=out)
    row = next(r for r in json.loads(out.getvalue())["rows"] if r["organization"] == "新山村街道人民调解委员会")
    assert {k: row[k] for k in ("area", "term_start", "term_end", "status")} == {
        "area": "新山村街道",
        "term_start": "2019-03-01",
        "term_end": "2022-03-01",
        "status": "expired",
    }


def test_admin_list_filters_on_term_status(place, users, client_as):
    from django.utils import timezone

    today = timezone.localdate()
    Organization.objects.filter(pk=place.org_a.pk).update(term_start=today.replace(year=today.year - 4))
    Organization.objects.filter(pk=place.org_b.pk).update(term_start=today.replace(year=today.year - 1))
    client = client_as(users.bureau)
    html = client.get("/admin/registry/organization/", {"term": TermStatus.EXPIRED}).content.decode()
    assert "新山村街道人民调解委员会" in html and "跃进村街道人民调解委员会" not in html
    html = client.get("/admin/registry/organization/", {"term": TermStatus.CURRENT}).content.decode()
    assert "跃进村街道人民调解委员会" in html and "新山村街道人民调解委员会" not in html
    # a clerk's filtered list stays inside their town
    html = client_as(users.clerk_b).get("/admin/registry/organization/", {"term": "expired"}).content.decode()
    assert "新山村街道人民调解委员会" not in html


def test_pages_of_the_new_reports_are_scoped_and_in_chinese(place, users, client_as):
    from tests.test_admin_ui import assert_no_english

    client = client_as(users.clerk_b)
    html = client.get("/reports/terms/", {"as_of": "2022-03-02"}).content.decode()
    assert "跃进村街道人民调解委员会" in html and "新山村街道人民调解委员会" not in html
    import io

    from openpyxl import load_workbook

    xlsx = client.get("/reports/terms/", {"as_of": "2022-03-02", "export": "xlsx"}).content
    names = [row[0] for row in load_workbook(io.BytesIO(xlsx))["明细"].iter_rows(min_row=2, values_only=True)]
    assert names == ["跃进社区人民调解委员会", "跃进村街道人民调解委员会"]  # unknown first, then current
    urls = [f"/reports/{name}/?year=2022" for name in ("coverage", "terms", "scorecard", "composition")]
    assert_no_english(client, [*urls, "/admin/"], users.clerk_b)


def test_terms_ending_on_the_same_day_are_listed_by_town(place):
    """The rows are ordered in SQL by the term's end: a term begun on 29 February ends on the 28th,
    the same day as one begun on the 28th, so those two are ordered by town (新山 before 跃进), not
    by their start dates."""
    place.org_a.term_start = D(2020, 2, 29)  # 新山村街道: ends 2023-02-28
    place.org_a.save()
    place.org_b.term_start = D(2020, 2, 28)  # 跃进村街道: ends 2023-02-28 too
    place.org_b.save()
    place.org_a1.term_start = D(2020, 2, 27)  # ends 2023-02-27: first
    place.org_a1.save()
    report = run_report("terms", ReportParams(as_of=D(2024, 1, 1), year=2024))
    assert [(r["organization"], r["term_end"]) for r in report.rows][:3] == [
        ("新山社区人民调解委员会", D(2023, 2, 27)),
        ("新山村街道人民调解委员会", D(2023, 2, 28)),
        ("跃进村街道人民调解委员会", D(2023, 2, 28)),
    ]
