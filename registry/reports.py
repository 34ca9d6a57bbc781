"""The registry's policy reports, one function per SPEC §2 rule (1–2 staffing, 3 experts,
4 committees, 5 rooms). Each returns a `registry.kernel.reporting.Report`; the `report` command,
the web page, its .xlsx download and the dashboard all call these same functions.

Every function runs a fixed number of queries whatever the number of organizations:
counts are SQL annotations, never per-row lookups.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Subquery, Value, When

from registry.kernel.reporting import Column, Rate, Report, ReportParams
from registry.models import (
    ROOM_HOST_KIND,
    TOWN_LEVELS,
    VILLAGE_LEVELS,
    Area,
    Employment,
    HostUnit,
    HostUnitKind,
    Membership,
    Organization,
    active_on,
)
from registry.models import (
    OrganizationKind as Kind,
)
from registry.policy import (
    COMMITTEE_TARGETS,
    EXPERT_COVERAGE_KIND,
    EXPERT_TARGETS,
    POLICE_OFFICER_THRESHOLD,
    PROFESSIONAL_CATEGORY,
    ROOM_TARGETS,
    STAFFING_CATEGORIES,
    STAFFING_QUOTAS,
    STAFFING_TARGETS,
    RateCategory,
    in_force,
    staffing_shortfall,
)

ORG_LINK = {"link": "admin:registry_organization_change", "link_key": "organization_id"}
CANDIDATES_SHOWN = 8  # names per short organization; more would hide the table


def _existing_on(params: ReportParams, prefix: str = "") -> Q:
    """Organizations founded on or before the as-of date (or with no founding date)."""
    return Q(**{f"{prefix}founded_date__isnull": True}) | Q(**{f"{prefix}founded_date__lte": params.as_of})


def staffing(params: ReportParams) -> Report:
    """Rules 1–2: full-time mediators per organization against its quota, and 配备率 per category."""
    rows, org_area = _staffing_rows(params)
    _add_candidates(params, rows, org_area)
    short = [r for r in rows if r["shortfall"]]
    return Report(
        name="staffing",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=rows,
        rates=_staffing_rates(params, rows),
        columns=[
            Column("organization", "调解组织", **ORG_LINK),
            Column("kind", "组织类型"),
            Column("town", "所属镇街"),
            Column("area", "所属区划"),
            Column("quota", "专职定额"),
            Column("full_time", "在岗专职"),
            Column("shortfall", "缺额"),
            Column("candidates", "可转专职的兼职调解员（供参考）"),
        ],
        summary=[("未配齐组织数", len(short)), ("专职人员缺额合计", sum(r["shortfall"] for r in short))],
        notes=[
            "在岗专职：截至日期当天有效（任职日期≤当天≤离任日期，空白视为不限）的专职任职人数。",
            "可转专职的兼职调解员：在该组织或同一区划内其他组织任兼职、当天没有专职职务的人员。",
            "某类组织总数为0时，达标率按100%计（没有应配而未配的组织）。",
        ],
    )


def _staffing_rows(params: ReportParams) -> tuple[list[dict], dict[int, int]]:
    """A row per organization with a quota (two queries); and organization → its area's pk."""
    kinds = [kind for kind in STAFFING_QUOTAS if params.kind in (None, "", kind)]
    organizations = (
        params.scope(Organization.objects.filter(_existing_on(params), kind__in=kinds))
        .with_full_time(params.as_of)
        # plain values, not model instances: a district-wide report reads thousands of rows
        .values("pk", "name", "kind", "area_id", "full_time_count")
        .order_by("name")
    )
    organizations = list(organizations)
    areas = Area.objects.select_related("parent").in_bulk({org["area_id"] for org in organizations})
    rows, org_area = [], {}
    for org in organizations:
        area = areas[org["area_id"]]
        rows.append(
            {
                "organization": org["name"],
                "organization_id": org["pk"],
                "kind": org["kind"],
                "area": area.name,
                "town": area.town.name,
                "quota": STAFFING_QUOTAS[org["kind"]],
                "full_time": org["full_time_count"],
                "shortfall": staffing_shortfall(org["kind"], org["full_time_count"]),
                "candidates": [],
            }
        )
        org_area[org["pk"]] = area.pk
    kind_order = list(STAFFING_QUOTAS)
    rows.sort(key=lambda r: (kind_order.index(r["kind"]), r["town"], r["area"], r["organization"]))
    return rows, org_area


def _staffing_rates(params: ReportParams, rows: list[dict]) -> list[Rate]:
    """配备率 per category: organizations with no shortfall ÷ organizations of the category."""
    targets = in_force(STAFFING_TARGETS, params.year)
    return [
        _rate(category, [r for r in rows if r["kind"] in members], lambda r: not r["shortfall"], targets)
        for category, members in STAFFING_CATEGORIES.items()
        if not params.kind or params.kind in members
    ]


def _add_candidates(params: ReportParams, rows: list[dict], org_area: dict[int, int]) -> None:
    """For each short organization: part-time mediators of that organization or its area
    with no full-time post on the day — people a clerk could ask to go full-time. One query."""
    short = [r for r in rows if r["shortfall"]]
    if not short:
        return
    short_ids = [r["organization_id"] for r in short]
    short_areas = {org_area[pk] for pk in short_ids}
    full_time_elsewhere = Membership.objects.full_time_on(params.as_of).filter(mediator=OuterRef("mediator"))
    posts = (
        params.scope(Membership.objects.active_on(params.as_of))
        .filter(
            Q(organization_id__in=short_ids) | Q(organization__area_id__in=short_areas), employment=Employment.PART_TIME
        )
        .exclude(Exists(full_time_elsewhere))
        .order_by("mediator__name", "mediator__id_number")
        .values_list(
            "mediator__name", "mediator__id_number", "organization_id", "organization__name", "organization__area_id"
        )
    )
    by_org: dict[int, list[str]] = defaultdict(list)
    by_area: dict[int, dict[str, str]] = defaultdict(dict)  # area -> person -> "person·their organization"
    for name, id_number, org_id, org_name, area_id in posts:
        person = f"{name}（{id_number[-4:]}）"
        by_org[org_id].append(person)
        by_area[area_id].setdefault(person, f"{person}·{org_name}")
    for row in short:
        pk = row["organization_id"]
        own = list(dict.fromkeys(by_org[pk]))
        own_set, nearby = set(own), by_area[org_area[pk]]
        total = len(nearby)  # the organization's own part-timers are in its area too
        shown = own[:CANDIDATES_SHOWN]
        for person, text in nearby.items():  # stops as soon as the list is full
            if len(shown) >= CANDIDATES_SHOWN:
                break
            if person not in own_set:
                shown.append(text)
        row["candidates"] = shown + ([f"等共{total}人"] if total > CANDIDATES_SHOWN else [])


def experts(params: ReportParams) -> Report:
    """Rule 3: every industry committee has ≥ 1 person with professional knowledge —
    an Expert serving it (in the pool by the day) or a member with 专业技术人员 on the day."""
    rows = _expert_rows(params)
    targets = in_force(EXPERT_TARGETS, params.year)
    return Report(
        name="experts",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=rows,
        rates=[_rate(EXPERT_COVERAGE_KIND, rows, lambda r: r["covered"], targets)],
        columns=[
            Column("organization", "调解组织", **ORG_LINK),
            Column("area", "所属区划"),
            Column("domains", "专业领域"),
            Column("experts", "服务专家数"),
            Column("professionals", "专业技术人员调解员数"),
            Column("covered", "已配备专业力量"),
        ],
        summary=[("缺少专业力量的调委会", sum(not r["covered"] for r in rows))],
        notes=[
            "专业力量：服务该调委会的调解专家（入库日期不晚于截至日期），或截至日期在岗、人员类别含“专业技术人员”的调解员。"
        ],
    )


def _rate(category: str, rows: list[dict], meets, targets: dict) -> Rate:
    """The share of `rows` (one category's) that `meets` the rule, against the category's target."""
    return Rate.of(category, total=len(rows), meeting=sum(1 for r in rows if meets(r)), target=targets.get(category))


def _expert_rows(params: ReportParams) -> list[dict]:
    experts_on_day = Q(experts__joined_date__isnull=True) | Q(experts__joined_date__lte=params.as_of)
    professional_on_day = active_on(params.as_of, "memberships__") & Q(
        memberships__mediator__categories__contains=PROFESSIONAL_CATEGORY
    )
    organizations = (
        params.scope(Organization.objects.filter(_existing_on(params), kind=EXPERT_COVERAGE_KIND))
        .annotate(
            expert_count=Count("experts", filter=experts_on_day, distinct=True),
            professional_count=Count("memberships__mediator", filter=professional_on_day, distinct=True),
        )
        .select_related("area__parent")
        .order_by("name")
    )
    return [
        {
            "organization": org.name,
            "organization_id": org.pk,
            "kind": org.kind,
            "area": org.area.name,
            "town": org.area.town.name,
            "domains": org.domains,
            "experts": org.expert_count,
            "professionals": org.professional_count,
            "covered": bool(org.expert_count or org.professional_count),
        }
        for org in organizations
    ]


COMMITTEE_CATEGORIES = {
    RateCategory.TOWN: (TOWN_LEVELS, Kind.TOWN),
    RateCategory.VILLAGE: (VILLAGE_LEVELS, Kind.VILLAGE),
}


def committees(params: ReportParams) -> Report:
    """Rule 4 (建成率): every town/street and village/community has a committee of its level."""
    rows = _committee_rows(params)
    rows.sort(key=lambda r: (r["town"], r["category"] != RateCategory.TOWN, r["area"]))
    targets = in_force(COMMITTEE_TARGETS, params.year)
    rates = [
        _rate(category, [r for r in rows if r["category"] == category], lambda r: r["has_committee"], targets)
        for category in COMMITTEE_CATEGORIES
    ]
    return Report(
        name="committees",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=rows,
        rates=rates,
        columns=[
            Column("area", "区划", link="admin:registry_area_change", link_key="area_id"),
            Column("level", "层级"),
            Column("town", "所属镇街"),
            Column("committee", "人民调解委员会", **ORG_LINK),
            Column("has_committee", "已建立"),
        ],
        summary=[("未建调委会的区划", sum(not r["has_committee"] for r in rows))],
        notes=[
            "乡镇、街道须有乡镇（街道）人民调解委员会，村、社区须有村（社区）人民调解委员会（设在该区划、成立日期不晚于截至日期）。"
        ],
    )


def _committee_rows(params: ReportParams) -> list[dict]:
    """A row per town/street and village/community in scope, with its committee if it has one."""
    committee = Organization.objects.filter(_existing_on(params), area=OuterRef("pk"))
    level_kind = {level: kind for levels, kind in COMMITTEE_CATEGORIES.values() for level in levels}
    areas = (
        params.scope(Area.objects.filter(level__in=list(level_kind)))
        .annotate(
            town_committee=Subquery(committee.filter(kind=Kind.TOWN).order_by("name").values("pk")[:1]),
            village_committee=Subquery(committee.filter(kind=Kind.VILLAGE).order_by("name").values("pk")[:1]),
        )
        .select_related("parent")
    )
    areas = list(areas)
    committee_ids = [a.town_committee if a.level in TOWN_LEVELS else a.village_committee for a in areas]
    names = dict(Organization.objects.filter(pk__in=[pk for pk in committee_ids if pk]).values_list("pk", "name"))
    rows = []
    for area, org_id in zip(areas, committee_ids):
        category = (RateCategory.TOWN if area.level in TOWN_LEVELS else RateCategory.VILLAGE).value
        rows.append(
            {
                "area": area.name,
                "area_id": area.pk,
                "level": area.level,
                "category": category,
                "town": area.town.name,
                "committee": names.get(org_id, ""),
                "organization_id": org_id,
                "has_committee": org_id is not None,
            }
        )
    return rows


ROOM_ORDER = (Kind.COURT_ROOM, Kind.PETITION_ROOM, Kind.POLICE_ROOM)  # SPEC §2 rule 5 order


def rooms(params: ReportParams) -> Report:
    """Rule 5: the share of host units (courts, petition halls, police stations with
    ≥ 20 officers) that host a stationed room of the matching kind."""
    rows = _room_rows(params)
    order = list(ROOM_ORDER)
    rows.sort(key=lambda r: (order.index(r["category"]), r["town"], r["host_unit"]))
    targets = in_force(ROOM_TARGETS, params.year)
    rates = [
        _rate(kind, [r for r in rows if r["category"] == kind and r["counted"]], lambda r: r["has_room"], targets)
        for kind in ROOM_ORDER
        if params.kind in (None, "", kind)
    ]
    return Report(
        name="rooms",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=rows,
        rates=rates,
        columns=[
            Column("host_unit", "派驻单位", link="admin:registry_hostunit_change", link_key="host_unit_id"),
            Column("host_kind", "单位类型"),
            Column("area", "所属区划"),
            Column("officer_count", "警力人数"),
            Column("counted", "计入覆盖率"),
            Column("room", "调解室", **ORG_LINK),
            Column("has_room", "已设调解室"),
        ],
        summary=[("未设调解室的派驻单位（计入覆盖率）", sum(r["counted"] and not r["has_room"] for r in rows))],
        notes=[
            f"警力不足{POLICE_OFFICER_THRESHOLD}人（或未填警力人数）的派出所不计入覆盖率，仅列出备查。",
            "某类单位总数为0时，覆盖率按100%计。",
        ],
    )


def _room_rows(params: ReportParams) -> list[dict]:
    """A row per host unit in scope, with the room of the matching kind it hosts, if any."""
    host_kinds = [host for kind, host in ROOM_HOST_KIND.items() if params.kind in (None, "", kind)]
    room = params.scope(Organization.objects.filter(_existing_on(params), host_unit=OuterRef("pk")))
    matching = room.filter(kind=OuterRef("room_kind"))
    units = (
        params.scope(HostUnit.objects.filter(kind__in=host_kinds))
        .annotate(
            room_kind=_room_kind_expression(),
            room_name=Subquery(matching.order_by("name").values("name")[:1]),
            room_id=Subquery(matching.order_by("name").values("pk")[:1]),
        )
        .select_related("area__parent")
        .order_by("name")
    )
    rows = []
    for unit in units:
        counted = unit.kind != HostUnitKind.POLICE or (unit.officer_count or 0) >= POLICE_OFFICER_THRESHOLD
        rows.append(
            {
                "host_unit": unit.name,
                "host_unit_id": unit.pk,
                "host_kind": unit.kind,
                "category": unit.room_kind,
                "area": unit.area.name,
                "town": unit.area.town.name,
                "officer_count": unit.officer_count,
                "counted": counted,
                "room": unit.room_name or "",
                "organization_id": unit.room_id,
                "has_room": unit.room_id is not None,
            }
        )
    return rows


def _room_kind_expression() -> Case:
    return Case(
        *[When(kind=host, then=Value(kind.value)) for kind, host in ROOM_HOST_KIND.items()], output_field=CharField()
    )
