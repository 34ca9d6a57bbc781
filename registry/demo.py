"""Synthetic demo data for the district of Dadukou (SPEC §6). Every person is invented;
villages, organizations and people carry 演示 in their names or remarks."""

from __future__ import annotations

import datetime
import random

from django.db import models
from django.utils import timezone
from stdnum.cn import ric

from registry.models import (
    Area,
    AreaLevel,
    Employment,
    Expert,
    HostUnit,
    HostUnitKind,
    Mediator,
    Membership,
    Organization,
    Role,
    normalize_department,
)
from registry.models import (
    OrganizationKind as Kind,
)
from registry.policy import STAFFING_QUOTAS

DISTRICT = "大渡口区"
TOWNS = [
    ("新山村街道", AreaLevel.STREET),
    ("跃进村街道", AreaLevel.STREET),
    ("九宫庙街道", AreaLevel.STREET),
    ("茄子溪街道", AreaLevel.STREET),
    ("春晖路街道", AreaLevel.STREET),
    ("八桥镇", AreaLevel.TOWN),
    ("建胜镇", AreaLevel.TOWN),
    ("跳磴镇", AreaLevel.TOWN),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌波辉鹏宇浩然欣怡晓燕德明海燕春梅淑珍"
DEMO_NOTE = "演示数据"
EDUCATIONS = ["大学本科", "大学专科", "高中", "初中", "研究生"]
POLITICAL = ["中共党员", "群众", "群众", "中共党员", "民主党派", "共青团员"]
# 主管部门 of the demo's administrative mediation organizations: four of the five key departments
DEPARTMENTS = {"市场监管": "市场监管", "公安": "区公安分局", "住房城乡建设": "住建委", "生态环境": "生态环境局"}
# fields each demo industry committee serves (7 of item 3's twelve are covered)
INDUSTRY_DOMAINS = {
    "医患纠纷": "医患纠纷、心理服务",
    "道路交通": "道路交通",
    "劳动争议": "劳动争议、建筑施工",
    "物业管理": "物业管理、城市管理、消费",
}


EXPIRED_TERMS, EXPIRING_TERMS = {0, 13, 22, 41}, {5, 27}  # which committees (numbered as in seed())


def term_start(n: int, today: datetime.date) -> datetime.date | None:
    """换届日期 of the demo's committee number `n`: a few expired, two ending within 90 days, every
    ninth unknown, the rest current. Whole months relative to today, so re-runs in a month change nothing."""
    month = today.replace(day=1)
    if n in EXPIRED_TERMS:
        return month.replace(year=month.year - 4)  # ended a year ago
    if n in EXPIRING_TERMS:  # ends next month
        ahead = month.month + 1
        return month.replace(year=month.year - 3 + (ahead > 12), month=(ahead - 1) % 12 + 1)
    if n % 9 == 8:
        return None
    return month.replace(year=month.year - 1)


def upsert(model: type[models.Model], lookup: dict, values: dict) -> models.Model:
    """get-or-create that saves only on a real change, so a second run writes nothing."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj
    changed = {
        k: v
        for k, v in values.items()
        if getattr(obj, k if not isinstance(v, models.Model) else f"{k}_id")
        != (v.pk if isinstance(v, models.Model) else v)
    }
    if changed:
        for key, value in changed.items():
            setattr(obj, key, value)
        obj.full_clean()
        obj.save()
    return obj


def synthetic_id(rng: random.Random) -> str:
    prefix = rng.choice(["500104", "510203"])
    birth = datetime.date(1955, 1, 1) + datetime.timedelta(days=rng.randrange(0, 46 * 365))
    body = f"{prefix}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def seed(rng: random.Random) -> None:
    district, towns, villages = _seed_areas()
    court, petition, stations = _seed_host_units(district, towns)
    orgs = _seed_organizations(district, towns, villages, court, petition, stations)
    _seed_mediators(rng, orgs)
    _seed_experts(rng, [o for o in orgs if o.kind == Kind.INDUSTRY])


def _seed_areas() -> tuple[Area, list[Area], dict[Area, list[Area]]]:
    district = upsert(Area, {"name": DISTRICT}, {"level": AreaLevel.DISTRICT, "parent": None})
    towns = [upsert(Area, {"name": name}, {"level": level, "parent": district}) for name, level in TOWNS]
    villages: dict[Area, list[Area]] = {}
    for town in towns:
        level = AreaLevel.VILLAGE if town.level == AreaLevel.TOWN else AreaLevel.COMMUNITY
        villages[town] = [
            upsert(Area, {"name": f"{town.name}演示{level}{n}"}, {"level": level, "parent": town}) for n in range(1, 5)
        ]
    return district, towns, villages


def _seed_host_units(district: Area, towns: list[Area]) -> tuple[HostUnit, HostUnit, list[HostUnit]]:
    court = upsert(HostUnit, {"name": "大渡口区人民法院"}, {"kind": HostUnitKind.COURT, "area": district})
    upsert(HostUnit, {"name": "大渡口区人民法院八桥法庭（演示）"}, {"kind": HostUnitKind.COURT, "area": towns[5]})
    petition = upsert(HostUnit, {"name": "大渡口区信访接待大厅"}, {"kind": HostUnitKind.PETITION, "area": district})
    stations = [
        upsert(
            HostUnit,
            {"name": f"{town.name}派出所（演示）"},
            {"kind": HostUnitKind.POLICE, "area": town, "officer_count": 12 + 4 * i},
        )
        for i, town in enumerate(towns)
    ]
    return court, petition, stations


def _seed_organizations(
    district: Area,
    towns: list[Area],
    villages: dict[Area, list[Area]],
    court: HostUnit,
    petition: HostUnit,
    stations: list[HostUnit],
) -> list[Organization]:
    def org(name: str, kind: str, area: Area, **fields) -> Organization:
        return upsert(Organization, {"name": name}, {"kind": kind, "area": area, **fields})

    today = timezone.localdate()
    orgs: list[Organization] = []
    for t, town in enumerate(towns):
        orgs.append(
            org(
                f"{town.name}人民调解委员会",
                Kind.TOWN,
                town,
                term_start=term_start(t, today),
                has_party_org=t % 3 != 2,
            )
        )
        # the last village of every other town has no committee yet: committee coverage shows a gap
        for i, village in enumerate(villages[town]):
            if i == 3 and towns.index(town) % 2:
                continue
            orgs.append(
                org(
                    f"{village.name}人民调解委员会",
                    Kind.VILLAGE,
                    village,
                    term_start=term_start(10 + 4 * t + i, today),
                    # the bureau designates the first village of every town able to have a full-timer
                    full_time_designated=i == 0,
                    has_party_org=i % 2 == 0,
                )
            )
    for n, (domain, domains) in enumerate(INDUSTRY_DOMAINS.items()):
        orgs.append(
            org(
                f"大渡口区{domain}人民调解委员会（演示）",
                Kind.INDUSTRY,
                district,
                domains=domains,
                in_mediation_centre=n != 3,  # three of four have a room in the district mediation centre
                term_start=term_start(40 + n, today),
                has_party_org=True,
            )
        )
    orgs.append(org("重钢演示企业人民调解委员会", Kind.ENTERPRISE, towns[3], term_start=term_start(50, today)))
    orgs.append(org("大渡口区人民法院诉前调解室（演示）", Kind.COURT_ROOM, district, host_unit=court))
    orgs.append(org("大渡口区信访事项调解室（演示）", Kind.PETITION_ROOM, district, host_unit=petition))
    for station in stations[2:7]:
        orgs.append(org(f"{station.name}驻所调解室", Kind.POLICE_ROOM, station.area, host_unit=station))
    for department, written in DEPARTMENTS.items():
        orgs.append(
            org(
                f"大渡口区{department}行政调解组织（演示）",
                Kind.ADMINISTRATIVE,
                district,
                department=normalize_department(written),
            )
        )
    return orgs


def _seed_mediators(rng: random.Random, orgs: list[Organization]) -> None:
    for index, org in enumerate(orgs):
        quota = STAFFING_QUOTAS.get(org.kind, 0)
        full_time = quota if index % 4 else max(0, quota - 1)  # every fourth organization is short
        for n in range(full_time + rng.randrange(3, 9)):
            employment = Employment.FULL_TIME if n < full_time else Employment.PART_TIME
            person = upsert(
                Mediator,
                {"id_number": synthetic_id(rng)},
                {
                    "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2]))),
                    "phone": f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
                    "categories": rng.choice(
                        ["", "", "五老人员", "城乡社区工作者", "专业技术人员", "律师", "志愿者、党代表"]
                    ),
                    "remarks": DEMO_NOTE,
                },
            )
            # derived from the (fixed) ID number, not drawn from rng, so earlier demo data keeps its people
            person = upsert(
                Mediator,
                {"pk": person.pk},
                {
                    "education": EDUCATIONS[int(person.id_number[14:17]) % len(EDUCATIONS)],
                    "political_status": POLITICAL[int(person.id_number[8:10]) % len(POLITICAL)],
                },
            )
            start = datetime.date(2018, 1, 1) + datetime.timedelta(days=rng.randrange(0, 4 * 365))
            role = Role.DIRECTOR if n == 0 else rng.choice([Role.MEMBER, Role.MEDIATOR, Role.MEDIATOR])
            upsert(
                Membership,
                {"mediator": person, "organization": org, "start_date": start},
                {"role": role, "employment": employment, "end_date": None},
            )


def _seed_experts(rng: random.Random, industry: list[Organization]) -> None:
    for n in range(20):
        expert = upsert(
            Expert,
            {"name": f"演示专家{n + 1:02d}", "employer": "大渡口区演示医院" if n % 2 else "重庆演示律师事务所"},
            {
                "domains": rng.choice(["医患纠纷", "劳动争议", "道路交通", "婚姻家庭、心理服务"]),
                "title": rng.choice(["主任医师", "律师", "副教授", "高级工程师"]),
                "id_number": None,
            },
        )
        served = industry[n % 3]  # the fourth industry committee has no expert
        if not expert.organizations.filter(pk=served.pk).exists():
            expert.organizations.add(served)
