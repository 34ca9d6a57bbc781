"""A hand-worked training year (2023) on the shared two-street district.

大渡口区: one session in 2023 (D1) and one in 2022 → 1 of 1.
新山村街道 (A): A1 (Mar) and A2 (Sep) in 2023, A0 in 2024 → 2 of 2 (1 of 2 as of 2023-06-30).
跃进村街道 (B): B1 in 2023, B0 in 2022 → 1 of 2, short 1.
Mediators: 甲 (A) at A1 and D1 (6 hours); 乙 (B) only at B0 (2022) → untrained;
丙 (A) left on 2023-06-30, never trained → not on the list as of 2023-12-31;
丁 (B, part-time) at B1; 戊 (新山社区) never trained → untrained, counted under A.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from registry.models import Employment
from tests.factories import make_mediator, make_post
from training.models import Attendance, TrainingSession


def make_session(code: str, area, date: str, hours: str | None = "2", name: str | None = None) -> TrainingSession:
    session = TrainingSession(
        code=code,
        name=name or f"{area.name}培训{code}",
        area=area,
        date=datetime.date.fromisoformat(date),
        hours=Decimal(hours) if hours else None,
    )
    session.full_clean()
    session.save()
    return session


@pytest.fixture
def year(district):
    d = district
    s = SimpleNamespace(
        d1=make_session("QX-2023-01", d.district, "2023-05-10", "4"),
        d0=make_session("QX-2022-01", d.district, "2022-11-01", "4"),
        a1=make_session("XS-2023-01", d.a, "2023-03-01", "2"),
        a2=make_session("XS-2023-02", d.a, "2023-09-01", "3"),
        a0=make_session("XS-2024-01", d.a, "2024-01-05", "2"),
        b1=make_session("YJ-2023-01", d.b, "2023-04-01", "2"),
        b0=make_session("YJ-2022-01", d.b, "2022-06-01", "2"),
    )
    s.jia, s.yi, s.bing = make_mediator("甲"), make_mediator("乙"), make_mediator("丙")
    s.ding, s.wu = make_mediator("丁"), make_mediator("戊")
    make_post(s.jia, d.org_a)
    make_post(s.yi, d.org_b)
    make_post(s.bing, d.org_a, start=datetime.date(2019, 1, 1), end=datetime.date(2023, 6, 30))
    make_post(s.ding, d.org_b, employment=Employment.PART_TIME)
    make_post(s.wu, d.org_a1)
    for session, person in [(s.a1, s.jia), (s.d1, s.jia), (s.b0, s.yi), (s.b1, s.ding)]:
        Attendance.objects.create(session=session, mediator=person)
    return s
