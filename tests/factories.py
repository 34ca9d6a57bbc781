"""Plain builders for test data; every test module uses these instead of its own."""

from __future__ import annotations

import datetime
import itertools

from stdnum.cn import ric

from registry.models import Area, Employment, Mediator, Membership, Organization, Role

_seq = itertools.count(1)


def make_id(prefix: str = "500104", birth: datetime.date | str = "19700101", seq: int | None = None) -> str:
    """A checksum-valid 18-digit ID; odd `seq` is male, even is female."""
    if isinstance(birth, datetime.date):
        birth = f"{birth:%Y%m%d}"
    seq = next(_seq) % 1000 if seq is None else seq
    body = f"{prefix}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_mediator(name: str = "张三", id_number: str | None = None, **fields) -> Mediator:
    mediator = Mediator(name=name, id_number=id_number or make_id(), **fields)
    mediator.full_clean()
    mediator.save()
    return mediator


def make_post(
    mediator: Mediator,
    organization: Organization,
    employment: str = Employment.FULL_TIME,
    start: datetime.date | None = datetime.date(2020, 1, 1),
    end: datetime.date | None = None,
    role: str = Role.MEDIATOR,
) -> Membership:
    post = Membership(
        mediator=mediator, organization=organization, employment=employment, start_date=start, end_date=end, role=role
    )
    post.full_clean()
    post.save()
    return post


def make_org(name: str, kind: str, area: Area, **fields) -> Organization:
    org = Organization(name=name, kind=kind, area=area, **fields)
    org.full_clean()
    org.save()
    return org
