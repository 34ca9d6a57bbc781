"""report subsidies: hand-worked totals, exact money in JSON and xlsx, scope, constant queries."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from registry.kernel.reporting import ReportParams, run_report
from registry.models import OrganizationKind
from subsidies.models import Payout, PayoutKind, PayoutStatus
from tests.factories import make_mediator, make_org, make_post
from tests.subsidies.conftest import make_payout

AS_OF = datetime.date(2022, 12, 31)


@pytest.fixture
def ledger(district, pay):
    """Town A: zhang 0.10 + 0.20 (approved) + li (village) 1000.01 (paid); town B: wang 5.55;
    a returned 999 claim that must not count; a 2021 claim outside the year."""
    make_payout(pay.zhang, district.org_a, period="2022-01", amount="0.10")
    p = make_payout(pay.zhang, district.org_a, kind=PayoutKind.CASE, case_number="A1", period="2022-01", amount="0.20")
    Payout.objects.filter(pk=p.pk).update(status=PayoutStatus.APPROVED)
    p = make_payout(pay.li, district.org_a1, period="2022-03", amount="1000.01")
    Payout.objects.filter(pk=p.pk).update(status=PayoutStatus.PAID)
    make_payout(pay.wang, district.org_b, period="2022-03", amount="5.55")
    p = make_payout(pay.wang, district.org_b, period="2022-04", amount="999")
    Payout.objects.filter(pk=p.pk).update(status=PayoutStatus.RETURNED, return_reason="重复")
    make_payout(pay.wang, district.org_b, period="2021-12", amount="7")
    return pay


def rows_of(report, dimension):
    return {row["name"]: row for row in report.rows if row["dimension"] == dimension}


def test_totals_by_area_kind_month_and_mediator_are_exact(ledger, district):
    report = run_report("subsidies", ReportParams(as_of=AS_OF, year=2022))
    total = rows_of(report, "total")["合计"]
    assert (total["total"], total["count"]) == (Decimal("1005.86"), 4)
    assert (total["pending"], total["approved"], total["paid"]) == (
        Decimal("5.65"),
        Decimal("0.20"),
        Decimal("1000.01"),
    )
    assert (total["budget"], total["used"], total["remaining"]) == (
        Decimal("20000.00"),
        Decimal("1000.21"),
        Decimal("18999.79"),
    )
    areas = rows_of(report, "area")
    assert areas["新山村街道"]["total"] == Decimal("1000.31")  # the community's 1000.01 rolls up
    assert "新山社区" not in areas
    assert areas["跃进村街道"]["total"] == Decimal("5.55") and areas["跃进村街道"]["remaining"] == Decimal("3000.00")
    kinds = rows_of(report, "kind")
    assert kinds["岗位补贴"]["total"] == Decimal("1005.66") and kinds["以案定补"]["total"] == Decimal("0.20")
    months = rows_of(report, "month")
    assert list(months) == ["2022-01", "2022-03"]
    assert months["2022-01"]["total"] == Decimal("0.30") and months["2022-03"]["total"] == Decimal("1005.56")
    mediators = rows_of(report, "mediator")
    assert mediators["张三"]["total"] == Decimal("0.30") and mediators["李四"]["area"] == "新山村街道"
    assert mediators["王五"]["count"] == 1  # returned and 2021 claims left out
    for dimension in ("area", "kind", "month", "mediator"):
        assert sum(r["total"] for r in rows_of(report, dimension).values()) == total["total"]


def test_json_money_is_exact(ledger, district):
    out = io.StringIO()
    call_command("report", "subsidies", "--year", "2022", "--format", "json", stdout=out)
    data = json.loads(out.getvalue(), parse_float=Decimal)
    assert data["as_of"] == "2022-12-31"
    total = next(r for r in data["rows"] if r["dimension"] == "total")
    assert Decimal(str(total["total"])) == Decimal("1005.86")
    months = [Decimal(str(r["total"])) for r in data["rows"] if r["dimension"] == "month"]
    assert sum(months) == Decimal("1005.86")


def test_xlsx_money_is_numeric_and_exact(ledger, district, tmp_path):
    path = tmp_path / "s.xlsx"
    call_command(
        "report",
        "subsidies",
        "--year",
        "2022",
        "--format",
        "xlsx",
        "--output",
        str(path),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    sheet = load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("合计（元）")
    values = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "合计"]
    assert len(values) == 1 and isinstance(values[0], (int, float)) and Decimal(str(values[0])) == Decimal("1005.86")


def test_a_clerk_sees_only_their_town(ledger, district, users):
    report = run_report("subsidies", ReportParams(as_of=AS_OF, year=2022, user=users.clerk_a))
    assert rows_of(report, "total")["合计"]["total"] == Decimal("1000.31")
    assert set(rows_of(report, "area")) == {"新山村街道"}
    assert "王五" not in rows_of(report, "mediator")
    assert rows_of(report, "total")["合计"]["budget"] == Decimal("5000.00")  # their town's, not the district's


def test_district_level_organizations_get_their_own_row(ledger, district):
    industry = make_org("区医患纠纷人民调解委员会", OrganizationKind.INDUSTRY, district.district)
    person = make_mediator("赵六")
    make_post(person, industry)
    make_payout(person, industry, period="2022-05", amount="10")
    areas = rows_of(run_report("subsidies", ReportParams(as_of=AS_OF, year=2022)), "area")
    assert areas["大渡口区（区级组织）"]["total"] == Decimal("10.00")


def test_as_of_limits_the_months(ledger, district):
    report = run_report("subsidies", ReportParams(as_of=datetime.date(2022, 2, 15), year=2022))
    assert list(rows_of(report, "month")) == ["2022-01"]


def test_query_count_does_not_grow_with_payouts(ledger, district, users, django_assert_max_num_queries):
    params = ReportParams(as_of=AS_OF, year=2022, user=users.clerk_a)
    with django_assert_max_num_queries(12) as few:
        run_report("subsidies", params)
    baseline = len(few.captured_queries)
    for n in range(30):
        person = make_mediator(f"乙{n}")
        make_post(person, district.org_a1, employment="兼职")
        make_payout(person, district.org_a1, amount="1.01", period=f"2022-{n % 12 + 1:02d}")
    with django_assert_max_num_queries(baseline):
        run_report("subsidies", params)


@pytest.mark.parametrize("role", ["bureau", "clerk_a", "finance", "hr"])
def test_the_report_page_draws_the_monthly_chart(ledger, users, client_as, role):
    response = client_as(getattr(users, role)).get("/admin/subsidies/payout/report/", {"year": "2022"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "<rect" in body
    if role == "clerk_a":
        assert "王五" not in body


def test_the_shared_report_page_works(ledger, users, client_as):
    assert client_as(users.bureau).get("/reports/subsidies/", {"year": "2022"}).status_code == 200
