"""Synthetic trainings and sign-ins for `manage.py make_synthetic` (benchmarks and demos only).

The last two years: the district holds one session (most years), a town/street two (some
one, a few none); about 70% of a town's mediators in post attend each of its sessions and
30% the district's, so the training report has untrained people and short towns to show.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q

from registry.models import TOWN_LEVELS, Area, AreaLevel, Membership
from registry.synthetic import Step, SyntheticPlan, id_number, mediator_ids, rng_for, town_of_post
from training.models import Attendance, TrainingSession

TOWN_DATES = ((4, 12), (10, 20))
DISTRICT_DATE = (6, 18)


def steps(plan: SyntheticPlan) -> list[Step]:
    organizers = [plan.district_name(d) for d in range(plan.tier.districts)] + [t[0] for t in plan.towns]
    years = (plan.today.year - 1, plan.today.year)

    def sessions_of(index: int, name: str) -> list[tuple[str, datetime.date]]:
        rng = rng_for("sessions", index)
        out = []
        for year in years:
            if index < plan.tier.districts:
                dates = [DISTRICT_DATE] if rng.random() < 0.95 else []
            else:
                draw = rng.random()
                dates = list(TOWN_DATES) if draw < 0.85 else list(TOWN_DATES[:1]) if draw < 0.95 else []
            for n, (month, day) in enumerate(dates, start=1):
                date = datetime.date(year, month, day)
                if date <= plan.today:
                    out.append((f"HC{index:06d}-{year}-{n:02d}", date))
        return out

    def write_sessions(start: int, stop: int) -> None:
        names = organizers[start:stop]
        areas = dict(Area.objects.filter(name__in=names).values_list("name", "pk"))
        TrainingSession.objects.bulk_create(
            [
                TrainingSession(
                    code=code,
                    name=f"{date.year}年{name}人民调解员集中培训（合成）",
                    area_id=areas[name],
                    date=date,
                    hours=Decimal("4") if index < plan.tier.districts else Decimal("2"),
                    topic="矛盾纠纷排查化解（合成）",
                )
                for index, name in enumerate(names, start=start)
                for code, date in sessions_of(index, name)
            ],
            ignore_conflicts=True,
        )

    def sessions_done(start: int, stop: int) -> bool:
        codes = [code for i in range(start, min(stop, start + 50)) for code, _ in sessions_of(i, organizers[i])]
        return TrainingSession.objects.filter(code__in=codes).exists()

    cache: dict[str, dict] = {}

    def session_map() -> tuple[dict[int, list[tuple[int, datetime.date]]], dict[int, int]]:
        """town or district pk → its sessions; town pk → its district pk (loaded once per run)."""
        if not cache:
            by_area: dict[int, list] = {}
            for pk, area_id, date in TrainingSession.objects.filter(code__startswith="HC").values_list(
                "pk", "area_id", "date"
            ):
                by_area.setdefault(area_id, []).append((pk, date))
            cache["sessions"] = by_area
            cache["district_of"] = dict(Area.objects.filter(level__in=TOWN_LEVELS).values_list("pk", "parent_id")) | {
                pk: pk for pk in Area.objects.filter(level=AreaLevel.DISTRICT).values_list("pk", flat=True)
            }
        return cache["sessions"], cache["district_of"]

    def write_attendance(start: int, stop: int) -> None:
        sessions, district_of = session_map()
        rng = rng_for("attendance", start)
        first_day = datetime.date(years[0], 1, 1)
        posts = (
            Membership.objects.filter(mediator_id__in=mediator_ids(start, stop).values())
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=first_day))
            .annotate(**town_of_post())
            .values_list("mediator_id", "town_id", "start_date", "end_date")
            .order_by("mediator_id", "pk")
        )
        chosen: set[tuple[int, int]] = set()
        for mediator, town, began, ended in posts:
            district = district_of.get(town, town)
            for area, share in ((town, 0.7), (district, 0.3)):
                for session, date in sessions.get(area, ()) if area is not None else ():
                    in_post = (began is None or began <= date) and (ended is None or date <= ended)
                    if in_post and rng.random() < share:
                        chosen.add((session, mediator))
        Attendance.objects.bulk_create(
            [Attendance(session_id=s, mediator_id=m) for s, m in sorted(chosen)], ignore_conflicts=True
        )

    def attendance_done(start: int, stop: int) -> bool:
        numbers = [id_number(i) for i in range(start, min(stop, start + 50))]
        return Attendance.objects.filter(mediator__id_number__in=numbers).exists()

    return [
        Step("集中培训", lambda: len(organizers), write_sessions, sessions_done),
        Step("参训记录", lambda: plan.tier.mediators, write_attendance, attendance_done),
    ]
