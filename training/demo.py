"""Synthetic trainings for the demo district (runs after registry.demo.seed).

Every year from 2021 the district holds one session and most towns two; 跳磴镇 holds only
one from 2023 and some mediators are never signed in, so the training report has gaps to show.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from registry.demo import DISTRICT, TOWNS, demo_pks, is_demo, upsert
from registry.kernel.scope import town_areas
from registry.models import Area, Membership
from training.models import Attendance, TrainingSession

TOPICS = [
    "《人民调解法》与调解技巧",
    "矛盾纠纷排查化解",
    "婚姻家庭纠纷调解实务",
    "物业与邻里纠纷调解",
    "调解文书制作规范",
]
SHORT_TOWN = "跳磴镇"
TOWN_CODES = {name: f"Z{n:02d}" for n, (name, _) in enumerate(TOWNS, start=1)}


def seed(rng: random.Random) -> None:
    today = timezone.localdate()
    district = Area.objects.get(name=DISTRICT)
    towns = {a.name: a for a in Area.objects.filter(name__in=[name for name, _ in TOWNS])}
    for year in range(2021, today.year + 1):
        plan = [(f"QX{year}-01", district, datetime.date(year, 6, 18), "区级")]
        for name, _ in TOWNS:
            dates = [datetime.date(year, 4, 12), datetime.date(year, 10, 20)]
            if name == SHORT_TOWN and year >= 2023:
                dates = dates[:1]
            plan += [(f"{TOWN_CODES[name]}-{year}-{n:02d}", towns[name], d, "镇街") for n, d in enumerate(dates, 1)]
        for code, area, date, level in plan:
            if date > today:
                continue
            topic = TOPICS[(date.year + date.month + len(area.name)) % len(TOPICS)]
            session = upsert(
                TrainingSession,
                {"code": code},
                {
                    "name": f"{date.year}年{area.name}人民调解员集中培训（演示）",
                    "area": area,
                    "date": date,
                    "hours": Decimal("4") if level == "区级" else Decimal("2"),
                    "topic": topic,
                    "venue": f"{area.name}司法所会议室（演示）",
                },
            )
            if is_demo(session):  # a user's session with the demo's code is left alone
                sign_in(session, rng)


def sign_in(session: TrainingSession, rng: random.Random) -> None:
    """About two in three of the mediators in post on the day attend (the district: a sample)."""
    # the demo's own posts only: users' people are never signed in to demo sessions
    posts = (
        Membership.objects.active_on(session.date)
        .filter(pk__in=demo_pks(Membership))
        .order_by("mediator_id")
        .values_list("mediator_id", flat=True)
    )
    if session.area.parent_id is not None:
        town = town_areas(session.area_id)
        posts = posts.filter(organization__area__in=town)
    people = sorted(set(posts))
    share = 0.25 if session.area.parent_id is None else 0.65
    chosen = [pk for pk in people if rng.random() < share]
    have = set(Attendance.objects.filter(session=session).values_list("mediator_id", flat=True))
    new = [Attendance(session=session, mediator_id=pk) for pk in chosen if pk not in have]
    if new:
        bulk_create_with_history(new, Attendance)
