"""Demo subsidies: standards, yearly budgets and twelve months of claims in every state.

Uses its own random generator, so the other apps' demo data do not depend on how many
payouts this month's demo makes; periods are the twelve months up to today, so a re-run
in the same month writes nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from registry.demo import DEMO_NOTE, DISTRICT, demo_pks, upsert
from registry.models import TOWN_LEVELS, Area, Employment, Membership, OrganizationKind, active_on
from subsidies.models import Budget, CaseGrade, Payout, PayoutKind, PayoutStatus, SubsidyStandard

STANDARDS = [
    (PayoutKind.POST, "", "800.00", datetime.date(2021, 1, 1)),
    (PayoutKind.POST, "", "1000.00", datetime.date(2025, 1, 1)),
    (PayoutKind.PUBLIC_POST, "", "1800.00", datetime.date(2021, 1, 1)),
    (PayoutKind.CASE, "", "200.00", datetime.date(2021, 1, 1)),
    (PayoutKind.CASE, CaseGrade.SIMPLE, "100.00", datetime.date(2021, 1, 1)),
    (PayoutKind.CASE, CaseGrade.ORDINARY, "200.00", datetime.date(2021, 1, 1)),
    (PayoutKind.CASE, CaseGrade.COMPLEX, "500.00", datetime.date(2021, 1, 1)),
]
CASE_AMOUNTS = {CaseGrade.SIMPLE: "100.00", CaseGrade.ORDINARY: "200.00", CaseGrade.COMPLEX: "500.00"}


def _months(today: datetime.date, count: int) -> list[datetime.date]:
    first = today.replace(day=1)
    out = []
    for _ in range(count):
        out.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return out[::-1]


def _state(month: datetime.date, today: datetime.date) -> tuple[str, datetime.date | None]:
    """Older claims are paid, last quarter's approved, this and last month's pending."""
    age = (today.year - month.year) * 12 + today.month - month.month
    if age >= 3:
        paid = (month + datetime.timedelta(days=45)).replace(day=15)
        return PayoutStatus.PAID, paid
    if age == 2:
        return PayoutStatus.APPROVED, None
    return PayoutStatus.PENDING, None


def seed(rng: random.Random) -> None:
    local = random.Random(30)  # not the shared rng: see the module docstring
    today = timezone.localdate()
    for kind, grade, amount, start in STANDARDS:
        upsert(
            SubsidyStandard,
            {"kind": kind, "case_grade": grade, "effective_from": start},
            {"amount": Decimal(amount), "remarks": "演示标准"},
        )
    months = _months(today, 12)
    district = Area.objects.get(name=DISTRICT)
    towns = list(Area.objects.filter(level__in=TOWN_LEVELS, parent=district).order_by("name"))
    for year in sorted({m.year for m in months}):
        upsert(Budget, {"year": year, "area": district}, {"amount": Decimal("900000.00"), "remarks": DEMO_NOTE})
        for town in towns:
            # 跳磴镇 gets a tight budget, so the list shows claims that would overrun it
            amount = "15000.00" if town.name == "跳磴镇" else "80000.00"
            upsert(Budget, {"year": year, "area": town}, {"amount": Decimal(amount), "remarks": DEMO_NOTE})

    # the demo's own posts only: never a claim for a user's person, and the same posts (so the same
    # positions for the returned and over-standard claims) whatever users add
    posts = list(
        Membership.objects.filter(
            active_on(today),
            pk__in=demo_pks(Membership),
            employment=Employment.FULL_TIME,
            organization__kind__in=[OrganizationKind.TOWN, OrganizationKind.VILLAGE],
        )
        .select_related("mediator", "organization__area")
        .order_by("organization__name", "mediator__id_number")
    )
    post_standard = lambda month: "1000.00" if month.year >= 2025 else "800.00"  # noqa: E731
    for index, post in enumerate(posts):
        for month in months:
            status, paid = _state(month, today)
            values = {
                "organization": post.organization,
                "amount": Decimal(post_standard(month)),
                "status": status,
                "paid_date": paid,
                "remarks": DEMO_NOTE,
                "return_reason": "",
            }
            if index == 0 and month == months[-1]:
                values["amount"] = Decimal("1200.00")  # over standard: the bureau must explain
            if index % 9 == 4 and month == months[-3]:
                values.update(status=PayoutStatus.RETURNED, return_reason="演示：考勤表未盖章，请补充后重新提交")
            _payout(post, PayoutKind.POST, month, "", values)
    for town_index, town in enumerate(towns, start=1):
        town_posts = [p for p in posts if p.organization.area_id == town.pk or p.organization.area.parent_id == town.pk]
        for n in range(1, 11):
            if not town_posts:
                break
            post = local.choice(town_posts)
            month = local.choice(months)
            grade = local.choice(list(CASE_AMOUNTS))
            status, paid = _state(month, today)
            number = f"（{month.year}）渡{town_index:02d}调字第{n:03d}号（演示）"
            _payout(
                post,
                PayoutKind.CASE,
                month,
                number,
                {
                    "organization": post.organization,
                    "case_grade": grade,
                    "amount": Decimal(CASE_AMOUNTS[grade]),
                    "status": status,
                    "paid_date": paid,
                    "remarks": DEMO_NOTE,
                    "return_reason": "",
                },
            )


def _payout(post: Membership, kind: str, month: datetime.date, case_number: str, values: dict) -> Payout:
    from subsidies.models import normalize_case_number

    lookup = {
        "mediator": post.mediator,
        "kind": kind,
        "period": f"{month:%Y-%m}",
        "case_number": normalize_case_number(case_number),
    }
    if Payout.objects.filter(**lookup).exists():
        # Created once, never updated: its state has moved on since (approved, paid, returned by
        # the bureau, or by a demo run on an earlier day), and claims only move forward.
        return None
    if lookup["case_number"] and Payout.objects.filter(case_number=lookup["case_number"]).exists():
        return None  # a case number drawn twice by the generator is simply not claimed twice
    return upsert(Payout, lookup, values)
