"""Synthetic subsidy budgets and payouts for `manage.py make_synthetic` (benchmarks and demos only).

Full-time mediators in post get six months of 岗位补贴 (older months paid, then approved,
then pending, as in the demo); one part-timer in twenty a 以案定补 for one case.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q

from registry.models import TOWN_LEVELS, Area, AreaLevel, Employment, Membership
from registry.synthetic import Step, SyntheticPlan, id_number, mediator_ids, rng_for, town_of_post
from subsidies.demo import STANDARDS, _months, _state
from subsidies.models import Budget, Payout, PayoutKind, SubsidyStandard

MONTHS = 6


def steps(plan: SyntheticPlan) -> list[Step]:
    months = _months(plan.today, MONTHS)
    years = sorted({m.year for m in months})

    def write_standards(start: int, stop: int) -> None:
        SubsidyStandard.objects.bulk_create(
            [
                SubsidyStandard(kind=kind, case_grade=grade, amount=Decimal(amount), effective_from=begin)
                for kind, grade, amount, begin in STANDARDS
            ],
            ignore_conflicts=True,
        )

    def write_budgets(start: int, stop: int) -> None:
        areas = Area.objects.filter(level__in=(*TOWN_LEVELS, AreaLevel.DISTRICT), name__startswith="合成")
        Budget.objects.bulk_create(
            [
                Budget(
                    year=year,
                    area_id=pk,
                    amount=Decimal("5000000.00") if level == AreaLevel.DISTRICT else Decimal("120000.00"),
                    remarks="合成数据",
                )
                for pk, level in areas.values_list("pk", "level")
                for year in years
            ],
            ignore_conflicts=True,
        )

    def write_payouts(start: int, stop: int) -> None:
        rng = rng_for("payouts", start)
        posts = (
            Membership.objects.filter(mediator_id__in=mediator_ids(start, stop).values())
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=plan.today))
            .annotate(**town_of_post())
            .values_list("mediator_id", "organization_id", "town_id", "employment")
            .order_by("mediator_id", "pk")
        )
        payouts, seen = [], set()
        for mediator, organization, town, employment in posts:
            common = {"mediator_id": mediator, "organization_id": organization, "area_id": town}
            if employment == Employment.FULL_TIME:
                for month in months:
                    status, paid = _state(month, plan.today)
                    key = (mediator, PayoutKind.POST, f"{month:%Y-%m}")
                    if key not in seen:
                        seen.add(key)
                        payouts.append(
                            Payout(
                                **common,
                                kind=PayoutKind.POST,
                                period=f"{month:%Y-%m}",
                                amount=Decimal("1000.00"),
                                status=status,
                                paid_date=paid,
                            )
                        )
            elif rng.random() < 0.05:
                month = rng.choice(months)
                status, paid = _state(month, plan.today)
                payouts.append(
                    Payout(
                        **common,
                        kind=PayoutKind.CASE,
                        period=f"{month:%Y-%m}",
                        case_number=f"({month.year})合成调字第{mediator}-{organization}号",
                        amount=Decimal("200.00"),
                        status=status,
                        paid_date=paid,
                    )
                )
        Payout.objects.bulk_create(payouts, ignore_conflicts=True)

    def payouts_done(start: int, stop: int) -> bool:
        numbers = [id_number(i) for i in range(start, min(stop, start + 50))]
        return Payout.objects.filter(mediator__id_number__in=numbers).exists()

    return [
        Step("补贴标准", lambda: 1, write_standards, lambda a, b: SubsidyStandard.objects.exists()),
        Step(
            "补贴预算",
            lambda: 1,
            write_budgets,
            lambda a, b: Budget.objects.filter(remarks="合成数据", year=years[-1]).exists(),
        ),
        Step("补贴发放", lambda: plan.tier.mediators, write_payouts, payouts_done),
    ]
