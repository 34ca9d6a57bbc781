"""The roster: areas, organizations, mediators and their posts, experts, host units (SPEC §1)."""

from __future__ import annotations

import datetime
from typing import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.kernel.fields import IdNumberField, MultiValueField, PhoneField, PinyinField
from registry.kernel.period import Period
from registry.kernel.validators import id_birth_date, id_gender, normalize_id_number

PERSON_CATEGORIES = [
    "党代表",
    "人大代表",
    "政协委员",
    "五老人员",
    "专业技术人员",
    "城乡社区工作者",
    "选调生",
    "律师",
    "志愿者",
    "其他",
]
KNOWN_DOMAINS = [
    "医患纠纷",
    "道路交通",
    "物业管理",
    "城市管理",
    "劳动争议",
    "征地拆迁",
    "生态环保",
    "婚姻家庭",
    "建筑施工",
    "旅游",
    "消费",
    "商务",
    "知识产权",
    "互联网",
    "商事",
    "心理服务",
]


class AreaLevel(models.TextChoices):
    DISTRICT = "区县", "区县"
    TOWN = "乡镇", "乡镇"
    STREET = "街道", "街道"
    VILLAGE = "村", "村"
    COMMUNITY = "社区", "社区"


TOWN_LEVELS = (AreaLevel.TOWN, AreaLevel.STREET)
VILLAGE_LEVELS = (AreaLevel.VILLAGE, AreaLevel.COMMUNITY)


class OrganizationKind(models.TextChoices):
    TOWN = "乡镇（街道）人民调解委员会", "乡镇（街道）人民调解委员会"
    VILLAGE = "村（社区）人民调解委员会", "村（社区）人民调解委员会"
    ENTERPRISE = "企事业单位人民调解委员会", "企事业单位人民调解委员会"
    INDUSTRY = "行业性专业性人民调解委员会", "行业性专业性人民调解委员会"
    COURT_ROOM = "驻法院调解室", "驻法院调解室"
    POLICE_ROOM = "驻派出所调解室", "驻派出所调解室"
    PETITION_ROOM = "信访事项调解室", "信访事项调解室"
    ADMINISTRATIVE = "行政调解组织", "行政调解组织"
    OTHER = "其他调解组织", "其他调解组织"


class HostUnitKind(models.TextChoices):
    COURT = "法院", "法院"
    POLICE = "派出所", "派出所"
    PETITION = "信访接待大厅", "信访接待大厅"


# People's mediation committees (人民调解委员会): they serve three-year terms (人民调解法 第九条).
COMMITTEE_KINDS = (
    OrganizationKind.TOWN,
    OrganizationKind.VILLAGE,
    OrganizationKind.ENTERPRISE,
    OrganizationKind.INDUSTRY,
)
# Kinds asked for a full-time mediator only where the bureau designates them able to (SPEC §2.1, 有条件的).
DESIGNATED_KINDS = (OrganizationKind.VILLAGE, OrganizationKind.ENTERPRISE)
# The same rule in SQL: organizations whose shortfall counts in the headline (others are advisory).
STAFFING_REQUIRED = ~Q(kind__in=DESIGNATED_KINDS) | Q(full_time_designated=True)


def staffing_required(kind: str, designated: bool) -> bool:
    """SPEC §2.1: required unless a village/enterprise committee the bureau has not designated."""
    return kind not in DESIGNATED_KINDS or designated


class KeyDepartment(models.TextChoices):
    """The five departments that must each have administrative mediation of their own (item 10)."""

    POLICE = "公安", "公安"
    HOUSING = "住房城乡建设", "住房城乡建设"
    NATURAL_RESOURCES = "自然资源", "自然资源"
    ECOLOGY = "生态环境", "生态环境"
    MARKET = "市场监管", "市场监管"


# What a clerk writes for a key department, folded to its name (any other department stays as written).
DEPARTMENT_ALIASES = {
    "公安局": KeyDepartment.POLICE,
    "公安分局": KeyDepartment.POLICE,
    "住建": KeyDepartment.HOUSING,
    "住建委": KeyDepartment.HOUSING,
    "住房和城乡建设": KeyDepartment.HOUSING,
    "住房城乡建设委": KeyDepartment.HOUSING,
    "住房和城乡建设委员会": KeyDepartment.HOUSING,
    "规划自然资源": KeyDepartment.NATURAL_RESOURCES,
    "规划和自然资源": KeyDepartment.NATURAL_RESOURCES,
    "自然资源局": KeyDepartment.NATURAL_RESOURCES,
    "规划和自然资源局": KeyDepartment.NATURAL_RESOURCES,
    "生态环境局": KeyDepartment.ECOLOGY,
    "环保": KeyDepartment.ECOLOGY,
    "市场监督管理": KeyDepartment.MARKET,
    "市场监管局": KeyDepartment.MARKET,
    "市场监督管理局": KeyDepartment.MARKET,
}


def normalize_department(value: str) -> str:
    """A department's name as the coverage rule reads it: 区公安分局 → 公安; others unchanged."""
    text = (value or "").strip()
    bare = text.removeprefix("区").removeprefix("大渡口区")
    if bare in KeyDepartment.values:
        return bare
    return DEPARTMENT_ALIASES.get(bare, text)


# A stationed room sits in a host unit of exactly this type.
ROOM_HOST_KIND = {
    OrganizationKind.COURT_ROOM: HostUnitKind.COURT,
    OrganizationKind.POLICE_ROOM: HostUnitKind.POLICE,
    OrganizationKind.PETITION_ROOM: HostUnitKind.PETITION,
}


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class Role(models.TextChoices):
    DIRECTOR = "主任", "主任"
    DEPUTY = "副主任", "副主任"
    MEMBER = "委员", "委员"
    MEDIATOR = "调解员", "调解员"


class Employment(models.TextChoices):
    FULL_TIME = "专职", "专职"
    PART_TIME = "兼职", "兼职"


class ScopedQuerySet(models.QuerySet):
    """`in_areas(ids)`: the rows a user scoped to those areas may see (see registry.kernel.scope)."""

    area_lookup = "area"

    def in_areas(self, area_ids):
        return self.filter(**{f"{self.area_lookup}__in": area_ids})


class AreaQuerySet(ScopedQuerySet):
    area_lookup = "pk"


class Area(models.Model):
    name = models.CharField("区划名称", max_length=100, unique=True)
    # the reports order towns/streets and villages by it, in SQL (issue 16)
    name_pinyin = PinyinField("名称拼音", max_length=800)
    level = models.CharField("区划层级", max_length=4, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    history = HistoricalRecords()
    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["name"]
        # towns/streets by name (report filters, committees), villages of a level (issue 16: EXPLAIN at scale)
        indexes = [models.Index(fields=["level", "name"], name="registry_area_level_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def town_id(self) -> int:
        """The area this one counts under: a village/community rolls up into its town/street."""
        return self.parent_id if self.level in VILLAGE_LEVELS and self.parent_id else self.pk

    @property
    def town(self) -> Area:
        """As `town_id`; select_related("…area__parent") to keep it free of queries."""
        return self.parent if self.town_id != self.pk else self

    def clean(self) -> None:
        if self.parent_id is None:
            if self.level in VILLAGE_LEVELS:
                raise ValidationError({"parent": f"{self.level}必须填写上级区划（所属乡镇或街道）。"})
            return
        if self.parent_id == self.pk:
            raise ValidationError({"parent": "上级区划不能是它自己。"})
        expected = {
            AreaLevel.DISTRICT: (),
            AreaLevel.TOWN: (AreaLevel.DISTRICT,),
            AreaLevel.STREET: (AreaLevel.DISTRICT,),
            AreaLevel.VILLAGE: TOWN_LEVELS,
            AreaLevel.COMMUNITY: TOWN_LEVELS,
        }.get(self.level, ())
        if self.parent.level not in expected:
            wanted = "、".join(expected) or "无（区县是最高一级）"
            raise ValidationError(
                {"parent": f"{self.level}的上级区划应为{wanted}，“{self.parent}”是{self.parent.level}。"}
            )


def town_expression(prefix: str = "", field: str = "id") -> Case:
    """`Area.town` in SQL: `field` of the town/street that the area reached through `prefix`
    (e.g. "organization__area__") counts under — a village/community rolls up into its
    town/street — for GROUP BY and annotations."""
    return Case(
        When(
            Q(**{f"{prefix}level__in": VILLAGE_LEVELS, f"{prefix}parent__isnull": False}),
            then=F(f"{prefix}parent__{field}"),
        ),
        default=F(f"{prefix}{field}"),
    )


class HostUnit(models.Model):
    name = models.CharField("单位名称", max_length=100, unique=True)
    name_pinyin = PinyinField("名称拼音", max_length=800)  # the rooms report's order, in SQL
    kind = models.CharField("单位类型", max_length=10, choices=HostUnitKind.choices)
    area = models.ForeignKey(Area, verbose_name="所属区划", on_delete=models.PROTECT, related_name="host_units")
    officer_count = models.PositiveIntegerField("警力人数", null=True, blank=True, help_text="派出所填写")
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "派驻单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def active_on(day: datetime.date, prefix: str = "") -> Q:
    """Posts active on `day`: start ≤ day (or empty) and day ≤ end (or empty) — SPEC §4."""
    return Period.q_active_on(day, prefix)


def full_time_on(day: datetime.date, prefix: str = "") -> Q:
    """Full-time posts active on `day`; with prefix "memberships__" it filters a Count."""
    return Q(**{f"{prefix}employment": Employment.FULL_TIME}) & active_on(day, prefix)


class TermStatus(models.TextChoices):
    """Where a committee stands in its three-year term on a day (SPEC §2.12)."""

    EXPIRED = "expired", "已届满"
    EXPIRING = "expiring", "即将届满"
    CURRENT = "current", "任期内"
    UNKNOWN = "unknown", "未填换届日期"


def term_end(start: datetime.date, years: int) -> datetime.date:
    """The last day of a term begun on `start` (a term begun on 29 February ends on the 28th)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


class OrganizationQuerySet(ScopedQuerySet):
    def with_full_time(self, day: datetime.date, *, per_row: bool = False):
        """Annotates `full_time_count`: the organization's full-time posts active on `day`.

        Default: one GROUP BY over the joined posts — for reports that read every organization.
        `per_row`: a correlated subquery per organization instead, for a paged admin list, so
        only the page's rows are counted (and the list's COUNT(*) needs no join).
        """
        if not per_row:
            # the posts filtered in the join itself, so the GROUP BY reads the full-time posts of the
            # day, not every post (nation-wide: 412,000 rows instead of 3.4 million, 5.2 s → see docs)
            posts = models.FilteredRelation("memberships", condition=full_time_on(day, "memberships__"))
            return self.annotate(full_time_posts=posts).annotate(full_time_count=models.Count("full_time_posts"))
        posts = (
            Membership.objects.filter(full_time_on(day), organization=OuterRef("pk"))
            .order_by()
            .values("organization")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            full_time_count=Coalesce(models.Subquery(posts, output_field=models.IntegerField()), models.Value(0))
        )

    def with_term_status(self, day: datetime.date, *, years: int, warning_days: int):
        """Annotate `term_status` (a TermStatus value) as of `day`; one SQL CASE, so lists can filter on it.

        Expired: the term ended before `day` (begun more than `years` years before it).
        Expiring: it ends within `warning_days` days of `day` (inclusive). Committees only; others get NULL.
        """
        first_current = term_start_after(day, years)  # term_end(start) >= day  <=>  start >= first_current
        first_safe = term_start_after(day + datetime.timedelta(days=warning_days + 1), years)
        status = models.Case(
            models.When(~Q(kind__in=COMMITTEE_KINDS), then=None),
            models.When(term_start__isnull=True, then=models.Value(TermStatus.UNKNOWN.value)),
            models.When(term_start__lt=first_current, then=models.Value(TermStatus.EXPIRED.value)),
            models.When(term_start__lt=first_safe, then=models.Value(TermStatus.EXPIRING.value)),
            default=models.Value(TermStatus.CURRENT.value),
            output_field=models.CharField(),
        )
        return self.annotate(term_status=status)


def term_start_after(day: datetime.date, years: int) -> datetime.date:
    """The earliest term start whose term (of `years` years) ends on or after `day`."""
    start = term_end(day, -years)
    while term_end(start, years) < day:
        start += datetime.timedelta(days=1)
    while term_end(start - datetime.timedelta(days=1), years) >= day:
        start -= datetime.timedelta(days=1)
    return start


class Organization(models.Model):
    name = models.CharField("组织名称", max_length=150, unique=True)
    kind = models.CharField("组织类型", max_length=20, choices=OrganizationKind.choices)
    area = models.ForeignKey(Area, verbose_name="所属区划", on_delete=models.PROTECT, related_name="organizations")
    host_unit = models.ForeignKey(
        HostUnit,
        verbose_name="派驻单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rooms",
        help_text="仅驻法院、驻派出所、信访事项调解室填写",
    )
    domains = MultiValueField("专业领域")
    founded_date = models.DateField("成立日期", null=True, blank=True)
    leader = models.CharField("负责人", max_length=50, blank=True)
    phone = PhoneField("联系电话")
    address = models.CharField("地址", max_length=200, blank=True)
    has_party_org = models.BooleanField("是否建立党组织", default=False)
    term_start = models.DateField(
        "换届日期", null=True, blank=True, help_text="人民调解委员会填写：本届任期的开始日期（每届三年）"
    )
    full_time_designated = models.BooleanField(
        "具备专职配备条件",
        default=False,
        help_text="村（社区）、企事业单位人民调解委员会：司法局认定其有条件配备专职调解员时勾选，计入配备缺额",
    )
    in_mediation_centre = models.BooleanField(
        "入驻调解中心", default=False, help_text="行业性专业性人民调解委员会：在区调解中心设有调解室时勾选"
    )
    department = models.CharField(
        "主管部门",
        max_length=50,
        blank=True,
        help_text="行政调解组织填写：" + "、".join(KeyDepartment.values) + "，或其他部门名称",
    )
    name_pinyin = PinyinField("名称拼音", max_length=1200, db_index=True)
    name_initials = PinyinField("名称拼音首字母", max_length=150, initials=True)
    history = HistoricalRecords()
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "调解组织"
        ordering = ["name_pinyin", "name"]
        indexes = [models.Index(fields=["kind", "name_pinyin", "name"], name="registry_org_kind_name_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.area_id:
            level = self.area.level
            if self.kind == OrganizationKind.TOWN and level not in TOWN_LEVELS:
                errors["area"] = f"乡镇（街道）人民调解委员会应设在乡镇或街道，“{self.area}”是{level}。"
            elif self.kind == OrganizationKind.VILLAGE and level not in VILLAGE_LEVELS:
                errors["area"] = f"村（社区）人民调解委员会应设在村或社区，“{self.area}”是{level}。"
        self.department = normalize_department(self.department)
        for field, kinds, label in [
            ("term_start", COMMITTEE_KINDS, "人民调解委员会"),
            ("full_time_designated", DESIGNATED_KINDS, "村（社区）和企事业单位人民调解委员会"),
            ("in_mediation_centre", (OrganizationKind.INDUSTRY,), "行业性专业性人民调解委员会"),
            ("department", (OrganizationKind.ADMINISTRATIVE,), "行政调解组织"),
        ]:
            if getattr(self, field) and self.kind not in kinds:
                name = self._meta.get_field(field).verbose_name
                errors[field] = f"只有{label}才填写“{name}”，{self.kind}不填（请留空或填“否”）。"
        host_kind = ROOM_HOST_KIND.get(self.kind)
        if self.host_unit_id:
            if host_kind is None:
                errors["host_unit"] = f"只有驻法院、驻派出所和信访事项调解室才填写派驻单位，{self.kind}不填。"
            elif self.host_unit.kind != host_kind:
                errors["host_unit"] = (
                    f"{self.kind}的派驻单位应为{host_kind}，“{self.host_unit}”是{self.host_unit.kind}。"
                )
        if errors:
            raise ValidationError(errors)


class MediatorQuerySet(models.QuerySet):
    def in_areas(self, area_ids):
        """A person is in a town's roster while they hold, or held, a post there."""
        posts = Membership.objects.filter(mediator=OuterRef("pk"), organization__area__in=area_ids)
        return self.filter(Exists(posts))


class Mediator(models.Model):
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField(
        "性别", max_length=1, choices=Gender.choices, blank=True, help_text="留空则按身份证号推算"
    )
    id_number = IdNumberField("身份证号", unique=True)
    birth_date = models.DateField("出生日期", null=True, blank=True, help_text="留空则按身份证号推算")
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    political_status = models.CharField("政治面貌", max_length=20, blank=True)
    education = models.CharField("学历", max_length=20, blank=True)
    phone = PhoneField("联系电话")
    categories = MultiValueField("人员类别", allowed=PERSON_CATEGORIES)
    domains = MultiValueField("专业领域")
    remarks = models.TextField("备注", blank=True)
    name_pinyin = PinyinField("姓名拼音", max_length=400, person=True, db_index=True)
    name_initials = PinyinField("姓名拼音首字母", max_length=50, person=True, initials=True)
    history = HistoricalRecords()
    objects = MediatorQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "人民调解员"
        ordering = ["name_pinyin", "name", "id_number"]
        # the admin list and every list of people are ordered so: LIMIT reads the index, no sort
        indexes = [models.Index(fields=["name_pinyin", "name", "id_number"], name="registry_mediator_name_id_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number[-4:]}）" if self.id_number else self.name

    def clean(self) -> None:
        try:
            number = normalize_id_number(self.id_number)
        except ValidationError:
            return  # reported by the field itself
        errors: dict[str, str] = {}
        birth, gender = id_birth_date(number), id_gender(number)
        if self.birth_date and self.birth_date != birth:
            errors["birth_date"] = (
                f"出生日期 {self.birth_date:%Y-%m-%d} 与身份证号中的出生日期 {birth:%Y-%m-%d} 不一致。"
            )
        if self.gender and self.gender != gender:
            errors["gender"] = f"性别“{self.gender}”与身份证号不符：身份证号第17位表示{gender}性。"
        if errors:
            raise ValidationError(errors)
        self.birth_date, self.gender = birth, gender


class MembershipQuerySet(ScopedQuerySet):
    area_lookup = "organization__area"

    def active_on(self, day: datetime.date):
        return self.filter(active_on(day))

    def full_time(self):
        return self.filter(employment=Employment.FULL_TIME)

    def full_time_on(self, day: datetime.date):
        return self.filter(full_time_on(day))


# "At most one 专职 post at a time" (SPEC §2.1): Membership.full_time_conflict() is the rule,
# clean() and the importer ask it; PostgreSQL enforces it too, with an exclusion constraint of
# this name (migration 0002; tests/registry/test_full_time_concurrency.py checks the name).
FULL_TIME_CONSTRAINT = "registry_membership_one_full_time_post"
FULL_TIME_RULE = "同一时间只能担任一个专职职务"
END_BEFORE_START = "离任日期不能早于任职日期。"


class Membership(models.Model):
    mediator = models.ForeignKey(Mediator, verbose_name="调解员", on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, verbose_name="所属调解组织", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("职务", max_length=10, choices=Role.choices, default=Role.MEDIATOR)
    employment = models.CharField("专兼职", max_length=2, choices=Employment.choices)
    start_date = models.DateField("任职日期", null=True, blank=True)
    end_date = models.DateField("离任日期", null=True, blank=True)
    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "任职"
        ordering = ["organization__name", "start_date"]
        # walked in organization order by the admin list (nested loop from the unique name index)
        indexes = [models.Index(fields=["organization", "start_date"], name="registry_post_org_start_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["mediator", "organization", "start_date"],
                name="registry_membership_unique_post",
                violation_error_message="该调解员在该组织已有相同任职日期的任职记录。",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="registry_membership_end_after_start",
                violation_error_message=END_BEFORE_START,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.role}（{self.employment}）"

    @property
    def period(self) -> Period:
        return Period(self.start_date, self.end_date)

    def is_active_on(self, day: datetime.date) -> bool:
        return self.period.contains(day)

    def full_time_conflict(self, others: Iterable[Membership]) -> Membership | None:
        """The first of `others` (the same person's posts) that this post may not run beside:
        both full-time and their dates overlap."""
        if self.employment != Employment.FULL_TIME:
            return None
        for other in others:
            if other is not self and other.employment == Employment.FULL_TIME and self.period.overlaps(other.period):
                return other
        return None

    def overlapping_full_time(self):
        """Other full-time posts of the same mediator whose dates overlap this one's."""
        return (
            Membership.objects.full_time()
            .filter(self.period.q_overlapping(), mediator_id=self.mediator_id)
            .exclude(pk=self.pk)
            .select_related("organization")
        )

    def validate_one_full_time_post(self) -> None:
        """Raises the clerk's message when a stored full-time post overlaps this one."""
        if self.employment == Employment.FULL_TIME and self.mediator_id:
            other = self.overlapping_full_time().first()
            if other:
                raise ValidationError({"employment": full_time_conflict_message(other)})

    @staticmethod
    def breaks_one_full_time_post(error: Exception) -> bool:
        """The database refused a save because of the full-time exclusion constraint."""
        return FULL_TIME_CONSTRAINT in str(error)

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": END_BEFORE_START})
        self.validate_one_full_time_post()


def full_time_conflict_message(other: Membership | None = None) -> str:
    if other is None:
        return f"该调解员{FULL_TIME_RULE}。"
    start = f"{other.start_date:%Y-%m-%d}" if other.start_date else "不详"
    end = f"{other.end_date:%Y-%m-%d}" if other.end_date else "至今"
    return (
        f"该调解员在“{other.organization}”已有专职职务（{start} 至 {end}），"
        f"{FULL_TIME_RULE}；请先填写原职务的离任日期，或改为兼职。"
    )


class ExpertQuerySet(models.QuerySet):
    def in_areas(self, area_ids):
        """An expert is visible to a town while serving one of its organizations."""
        served = Organization.objects.filter(experts=OuterRef("pk"), area__in=area_ids)
        return self.filter(Exists(served))


class Expert(models.Model):
    name = models.CharField("姓名", max_length=50)
    id_number = IdNumberField("身份证号", null=True, blank=True, unique=True)
    domains = MultiValueField("专业领域", blank=False)
    title = models.CharField("职称", max_length=50, blank=True)
    employer = models.CharField("工作单位", max_length=150, blank=True)
    phone = PhoneField("联系电话")
    joined_date = models.DateField("入库日期", null=True, blank=True)
    organizations = models.ManyToManyField(
        Organization, verbose_name="服务调解组织", blank=True, related_name="experts"
    )
    name_pinyin = PinyinField("姓名拼音", max_length=400, person=True, db_index=True)
    name_initials = PinyinField("姓名拼音首字母", max_length=50, person=True, initials=True)
    history = HistoricalRecords(m2m_fields=[organizations])
    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "调解专家"
        ordering = ["name_pinyin", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "employer"],
                condition=Q(id_number__isnull=True),
                name="registry_expert_unique_name_employer",
                violation_error_message="专家库中已有同名且工作单位相同的专家（未填身份证号）。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.employer}）" if self.employer else self.name


class StaffProfile(models.Model):
    """The town/street a clerk works for (SPEC §5); other roles leave it empty."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="staff_profile"
    )
    area = models.ForeignKey(
        Area,
        verbose_name="负责镇街",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level__in": TOWN_LEVELS},
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "工作人员镇街"

    def __str__(self) -> str:
        return f"{self.user} · {self.area or '全区'}"


class ColumnMapping(models.Model):
    """How a user told the admin import to read a header nobody could guess (SPEC §3 "mapping"):
    remembered per user and kind, applied to their later imports, never over an exact header."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="column_mappings"
    )
    kind = models.CharField("导入类型", max_length=30)
    header = models.CharField("文件中的列名", max_length=200, help_text="比较时的写法：无空格、半角、无必填标记")
    column = models.CharField("读作", max_length=50, blank=True, help_text="留空：该列不导入")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "导入列对应"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "header"],
                name="registry_columnmapping_unique_header",
                violation_error_message="同一账号、同一导入类型中，一个列名只能有一个对应。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.header} → {self.column or '（不导入）'}"

    @classmethod
    def saved(cls, user, kind: str) -> dict[str, str]:
        """The user's remembered mapping for `kind` (header key -> column), as the engine takes it."""
        return dict(cls.objects.filter(user=user, kind=kind).values_list("header", "column"))


class AccessKind(models.TextChoices):
    VIEW = "查看", "查看页面"
    EXPORT = "导出", "导出/下载"


class PersonalDataAccess(models.Model):
    """One row per page view or download that showed whole resident ID numbers (个人信息保护法):
    who, when, what and how many people. Written by registry.kernel.privacy.record_access only;
    nobody edits or deletes it (the model has a view permission and no other)."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="账号", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField("用户名", max_length=150, db_index=True)  # kept when the account is deleted
    kind = models.CharField("方式", max_length=8, choices=AccessKind.choices)
    what = models.CharField("内容", max_length=200)
    path = models.CharField("地址", max_length=500)
    person_count = models.PositiveIntegerField("涉及人数")
    id_numbers = models.TextField("涉及的身份证号", help_text="以空格分隔")

    class Meta:
        verbose_name = verbose_name_plural = "个人信息访问记录"
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.username} {self.kind} {self.what}（{self.person_count}人）"


class DemoRecord(models.Model):
    """A row `manage.py seed_demo` created: the only rows a later seed_demo may change.

    One table for every app's demo rows (no flag on each model), so users' own records, even
    one named like a demo record, are never the demo's to update, and the demo never adds
    claims, sign-ins or honours for people it did not create.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", verbose_name="数据类型", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField("记录编号")

    class Meta:
        verbose_name = verbose_name_plural = "演示数据记录"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="registry_demorecord_unique_object")
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id}"


# 导入记录 lives with the Excel engine; imported here so that it is a model of this app.
from registry.kernel.excel.records import ImportRecord  # noqa: E402,F401
