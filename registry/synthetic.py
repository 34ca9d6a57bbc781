"""Synthetic rosters at the size of a district, a city, a province or the whole country,
for benchmarks and demos — NEVER production data (`manage.py make_synthetic`).

Everything is written by bulk paths in batches, one transaction per batch; every batch is
derived from the tier, its own index and a fixed seed, never from earlier batches' random
draws, so an interrupted load resumes where it stopped: a batch whose first record
exists is skipped. bulk_create writes no django-simple-history rows (nobody edited these).

Each app adds its own records: `hooks.register(hooks.SYNTHETIC_GENERATOR, "app.synthetic.steps")`,
a function `steps(plan: SyntheticPlan) -> list[Step]` run after the roster's.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from registry.models import (
    COMMITTEE_KINDS,
    Area,
    AreaLevel,
    Employment,
    Expert,
    HostUnit,
    HostUnitKind,
    KeyDepartment,
    Mediator,
    Membership,
    Organization,
    Role,
    town_expression,
)
from registry.models import OrganizationKind as Kind
from registry.policy import STAFFING_QUOTAS

SYNTHETIC_NOTE = "合成数据（仅供性能测试和演示，非真实人员）"
WARNING = "注意：make_synthetic 生成的是合成数据，仅用于性能测试和演示，切勿导入或用于生产环境。"
BATCH = 5000
SEED = 16


@dataclass(frozen=True)
class Tier:
    districts: int
    towns: int
    villages: int
    organizations: int
    mediators: int
    full_time: int
    experts: int

    def scaled(self, factor: float) -> Tier:
        return Tier(**{k: max(1, round(v * factor)) for k, v in self.__dict__.items()})


# Real proportions: the country has ~2,850 county-level divisions, ~38,700 towns/streets,
# ~600,000 villages/communities, ~693,000 people's mediation committees and organizations,
# ~3.18 million people's mediators of whom ~412,000 full-time (Ministry of Justice figures).
# The city is the one measured in issue 16; the province is about a twentieth of the country.
TIERS: dict[str, Tier] = {
    "district": Tier(districts=1, towns=8, villages=120, organizations=300, mediators=2_000, full_time=500, experts=30),
    "city": Tier(
        districts=10, towns=200, villages=10_000, organizations=20_000, mediators=100_000, full_time=35_000, experts=500
    ),
    "province": Tier(
        districts=140,
        towns=1_900,
        villages=30_000,
        organizations=34_650,
        mediators=159_000,
        full_time=20_600,
        experts=1_500,
    ),
    "nation": Tier(
        districts=2_850,
        towns=38_700,
        villages=600_000,
        organizations=693_000,
        mediators=3_180_000,
        full_time=412_000,
        experts=30_000,
    ),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌波辉鹏宇浩然欣怡晓燕德明海燕春梅淑珍"
EDUCATION = ["研究生", "大学本科", "大学本科", "大学专科", "大学专科", "高中", "初中及以下"]
POLITICAL = ["中共党员", "中共党员", "群众", "群众", "群众", "共青团员", "民主党派"]
CATEGORIES = ["", "", "", "五老人员", "城乡社区工作者", "专业技术人员", "律师", "志愿者、党代表", "人大代表"]
DOMAINS = ["医患纠纷", "道路交通", "物业管理", "城市管理", "劳动争议", "征地拆迁", "生态环保", "婚姻家庭"]
DOMAINS += ["建筑施工", "旅游", "消费", "商务", "知识产权", "互联网", "商事", "心理服务"]
# county codes assigned through the whole birth range, so stdnum accepts every birth year
REGION_PREFIXES = ["110101", "110102", "110105", "310104", "310101", "120101"]
BIRTH_DAYS = 16_000  # births spread over 1956-01-01 + 16,000 days (ages ~25–70)


def id_number(index: int) -> str:
    """The `index`-th synthetic person's ID number: unique for index < 16 million, checksum-valid.

    (birth day, sequence) is a bijection of the index (7919 is prime to BIRTH_DAYS), so ages
    spread evenly over the whole range whatever the tier size.
    """
    sequence, rest = divmod(index, BIRTH_DAYS)
    birth = datetime.date(1956, 1, 1) + datetime.timedelta(days=rest * 7919 % BIRTH_DAYS)
    body = f"{REGION_PREFIXES[index % len(REGION_PREFIXES)]}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def rng_for(*key: object) -> random.Random:
    """A generator of its own for one batch: the same draws however the load was interrupted."""
    return random.Random("|".join(map(str, (SEED, *key))))


@dataclass
class Step:
    """`size` items written `batch` at a time by `write(start, stop)` in one transaction each;
    `done(start, stop)` says a slice is already there (resuming skips it)."""

    label: str
    size: Callable[[], int]
    write: Callable[[int, int], None]
    done: Callable[[int, int], bool]
    batch: int = BATCH


def run_steps(
    steps: Iterable[Step], progress: Callable[..., object] | None = None, batch: int | None = None
) -> dict[str, int]:
    """Run each step batch by batch (`batch` overrides every step's size: tests use small ones);
    returns per step how many batches were written (not skipped)."""
    written: dict[str, int] = {}
    for step in steps:
        size, per_batch = step.size(), batch or step.batch
        bar = progress(total=size, desc=step.label, unit="条") if progress else None
        written[step.label] = 0
        for start in range(0, size, per_batch):
            stop = min(size, start + per_batch)
            if not step.done(start, stop):
                with transaction.atomic():
                    step.write(start, stop)
                written[step.label] += 1
            if bar is not None:
                bar.update(stop - start)
        if bar is not None:
            bar.close()
    return written


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class OrgPlan:
    name: str
    kind: str
    area: str  # area name
    host: str = ""  # host unit name (stationed rooms)
    domains: str = ""


class SyntheticPlan:
    """Names and shapes of every record of a tier, computed (deterministically) from the sizes alone."""

    def __init__(self, tier: Tier, today: datetime.date | None = None):
        self.tier = tier
        self.today = today or timezone.localdate()

    # -- areas: district d → towns → villages, names carry 合成
    def district_name(self, d: int) -> str:
        return f"合成{d + 1:04d}区"

    @cached_property
    def towns(self) -> list[tuple[str, str, str]]:
        """(name, level, parent name) of every town/street, spread over the districts."""
        out = []
        for t in range(self.tier.towns):
            d = t % self.tier.districts
            level = AreaLevel.STREET if t % 3 else AreaLevel.TOWN
            out.append((f"{self.district_name(d)}{t + 1:05d}{level}", level, self.district_name(d)))
        return out

    def village(self, v: int) -> tuple[str, str, str]:
        town_name, town_level, _ = self.towns[v % self.tier.towns]
        level = AreaLevel.VILLAGE if town_level == AreaLevel.TOWN else AreaLevel.COMMUNITY
        return f"{town_name}{v + 1:06d}{level}", level, town_name

    # -- host units: per district a court, two tribunals and a petition hall; ~1.1 stations per town
    @cached_property
    def host_units(self) -> list[tuple[str, str, str, int | None]]:
        """(name, kind, area name, officers)."""
        out = []
        for d in range(self.tier.districts):
            district = self.district_name(d)
            out.append((f"{district}人民法院", HostUnitKind.COURT, district, None))
            for n, (town, _, _) in enumerate(self.towns[d :: self.tier.districts][:2], start=1):
                out.append((f"{district}人民法院第{n}法庭", HostUnitKind.COURT, town, None))
            out.append((f"{district}信访接待大厅", HostUnitKind.PETITION, district, None))
        stations = round(self.tier.towns * 1.1)
        for s in range(stations):
            town = self.towns[s % self.tier.towns][0]
            officers = 8 + (s * 37) % 53  # 8–60: some stations under the 20-officer line
            out.append((f"{town}派出所{s // self.tier.towns + 1}", HostUnitKind.POLICE, town, officers))
        return out

    # -- organizations: committees of every town and (most) villages, stationed rooms, the rest
    @cached_property
    def organizations(self) -> list[OrgPlan]:
        rng = rng_for("organizations", self.tier)
        out = []
        for t, (town, _, _) in enumerate(self.towns):
            if t % 97 != 13:  # about one town in a hundred has no committee yet
                out.append(OrgPlan(f"{town}人民调解委员会", Kind.TOWN, town))
        room_kind = {HostUnitKind.COURT: Kind.COURT_ROOM, HostUnitKind.PETITION: Kind.PETITION_ROOM}
        room_kind[HostUnitKind.POLICE] = Kind.POLICE_ROOM
        for name, kind, area, _ in self.host_units:
            if rng.random() < {HostUnitKind.COURT: 0.9, HostUnitKind.PETITION: 0.95}.get(kind, 0.7):
                out.append(OrgPlan(f"{name}调解室", room_kind[kind], area, host=name))
        villages = self.tier.villages
        committees = [v for v in range(villages) if rng.random() < 0.97]
        remaining = max(0, self.tier.organizations - len(out) - len(committees))
        committees = committees[: max(0, self.tier.organizations - len(out))]
        out += [OrgPlan(f"{self.village(v)[0]}人民调解委员会", Kind.VILLAGE, self.village(v)[0]) for v in committees]
        shares = [(Kind.ENTERPRISE, 0.6), (Kind.INDUSTRY, 0.12), (Kind.ADMINISTRATIVE, 0.08), (Kind.OTHER, 0.2)]
        for n in range(remaining):
            kind = next(k for k, share in _cumulative(shares) if (n * 0.618034) % 1 < share)
            if kind == Kind.ENTERPRISE:
                area = (
                    self.village(rng.randrange(villages))[0]
                    if rng.random() < 0.5
                    else self.towns[n % self.tier.towns][0]
                )
            elif kind == Kind.OTHER:
                area = self.towns[n % self.tier.towns][0]
            else:
                area = self.district_name(n % self.tier.districts)
            domains = "、".join(rng.sample(DOMAINS, rng.choice([1, 1, 2]))) if kind == Kind.INDUSTRY else ""
            out.append(OrgPlan(f"合成{kind}{n + 1:07d}", kind, area, domains=domains))
        return out

    @cached_property
    def full_time_slots(self) -> list[int]:
        """Organization index of each full-time post: town committees, industry committees and
        rooms are mostly staffed to quota; village and enterprise committees share what is left;
        any surplus lands anywhere (some organizations have more than their quota)."""
        rng = rng_for("slots", self.tier)
        orgs = self.organizations
        priority = {Kind.TOWN, Kind.INDUSTRY, Kind.COURT_ROOM, Kind.POLICE_ROOM, Kind.PETITION_ROOM}
        slots: list[int] = []
        for i, org in enumerate(orgs):
            if org.kind in priority:
                quota = STAFFING_QUOTAS[org.kind]
                slots += [i] * (quota if rng.random() < 0.9 else quota - 1)
        rest = [i for i, org in enumerate(orgs) if org.kind in (Kind.VILLAGE, Kind.ENTERPRISE)]
        budget = max(0, self.tier.full_time - len(slots))
        share = min(1.0, budget / len(rest)) * 0.95 if rest else 0
        slots += [i for i in rest if rng.random() < share]
        slots = slots[: self.tier.full_time]
        while len(slots) < self.tier.full_time:
            slots.append(rng.randrange(len(orgs)))
        rng.shuffle(slots)
        return slots


def _cumulative(shares: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    total, out = 0.0, []
    for kind, share in shares:
        total += share
        out.append((kind, total))
    out[-1] = (out[-1][0], 1.01)
    return out


def area_ids(names: Iterable[str]) -> dict[str, int]:
    return dict(Area.objects.filter(name__in=set(names)).values_list("name", "pk"))


def organization_ids(names: Iterable[str]) -> dict[str, int]:
    return dict(Organization.objects.filter(name__in=set(names)).values_list("name", "pk"))


def mediator_ids(start: int, stop: int) -> dict[str, int]:
    """ID number → pk of the synthetic persons start..stop-1 (those already written)."""
    numbers = [id_number(i) for i in range(start, stop)]
    return dict(Mediator.objects.filter(id_number__in=numbers).values_list("id_number", "pk"))


def _date_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange(max(1, (last - first).days + 1)))


# ---------------------------------------------------------------- the roster's steps


def steps(plan: SyntheticPlan) -> list[Step]:
    tier = plan.tier

    def write_districts(start, stop):
        Area.objects.bulk_create(
            [Area(name=plan.district_name(d), level=AreaLevel.DISTRICT) for d in range(start, stop)],
            ignore_conflicts=True,
        )

    def write_towns(start, stop):
        rows = plan.towns[start:stop]
        parents = area_ids(parent for _, _, parent in rows)
        Area.objects.bulk_create(
            [Area(name=n, level=level, parent_id=parents[p]) for n, level, p in rows], ignore_conflicts=True
        )

    def write_villages(start, stop):
        rows = [plan.village(v) for v in range(start, stop)]
        parents = area_ids(parent for _, _, parent in rows)
        Area.objects.bulk_create(
            [Area(name=n, level=level, parent_id=parents[p]) for n, level, p in rows], ignore_conflicts=True
        )

    def write_host_units(start, stop):
        rows = plan.host_units[start:stop]
        areas = area_ids(area for _, _, area, _ in rows)
        HostUnit.objects.bulk_create(
            [HostUnit(name=n, kind=k, area_id=areas[a], officer_count=o) for n, k, a, o in rows],
            ignore_conflicts=True,
        )

    def write_organizations(start, stop):
        rows = plan.organizations[start:stop]
        areas = area_ids(org.area for org in rows)
        hosts = dict(HostUnit.objects.filter(name__in={o.host for o in rows if o.host}).values_list("name", "pk"))
        rng = rng_for("organization-details", start)
        Organization.objects.bulk_create(
            [
                Organization(
                    name=org.name,
                    kind=org.kind,
                    area_id=areas[org.area],
                    host_unit_id=hosts.get(org.host),
                    domains=org.domains,
                    founded_date=_date_between(rng, datetime.date(2005, 1, 1), datetime.date(2019, 12, 31)),
                    has_party_org=rng.random() < 0.6,
                    leader=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    **_plan_fields(org, rng, plan.today),
                )
                for org in rows
            ],
            ignore_conflicts=True,
        )

    def write_mediators(start, stop):
        """Persons start..stop-1 with their posts: the first `full_time` persons hold the
        full-time posts of the plan; about 8% held an earlier post that ended (a departure
        and a new start), about 4% have left altogether."""
        rng = rng_for("mediators", start)
        orgs = plan.organizations
        slots = plan.full_time_slots
        people, posts = [], []
        for i in range(start, stop):
            number = id_number(i)
            people.append(
                Mediator(
                    name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2]))),
                    id_number=number,
                    gender="男" if int(number[16]) % 2 else "女",
                    birth_date=datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                    education=rng.choice(EDUCATION),
                    political_status=rng.choice(POLITICAL),
                    categories=rng.choice(CATEGORIES),
                    phone=f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
                    remarks=SYNTHETIC_NOTE,
                )
            )
            full_time = i < len(slots)
            org = orgs[slots[i]] if full_time else orgs[rng.randrange(len(orgs))]
            start_date = None if rng.random() < 0.03 else _date_between(rng, datetime.date(2019, 1, 1), plan.today)
            end_date = None
            draw = rng.random()
            if draw < 0.04 and start_date is not None:  # left, no new post
                end_date = _date_between(rng, start_date, plan.today)
            posts.append((number, org.name, full_time, start_date, end_date))
            if 0.04 <= draw < 0.12:  # an earlier post elsewhere, ended before this one began
                earlier = orgs[rng.randrange(len(orgs))]
                began = _date_between(rng, datetime.date(2010, 1, 1), datetime.date(2014, 12, 31))
                ended = _date_between(rng, datetime.date(2015, 1, 1), datetime.date(2018, 12, 31))
                # a full-time earlier post only where the current one has a start (no overlap)
                if earlier.name != org.name:
                    posts.append((number, earlier.name, start_date is not None and rng.random() < 0.5, began, ended))
        Mediator.objects.bulk_create(people, ignore_conflicts=True)
        pks = mediator_ids(start, stop)
        org_pks = organization_ids(name for _, name, _, _, _ in posts)
        first_in_org: set[str] = set()
        Membership.objects.bulk_create(
            [
                Membership(
                    mediator_id=pks[number],
                    organization_id=org_pks[name],
                    employment=Employment.FULL_TIME if full_time else Employment.PART_TIME,
                    role=_role(name, first_in_org, rng),
                    start_date=begin,
                    end_date=end,
                )
                for number, name, full_time, begin, end in posts
            ],
            ignore_conflicts=True,
        )

    def write_experts(start, stop):
        rng = rng_for("experts", start)
        industry = [o.name for o in plan.organizations if o.kind == Kind.INDUSTRY]
        experts = [
            Expert(
                name=f"合成专家{n + 1:06d}",
                employer=f"合成{rng.choice(['医院', '律师事务所', '大学', '设计院'])}{n % 97 + 1:02d}",
                domains="、".join(rng.sample(DOMAINS, rng.choice([1, 2]))),
                title=rng.choice(["主任医师", "律师", "副教授", "高级工程师"]),
                joined_date=_date_between(rng, datetime.date(2016, 1, 1), datetime.date(2024, 12, 31)),
            )
            for n in range(start, stop)
        ]
        Expert.objects.bulk_create(experts, ignore_conflicts=True)
        if not industry:
            return
        pks = dict(Expert.objects.filter(name__in=[e.name for e in experts]).values_list("name", "pk"))
        # two in three experts serve one industry committee; some committees get none
        served = {e.name: industry[rng.randrange(len(industry))] for e in experts if rng.random() < 0.67}
        org_pks = organization_ids(served.values())
        Through = Expert.organizations.through
        Through.objects.bulk_create(
            [Through(expert_id=pks[e], organization_id=org_pks[o]) for e, o in served.items()],
            ignore_conflicts=True,
        )

    return [
        Step(
            "区县",
            lambda: tier.districts,
            write_districts,
            lambda a, b: Area.objects.filter(name=plan.district_name(a)).exists(),
        ),
        Step(
            "乡镇/街道",
            lambda: len(plan.towns),
            write_towns,
            lambda a, b: Area.objects.filter(name=plan.towns[a][0]).exists(),
        ),
        Step(
            "村/社区",
            lambda: tier.villages,
            write_villages,
            lambda a, b: Area.objects.filter(name=plan.village(a)[0]).exists(),
        ),
        Step(
            "派驻单位",
            lambda: len(plan.host_units),
            write_host_units,
            lambda a, b: HostUnit.objects.filter(name=plan.host_units[a][0]).exists(),
        ),
        Step(
            "调解组织",
            lambda: len(plan.organizations),
            write_organizations,
            lambda a, b: Organization.objects.filter(name=plan.organizations[a].name).exists(),
        ),
        Step(
            "调解员及任职",
            lambda: tier.mediators,
            write_mediators,
            lambda a, b: Membership.objects.filter(mediator__id_number=id_number(a)).exists(),
        ),
        Step(
            "调解专家",
            lambda: tier.experts,
            write_experts,
            lambda a, b: Expert.objects.filter(name=f"合成专家{a + 1:06d}").exists(),
        ),
    ]


def _plan_fields(org: OrgPlan, rng: random.Random, today: datetime.date) -> dict:
    """Rules 1, 9, 10 and 12 (SPEC §2): 换届日期 of committees (some expired, some never recorded),
    designated villages/enterprises, industry rooms in the mediation centre, departments."""
    fields: dict = {}
    if org.kind in COMMITTEE_KINDS and rng.random() < 0.9:
        fields["term_start"] = _date_between(rng, today - datetime.timedelta(days=4 * 365), today)
    if org.kind in (Kind.VILLAGE, Kind.ENTERPRISE):
        fields["full_time_designated"] = rng.random() < 0.4
    if org.kind == Kind.INDUSTRY:
        fields["in_mediation_centre"] = rng.random() < 0.8
    if org.kind == Kind.ADMINISTRATIVE:
        fields["department"] = rng.choice([*KeyDepartment.values, "教育", "卫生健康"])
    return fields


def _role(org_name: str, first_in_org: set[str], rng: random.Random) -> str:
    if org_name not in first_in_org:
        first_in_org.add(org_name)
        return Role.DIRECTOR
    return rng.choice([Role.DEPUTY, Role.MEMBER, Role.MEDIATOR, Role.MEDIATOR, Role.MEDIATOR])


def town_of_post() -> dict:
    """Annotation: the town/street a post counts under."""
    return {"town_id": town_expression("organization__area__")}
