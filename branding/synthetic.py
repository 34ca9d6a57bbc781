"""Synthetic studios and commendations for `manage.py make_synthetic` (benchmarks and demos only):
one studio per four towns/streets, named after a town committee's director (three in five
recognized), and a commendation for each namesake."""

from __future__ import annotations

import datetime

from branding.models import Commendation, CommendationLevel, Studio, StudioStatus
from registry.models import Membership, OrganizationKind, Role
from registry.synthetic import Step, SyntheticPlan, rng_for


def steps(plan: SyntheticPlan) -> list[Step]:
    count = max(5, plan.tier.towns // 4)

    def directors(start: int, stop: int):
        return (
            Membership.objects.filter(
                organization__kind=OrganizationKind.TOWN,
                organization__name__startswith="合成",
                role=Role.DIRECTOR,
                end_date__isnull=True,
            )
            .order_by("organization__name", "pk")
            .values_list("mediator_id", "organization_id", "start_date")[start:stop]
        )

    def write_studios(start: int, stop: int) -> None:
        rng = rng_for("studios", start)
        studios, commendations = [], []
        for n, (mediator, organization, began) in enumerate(directors(start, stop), start=start):
            named = max(began or datetime.date(2019, 1, 1), datetime.date(2020, 1, 1)) + datetime.timedelta(days=90)
            recognized = rng.random() < 0.6 and named <= plan.today
            studios.append(
                Studio(
                    name=f"合成工作室{n + 1:06d}",
                    mediator_id=mediator,
                    organization_id=organization,
                    named_date=named if recognized else None,
                    status=StudioStatus.RECOGNIZED if recognized else StudioStatus.CULTIVATING,
                )
            )
            commendations.append(
                Commendation(
                    mediator_id=mediator,
                    title="优秀人民调解员（合成）",
                    level=rng.choice(CommendationLevel.values),
                    date=datetime.date(2021 + n % 4, 12, 10),
                )
            )
        Studio.objects.bulk_create(studios, ignore_conflicts=True)
        Commendation.objects.bulk_create(commendations, ignore_conflicts=True)

    return [
        Step(
            "品牌工作室与表彰",
            lambda: count,
            write_studios,
            lambda a, b: Studio.objects.filter(name=f"合成工作室{a + 1:06d}").exists(),
            batch=1000,
        )
    ]
