"""The report functions as they were before issue 16 moved their counting into the database,
kept verbatim (imports and the pinyin order of issue 15 aside; terms and the staffing rates as they
were before their rows streamed) so the benchmark and tests/test_report_equivalence.py can check,
row for row, that the database-computed reports give the same results."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Sum,
)

from registry.kernel.pinyin import sort_key
from registry.kernel.policy import in_force
from registry.kernel.reporting import Chart, Column, Rate, Report, ReportParams, Table
from registry.models import (
    COMMITTEE_KINDS,
    PERSON_CATEGORIES,
    ROOM_HOST_KIND,
    TOWN_LEVELS,
    VILLAGE_LEVELS,
    Area,
    AreaLevel,
    Employment,
    Gender,
    HostUnit,
    HostUnitKind,
    Membership,
    Organization,
    TermStatus,
    staffing_required,
    term_end,
    town_expression,
)
from registry.models import OrganizationKind as Kind
from registry.policy import (
    AGE_BANDS,
    COMMITTEE_TARGETS,
    POLICE_OFFICER_THRESHOLD,
    ROOM_TARGETS,
    STAFFING_CATEGORIES,
    STAFFING_QUOTAS,
    STAFFING_TARGETS,
    TERM_WARNING_DAYS,
    TERM_YEARS,
    RateCategory,
    staffing_shortfall,
)
from registry.reports import (
    CANDIDATES_SHOWN,
    COMMITTEE_CATEGORIES,
    DIMENSIONS,
    NOT_STATED,
    ORG_LINK,
    PARTY_COLUMNS,
    ROOM_ORDER,
    TERM_ORDER,
    _candidates_text,
    _dimension_sheet,
    _existing_on,
    _only,
    _rate,
    _room_kind_expression,
)
from subsidies.models import PayoutKind
from subsidies.reports import COLUMNS, _budgets, _money_sums, _payouts, _row, _summary, _total_row, _with_budget
from training.models import ORGANIZER_LEVELS, Attendance, TrainingSession
from training.policy import TRAINING_PER_YEAR
from training.reports import DISTRICT_CATEGORY, MEDIATOR_LINK, TOWN_CATEGORY, category_of, year_window

REPORTS = ["training", "committees", "subsidies", "staffing", "terms", "composition", "rooms"]

# ---------------------------------------------------------------- training (training/reports.py)


def training(params: ReportParams) -> Report:
    window = year_window(params.year, params.as_of)
    start, end = window.start, window.end
    required_by_level = in_force(TRAINING_PER_YEAR, params.year)

    areas = sorted(
        params.scope(Area.objects.filter(level__in=ORGANIZER_LEVELS)),
        key=lambda a: (a.level != AreaLevel.DISTRICT, sort_key(a.name)),
    )
    held = dict(
        TrainingSession.objects.filter(area__in=[a.pk for a in areas], date__range=(start, end))
        .values_list("area")
        .annotate(n=Count("pk"))
        .order_by()
    )

    attended_in_year = Attendance.objects.filter(mediator=OuterRef("mediator"), session__date__range=(start, end))
    idle_posts = (
        params.scope(Membership.objects.active_on(params.as_of))
        .filter(~Exists(attended_in_year))
        .select_related("mediator", "organization__area__parent")
        .order_by("mediator__name_pinyin", "mediator__name", "mediator__id_number", "organization__name_pinyin")
    )
    untrained: dict[int, dict] = {}
    untrained_by_town: dict[int, set[int]] = {}
    for post in idle_posts:
        town = post.organization.area.town
        row = untrained.setdefault(
            post.mediator_id,
            {
                "mediator_id": post.mediator_id,
                "name": post.mediator.name,
                "id_number": post.mediator.id_number,
                "organizations": [],
                "towns": [],
                "employment": [],
            },
        )
        row["organizations"].append(post.organization.name)
        row["employment"].append(post.employment)
        if town.name not in row["towns"]:
            row["towns"].append(town.name)
        untrained_by_town.setdefault(town.pk, set()).add(post.mediator_id)

    active_posts = params.scope(Membership.objects.active_on(params.as_of)).order_by()
    active_by_town = dict(
        active_posts.annotate(town=town_expression("organization__area__"))
        .values_list("town")
        .annotate(n=Count("mediator", distinct=True))
    )
    active_total = active_posts.aggregate(n=Count("mediator", distinct=True))["n"]

    hours = [
        {
            "mediator_id": r["mediator"],
            "name": r["mediator__name"],
            "id_number": r["mediator__id_number"],
            "sessions": r["sessions"],
            "hours": r["hours"] or Decimal("0"),
        }
        for r in params.scope(Attendance.objects.filter(session__date__range=(start, end)))
        .values("mediator", "mediator__name", "mediator__id_number")
        .annotate(sessions=Count("pk"), hours=Sum("session__hours"))
        .order_by("mediator__name_pinyin", "mediator__name", "mediator__id_number")
    ]

    rows = []
    for area in areas:
        required = required_by_level.get(category_of(area))
        count = held.get(area.pk, 0)
        rows.append(
            {
                "area": area.name,
                "area_id": area.pk,
                "level": area.level,
                "category": category_of(area),
                "held": count,
                "required": required,
                "short": None if required is None else max(0, required - count),
                "meets": None if required is None else count >= required,
                "untrained": len(untrained_by_town.get(area.pk, ())),
                "active": active_by_town.get(area.pk, 0),
            }
        )

    rates = []
    for category in (DISTRICT_CATEGORY, TOWN_CATEGORY):
        mine = [r for r in rows if r["category"] == category]
        if not mine:
            continue  # a clerk's report has no district row
        required = required_by_level.get(category)
        rates.append(
            Rate.of(
                category,
                total=len(mine),
                meeting=sum(1 for r in mine if r["meets"] is not False),
                target=None if required is None else 1,  # "every town/street holds ≥ 2": all of them
            )
        )

    frequency = "；".join(f"{k}每年至少{v}次" for k, v in required_by_level.items()) or "该年度尚无培训频次要求"
    return Report(
        name="training",
        title="",
        as_of=params.as_of,
        year=params.year,
        columns=[
            Column("area", "主办区划"),
            Column("category", "层级"),
            Column("held", "已举办"),
            Column("required", "应举办"),
            Column("short", "差额"),
            Column("untrained", "未参训在岗调解员"),
            Column("active", "在岗调解员"),
        ],
        rows=rows,
        rates=rates,
        extra=[
            Table(
                "untrained",
                "本年度未参训的在岗调解员",
                [
                    Column("name", "姓名", MEDIATOR_LINK, "mediator_id"),
                    Column("id_number", "身份证号"),
                    Column("organizations", "所属调解组织"),
                    Column("employment", "专兼职"),
                    Column("towns", "所属区划"),
                ],
                list(untrained.values()),
            ),
            Table(
                "hours",
                "调解员参训学时",
                [
                    Column("name", "姓名", MEDIATOR_LINK, "mediator_id"),
                    Column("id_number", "身份证号"),
                    Column("sessions", "参训次数"),
                    Column("hours", "学时合计"),
                ],
                hours,
            ),
        ],
        summary=[
            ("培训次数不足的区划", sum(1 for r in rows if r["short"])),
            ("本年度未参训的在岗调解员", len(untrained)),
            ("在岗调解员", active_total),
        ],
        notes=[
            f"统计 {start:%Y-%m-%d} 至 {end:%Y-%m-%d} 举办的集中培训；频次要求：{frequency}。",
            "在岗：截至日期当天任职中（任职日期不晚于该日，离任日期为空或不早于该日）。学时为空的培训按0学时计。",
        ],
    )


# ---------------------------------------------------------------- committees (registry/reports.py)


def committees(params: ReportParams) -> Report:
    """Rule 4 (建成率): every town/street and village/community has a committee of its level."""
    rows = _legacy_committee_rows(params)
    rows.sort(key=lambda r: (sort_key(r["town"]), r["category"] != RateCategory.TOWN, sort_key(r["area"])))
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


def _legacy_committee_rows(params: ReportParams) -> list[dict]:
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


# ---------------------------------------------------------------- subsidies (subsidies/reports.py)
# (its helpers _payouts, _budgets, _total_row, _summary, _row are unchanged and imported)


def subsidies(params: ReportParams) -> Report:
    """Every payout except 已退回 of the year up to the as-of month; five GROUP BY queries."""
    payouts, last_period = _payouts(params)
    sums = _money_sums()
    budget_by_area = _budgets(params)
    rows = [_total_row(params, payouts, budget_by_area)]

    by_area = {r["area_id"]: r for r in payouts.values("area_id", "area__name", "area__level").annotate(**sums)}
    area_rows = []
    for area_id, values in by_area.items():
        # District-level organizations (industry committees, court rooms) have no town: their
        # row is the district's own spending; the district budget goes on the 合计 row.
        is_district = values["area__level"] == AreaLevel.DISTRICT
        name = values["area__name"] + ("（区级组织）" if is_district else "")
        budget = None if is_district or area_id not in budget_by_area else budget_by_area[area_id][1]
        area_rows.append(_with_budget(_row("area", name, values, area=values["area__name"]), budget))
    for area_id, (name, amount, level) in budget_by_area.items():
        if area_id not in by_area and level != AreaLevel.DISTRICT:
            area_rows.append(_with_budget(_row("area", name, {}, area=name), amount))
    rows += sorted(area_rows, key=lambda r: sort_key(r["name"]))

    kind_order = list(PayoutKind.values)
    by_kind = sorted(payouts.values("kind").annotate(**sums), key=lambda r: kind_order.index(r["kind"]))
    rows += [_row("kind", r["kind"], r, kind=r["kind"]) for r in by_kind]

    by_month = payouts.values("period").annotate(**sums).order_by("period")
    rows += [_row("month", r["period"], r, month=r["period"]) for r in by_month]

    by_mediator = (
        payouts.values("mediator_id", "mediator__name", "mediator__id_number", "area__name")
        .annotate(**sums)
        .order_by("area__name", "mediator__name_pinyin", "mediator__name", "mediator__id_number")
    )
    rows += [
        _row(
            "mediator",
            r["mediator__name"],
            r,
            mediator=r["mediator__name"],
            mediator_id=r["mediator_id"],
            id_number=r["mediator__id_number"],
            area=r["area__name"],
        )
        for r in by_mediator
    ]

    notes = [
        "合计含待审核、已审核、已发放，不含已退回；按所属期间统计，村（社区）计入所属镇街，区级组织的补贴单列。",
        "已用预算 = 已审核 + 已发放；镇街预算只含本镇街，区县预算是全区合计。",
        "金额单位为元，精确到分。",
    ]
    if last_period != f"{params.year}-12":
        notes.append(f"统计期间：{params.year}-01 至 {last_period}。")
    return Report(
        name="subsidies",
        title="",
        as_of=params.as_of,
        year=params.year,
        columns=COLUMNS,
        rows=rows,
        rates=None,
        summary=_summary(rows[0]),
        notes=notes,
    )


# ---------------------------------------------------------------- staffing (registry/reports.py)


def staffing(params: ReportParams) -> Report:
    """Rules 1–2: full-time mediators per organization against its quota, and 配备率 per category."""
    rows, org_area = _legacy_staffing_rows(params)
    _legacy_add_candidates(params, rows, org_area)
    short = [r for r in rows if r["shortfall"] and r["required"]]
    advisory = [r for r in rows if r["shortfall"] and not r["required"]]
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
            Column("required", "须配备"),
            Column("candidates", "可转专职的兼职调解员（供参考）", display=_candidates_text),
            Column("candidate_count", "可转专职人数"),
        ],
        summary=[
            ("未配齐组织数", len(short)),
            ("专职人员缺额合计", sum(r["shortfall"] for r in short)),
            ("未配齐但不作要求的村（社区）、企事业单位调委会（参考）", len(advisory)),
        ],
        notes=[
            "须配备：村（社区）和企事业单位人民调解委员会只在司法局认定“具备专职配备条件”时须配备专职调解员"
            "（工作方案：有条件的），其余未配齐的列出供参考，不计入未配齐组织数和缺额合计。",
            "在岗专职：截至日期当天有效（任职日期≤当天≤离任日期，空白视为不限）的专职任职人数。",
            "可转专职的兼职调解员：在该组织或同一区划内其他组织任兼职、当天没有专职职务的人员。",
            "某类组织总数为0时，达标率按100%计（没有应配而未配的组织）。",
        ],
    )


def _legacy_staffing_rows(params: ReportParams) -> tuple[list[dict], dict[int, int]]:
    """A row per organization with a quota (two queries); and organization → its area's pk."""
    kinds = [kind for kind in STAFFING_QUOTAS if params.kind in (None, "", kind)]
    organizations = (
        params.scope(Organization.objects.filter(_existing_on(params), kind__in=kinds))
        .with_full_time(params.as_of)
        # plain values, not model instances: a district-wide report reads thousands of rows
        .values("pk", "name", "kind", "full_time_designated", "area_id", "full_time_count")
        .order_by("name_pinyin", "name")
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
                "required": staffing_required(org["kind"], org["full_time_designated"]),
                "candidates": [],
                "candidate_count": 0,
            }
        )
        org_area[org["pk"]] = area.pk
    kind_order = list(STAFFING_QUOTAS)
    rows.sort(
        key=lambda r: (
            kind_order.index(r["kind"]),
            sort_key(r["town"]),
            sort_key(r["area"]),
            sort_key(r["organization"]),
        )
    )
    return rows, org_area


def _legacy_add_candidates(params: ReportParams, rows: list[dict], org_area: dict[int, int]) -> None:
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


def _staffing_rates(params: ReportParams, rows: list[dict]) -> list[Rate]:
    """配备率 per category: organizations with no shortfall ÷ organizations of the category."""
    targets = in_force(STAFFING_TARGETS, params.year)
    return [
        _rate(category, [r for r in rows if r["kind"] in members], lambda r: not r["shortfall"], targets)
        for category, members in STAFFING_CATEGORIES.items()
        if not params.kind or params.kind in members
    ]


# ---------------------------------------------------------------- terms (registry/reports.py)


def terms(params: ReportParams) -> Report:
    """Rule 12: every people's mediation committee's current term (three years from 换届日期):
    expired, expiring within 90 days, current, or unknown when no 换届日期 is recorded. One query."""
    committees = (
        params.scope(Organization.objects.filter(_existing_on(params), kind__in=COMMITTEE_KINDS))
        .with_term_status(params.as_of, years=TERM_YEARS, warning_days=TERM_WARNING_DAYS)
        .values("pk", "name", "kind", "term_start", "term_status", "area__name", "area__level", "area__parent__name")
    )
    rows = []
    for org in committees:
        start = org["term_start"]
        rows.append(
            {
                "organization": org["name"],
                "organization_id": org["pk"],
                "kind": org["kind"],
                "area": org["area__name"],
                "town": _town_name(org),
                "term_start": start,
                "term_end": term_end(start, TERM_YEARS) if start else None,
                "status": org["term_status"],
            }
        )
    order = [s.value for s in TERM_ORDER]
    rows.sort(
        key=lambda r: (
            order.index(r["status"]),
            r["term_end"] or datetime.date.max,
            sort_key(r["town"]),
            sort_key(r["organization"]),
        )
    )
    counts = {status: sum(r["status"] == status for r in rows) for status in TermStatus.values}
    return Report(
        name="terms",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=rows,
        columns=[
            Column("organization", "人民调解委员会", **ORG_LINK),
            Column("kind", "组织类型"),
            Column("town", "所属镇街"),
            Column("area", "所属区划"),
            Column("term_start", "换届日期"),
            Column("term_end", "届满日期"),
            Column("status", "任期状态", display=lambda v: TermStatus(v).label),
        ],
        summary=[(TermStatus(s).label, counts[s]) for s in order],
        notes=[
            f"人民调解委员会委员每届任期{TERM_YEARS}年（人民调解法第九条）：换届日期起满{TERM_YEARS}年的前一天届满；"
            f"截至日期晚于届满日期为“已届满”，{TERM_WARNING_DAYS}天内届满为“即将届满”。",
            "未填换届日期的调委会列为“未填换届日期”，请在调解组织中补录。",
        ],
    )


def _town_name(values: dict, prefix: str = "area__") -> str:
    """The town/street name of a `.values()` row (a village rolls up into its parent, as Area.town)."""
    village = values[f"{prefix}level"] in VILLAGE_LEVELS and values[f"{prefix}parent__name"]
    return values[f"{prefix}parent__name"] if village else values[f"{prefix}name"]


# ---------------------------------------------------------------- composition (registry/reports.py)
# As it was before its counting moved off COUNT(DISTINCT mediator) (one PostgreSQL sort per count)
# onto one post per person and place; its helpers PARTY_COLUMNS, _only, _dimension_sheet are unchanged.


def _legacy_age_band_counts(as_of: datetime.date) -> dict[str, Count]:
    """One COUNT per age band of SPEC §2.14: an age is the whole years completed on the as-of day."""
    counts = {}
    for label, low, high in AGE_BANDS:
        # age ≥ low  <=>  born on or before the day `low` years earlier; age ≤ high  <=>  born after high+1 years
        born = Q(mediator__birth_date__lte=term_end(as_of, -low)) & Q(
            mediator__birth_date__gt=term_end(as_of, -(high + 1))
        )
        counts[label] = Count("mediator", filter=born, distinct=True)
    counts[NOT_STATED] = Count("mediator", filter=Q(mediator__birth_date__isnull=True), distinct=True)
    return counts


def _legacy_fixed_counts(as_of: datetime.date) -> dict[str, Count]:
    """Distinct active mediators per value of the dimensions whose values are known in advance."""
    person = "mediator"
    counts: dict[str, Count] = {"total": Count(person, distinct=True)}
    counts["专兼职:专职"] = Count(person, filter=Q(employment=Employment.FULL_TIME), distinct=True)
    for gender in Gender.values:
        counts[f"性别:{gender}"] = Count(person, filter=Q(mediator__gender=gender), distinct=True)
    counts[f"性别:{NOT_STATED}"] = Count(person, filter=Q(mediator__gender=""), distinct=True)
    counts |= {f"年龄段:{label}": count for label, count in _legacy_age_band_counts(as_of).items()}
    for category in PERSON_CATEGORIES:
        counts[f"人员类别:{category}"] = Count(person, filter=Q(mediator__categories__contains=category), distinct=True)
    return counts


def composition(params: ReportParams) -> Report:
    """Rule 14 (队伍结构, item 19): active mediators (any post active on the as-of day) per town/street
    and for the district by 专兼职, 性别, 年龄段, 学历, 政治面貌 and each 人员类别, and the organizations
    with a party organization. A person counts once per area (专职 if any full-time post there).
    Eight GROUP BY queries whatever the roster's size."""
    posts = (
        params.scope(Membership.objects.active_on(params.as_of))
        .annotate(town=town_expression("organization__area__"))
        .order_by()
    )
    fixed = _legacy_fixed_counts(params.as_of)
    by_town = {r["town"]: r for r in posts.values("town").annotate(**fixed)}
    district = posts.aggregate(**fixed)
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
    rows = _legacy_composition_rows(posts, areas, labels, by_town, district, whole)
    party = [{"area": labels[pk], **_only(org_counts[pk], PARTY_COLUMNS)} for pk in areas if pk in org_counts]
    if whole:
        party.append({"area": whole, **{k: sum(r[k] for r in party) for k in ("organizations", "with_party_org")}})
    chart_area = whole or (labels[areas[0]] if areas else "")
    charts = [
        Chart(dim, [(r["value"], r["count"]) for r in rows if r["dimension"] == dim and r["area"] == chart_area])
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
        sheets=[_dimension_sheet(dim, rows) for dim in DIMENSIONS] + [Table("party", "党组织", PARTY_COLUMNS, party)],
        summary=[("在岗调解员", district["total"])],
        notes=[
            "在岗调解员：截至日期当天有任职（任职日期不晚于该日，离任日期为空或不早于该日）的人员；同一人在一个区域只计一次，"
            "在该区域有专职任职的计为专职。在两个镇街任职的人在两个镇街各计一次，全区只计一次。",
            "年龄按截至日期的周岁计算；出生日期未填的计入“未填”。人员类别可多选，各类别分别计数。",
            "村（社区）计入所属镇街；区级组织（行业性专业性调委会、驻法院调解室等）单列。",
        ]
        + ([f"图表为{chart_area}的构成。"] if chart_area else []),
    )


def _legacy_composition_rows(posts, areas: list[int], labels: dict, by_town: dict, district: dict, whole: str | None):
    """Long rows (area, dimension, value, count): the fixed dimensions from the counts already made,
    学历 and 政治面貌 (free text) from one GROUP BY each per town and for the district."""
    rows: list[dict] = []
    for area, counts in [*[(labels[pk], by_town[pk]) for pk in areas if pk in by_town], (whole, district)]:
        if area is None:
            continue
        full_time = counts["专兼职:专职"]
        rows.append({"area": area, "dimension": "专兼职", "value": "专职", "count": full_time})
        rows.append({"area": area, "dimension": "专兼职", "value": "兼职", "count": counts["total"] - full_time})
        for key, count in counts.items():
            if ":" in key and not key.startswith("专兼职"):
                dimension, value = key.split(":", 1)
                rows.append({"area": area, "dimension": dimension, "value": value, "count": count})
    for dimension, field_name in (("学历", "mediator__education"), ("政治面貌", "mediator__political_status")):
        per_town = posts.values("town", field_name).annotate(n=Count("mediator", distinct=True))
        found = sorted((r["town"], r[field_name] or NOT_STATED, r["n"]) for r in per_town if r["town"] in labels)
        rows += [{"area": labels[town], "dimension": dimension, "value": v, "count": n} for town, v, n in found]
        if whole:
            overall = posts.values(field_name).annotate(n=Count("mediator", distinct=True))
            found_all = sorted((r[field_name] or NOT_STATED, r["n"]) for r in overall)
            rows += [{"area": whole, "dimension": dimension, "value": v, "count": n} for v, n in found_all]
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    area_order = {labels[pk]: i for i, pk in enumerate(areas)} | {whole: len(areas)}
    rows.sort(key=lambda r: (order[r["dimension"]], area_order[r["area"]]))  # stable: values keep their order
    return rows


# ---------------------------------------------------------------- rooms (registry/reports.py)


def rooms(params: ReportParams) -> Report:
    """Rule 5: the share of host units (courts, petition halls, police stations with
    ≥ 20 officers) that host a stationed room of the matching kind."""
    rows = _legacy_room_rows(params)
    order = list(ROOM_ORDER)
    rows.sort(key=lambda r: (order.index(r["category"]), sort_key(r["town"]), sort_key(r["host_unit"])))
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


def _legacy_room_rows(params: ReportParams) -> list[dict]:
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
