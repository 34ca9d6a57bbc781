"""The registry's policy reports, one function per SPEC §2 rule (1–2 staffing, 3 experts,
4 committees, 5 rooms). Each returns a `registry.kernel.reporting.Report`; the `report` command,
the web page, its .xlsx download and the dashboard all call these same functions.

Every function runs a fixed number of queries whatever the number of organizations:
counts are SQL annotations, never per-row lookups.
"""

from __future__ import annotations

import datetime
import io
from collections import Counter, defaultdict

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.module_loading import import_string

from registry.kernel import hooks
from registry.kernel.policy import in_force
from registry.kernel.reporting import (
    DISTRICT_SCOPE,
    Chart,
    Column,
    Overview,
    Rate,
    Report,
    ReportParams,
    Table,
    batched_rows,
    percent,
    queryset_rows,
)
from registry.kernel.reporting.scorecard import DISTRICT, Measure, Score, count_score, rate_score
from registry.kernel.validators import split_multi
from registry.models import (
    COMMITTEE_KINDS,
    PERSON_CATEGORIES,
    ROOM_HOST_KIND,
    STAFFING_REQUIRED,
    TOWN_LEVELS,
    VILLAGE_LEVELS,
    Area,
    AreaLevel,
    Employment,
    Expert,
    Gender,
    HostUnit,
    HostUnitKind,
    KeyDepartment,
    Mediator,
    Membership,
    Organization,
    TermStatus,
    active_on,
    staffing_required,
    term_end,
    town_expression,
)
from registry.models import (
    OrganizationKind as Kind,
)
from registry.policy import (
    AGE_BANDS,
    COMMITTEE_TARGETS,
    COVERAGE_FIELDS,
    COVERAGE_TARGETS,
    EXPERT_COVERAGE_KIND,
    EXPERT_TARGETS,
    POLICE_OFFICER_THRESHOLD,
    PROFESSIONAL_CATEGORY,
    ROOM_TARGETS,
    STAFFING_CATEGORIES,
    STAFFING_QUOTAS,
    STAFFING_TARGETS,
    TERM_TARGETS,
    TERM_WARNING_DAYS,
    TERM_YEARS,
    CoverageCategory,
    RateCategory,
    quota_expression,
    short_of_quota,
    shortfall_expression,
    staffing_shortfall,
)

ORG_LINK = {"link": "admin:registry_organization_change", "link_key": "organization_id"}
CANDIDATES_SHOWN = 8  # names per short organization; more would hide the table


def _existing_on(params: ReportParams, prefix: str = "") -> Q:
    """Organizations founded on or before the as-of date (or with no founding date)."""
    return Q(**{f"{prefix}founded_date__isnull": True}) | Q(**{f"{prefix}founded_date__lte": params.as_of})


def staffing(params: ReportParams) -> Report:
    """Rules 1–2: full-time mediators per organization against its quota, and 配备率 per category.

    The rates and headline numbers are the overview's aggregates; the rows (one per organization,
    hundreds of thousands nation-wide) are ordered in SQL and made a batch at a time, each batch's
    candidates in one more query — never all in memory."""
    overview = staffing_overview(params)
    return Report(
        name="staffing",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=batched_rows(
            _staffing_organizations(params), lambda orgs: _staffing_rows(params, orgs), sortable=STAFFING_SORTS
        ),
        rates=overview.rates,
        columns=[
            Column("organization", "调解组织", **ORG_LINK),
            Column("kind", "组织类型"),
            Column("town", "所属镇街"),
            Column("area", "所属区划"),
            Column("quota", "专职定额"),
            Column("full_time", "在岗专职"),
            Column("shortfall", "缺额"),
            Column("required", "须配备"),
            Column("candidates", "可转专职的兼职调解员（供参考）", display=_candidates_text),
            Column("candidate_count", "可转专职人数"),
        ],
        summary=overview.summary,
        notes=[
            "须配备：村（社区）和企事业单位人民调解委员会只在司法局认定“具备专职配备条件”时须配备专职调解员"
            "（工作方案：有条件的），其余未配齐的列出供参考，不计入未配齐组织数和缺额合计。",
            "在岗专职：截至日期当天有效（任职日期≤当天≤离任日期，空白视为不限）的专职任职人数。",
            "可转专职的兼职调解员：在该组织或同一区划内其他组织任兼职、当天没有专职职务的人员。",
            "某类组织总数为0时，达标率按100%计（没有应配而未配的组织）。",
        ],
    )


def _in_order(field: str, values) -> Case:
    """A sort key putting `field`'s values in the order of `values` (a policy table's order)."""
    return Case(*[When(**{field: value}, then=Value(i)) for i, value in enumerate(values)], default=Value(len(values)))


# the staffing page's sortable columns: row key → what sorts by it in SQL (its order breaks ties)
STAFFING_SORTS = {
    "organization": ["name_pinyin"],
    "kind": ["kind_order"],
    "town": ["town_pinyin"],
    "area": ["area__name_pinyin"],
    "quota": [quota_expression()],
    "full_time": ["full_time_count"],
    "shortfall": [shortfall_expression("full_time_count")],
    "required": [Case(When(STAFFING_REQUIRED, then=Value(1)), default=Value(0))],
}


def _staffing_organizations(params: ReportParams):
    """The organizations with a quota, with their full-time count on the day (a correlated count,
    so a page counts only its own rows), in the report's order: kind as in the quota table,
    then town, area and organization by pinyin."""
    kinds = [kind for kind in STAFFING_QUOTAS if params.kind in (None, "", kind)]
    return (
        params.scope(Organization.objects.filter(_existing_on(params), kind__in=kinds))
        .with_full_time(params.as_of, per_row=True)
        .annotate(
            town=town_expression("area__", "name"),  # Area.town, in the same query
            town_pinyin=town_expression("area__", "name_pinyin"),
            kind_order=_in_order("kind", STAFFING_QUOTAS),
        )
        # plain values, not model instances: a district-wide report reads thousands of rows
        .values("pk", "name", "kind", "full_time_designated", "area_id", "area__name", "town", "full_time_count")
        .order_by("kind_order", "town_pinyin", "area__name_pinyin", "name_pinyin", "name", "pk")
    )


def _staffing_rows(params: ReportParams, organizations: list[dict]) -> list[dict]:
    """A row per organization of the batch, the short ones with their candidates (one query)."""
    rows = [
        {
            "organization": org["name"],
            "organization_id": org["pk"],
            "kind": org["kind"],
            "area": org["area__name"],
            "town": org["town"],
            "quota": STAFFING_QUOTAS[org["kind"]],
            "full_time": org["full_time_count"],
            "shortfall": staffing_shortfall(org["kind"], org["full_time_count"]),
            "required": staffing_required(org["kind"], org["full_time_designated"]),
            "candidates": [],
            "candidate_count": 0,
        }
        for org in organizations
    ]
    _add_candidates(params, rows, {org["pk"]: org["area_id"] for org in organizations})
    return rows


def _add_candidates(params: ReportParams, rows: list[dict], org_area: dict[int, int]) -> None:
    """For each short organization: part-time mediators of that organization or its area
    with no full-time post on the day — people a clerk could ask to go full-time. One query."""
    short = [r for r in rows if r["shortfall"]]
    if not short:
        return
    # an organization's own part-timers are in its area, so the area alone selects them all
    short_areas = {org_area[r["organization_id"]] for r in short}
    full_time_elsewhere = Membership.objects.full_time_on(params.as_of).filter(mediator=OuterRef("mediator"))
    posts = (
        params.scope(Membership.objects.active_on(params.as_of))
        .filter(organization__area_id__in=short_areas, employment=Employment.PART_TIME)
        .exclude(Exists(full_time_elsewhere))
        .order_by("mediator__name_pinyin", "mediator__name", "mediator__id_number")
        .values_list(
            "mediator_id",
            "mediator__name",
            "mediator__id_number",
            "organization_id",
            "organization__name",
            "organization__area_id",
        )
    )
    by_org: dict[int, list[dict]] = defaultdict(list)
    by_area: dict[int, dict[str, dict]] = defaultdict(dict)  # area -> ID number -> the person
    for mediator_id, name, id_number, org_id, org_name, area_id in posts:
        person = {"mediator_id": mediator_id, "name": name, "id_number": id_number, "organization": org_name}
        by_org[org_id].append(person)
        by_area[area_id].setdefault(id_number, person)
    for row in short:
        pk = row["organization_id"]
        own = list({p["id_number"]: p for p in by_org[pk]}.values())
        own_ids, nearby = {p["id_number"] for p in own}, by_area[org_area[pk]]
        shown = own[:CANDIDATES_SHOWN]
        for id_number, person in nearby.items():  # stops as soon as the list is full
            if len(shown) >= CANDIDATES_SHOWN:
                break
            if id_number not in own_ids:
                shown.append(person)
        row["candidates"] = shown
        row["candidate_count"] = len(nearby)  # the organization's own part-timers are in its area too


def _candidates_text(people: list[dict]) -> list[str]:
    return [f"{p['name']}（{p['id_number'][-4:]}）·{p['organization']}" for p in people]


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
        .order_by("name_pinyin", "name")
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
    """Rule 4 (建成率): every town/street and village/community has a committee of its level.

    Rates and headline numbers are the overview's aggregates; the rows (one per area, 640,000
    nation-wide) are ordered in SQL and streamed."""
    overview = committees_overview(params)
    return Report(
        name="committees",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=queryset_rows(_committee_areas(params), _committee_row),
        rates=overview.rates,
        columns=[
            Column("area", "区划", link="admin:registry_area_change", link_key="area_id"),
            Column("level", "层级"),
            Column("town", "所属镇街"),
            Column("committee", "人民调解委员会", **ORG_LINK),
            Column("has_committee", "已建立"),
        ],
        summary=overview.summary,
        notes=[
            "乡镇、街道须有乡镇（街道）人民调解委员会，村、社区须有村（社区）人民调解委员会（设在该区划、成立日期不晚于截至日期）。"
        ],
    )


def _committee_areas(params: ReportParams):
    """Every town/street and village/community in scope with its committee, if it has one (the
    first by name), in the report's order: by town, the town before its villages, then by area."""
    levels = [level for levels, _ in COMMITTEE_CATEGORIES.values() for level in levels]
    committee = Organization.objects.filter(_existing_on(params), area=OuterRef("pk")).order_by("name")
    town, village = committee.filter(kind=Kind.TOWN), committee.filter(kind=Kind.VILLAGE)
    of_level = {  # one subquery per area: its own level's committee
        key: Case(
            When(level__in=TOWN_LEVELS, then=Subquery(town.values(key)[:1])), default=Subquery(village.values(key)[:1])
        )
        for key in ("pk", "name")
    }
    return (
        params.scope(Area.objects.filter(level__in=levels))
        .annotate(
            committee_id=of_level["pk"],
            committee_name=of_level["name"],
            town=town_expression("", "name"),
            town_pinyin=town_expression("", "name_pinyin"),
            is_village=Case(When(level__in=TOWN_LEVELS, then=Value(0)), default=Value(1)),
        )
        .values("pk", "name", "level", "town", "committee_id", "committee_name")
        .order_by("town_pinyin", "is_village", "name_pinyin", "name")
    )


def _committee_row(area: dict) -> dict:
    town = area["level"] in TOWN_LEVELS
    return {
        "area": area["name"],
        "area_id": area["pk"],
        "level": area["level"],
        "category": (RateCategory.TOWN if town else RateCategory.VILLAGE).value,
        "town": area["town"],
        "committee": area["committee_name"] or "",
        "organization_id": area["committee_id"],
        "has_committee": area["committee_id"] is not None,
    }


ROOM_ORDER = (Kind.COURT_ROOM, Kind.PETITION_ROOM, Kind.POLICE_ROOM)  # SPEC §2 rule 5 order


def rooms(params: ReportParams) -> Report:
    """Rule 5: the share of host units (courts, petition halls, police stations with
    ≥ 20 officers) that host a stationed room of the matching kind.

    Rates and headline numbers are the overview's aggregates; the rows are ordered in SQL (room
    kind as in SPEC, town, host unit by pinyin) and streamed."""
    overview = rooms_overview(params)
    return Report(
        name="rooms",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=queryset_rows(_room_units(params), _room_row),
        rates=overview.rates,
        columns=[
            Column("host_unit", "派驻单位", link="admin:registry_hostunit_change", link_key="host_unit_id"),
            Column("host_kind", "单位类型"),
            Column("area", "所属区划"),
            Column("officer_count", "警力人数"),
            Column("counted", "计入覆盖率"),
            Column("room", "调解室", **ORG_LINK),
            Column("has_room", "已设调解室"),
        ],
        summary=overview.summary,
        notes=[
            f"警力不足{POLICE_OFFICER_THRESHOLD}人（或未填警力人数）的派出所不计入覆盖率，仅列出备查。",
            "某类单位总数为0时，覆盖率按100%计。",
        ],
    )


def _room_units(params: ReportParams):
    """Every host unit in scope with the room of the matching kind it hosts, if any, in the report's order."""
    host_kinds = [host for kind, host in ROOM_HOST_KIND.items() if params.kind in (None, "", kind)]
    room = params.scope(Organization.objects.filter(_existing_on(params), host_unit=OuterRef("pk")))
    matching = room.filter(kind=OuterRef("room_kind")).order_by("name")
    return (
        params.scope(HostUnit.objects.filter(kind__in=host_kinds))
        .annotate(
            room_kind=_room_kind_expression(),
            room_name=Subquery(matching.values("name")[:1]),
            room_id=Subquery(matching.values("pk")[:1]),
            town=town_expression("area__", "name"),
            town_pinyin=town_expression("area__", "name_pinyin"),
            room_order=_in_order("room_kind", [kind.value for kind in ROOM_ORDER]),
        )
        .values("pk", "name", "kind", "officer_count", "area__name", "town", "room_kind", "room_name", "room_id")
        .order_by("room_order", "town_pinyin", "name_pinyin", "name")
    )


def _room_row(unit: dict) -> dict:
    counted = unit["kind"] != HostUnitKind.POLICE or (unit["officer_count"] or 0) >= POLICE_OFFICER_THRESHOLD
    return {
        "host_unit": unit["name"],
        "host_unit_id": unit["pk"],
        "host_kind": unit["kind"],
        "category": unit["room_kind"],
        "area": unit["area__name"],
        "town": unit["town"],
        "officer_count": unit["officer_count"],
        "counted": counted,
        "room": unit["room_name"] or "",
        "organization_id": unit["room_id"],
        "has_room": unit["room_id"] is not None,
    }


def _room_kind_expression() -> Case:
    return Case(
        *[When(kind=host, then=Value(kind.value)) for kind, host in ROOM_HOST_KIND.items()], output_field=CharField()
    )


# ---------------------------------------------------------------- rules 9–11: coverage


def coverage(params: ReportParams) -> Report:
    """Rules 9–11, district-wide rates: industry committees with a room in the district mediation
    centre (item 2), the five key departments with administrative mediation of their own (item 10),
    the twelve fields of item 3 served by an industry committee (items 3, 19).

    The rates are the district's: a reader limited to one town sees them marked 全区 and only the
    organizations of their own scope in the rows. Two queries."""
    organizations = list(
        Organization.objects.filter(_existing_on(params), kind__in=[Kind.INDUSTRY, Kind.ADMINISTRATIVE])
        .order_by("name_pinyin", "name")
        .values("pk", "name", "kind", "domains", "in_mediation_centre", "department")
    )
    shown = None
    if params.scoped:
        shown = set(
            params.scope(Organization.objects.filter(pk__in=[o["pk"] for o in organizations])).values_list(
                "pk", flat=True
            )
        )
    industry = [o for o in organizations if o["kind"] == Kind.INDUSTRY]
    administrative = [o for o in organizations if o["kind"] == Kind.ADMINISTRATIVE]

    def names(orgs: list[dict]) -> list[str]:
        return [o["name"] for o in orgs if shown is None or o["pk"] in shown]

    rows = [
        {
            "category": CoverageCategory.CENTRE_ROOMS.value,
            "item": o["name"],
            "organization_id": o["pk"],
            "covered": o["in_mediation_centre"],
            "organizations": [o["name"]],
        }
        for o in industry
        if shown is None or o["pk"] in shown
    ]
    departments = {dept: [o for o in administrative if o["department"] == dept] for dept in KeyDepartment.values}
    rows += [
        {
            "category": CoverageCategory.KEY_DEPARTMENTS.value,
            "item": dept,
            "organization_id": None,
            "covered": bool(orgs),
            "organizations": names(orgs),
        }
        for dept, orgs in departments.items()
    ]
    fields = {f: [o for o in industry if f in split_multi(o["domains"])] for f in COVERAGE_FIELDS}
    rows += [
        {
            "category": CoverageCategory.FIELDS.value,
            "item": f,
            "organization_id": None,
            "covered": bool(orgs),
            "organizations": names(orgs),
        }
        for f, orgs in fields.items()
    ]

    rates = _coverage_rates(params, industry, departments, fields)
    return Report(
        name="coverage",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=rows,
        rates=rates,
        columns=[
            Column("category", "指标"),
            Column("item", "调委会 / 部门 / 领域", **ORG_LINK),
            Column("covered", "已覆盖"),
            Column("organizations", "调解组织"),
        ],
        summary=[
            ("未入驻调解中心的行业性专业性调委会", sum(not o["in_mediation_centre"] for o in industry)),
            ("没有行政调解组织的重点部门", "、".join(d for d, v in departments.items() if not v) or "无"),
            ("没有行业性专业性调委会的重点领域", "、".join(f for f, v in fields.items() if not v) or "无"),
        ],
        notes=[
            "入驻调解中心：行业性专业性人民调解委员会在区调解中心（区重大矛盾纠纷人民调解委员会）设有调解室（工作方案第2项）。",
            "重点部门：" + "、".join(KeyDepartment.values) + "各有本部门的行政调解组织（按“主管部门”认定，第10项）。",
            f"重点领域：{'、'.join(COVERAGE_FIELDS)}，每个领域至少有一个行业性专业性人民调解委员会（按其“专业领域”，第3、19项）。",
            "三项均为全区指标；镇街录入员看到的是全区的达标率，明细只列本镇街的组织。",
        ],
    )


def _coverage_rates(params: ReportParams, industry: list[dict], departments: dict, fields: dict) -> list[Rate]:
    """The three district rates; marked 全区 for a reader limited to one town."""
    targets = in_force(COVERAGE_TARGETS, params.year)
    scope = DISTRICT_SCOPE if params.scoped else None
    return [
        Rate.of(
            CoverageCategory.CENTRE_ROOMS.value,
            total=len(industry),
            meeting=sum(o["in_mediation_centre"] for o in industry),
            target=targets.get(CoverageCategory.CENTRE_ROOMS),
            scope=scope,
        ),
        Rate.of(
            CoverageCategory.KEY_DEPARTMENTS.value,
            total=len(departments),
            meeting=sum(bool(v) for v in departments.values()),
            target=targets.get(CoverageCategory.KEY_DEPARTMENTS),
            scope=scope,
        ),
        Rate.of(
            CoverageCategory.FIELDS.value,
            total=len(fields),
            meeting=sum(bool(v) for v in fields.values()),
            target=targets.get(CoverageCategory.FIELDS),
            scope=scope,
        ),
    ]


# ---------------------------------------------------------------- rule 12: committee terms

TERM_ORDER = [TermStatus.EXPIRED, TermStatus.EXPIRING, TermStatus.UNKNOWN, TermStatus.CURRENT]


def terms(params: ReportParams) -> Report:
    """Rule 12: every people's mediation committee's current term (three years from 换届日期):
    expired, expiring within 90 days, current, or unknown when no 换届日期 is recorded.

    The counts are the overview's GROUP BY; the rows are ordered in SQL and streamed."""
    committees = (
        params.scope(Organization.objects.filter(_existing_on(params), kind__in=COMMITTEE_KINDS))
        .with_term_status(params.as_of, years=TERM_YEARS, warning_days=TERM_WARNING_DAYS)
        .annotate(
            status_order=_in_order("term_status", [s.value for s in TERM_ORDER]),
            town=town_expression("area__", "name"),
            town_pinyin=town_expression("area__", "name_pinyin"),
            **_term_end_order(),
        )
        .values("pk", "name", "kind", "term_start", "term_status", "area__name", "town")
        .order_by("status_order", "end_year", "end_month", "end_day", "town_pinyin", "name_pinyin", "name", "pk")
    )

    def row(org: dict) -> dict:
        start = org["term_start"]
        return {
            "organization": org["name"],
            "organization_id": org["pk"],
            "kind": org["kind"],
            "area": org["area__name"],
            "town": org["town"],
            "term_start": start,
            "term_end": term_end(start, TERM_YEARS) if start else None,
            "status": org["term_status"],
        }

    overview = terms_overview(params)
    return Report(
        name="terms",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=queryset_rows(committees, row),
        columns=[
            Column("organization", "人民调解委员会", **ORG_LINK),
            Column("kind", "组织类型"),
            Column("town", "所属镇街"),
            Column("area", "所属区划"),
            Column("term_start", "换届日期"),
            Column("term_end", "届满日期"),
            Column("status", "任期状态", display=lambda v: TermStatus(v).label),
        ],
        summary=overview.summary,
        notes=[
            f"人民调解委员会委员每届任期{TERM_YEARS}年（人民调解法第九条）：换届日期起满{TERM_YEARS}年的前一天届满；"
            f"截至日期晚于届满日期为“已届满”，{TERM_WARNING_DAYS}天内届满为“即将届满”。",
            "未填换届日期的调委会列为“未填换届日期”，请在调解组织中补录。",
        ],
    )


def _term_end_order() -> dict:
    """Sort keys of a committee's term end (`term_end`: the same day `TERM_YEARS` later, 29 February
    ending on the 28th) as year, month, day — the order of the ends, in SQL on every database.
    Three-year terms: a term begun on 29 February ends in a year without one, so on the 28th."""
    start = "term_start"
    return {
        "end_year": ExtractYear(start) + TERM_YEARS,
        "end_month": ExtractMonth(start),
        "end_day": Case(When(**{f"{start}__month": 2, f"{start}__day": 29}, then=Value(28)), default=ExtractDay(start)),
    }


# ---------------------------------------------------------------- rule 14: roster composition

NOT_STATED = "未填"
DIMENSIONS = ("专兼职", "性别", "年龄段", "学历", "政治面貌", "人员类别")
# 学历 and 政治面貌 are free text, counted per value as typed: the district's commonest values as
# columns of the towns' query, any other (a messy import's variants) in a second, short one.
FREE_TEXT = (("学历", "education"), ("政治面貌", "political_status"))
FREE_TEXT_COLUMNS = 20


def _fixed_counts(as_of: datetime.date, full_time: Q, person: str = "", distinct: bool = False) -> dict[str, Count]:
    """Active mediators per value of the dimensions whose values are known in advance. `person`
    leads from the counted rows to the mediator ("mediator__" from posts, where a person with
    two posts is counted once: `distinct`); `full_time` picks the rows that count as 专职."""

    def count(condition: Q | None = None) -> Count:
        return Count(f"{person}pk", filter=condition, distinct=distinct)

    counts: dict[str, Count] = {"total": count(), "专兼职:专职": count(full_time)}
    for gender in Gender.values:
        counts[f"性别:{gender}"] = count(Q(**{f"{person}gender": gender}))
    counts[f"性别:{NOT_STATED}"] = count(Q(**{f"{person}gender": ""}))
    for label, low, high in AGE_BANDS:
        # age ≥ low  <=>  born on or before the day `low` years earlier; age ≤ high  <=>  born after high+1 years
        born = Q(**{f"{person}birth_date__lte": term_end(as_of, -low)}) & Q(
            **{f"{person}birth_date__gt": term_end(as_of, -(high + 1))}
        )
        counts[f"年龄段:{label}"] = count(born)
    counts[f"年龄段:{NOT_STATED}"] = count(Q(**{f"{person}birth_date__isnull": True}))
    for category in PERSON_CATEGORIES:
        counts[f"人员类别:{category}"] = count(Q(**{f"{person}categories__contains": category}))
    return counts


PARTY_COLUMNS = [
    Column("area", "区域"),
    Column("organizations", "调解组织数"),
    Column("with_party_org", "已建立党组织"),
]


def composition(params: ReportParams) -> Report:
    """Rule 14 (队伍结构, item 19): active mediators (any post active on the as-of day) per town/street
    and for the district by 专兼职, 性别, 年龄段, 学历, 政治面貌 and each 人员类别, and the organizations
    with a party organization. A person counts once per area (专职 if any full-time post there).

    Five queries whatever the roster's size: the district's counts from the people themselves
    (nobody twice, so no DISTINCT), per 学历 × 政治面貌 pair; every town's counts in one GROUP BY
    over the posts; the towns' rarer 学历/政治面貌 values; the organizations; the areas' names."""
    posts = params.scope(Membership.objects.active_on(params.as_of)).order_by()
    pairs, district = _district_counts(posts, params.as_of)
    columns = {field: _commonest(pairs, field) for _, field in FREE_TEXT}
    by_town, rare = _town_counts(posts, params.as_of, columns)
    free_text = _free_text_counts(pairs, columns, by_town, rare)
    organizations = (
        params.scope(Organization.objects.filter(_existing_on(params)))
        .annotate(town=town_expression("area__"))
        .values("town")
        .annotate(organizations=Count("pk"), with_party_org=Count("pk", filter=Q(has_party_org=True)))
        .order_by()
    )
    org_counts = {r["town"]: r for r in organizations}
    labels = {
        pk: name + ("（区级组织）" if level == AreaLevel.DISTRICT else "")
        for pk, name, level in Area.objects.filter(pk__in=set(by_town) | set(org_counts))
        .order_by()
        .values_list("pk", "name", "level")
    }
    # towns by name, the district's own organizations last, then the whole district (unless scoped)
    areas = sorted(labels, key=lambda pk: (labels[pk].endswith("（区级组织）"), labels[pk]))
    whole = None if params.scoped else "全区"
    by_dimension = _composition_rows(areas, labels, by_town, district, free_text, whole)
    rows = [row for dimension in DIMENSIONS for row in by_dimension[dimension]]
    party = [{"area": labels[pk], **_only(org_counts[pk], PARTY_COLUMNS)} for pk in areas if pk in org_counts]
    if whole:
        party.append({"area": whole, **{k: sum(r[k] for r in party) for k in ("organizations", "with_party_org")}})
    chart_area = whole or (labels[areas[0]] if areas else "")
    charts = [
        Chart(dim, [(r["value"], r["count"]) for r in by_dimension[dim] if r["area"] == chart_area])
        for dim in DIMENSIONS
    ]
    return Report(
        name="composition",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=rows,
        columns=[Column("area", "区域"), Column("dimension", "维度"), Column("value", "类别"), Column("count", "人数")],
        extra=[Table("party_organizations", "建立党组织的调解组织", PARTY_COLUMNS, party)],
        charts=[chart for chart in charts if chart.bars],
        sheets=[_dimension_sheet(dim, by_dimension[dim]) for dim in DIMENSIONS]
        + [Table("party", "党组织", PARTY_COLUMNS, party)],
        summary=[("在岗调解员", district["total"])],
        notes=[
            "在岗调解员：截至日期当天有任职（任职日期不晚于该日，离任日期为空或不早于该日）的人员；同一人在一个区域只计一次，"
            "在该区域有专职任职的计为专职。在两个镇街任职的人在两个镇街各计一次，全区只计一次。",
            "年龄按截至日期的周岁计算；出生日期未填的计入“未填”。人员类别可多选，各类别分别计数。",
            "村（社区）计入所属镇街；区级组织（行业性专业性调委会、驻法院调解室等）单列。",
        ]
        + ([f"图表为{chart_area}的构成。"] if chart_area else []),
    )


def _only(values: dict, columns: list[Column]) -> dict:
    return {c.key: values[c.key] for c in columns if c.key in values}


def _district_counts(posts, as_of: datetime.date) -> tuple[list[dict], dict]:
    """The district's counts, from the people holding `posts` (each person once: no DISTINCT),
    per 学历 × 政治面貌 pair — and summed."""
    people = Mediator.objects.filter(pk__in=posts.values("mediator")).order_by()
    fixed = _fixed_counts(as_of, Q(pk__in=posts.filter(employment=Employment.FULL_TIME).values("mediator")))
    pairs = list(people.values(*[field for _, field in FREE_TEXT]).annotate(**fixed))
    return pairs, {key: sum(pair[key] for pair in pairs) for key in fixed}


def _town_counts(posts, as_of: datetime.date, columns: dict[str, list[str]]) -> tuple[dict, list[dict]]:
    """Each town's counts over its `posts` (a person with two posts there counted once: DISTINCT),
    with one count per 学历/政治面貌 value in `columns`; and, per town and 学历 × 政治面貌 pair,
    the people whose value of either is not among them."""
    towns = posts.annotate(town=town_expression("organization__area__"))
    counts = _fixed_counts(as_of, Q(employment=Employment.FULL_TIME), "mediator__", distinct=True)
    for field, values in columns.items():
        for i, value in enumerate(values):  # aliased by position: a value as typed need not make an SQL alias
            counts[f"{field}:{i}"] = Count("mediator", filter=Q(**{f"mediator__{field}": value}), distinct=True)
    by_town = {r["town"]: r for r in towns.values("town").annotate(**counts)}
    rare = towns.exclude(**{f"mediator__{field}__in": values for field, values in columns.items()})
    pairs = rare.values("town", *[f"mediator__{field}" for field in columns]).annotate(
        n=Count("mediator", distinct=True)
    )
    return by_town, list(pairs)


def _commonest(pairs: list[dict], field: str) -> list[str]:
    """The district's FREE_TEXT_COLUMNS commonest values of `field` (ties by value)."""
    counts: dict[str, int] = defaultdict(int)
    for pair in pairs:
        counts[pair[field]] += pair["total"]
    return sorted(counts, key=lambda value: (-counts[value], value))[:FREE_TEXT_COLUMNS]


def _free_text_counts(pairs: list[dict], columns: dict, by_town: dict, rare: list[dict]) -> dict[str, dict]:
    """{dimension: {town, or None for the district: {value as typed: people}}} for 学历 and
    政治面貌: the district's from its pairs, a town's from its columns and its rarer values (each
    person has one value of each field, so counts per pair add up to counts per value)."""
    result = {}
    for dimension, field in FREE_TEXT:
        per_area: dict = defaultdict(lambda: defaultdict(int))
        for pair in pairs:
            per_area[None][pair[field]] += pair["total"]
        for town, counts in by_town.items():
            for i, value in enumerate(columns[field]):
                if counts[f"{field}:{i}"]:
                    per_area[town][value] = counts[f"{field}:{i}"]
        for row in rare:
            if row[f"mediator__{field}"] not in columns[field]:
                per_area[row["town"]][row[f"mediator__{field}"]] += row["n"]
        result[dimension] = per_area
    return result


def _composition_rows(
    areas: list[int], labels: dict, by_town: dict, district: dict, free_text: dict, whole: str | None
) -> dict[str, list[dict]]:
    """Long rows (area, dimension, value, count) per dimension, each list in the report's order:
    the towns as `areas`, then the whole district unless scoped; the fixed dimensions' values in
    their counts' order, 学历 and 政治面貌 sorted by value (an empty one read as 未填)."""
    rows: dict[str, list[dict]] = {dimension: [] for dimension in DIMENSIONS}
    counted = [(labels[pk], by_town[pk]) for pk in areas if pk in by_town] + ([(whole, district)] if whole else [])
    for area, counts in counted:
        full_time = counts["专兼职:专职"]
        rows["专兼职"].append({"area": area, "dimension": "专兼职", "value": "专职", "count": full_time})
        rows["专兼职"].append(
            {"area": area, "dimension": "专兼职", "value": "兼职", "count": counts["total"] - full_time}
        )
        for key, count in counts.items():
            dimension, _, value = key.partition(":")
            if dimension in ("性别", "年龄段", "人员类别"):
                rows[dimension].append({"area": area, "dimension": dimension, "value": value, "count": count})
    for dimension, _ in FREE_TEXT:
        per_area = free_text[dimension]
        found = [(labels[pk], per_area[pk]) for pk in areas if pk in per_area] + (
            [(whole, per_area[None])] if whole else []
        )
        for area, values in found:
            rows[dimension] += [
                {"area": area, "dimension": dimension, "value": v, "count": n}
                for v, n in sorted((v or NOT_STATED, n) for v, n in values.items())
            ]
    return rows


def _dimension_sheet(dimension: str, rows: list[dict]) -> Table:
    """One dimension as a grid for print: an area a row, a value a column."""
    mine = [r for r in rows if r["dimension"] == dimension]
    values = list(dict.fromkeys(r["value"] for r in mine))
    areas: dict[str, dict] = {}
    for r in mine:
        areas.setdefault(r["area"], {"area": r["area"]})[r["value"]] = r["count"]
    grid = [{**{v: 0 for v in values}, **a} for a in areas.values()]
    return Table(dimension, dimension, [Column("area", "区域"), *[Column(v, v) for v in values]], grid)


# ---------------------------------------------------------------- rule 13: the yearly assessment


def _with_committee(params: ReportParams, kind: str) -> QuerySet:
    """The areas with a committee of `kind` set up by the as-of date (SPEC §2.4: "has a committee
    of its level"), as a subquery of area ids."""
    return Organization.objects.filter(_existing_on(params), kind=kind).values("area_id")


def scorecard_measures(params: ReportParams) -> list[Measure]:
    """The roster's measures of the yearly assessment (district-wide `params`): each town's own
    committee, its villages' committees, its stationed rooms, its expired terms — and the same
    over the whole district.

    The staffing, committees and terms reports' rules, counted by GROUP BY town in three queries:
    what reaches Python is a few counts per town, never a row per organization or area. The
    district's counts are the towns' summed (each organization and area counts under one town)."""
    tally: dict[str, Counter] = defaultdict(Counter)  # town name (or DISTRICT) -> counts

    def add(town: str, **counts: int) -> None:
        tally[town].update(counts)
        tally[DISTRICT].update(counts)

    stationed = STAFFING_CATEGORIES[RateCategory.STATIONED_ROOMS]
    measured = Organization.objects.filter(_existing_on(params), kind__in=[Kind.TOWN, *stationed])
    # The staffing report's "no shortfall", as an uncorrelated IN: the posts are counted once, in
    # one GROUP BY (with_full_time(per_row=True) would repeat its correlated count per reference).
    staffed = measured.with_full_time(params.as_of).exclude(short_of_quota("full_time_count")).values("pk")
    staffing_counts = (
        measured.annotate(town=town_expression("area__", "name"))
        .values("town", "kind")
        .annotate(n=Count("pk"), staffed=Count("pk", filter=Q(pk__in=staffed)))
        .order_by()
    )
    for row in staffing_counts:
        key = "own" if row["kind"] == Kind.TOWN else "rooms"
        add(row["town"], **{key: row["n"], f"{key}_staffed": row["staffed"]})

    village = Q(level__in=VILLAGE_LEVELS)
    area_counts = (
        Area.objects.filter(level__in=[*TOWN_LEVELS, *VILLAGE_LEVELS])
        .annotate(town=town_expression("", "name"))  # the committees report's town of an area
        .values("town")
        .annotate(
            towns=Count("pk", filter=Q(level__in=TOWN_LEVELS)),
            villages=Count("pk", filter=village),
            with_committee=Count("pk", filter=village & Q(pk__in=_with_committee(params, Kind.VILLAGE))),
        )
        .order_by()
    )
    towns = []
    for row in area_counts:
        add(row["town"], villages=row["villages"], with_committee=row["with_committee"])
        if row["towns"]:
            towns.append(row["town"])
    towns.append(DISTRICT)

    expired_counts = (
        Organization.objects.filter(_existing_on(params), kind__in=COMMITTEE_KINDS)
        .with_term_status(params.as_of, years=TERM_YEARS, warning_days=TERM_WARNING_DAYS)
        .filter(term_status=TermStatus.EXPIRED)
        .annotate(town=town_expression("area__", "name"))
        .values("town")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in expired_counts:
        add(row["town"], expired=row["n"])

    staffing_targets = in_force(STAFFING_TARGETS, params.year)
    own_target = staffing_targets.get(Kind.TOWN)
    committee_target = in_force(COMMITTEE_TARGETS, params.year).get(RateCategory.VILLAGE)
    expired_allowed = in_force(TERM_TARGETS, params.year).get(TermStatus.EXPIRED)

    def own_score(counts: Counter) -> Score:
        # a town without its own committee fails, it is not "nothing to measure"
        if not counts["own"] and own_target is not None:
            return Score(0.0, float(own_target), False, "未建立")
        return rate_score(counts["own_staffed"], counts["own"], own_target)

    return [
        Measure("本级调委会专职配备", "rate", {t: own_score(tally[t]) for t in towns}),
        Measure(
            "村（社区）调委会建成率",
            "rate",
            {t: rate_score(tally[t]["with_committee"], tally[t]["villages"], committee_target) for t in towns},
        ),
        Measure(
            "派驻调解室专职配备率",
            "rate",
            {
                t: rate_score(
                    tally[t]["rooms_staffed"], tally[t]["rooms"], staffing_targets.get(RateCategory.STATIONED_ROOMS)
                )
                for t in towns
            },
        ),
        Measure(
            "任期已届满的调委会",
            "count",
            {t: count_score(tally[t]["expired"], expired_allowed, at_most=True) for t in towns},
            lower_is_better=True,
        ),
    ]


def _score_row(measure: Measure, score: Score) -> dict:
    target = score.target
    if target is None:
        target_text = "无目标"
    elif measure.kind == "rate":
        target_text = percent(target)
    else:
        target_text = f"{'≤' if measure.lower_is_better else '≥'}{target}"
    return {"measure": measure.name, "kind": measure.kind, **score.as_dict(), "target_text": target_text}


SCORECARD_COLUMNS = [Column("area", "镇街"), Column("targets_met", "达标项数"), Column("targets_total", "有目标的项数")]


def scorecard(params: ReportParams) -> Report:
    """Rule 13 (年考核): per town/street and for the district, every measure of the year with its target
    and met / not met, and how many of its targets it meets — no weights, no score.

    The measures come from each app's SCORECARD_MEASURES hook, computed district-wide once; a reader
    limited to one town sees their town's row and the district's row, labelled as the district's."""
    district_params = ReportParams(as_of=params.as_of, year=params.year)
    measures = [m for provider in hooks.get(hooks.SCORECARD_MEASURES) for m in import_string(provider)(district_params)]
    towns = params.scope(Area.objects.filter(level__in=TOWN_LEVELS)).order_by("name").values_list("name", flat=True)
    district_name = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("pk").values_list("name", flat=True).first()
    rows = []
    for town in [*towns, DISTRICT]:
        scores = [_score_row(m, m.values.get(town, Score(None, None, None, "无"))) for m in measures]
        with_target = [s for s in scores if s["met"] is not None]
        rows.append(
            {
                "area": town or f"{district_name or '全区'}（全区）",
                "district": town == DISTRICT,
                "measures": scores,
                "targets_met": sum(1 for s in with_target if s["met"]),
                "targets_total": len(with_target),
                "unmet": [s["measure"] for s in with_target if not s["met"]],
            }
        )
    return Report(
        name="scorecard",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=rows,
        columns=[*SCORECARD_COLUMNS, Column("unmet", "未达标项目")],
        summary=[
            ("全部目标达标的镇街", sum(1 for r in rows if not r["district"] and r["targets_met"] == r["targets_total"]))
        ],
        notes=[
            "每项指标的数字取自对应报表（专职配备、调委会建成率、培训、任期、品牌）；只列指标、目标和是否达标，不加权、不打分。",
            "全区一行是全区的数字和目标（如品牌工作室数、区级培训），不是任何一个镇街的考核结果；镇街的品牌工作室数计入全区，本身不设目标。",
            "“无”表示该镇街没有此类组织或对象，不计入有目标的项数。",
        ],
        xlsx_writer=scorecard_xlsx,
    )


def scorecard_xlsx(report: Report) -> bytes:
    """A printed form: one block per town/street (and the district), each on its own A4 landscape
    page with the title, as-of date and generation time."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.pagebreak import Break

    fills = {True: "C8E6C9", False: "FFCDD2", None: "ECEFF1"}
    book = Workbook()
    sheet = book.active
    sheet.title = "年度考核"
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    for letter, width in zip("ABCDE", (28, 14, 14, 12, 14)):
        sheet.column_dimensions[letter].width = width
    for index, row in enumerate(report.rows):
        sheet.append([f"{report.year}年度人民调解工作考核 · {row['area']}"])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=14)
        sheet.append([f"截至日期：{report.as_of.isoformat()}    生成时间：{generated}    范围：{report.scope_label}"])
        sheet.append(["考核项目", "实际", "目标", "是否达标", "说明"])
        for c in sheet[sheet.max_row]:
            c.font = Font(bold=True)
        for score in row["measures"]:
            rate = score["kind"] == "rate"
            sheet.append(
                [
                    score["measure"],
                    score["value"],
                    score["target"],
                    {True: "达标", False: "未达标", None: "无目标"}[score["met"]],
                    score["text"],
                ]
            )
            for c in sheet[sheet.max_row][1:3]:
                c.number_format = "0.0%" if rate else "0"
                c.alignment = Alignment(horizontal="right")
            sheet.cell(sheet.max_row, 4).fill = PatternFill("solid", fgColor=fills[score["met"]])
        sheet.append([f"达标 {row['targets_met']} 项 / 有目标的 {row['targets_total']} 项"])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        if index < len(report.rows) - 1:
            sheet.row_breaks.append(Break(id=sheet.max_row))
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- the dashboard's overviews
#
# What the dashboard draws of each report — its rates and headline numbers — counted by
# GROUP BY and aggregate queries alone, no rows (tests/test_report_overviews.py checks that
# each equals its full report's rates and summary).


def staffing_overview(params: ReportParams) -> Overview:
    """Rules 1–2 without rows: one query — the organizations' full-time counts (the model's
    `with_full_time`, a GROUP BY per organization) aggregated again per (kind, designated),
    which Django runs as an outer query over that subquery."""
    kinds = [kind for kind in STAFFING_QUOTAS if params.kind in (None, "", kind)]
    sums = {}
    for kind in kinds:
        quota = STAFFING_QUOTAS[kind]
        for designated in (True, False):
            group, key = Q(kind=kind, full_time_designated=designated), f"{kind}:{designated}"
            sums[f"{key}:total"] = Count("pk", filter=group)
            sums[f"{key}:meeting"] = Count("pk", filter=group & Q(full_time_count__gte=quota))
            sums[f"{key}:short"] = Sum(shortfall_expression("full_time_count"), filter=group)
    counts = (
        params.scope(Organization.objects.filter(_existing_on(params), kind__in=kinds))
        .with_full_time(params.as_of)
        .aggregate(**sums)
    )
    groups = [
        {
            "kind": kind,
            "required": staffing_required(kind, designated),
            **{m: counts[f"{kind}:{designated}:{m}"] or 0 for m in ("total", "meeting", "short")},
        }
        for kind in kinds
        for designated in (True, False)
    ]
    targets = in_force(STAFFING_TARGETS, params.year)
    rates = []
    for category, members in STAFFING_CATEGORIES.items():
        if params.kind and params.kind not in members:
            continue
        mine = [g for g in groups if g["kind"] in members]
        rates.append(
            Rate.of(
                category,
                total=sum(g["total"] for g in mine),
                meeting=sum(g["meeting"] for g in mine),
                target=targets.get(category),
            )
        )
    required = [g for g in groups if g["required"]]
    advisory = [g for g in groups if not g["required"]]
    return Overview(
        rates=rates,
        summary=[
            ("未配齐组织数", sum(g["total"] - g["meeting"] for g in required)),
            ("专职人员缺额合计", sum(g["short"] for g in required)),
            (
                "未配齐但不作要求的村（社区）、企事业单位调委会（参考）",
                sum(g["total"] - g["meeting"] for g in advisory),
            ),
        ],
    )


def experts_overview(params: ReportParams) -> Overview:
    """Rule 3 without rows: one aggregate over the industry committees."""
    serving = Expert.objects.filter(organizations=OuterRef("pk")).filter(
        Q(joined_date__isnull=True) | Q(joined_date__lte=params.as_of)
    )
    professional = Membership.objects.filter(
        active_on(params.as_of),
        organization=OuterRef("pk"),
        mediator__categories__contains=PROFESSIONAL_CATEGORY,
    )
    counts = (
        params.scope(Organization.objects.filter(_existing_on(params), kind=EXPERT_COVERAGE_KIND))
        .annotate(covered=Exists(serving) | Exists(professional))
        .aggregate(total=Count("pk"), meeting=Count("pk", filter=Q(covered=True)))
    )
    target = in_force(EXPERT_TARGETS, params.year).get(EXPERT_COVERAGE_KIND)
    return Overview(
        rates=[Rate.of(EXPERT_COVERAGE_KIND, total=counts["total"], meeting=counts["meeting"], target=target)],
        summary=[("缺少专业力量的调委会", counts["total"] - counts["meeting"])],
    )


def committees_overview(params: ReportParams) -> Overview:
    """Rule 4 without rows: one aggregate over the towns/streets and villages/communities."""
    sums = {}
    for category, (levels, kind) in COMMITTEE_CATEGORIES.items():
        at_level = Q(level__in=levels)
        sums[f"{category}:total"] = Count("pk", filter=at_level)
        sums[f"{category}:meeting"] = Count("pk", filter=at_level & Q(pk__in=_with_committee(params, kind)))
    levels = [level for levels, _ in COMMITTEE_CATEGORIES.values() for level in levels]
    counts = params.scope(Area.objects.filter(level__in=levels)).aggregate(**sums)
    targets = in_force(COMMITTEE_TARGETS, params.year)
    rates = [
        Rate.of(
            category,
            total=counts[f"{category}:total"],
            meeting=counts[f"{category}:meeting"],
            target=targets.get(category),
        )
        for category in COMMITTEE_CATEGORIES
    ]
    return Overview(rates=rates, summary=[("未建调委会的区划", sum(r.total - r.meeting for r in rates))])


def rooms_overview(params: ReportParams) -> Overview:
    """Rule 5 without rows: one aggregate over the host units that count."""
    room = params.scope(Organization.objects.filter(_existing_on(params), host_unit=OuterRef("pk")))
    has_room = Exists(room.filter(kind=OuterRef("room_kind")))
    counted = ~Q(kind=HostUnitKind.POLICE) | Q(officer_count__gte=POLICE_OFFICER_THRESHOLD)
    kinds = [kind for kind in ROOM_ORDER if params.kind in (None, "", kind)]
    sums = {}
    for kind in kinds:
        mine = counted & Q(kind=ROOM_HOST_KIND[kind])
        sums[f"{kind}:total"] = Count("pk", filter=mine)
        sums[f"{kind}:meeting"] = Count("pk", filter=mine & Q(has_room=True))
    counts = (
        params.scope(HostUnit.objects.filter(kind__in=[ROOM_HOST_KIND[k] for k in kinds]))
        .annotate(room_kind=_room_kind_expression(), has_room=has_room)
        .aggregate(**sums)
    )
    targets = in_force(ROOM_TARGETS, params.year)
    rates = [
        Rate.of(kind, total=counts[f"{kind}:total"], meeting=counts[f"{kind}:meeting"], target=targets.get(kind))
        for kind in kinds
    ]
    return Overview(
        rates=rates, summary=[("未设调解室的派驻单位（计入覆盖率）", sum(r.total - r.meeting for r in rates))]
    )


def terms_overview(params: ReportParams) -> Overview:
    """Rule 12 without rows: committees per term status (one GROUP BY)."""
    counts = dict(
        params.scope(Organization.objects.filter(_existing_on(params), kind__in=COMMITTEE_KINDS))
        .with_term_status(params.as_of, years=TERM_YEARS, warning_days=TERM_WARNING_DAYS)
        .values("term_status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("term_status", "n")
    )
    return Overview(rates=None, summary=[(TermStatus(s).label, counts.get(s.value, 0)) for s in TERM_ORDER])
