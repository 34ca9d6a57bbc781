"""Subsidy fixtures: mediators with posts in both towns, standards and budgets for 2022."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from subsidies.models import Budget, Payout, PayoutKind, SubsidyStandard
from tests.factories import make_mediator, make_post


def make_payout(
    mediator,
    organization,
    *,
    kind=PayoutKind.POST,
    period="2022-03",
    amount="800.00",
    case_number="",
    case_grade="",
    **fields,
) -> Payout:
    payout = Payout(
        mediator=mediator,
        organization=organization,
        kind=kind,
        period=period,
        amount=Decimal(amount),
        case_number=case_number,
        case_grade=case_grade,
        **fields,
    )
    payout.full_clean()
    payout.save()
    return payout


@pytest.fixture
def pay(district):
    """zhang (town A committee), li (A's community), wang (town B); standards and 2022 budgets."""
    zhang = make_mediator("张三")
    li = make_mediator("李四")
    wang = make_mediator("王五")
    make_post(zhang, district.org_a)
    make_post(li, district.org_a1)
    make_post(wang, district.org_b)
    start = datetime.date(2021, 1, 1)
    SubsidyStandard.objects.create(kind=PayoutKind.POST, amount=Decimal("1000.00"), effective_from=start)
    SubsidyStandard.objects.create(kind=PayoutKind.CASE, amount=Decimal("200.00"), effective_from=start)
    SubsidyStandard.objects.create(
        kind=PayoutKind.CASE, case_grade="重大疑难复杂纠纷", amount=Decimal("500.00"), effective_from=start
    )
    Budget.objects.create(year=2022, area=district.a, amount=Decimal("5000.00"))
    Budget.objects.create(year=2022, area=district.b, amount=Decimal("3000.00"))
    Budget.objects.create(year=2022, area=district.district, amount=Decimal("20000.00"))
    return SimpleNamespace(zhang=zhang, li=li, wang=wang)
