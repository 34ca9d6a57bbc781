"""A hand-worked branding fixture: studios and commendations in two streets."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from branding.models import Commendation, CommendationLevel, Studio, StudioStatus
from registry.models import Employment
from tests.factories import make_mediator, make_post

D = datetime.date


@pytest.fixture
def brands(district):
    """新山村街道 (A): 老马 (named 2021-05-01, in the community committee), 老李 (named 2023-03-01);
    跃进村街道 (B): 老王 (培育中). Commendations: 2 for 老马 (区级 2020, 市级 2021), 1 collective for
    org_b (国家级 2021), 1 for 老王 (区级 2023)."""
    ma = make_mediator("马大姐")
    li = make_mediator("李师傅")
    wang = make_mediator("王调解")
    make_post(ma, district.org_a1, start=D(2019, 1, 1))
    make_post(li, district.org_a, start=D(2020, 1, 1))
    make_post(wang, district.org_b, employment=Employment.PART_TIME, start=D(2020, 1, 1))
    studios = SimpleNamespace(
        ma=Studio.objects.create(
            name="老马工作室",
            mediator=ma,
            organization=district.org_a1,
            named_date=D(2021, 5, 1),
            status=StudioStatus.RECOGNIZED,
        ),
        li=Studio.objects.create(
            name="老李工作室",
            mediator=li,
            organization=district.org_a,
            named_date=D(2023, 3, 1),
            status=StudioStatus.RECOGNIZED,
        ),
        wang=Studio.objects.create(
            name="老王工作室", mediator=wang, organization=district.org_b, status=StudioStatus.CULTIVATING
        ),
    )
    c = CommendationLevel
    commendations = [
        Commendation.objects.create(mediator=ma, title="区优秀调解员", level=c.DISTRICT, date=D(2020, 12, 1)),
        Commendation.objects.create(
            mediator=ma,
            title="市优秀调解员",
            level=c.CITY,
            date=D(2021, 12, 1),
            issuer="重庆市司法局",
            document_number="渝司发〔2021〕1号",
        ),
        Commendation.objects.create(
            organization=district.org_b, title="全国模范人民调解委员会", level=c.NATIONAL, date=D(2021, 6, 1)
        ),
        Commendation.objects.create(mediator=wang, title="区优秀调解员", level=c.DISTRICT, date=D(2023, 12, 1)),
    ]
    return SimpleNamespace(ma=ma, li=li, wang=wang, studios=studios, commendations=commendations)
