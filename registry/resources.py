"""Import/export resources of the registry kinds: areas, hostunits, organizations, mediators, experts.

Headers are the exact SPEC §3 column names; related rows are named by name or ID number.
The engine (registry.kernel.excel.engine) runs them for `import_xlsx` and the admin alike.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from import_export.fields import Field

from registry.kernel.excel.engine import (
    CREATED,
    INVALID,
    UNCHANGED,
    UPDATED,
    ImportContext,
    KindResource,
    Row,
    bulk_create_history,
    bulk_update_history,
)
from registry.kernel.excel.widgets import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    IdNumberWidget,
    IntegerWidget,
    ManyNaturalKeysWidget,
    MultiValueWidget,
    NaturalKeyWidget,
    PhoneWidget,
    TextWidget,
)
from registry.models import (
    KNOWN_DOMAINS,
    PERSON_CATEGORIES,
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
    OrganizationKind,
    Role,
    full_time_conflict_message,
)


def _area_ref(label: str = "所属区划") -> NaturalKeyWidget:
    return NaturalKeyWidget(Area, "name", label=label, hint="，请先导入区划（区划名称须与系统中完全一致）")


class AreaResource(KindResource):
    kind = "areas"
    required_columns = ("区划名称", "区划层级")
    natural_key = ("name",)
    scope_column = "区划名称"

    name = Field(attribute="name", column_name="区划名称", widget=TextWidget())
    level = Field(
        attribute="level",
        column_name="区划层级",
        widget=ChoiceWidget(
            AreaLevel.values, "区划层级", aliases={"区": "区县", "县": "区县", "镇": "乡镇", "乡": "乡镇"}
        ),
    )
    parent = Field(attribute="parent", column_name="上级区划", widget=TextWidget())

    template_notes = {
        "区划名称": "必填。区县、乡镇/街道或村/社区的全称，如 新山村街道。",
        "区划层级": "必填。区县、乡镇、街道、村、社区 之一。",
        "上级区划": "村、社区填所属乡镇/街道；乡镇、街道填所属区县。可以是本文件中前面或后面的行。",
    }

    class Meta:
        model = Area
        fields = ("name", "level", "parent")
        export_order = ("name", "level", "parent")

    def dehydrate_parent(self, obj: Area) -> str:
        return obj.parent.name if obj.parent_id else ""

    def export_queryset(self, queryset):
        return queryset.select_related("parent")

    def in_scope(self, obj: Area, ctx: ImportContext) -> bool:
        if not ctx.scoped:
            return True
        return obj.parent_id in ctx.area_ids if obj._state.adding else obj.pk in ctx.area_ids

    def plan(self, rows: list[Row], ctx: ImportContext) -> None:
        # A parent may be defined in the same file: resolve names against the file first.
        existing = {a.name: a for a in Area.objects.all()}
        in_file: dict[str, Area] = {}
        for row in rows:
            if not row.failed and row.values.get("name") not in in_file:
                # a new area's level is known up front, so a child row earlier in the file can check it
                area = existing.get(row.values["name"]) or Area(name=row.values["name"], level=row.values["level"])
                in_file[row.values["name"]] = area
        parent_names = {}
        for row in rows:
            if not row.failed:
                parent_names[row.number] = row.values.pop("parent", None)
        # Unsaved areas get a temporary negative pk so Area.clean() sees their parent.
        fake = -1
        for area in in_file.values():
            if area.pk is None:
                area.pk, fake = fake, fake - 1
        self._fresh = {name for name, a in in_file.items() if a.pk < 0}
        for row in rows:
            if row.failed or row.number not in parent_names:
                continue
            name = parent_names[row.number]
            if name:
                parent = in_file.get(name) or existing.get(name)
                if parent is None:
                    ctx.error(
                        row,
                        "上级区划",
                        f"上级区划“{name}”不存在（系统中和本文件中都没有），请先导入或在本文件中加上该区划。",
                    )
                    continue
                row.values["parent"] = parent
            elif "上级区划" in row.cells:
                row.values["parent"] = None
        self._existing_override = in_file
        super().plan(rows, ctx)

    def load_existing(self, keys: set[tuple]) -> dict[tuple, models.Model]:
        return {(name,): area for name, area in self._existing_override.items()}

    def write(self, ctx: ImportContext) -> None:
        fresh = ctx.creates.pop(Area, [])
        for area in fresh:
            area.pk = None
        for obj in ctx.updates.get(Area, ([], set()))[0]:
            if obj.parent is not None:
                obj.parent = obj.parent
        depth = lambda a: 0 if a.parent is None else 1 + depth(a.parent)  # noqa: E731
        for level in sorted({depth(a) for a in fresh}):
            batch = [a for a in fresh if depth(a) == level]
            for area in batch:
                if area.parent is not None:
                    area.parent = area.parent  # re-read the parent's pk, saved by the previous batch
            bulk_create_history(batch, Area, ctx.user)
        # parents created above: fix the parent ids of updated areas that point at them
        objs, names = ctx.updates.pop(Area, ([], set()))
        for obj in objs:
            if obj.parent is not None:
                obj.parent = obj.parent
        if objs:
            bulk_update_history(objs, Area, sorted(names), ctx.user)


class HostUnitResource(KindResource):
    kind = "hostunits"
    required_columns = ("单位名称", "单位类型", "所属区划")
    natural_key = ("name",)
    scope_column = "所属区划"

    name = Field(attribute="name", column_name="单位名称", widget=TextWidget())
    kind_ = Field(attribute="kind", column_name="单位类型", widget=ChoiceWidget(HostUnitKind.values, "单位类型"))
    area = Field(attribute="area", column_name="所属区划", widget=_area_ref())
    officer_count = Field(attribute="officer_count", column_name="警力人数", widget=IntegerWidget("警力人数"))

    template_notes = {
        "单位名称": "必填。法院、派出所或信访接待大厅的全称。",
        "单位类型": "必填。法院、派出所、信访接待大厅 之一。",
        "所属区划": "必填。系统中已有的区划名称。",
        "警力人数": "派出所填写，整数。",
    }

    class Meta:
        model = HostUnit
        fields = ("name", "kind_", "area", "officer_count")
        export_order = ("name", "kind_", "area", "officer_count")

    def export_queryset(self, queryset):
        return queryset.select_related("area")


class OrganizationResource(KindResource):
    kind = "organizations"
    required_columns = ("组织名称", "组织类型", "所属区划")
    natural_key = ("name",)
    scope_column = "所属区划"

    name = Field(attribute="name", column_name="组织名称", widget=TextWidget())
    kind_ = Field(attribute="kind", column_name="组织类型", widget=ChoiceWidget(OrganizationKind.values, "组织类型"))
    area = Field(attribute="area", column_name="所属区划", widget=_area_ref())
    host_unit = Field(
        attribute="host_unit",
        column_name="派驻单位",
        widget=NaturalKeyWidget(HostUnit, "name", label="派驻单位", hint="，请先导入派驻单位"),
    )
    domains = Field(attribute="domains", column_name="专业领域", widget=MultiValueWidget())
    founded_date = Field(attribute="founded_date", column_name="成立日期", widget=DateWidget("成立日期"))
    leader = Field(attribute="leader", column_name="负责人", widget=TextWidget())
    phone = Field(attribute="phone", column_name="联系电话", widget=PhoneWidget())
    address = Field(attribute="address", column_name="地址", widget=TextWidget())
    has_party_org = Field(
        attribute="has_party_org", column_name="是否建立党组织", widget=BooleanWidget("是否建立党组织")
    )
    term_start = Field(attribute="term_start", column_name="换届日期", widget=DateWidget("换届日期"))
    full_time_designated = Field(
        attribute="full_time_designated", column_name="具备专职配备条件", widget=BooleanWidget("具备专职配备条件")
    )
    in_mediation_centre = Field(
        attribute="in_mediation_centre", column_name="入驻调解中心", widget=BooleanWidget("入驻调解中心")
    )
    department = Field(attribute="department", column_name="主管部门", widget=TextWidget())

    template_notes = {
        "组织名称": "必填。调解组织全称，如 新山村街道人民调解委员会。",
        "组织类型": "必填。" + "、".join(OrganizationKind.values) + " 之一。",
        "所属区划": "必填。系统中已有的区划名称。",
        "派驻单位": "仅驻法院、驻派出所、信访事项调解室填写：系统中已有的派驻单位名称。",
        "专业领域": "可填多个，用“、”分隔，如 " + "、".join(KNOWN_DOMAINS[:3]) + "。",
        "成立日期": "日期，如 2021-03-05。",
        "联系电话": "11位手机号或带区号的固定电话。",
        "是否建立党组织": "是 或 否。",
        "换届日期": "人民调解委员会填写本届任期开始的日期（每届三年），如 2021-03-05。",
        "具备专职配备条件": "村（社区）、企事业单位人民调解委员会：是 或 否（司法局认定有条件配备专职调解员的填“是”）。",
        "入驻调解中心": "行业性专业性人民调解委员会：在区调解中心设有调解室的填“是”。",
        "主管部门": "行政调解组织填写：" + "、".join(KeyDepartment.values) + "，或其他部门名称。",
    }

    class Meta:
        model = Organization
        fields = (
            "name",
            "kind_",
            "area",
            "host_unit",
            "domains",
            "founded_date",
            "leader",
            "phone",
            "address",
            "has_party_org",
            "term_start",
            "full_time_designated",
            "in_mediation_centre",
            "department",
        )
        export_order = fields

    def export_queryset(self, queryset):
        return queryset.select_related("area", "host_unit")


class MediatorResource(KindResource):
    """One row = one post (Membership) of a person (Mediator) — SPEC §3 mediators."""

    kind = "mediators"
    required_columns = ("姓名", "身份证号", "所属调解组织", "专兼职")
    natural_key = ("mediator__id_number", "organization", "start_date")
    scope_column = "所属调解组织"

    name = Field(attribute="mediator__name", column_name="姓名", widget=TextWidget())
    gender = Field(
        attribute="mediator__gender",
        column_name="性别",
        widget=ChoiceWidget(Gender.values, "性别", aliases={"男性": "男", "女性": "女"}),
    )
    id_number = Field(attribute="mediator__id_number", column_name="身份证号", widget=IdNumberWidget())
    birth_date = Field(attribute="mediator__birth_date", column_name="出生日期", widget=DateWidget("出生日期"))
    ethnicity = Field(attribute="mediator__ethnicity", column_name="民族", widget=TextWidget())
    political_status = Field(attribute="mediator__political_status", column_name="政治面貌", widget=TextWidget())
    education = Field(attribute="mediator__education", column_name="学历", widget=TextWidget())
    phone = Field(attribute="mediator__phone", column_name="联系电话", widget=PhoneWidget())
    organization = Field(
        attribute="organization",
        column_name="所属调解组织",
        widget=NaturalKeyWidget(
            Organization, "name", label="所属调解组织", hint="，请先导入调解组织（名称须与系统中完全一致）"
        ),
    )
    role = Field(attribute="role", column_name="职务", widget=ChoiceWidget(Role.values, "职务"))
    employment = Field(attribute="employment", column_name="专兼职", widget=ChoiceWidget(Employment.values, "专兼职"))
    start_date = Field(attribute="start_date", column_name="任职日期", widget=DateWidget("任职日期"))
    end_date = Field(attribute="end_date", column_name="离任日期", widget=DateWidget("离任日期"))
    categories = Field(attribute="mediator__categories", column_name="人员类别", widget=MultiValueWidget())
    domains = Field(attribute="mediator__domains", column_name="专业领域", widget=MultiValueWidget())
    remarks = Field(attribute="mediator__remarks", column_name="备注", widget=TextWidget())

    template_notes = {
        "姓名": "必填。",
        "性别": "男 或 女；可不填，按身份证号推算。",
        "身份证号": "必填。18位身份证号；请把该列设为“文本”格式，否则 Excel 会把号码四舍五入。",
        "出生日期": "可不填，按身份证号推算；填写时须与身份证号一致。",
        "所属调解组织": "必填。系统中已有的调解组织全称。一人多个职务时每个职务一行。",
        "职务": "主任、副主任、委员、调解员 之一；不填视为调解员。",
        "专兼职": "必填。专职 或 兼职。同一人同一时间只能有一个专职职务。",
        "任职日期": "日期，如 2021-03-05。",
        "离任日期": "仍在任的不填。",
        "人员类别": "可填多个，用“、”分隔：" + "、".join(PERSON_CATEGORIES) + "。",
        "专业领域": "可填多个，用“、”分隔，如 " + "、".join(KNOWN_DOMAINS[:3]) + "。",
    }

    class Meta:
        model = Membership
        fields = (
            "name",
            "gender",
            "id_number",
            "birth_date",
            "ethnicity",
            "political_status",
            "education",
            "phone",
            "organization",
            "role",
            "employment",
            "start_date",
            "end_date",
            "categories",
            "domains",
            "remarks",
        )
        export_order = fields

    def export_queryset(self, queryset):
        """The admin exports mediators; the file holds their (visible) posts, one per row."""
        if queryset.model is Mediator:
            from registry.kernel.scope import visible

            queryset = visible(Membership.objects.filter(mediator__in=queryset), self.user)
        return queryset.select_related("mediator", "organization").order_by(
            "mediator__name", "mediator__id_number", "pk"
        )

    def column_of(self, attribute: str) -> str:
        for f in self.get_import_fields():
            if f.attribute in (attribute, f"mediator__{attribute}"):
                return f.column_name
        return super().column_of(attribute)

    def plan(self, rows: list[Row], ctx: ImportContext) -> None:
        self._columns = {
            f.attribute[len("mediator__") :]: f.column_name
            for f in self.get_import_fields()
            if f.attribute.startswith("mediator__")
        }
        by_person: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            # rows with a bad cell still take part, so every problem of the file is reported
            if row.values.get("mediator__id_number"):
                by_person[row.values["mediator__id_number"]].append(row)
        persons, posts = self._load_people(sorted(by_person))
        for id_number, person_rows in by_person.items():
            person, person_changed, is_new = self._plan_person(persons.get(id_number), person_rows, posts, ctx)
            stored_posts = posts.get(person.pk, []) if person.pk else []
            planned = self._plan_posts(person, person_rows, stored_posts, is_new, person_changed, ctx)
            self._check_full_time(person, planned, stored_posts, ctx)
            for row, post in planned:
                if not row.failed and post.pk is None:
                    post.mediator = person
                    ctx.create(post)
            for r in person_rows:
                if r.status is None:
                    r.status = INVALID

    def _load_people(self, ids: list[str]) -> tuple[dict[str, Mediator], dict[int, list[Membership]]]:
        """The stored persons of the file's ID numbers and all their posts, in batches."""
        persons: dict[str, Mediator] = {}
        for start in range(0, len(ids), 5000):
            for person in Mediator.objects.filter(id_number__in=ids[start : start + 5000]):
                persons[person.id_number] = person
        posts: dict[int, list[Membership]] = defaultdict(list)
        person_pks = sorted(p.pk for p in persons.values())
        for start in range(0, len(person_pks), 5000):
            for post in Membership.objects.filter(mediator_id__in=person_pks[start : start + 5000]):
                posts[post.mediator_id].append(post)
        # organizations by pk, shared by every stored post (no per-post copy: memory at 100k rows)
        self._organizations = {o.pk: o for o in Organization.objects.all()} if posts else {}
        return persons, posts

    def _person_data(self, person_rows: list[Row], ctx: ImportContext) -> tuple[dict[str, Any], dict[str, int]]:
        """The person's own data as the rows state it, and the row that first stated each value.

        Rows about one person must agree (a blank cell states nothing)."""
        data: dict[str, Any] = {}
        stated_on: dict[str, int] = {}
        for row in person_rows:
            for attr, value in row.values.items():
                if not attr.startswith("mediator__"):
                    continue
                name = attr[len("mediator__") :]
                if value in (None, "") and name != "id_number":
                    data.setdefault(name, value)
                elif name in stated_on and not _agree(data[name], value):
                    column = self._columns[name]
                    ctx.error(
                        row,
                        column,
                        f"同一身份证号在第{stated_on[name]}行的{column}是“{_shown(data[name])}”，"
                        f"这里是“{_shown(value)}”；同一人的个人信息在各行必须一致。",
                    )
                elif name not in stated_on:
                    data[name], stated_on[name] = value, row.number
        return data, stated_on

    def _plan_person(
        self,
        person: Mediator | None,
        person_rows: list[Row],
        posts: dict[int, list[Membership]],
        ctx: ImportContext,
    ) -> tuple[Mediator, bool, bool]:
        """Create or update the person; returns (person, their own data changed, person is new)."""
        data, stated_on = self._person_data(person_rows, ctx)
        tracked = list(data) + [n for n in ("gender", "birth_date") if n not in data]
        old = None if person is None else {n: getattr(person, n) for n in tracked}
        if person is None or not all(_restates(person, name, value) for name, value in data.items()):
            # (the stored, once validated, data again needs no check: re-imports)
            person = person or Mediator()
            for name, value in data.items():
                setattr(person, name, value)
            self._clean_person(person, person_rows, stated_on, self._columns, ctx)
        changed = [] if old is None else [n for n in tracked if getattr(person, n) != old[n]]
        if changed and ctx.scoped and not self._person_visible(person, posts, ctx):
            # reported, and the posts are still checked so every problem of the row shows
            ctx.error(
                person_rows[0],
                "身份证号",
                f"调解员{person.name}（{person.id_number}）不在您的管辖范围内，其个人信息只能由其任职所在镇街修改。",
            )
        elif old is None:
            ctx.create(person)
        elif changed:
            ctx.update(person, changed)
        return person, bool(changed), old is None

    def _plan_posts(
        self,
        person: Mediator,
        person_rows: list[Row],
        stored_posts: list[Membership],
        person_is_new: bool,
        person_changed: bool,
        ctx: ImportContext,
    ) -> list[tuple[Row, Membership]]:
        """Each row's post (new or stored, matched by organization and 任职日期), checked and counted."""
        stored = {(p.organization_id, p.start_date): p for p in stored_posts}
        org_rows: dict[int, int] = {}
        planned: list[tuple[Row, Membership]] = []
        for index, row in enumerate(person_rows):
            org = row.values.get("organization")
            if org is None or not row.values.get("employment"):
                continue  # already reported on this row
            if not self._post_row_allowed(row, org, org_rows, ctx):
                continue
            post = stored.get((org.pk, row.values.get("start_date")))
            post_old = None if post is None else {n: getattr(post, n) for n in ("role", "employment", "end_date")}
            post = self._apply_post_row(row, post, post_old, org)
            if post.start_date and post.end_date and post.end_date < post.start_date:
                ctx.error(row, "离任日期", "离任日期不能早于任职日期。")
                continue
            planned.append((row, post))
            if post_old is None or person_is_new:
                status = CREATED  # a new person or a new post
            else:
                changed = [n for n in post_old if getattr(post, n) != post_old[n]]
                if changed:
                    ctx.update(post, changed)
                # the person's first row is the one that changed the person's own data
                status = UPDATED if changed or (index == 0 and person_changed) else UNCHANGED
            if not row.failed:
                row.status = status
            row.label = f"{person.name}（{person.id_number[-4:]}）· {org}"
        return planned

    def _post_row_allowed(self, row: Row, org: Organization, org_rows: dict[int, int], ctx: ImportContext) -> bool:
        """One row per person and organization, and only organizations in the user's scope."""
        if org.pk in org_rows:
            ctx.error(
                row,
                "所属调解组织",
                f"该调解员在“{org}”的任职已在第{org_rows[org.pk]}行填写；同一人同一组织只能填写一行。",
            )
            return False
        org_rows[org.pk] = row.number
        if ctx.scoped and org.area_id not in ctx.area_ids:
            ctx.error(row, "所属调解组织", f"“{org}”{self.out_of_scope_message}")
            return False
        return True

    @staticmethod
    def _apply_post_row(
        row: Row, post: Membership | None, post_old: dict[str, Any] | None, org: Organization
    ) -> Membership:
        """The row's role, 专兼职 and 离任日期 on the post; a blank column keeps a stored value."""
        if post is None:
            post = Membership(organization=org, start_date=row.values.get("start_date"))
        post.role = row.values.get("role") or (
            post_old["role"] if post_old and "role" not in row.values else Role.MEDIATOR
        )
        post.employment = row.values["employment"]
        if "end_date" in row.values or post_old is None:
            post.end_date = row.values.get("end_date")
        return post

    def _clean_person(
        self,
        person: Mediator,
        person_rows: list[Row],
        stated_on: dict[str, int],
        columns: dict[str, str],
        ctx: ImportContext,
    ) -> None:
        """The admin's validation of the person; each message goes to the row that stated the value."""
        try:
            person.clean_fields(exclude=self.prevalidated_fields)
            person.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                culprit = next((r for r in person_rows if r.number == stated_on.get(name)), person_rows[0])
                for message in messages:
                    ctx.error(culprit, columns.get(name, "身份证号"), message)

    def _person_visible(self, person: Mediator, posts: dict[int, list[Membership]], ctx: ImportContext) -> bool:
        return any(self._organizations[p.organization_id].area_id in ctx.area_ids for p in posts.get(person.pk, []))

    def _check_full_time(
        self, person: Mediator, planned: list[tuple[Row, Membership]], stored: list[Membership], ctx: ImportContext
    ) -> None:
        """Two overlapping 专职 posts — within the file or against a stored post — are an error
        (the model's rule, Membership.full_time_conflict)."""
        in_file = {id(post) for _, post in planned}
        row_of = {id(post): row for row, post in planned}
        others = [post for post in stored if id(post) not in in_file]
        for i, (row, post) in enumerate(planned):
            other = post.full_time_conflict([p for _, p in planned[:i]] + others)
            if other is None:
                continue
            other_row = row_of.get(id(other))
            where = f"（见第{other_row.number}行）" if other_row else "（系统中已有）"
            if other_row is None:
                other.organization = self._organizations[other.organization_id]
            ctx.error(row, "专兼职", full_time_conflict_message(other) + where)

    def write(self, ctx: ImportContext) -> None:
        people = ctx.creates.pop(Mediator, [])
        bulk_create_history(people, Mediator, ctx.user)
        for post in ctx.creates.get(Membership, []):
            post.mediator = post.mediator  # picks up the pk the person just got
        super().write(ctx)


def _agree(first: Any, other: Any) -> bool:
    """Two rows state the same value; 律师、志愿者 and 志愿者、律师 are the same categories."""
    if isinstance(first, str) and isinstance(other, str) and "、" in first + other:
        return set(first.split("、")) == set(other.split("、"))
    return first == other


def _shown(value: Any) -> str:
    return f"{value:%Y-%m-%d}" if hasattr(value, "year") else value


def _restates(person: Mediator, name: str, value: Any) -> bool:
    """The file's value is the stored one (a blank 性别/出生日期 means "from the ID number")."""
    return getattr(person, name) == value or (name in ("gender", "birth_date") and value in ("", None))


class ExpertResource(KindResource):
    kind = "experts"
    required_columns = ("姓名", "专业领域")
    natural_key = ("id_number", "name", "employer")
    scope_column = "服务调解组织"

    name = Field(attribute="name", column_name="姓名", widget=TextWidget())
    id_number = Field(attribute="id_number", column_name="身份证号", widget=IdNumberWidget(required=False))
    domains = Field(attribute="domains", column_name="专业领域", widget=MultiValueWidget())
    title = Field(attribute="title", column_name="职称", widget=TextWidget())
    employer = Field(attribute="employer", column_name="工作单位", widget=TextWidget())
    phone = Field(attribute="phone", column_name="联系电话", widget=PhoneWidget())
    joined_date = Field(attribute="joined_date", column_name="入库日期", widget=DateWidget("入库日期"))
    organizations = Field(
        attribute="organizations",
        column_name="服务调解组织",
        widget=ManyNaturalKeysWidget(Organization, "name", label="服务调解组织", hint="，请先导入调解组织"),
    )

    template_notes = {
        "姓名": "必填。",
        "身份证号": "可不填；不填时按 姓名+工作单位 识别同一专家。请把该列设为“文本”格式。",
        "专业领域": "必填。可填多个，用“、”分隔，如 " + "、".join(KNOWN_DOMAINS[:3]) + "。",
        "入库日期": "日期，如 2021-03-05。",
        "服务调解组织": "可填多个调解组织全称，用“、”分隔。镇街录入员须至少填一个本镇街的组织。",
    }

    class Meta:
        model = Expert
        fields = ("name", "id_number", "domains", "title", "employer", "phone", "joined_date", "organizations")
        export_order = fields

    def export_queryset(self, queryset):
        return queryset.prefetch_related("organizations")

    def dehydrate_organizations(self, obj: Expert) -> str:
        from registry.kernel.scope import scope_areas

        if not hasattr(self, "_visible_area_ids"):
            areas = scope_areas(self.user) if self.user is not None else None
            self._visible_area_ids = None if areas is None else set(areas.values_list("pk", flat=True))
        names = sorted(
            o.name
            for o in obj.organizations.all()
            if self._visible_area_ids is None or o.area_id in self._visible_area_ids
        )
        return "、".join(names)

    def row_key(self, values: dict[str, Any]) -> tuple:
        if values.get("id_number"):
            return ("id", values["id_number"])
        return ("name", values.get("name"), values.get("employer", ""))

    def key_column(self, key: tuple) -> str:
        return "身份证号" if key[0] == "id" else "姓名"

    def load_existing(self, keys: set[tuple]) -> dict[tuple, models.Model]:
        found: dict[tuple, models.Model] = {}
        for expert in Expert.objects.prefetch_related("organizations"):
            if expert.id_number:
                found[("id", expert.id_number)] = expert
            key = ("name", expert.name, expert.employer)
            if key not in found or not expert.id_number:
                found[key] = expert
        return found

    def in_scope(self, obj: Expert, ctx: ImportContext) -> bool:
        if not ctx.scoped or obj.pk is None:
            return True
        return any(o.area_id in ctx.area_ids for o in obj.organizations.all())

    def validate_row(self, row: Row, obj: Expert, old: dict[str, Any] | None, ctx: ImportContext) -> None:
        orgs = row.values.get("organizations")
        if ctx.scoped:
            outside = [o for o in orgs or [] if o.area_id not in ctx.area_ids]
            if outside:
                ctx.error(row, "服务调解组织", f"“{'、'.join(map(str, outside))}”{self.out_of_scope_message}")
                return
            if not orgs and obj.pk is None:
                ctx.error(row, "服务调解组织", "镇街录入员导入专家时须填写至少一个本镇街的服务调解组织。")
                return
        if orgs is not None:
            stored = list(obj.organizations.all()) if obj.pk else []
            if ctx.scoped:  # a clerk's file cannot see, so cannot remove, another town's organizations
                orgs = orgs + [o for o in stored if o.area_id not in ctx.area_ids]
            if {o.pk for o in orgs} != {o.pk for o in stored}:
                self._orgs.append((obj, orgs))
                if old is not None:
                    row.status = UPDATED

    def plan(self, rows: list[Row], ctx: ImportContext) -> None:
        self._orgs: list[tuple[Expert, list[Organization]]] = []
        super().plan(rows, ctx)

    def write(self, ctx: ImportContext) -> None:
        # Experts are few: save one by one so the served organizations get their m2m history too.
        for obj in ctx.creates.pop(Expert, []) + ctx.updates.pop(Expert, ([], set()))[0]:
            obj._history_user = ctx.user
            obj.save()
        for obj, orgs in self._orgs:
            obj._history_user = ctx.user
            obj.organizations.set(orgs)
        super().write(ctx)
