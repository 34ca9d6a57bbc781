"""Demo studios and commendations (synthetic, marked 演示). Four of six studios are recognized,
so the brands report shows the district one short of the target of five."""

from __future__ import annotations

import datetime
import random

from branding.models import Commendation, Studio, StudioStatus
from branding.models import CommendationLevel as Level
from registry.demo import TOWNS, demo_pks, upsert
from registry.models import Membership, Organization, OrganizationKind, Role

METHODS = [
    "“一听二查三调四访”：先听当事人诉说，再查清事实，依法依情调解，事后回访巩固。",
    "“板凳调解”：调解员带着板凳进院落，在家门口把矛盾化解在萌芽状态。",
    "“三方联调”：调解员、律师、社区民警共同参与，法理情结合。",
]
# 文号 templates take the year of the commendation
PERSON_TITLES = [
    ("全国模范人民调解员（演示）", Level.NATIONAL, "司法部", "司发〔{year}〕12号"),
    ("重庆市优秀人民调解员（演示）", Level.PROVINCIAL, "重庆市司法局", "渝司发〔{year}〕35号"),
    ("大渡口区优秀人民调解员（演示）", Level.DISTRICT, "大渡口区司法局", "大渡司发〔{year}〕8号"),
    ("街道优秀调解能手（演示）", Level.TOWN, "街道办事处", ""),
]
COLLECTIVE_TITLES = [
    ("全国模范人民调解委员会（演示）", Level.NATIONAL, "司法部", "司发〔{year}〕5号"),
    ("重庆市人民调解工作先进集体（演示）", Level.CITY, "重庆市司法局", "渝司发〔{year}〕40号"),
    ("大渡口区人民调解工作先进集体（演示）", Level.DISTRICT, "大渡口区司法局", "大渡司发〔{year}〕3号"),
]


def seed(rng: random.Random) -> None:
    # Namesakes: the directors of the town committees, taken in a fixed order (not from rng,
    # so the studios stay the same whatever other seeders draw).
    directors = list(
        Membership.objects.filter(
            organization__kind=OrganizationKind.TOWN,
            role=Role.DIRECTOR,
            end_date__isnull=True,
            pk__in=demo_pks(Membership),  # honours only for the demo's own people
        )
        .select_related("mediator", "organization__area")
        .order_by("organization__name")[: len(TOWNS)]
    )
    for i, post in enumerate(directors[:6]):
        start = post.start_date or datetime.date(2018, 1, 1)
        named = max(start, datetime.date(2020, 3, 1)) + datetime.timedelta(days=120 * i)
        recognized = i < 4
        upsert(
            Studio,
            {"name": f"老{post.mediator.name[0]}工作室（{post.organization.area.name}·演示）"},
            {
                "mediator": post.mediator,
                "organization": post.organization,
                "named_date": named if recognized else None,
                "status": StudioStatus.RECOGNIZED if recognized else StudioStatus.CULTIVATING,
                "method": METHODS[i % len(METHODS)],
            },
        )
        for j, (title, level, issuer, number) in enumerate(PERSON_TITLES[i % 2 : i % 2 + 2]):
            day = datetime.date(2019 + i % 4 + j, 12, 10)
            upsert(
                Commendation,
                {"mediator": post.mediator, "title": title, "date": day},
                {
                    "level": level,
                    "issuer": issuer,
                    "document_number": number.format(year=day.year),
                    "organization": None,
                },
            )

    committees = Organization.objects.filter(kind=OrganizationKind.TOWN, pk__in=demo_pks(Organization)).order_by("name")
    for i, org in enumerate(committees[:5]):
        title, level, issuer, number = COLLECTIVE_TITLES[i % len(COLLECTIVE_TITLES)]
        day = datetime.date(2021 + i % 3, 1, 15)
        upsert(
            Commendation,
            {"organization": org, "title": title, "date": day},
            {"level": level, "issuer": issuer, "document_number": number.format(year=day.year), "mediator": None},
        )
