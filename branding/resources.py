"""Import/export of commendations and studios (SPEC §3 kinds `commendations`, `studios`),
on the shared engine in registry.kernel.excel.engine."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export.fields import Field

from branding.models import (
    Commendation,
    CommendationLevel,
    RecipientKind,
    Studio,
    StudioStatus,
    namesake_error,
)
from registry.kernel.excel.engine import CREATED, UNCHANGED, UPDATED, ImportContext, KindResource, Row, name_mismatch
from registry.kernel.excel.widgets import ChoiceWidget, DateWidget, IdNumberWidget, NaturalKeyWidget, TextWidget
from registry.kernel.scope import visible
from registry.models import Mediator, Membership, Organization

SCOPED_HINT = "，或不在您的管辖范围内（镇街录入员只能导入本镇街及其村（社区）的记录）"


def _id_number_key(value) -> str:
    return IdNumberWidget().clean(value)


class CommendationResource(KindResource):
    """One row = one commendation of one person (个人, by 身份证号) or organization (集体, by name)."""

    kind = "commendations"
    text_columns = ("文号",)
    required_columns = ("表彰对象类型", "姓名或组织名称", "表彰名称", "表彰级别", "表彰日期")
    natural_key = ("recipient", "title", "date")
    scope_field = None  # recipients are looked up within the importer's scope (see plan)

    recipient_kind = Field(
        attribute="recipient_kind",
        column_name="表彰对象类型",
        widget=ChoiceWidget(
            RecipientKind.values, "表彰对象类型", aliases={"单位": "集体", "组织": "集体", "团体": "集体"}
        ),
    )
    recipient_name = Field(attribute="recipient_name", column_name="姓名或组织名称", widget=TextWidget())
    id_number = Field(attribute="mediator__id_number", column_name="身份证号", widget=IdNumberWidget(required=False))
    title = Field(attribute="title", column_name="表彰名称", widget=TextWidget())
    level = Field(attribute="level", column_name="表彰级别", widget=ChoiceWidget(CommendationLevel.values, "表彰级别"))
    issuer = Field(attribute="issuer", column_name="授予单位", widget=TextWidget())
    document_number = Field(attribute="document_number", column_name="文号", widget=TextWidget())
    date = Field(attribute="date", column_name="表彰日期", widget=DateWidget("表彰日期"))

    sheet_title = "表彰"
    synonyms = {
        "表彰对象类型": ("对象类型", "表彰对象类别"),
        "姓名或组织名称": ("表彰对象", "受表彰对象", "受表彰个人或集体"),
        "表彰名称": ("荣誉名称", "奖项名称", "荣誉称号"),
        "表彰级别": ("级别", "荣誉级别"),
        "授予单位": ("表彰单位", "颁发单位", "授予机关"),
        "文号": ("表彰文号", "发文文号"),
        "表彰日期": ("表彰时间", "授予日期", "授予时间"),
    }

    template_notes = {
        "表彰对象类型": "必填。个人 或 集体。",
        "姓名或组织名称": "必填。个人填调解员姓名（须与身份证号登记的一致），集体填系统中已有的调解组织全称。",
        "身份证号": "个人必填，集体不填。已登记调解员的18位身份证号；请把该列设为“文本”格式。",
        "表彰名称": "必填。如 全国模范人民调解员。",
        "表彰级别": "必填。国家级、省部级、市级、区级、镇街级 之一。",
        "授予单位": "如 重庆市司法局。",
        "文号": "如 渝司发〔2021〕12号。",
        "表彰日期": "必填。日期，如 2021-12-10。",
    }

    class Meta:
        model = Commendation
        fields = (
            "recipient_kind",
            "recipient_name",
            "id_number",
            "title",
            "level",
            "issuer",
            "document_number",
            "date",
        )
        export_order = fields

    def dehydrate_recipient_name(self, obj: Commendation) -> str:
        return str(obj.mediator.name if obj.mediator_id else obj.organization.name)

    def export_queryset(self, queryset):
        return queryset.select_related("mediator", "organization")

    def plan(self, rows: list[Row], ctx: ImportContext) -> None:
        valid = [row for row in rows if not row.failed]
        people = {row.values.get("mediator__id_number") for row in valid} - {None, ""}
        names = {
            row.values["recipient_name"] for row in valid if row.values["recipient_kind"] == RecipientKind.COLLECTIVE
        }
        mediators = visible(Mediator.objects.all(), ctx.user) if ctx.scoped else Mediator.objects.all()
        organizations = visible(Organization.objects.all(), ctx.user) if ctx.scoped else Organization.objects.all()
        by_id = {m.id_number: m for m in mediators.filter(id_number__in=people)} if people else {}
        by_name = {o.name: o for o in organizations.filter(name__in=names)} if names else {}
        titles = {row.values["title"] for row in valid}
        existing = (
            {
                (("个人", c.mediator_id) if c.mediator_id else ("集体", c.organization_id), c.title, c.date): c
                for c in Commendation.objects.filter(title__in=titles)
            }
            if titles
            else {}
        )
        hint = SCOPED_HINT if ctx.scoped else ""
        first_seen: dict[tuple, int] = {}
        for row in valid:
            values = row.values
            obj = Commendation()
            if values["recipient_kind"] == RecipientKind.PERSON:
                number = values.get("mediator__id_number")
                if not number:
                    ctx.error(row, "身份证号", "个人表彰必须填写受表彰调解员的身份证号。")
                    continue
                person = by_id.get(number)
                if person is None:
                    ctx.error(
                        row,
                        "身份证号",
                        f"身份证号 {number} 在花名册中不存在{hint}；请先导入调解员（mediators）或核对号码。",
                    )
                    continue
                if mismatch := name_mismatch(values["recipient_name"], person):
                    ctx.error(row, "姓名或组织名称", mismatch)
                    continue
                obj.mediator = person
                recipient = ("个人", person.pk)
            else:
                if values.get("mediator__id_number"):
                    ctx.error(
                        row,
                        "身份证号",
                        "集体表彰的对象是调解组织，不填身份证号；如表彰的是个人，请把表彰对象类型改为“个人”。",
                    )
                    continue
                org = by_name.get(values["recipient_name"])
                if org is None:
                    ctx.error(
                        row,
                        "姓名或组织名称",
                        f"调解组织“{values['recipient_name']}”不存在{hint}；请填写系统中已有的调解组织全称。",
                    )
                    continue
                obj.organization = org
                recipient = ("集体", org.pk)
            key = (recipient, values["title"], values["date"])
            if key in first_seen:
                ctx.error(
                    row,
                    "表彰名称",
                    f"与第{first_seen[key]}行重复（同一对象、表彰名称和表彰日期），同一表彰只能出现一次。",
                )
                continue
            first_seen[key] = row.number
            stored = existing.get(key)
            if stored is not None:
                obj = stored
            editable = [n for n in ("level", "issuer", "document_number") if n in values]
            old = {n: getattr(obj, n) for n in editable}
            obj.title, obj.date = values["title"], values["date"]
            for name in editable:
                setattr(obj, name, values[name])
            self.model_clean(obj, row, ctx)
            if row.failed:
                continue
            row.label = f"{obj.recipient} · {obj}"
            if stored is None:
                row.status = CREATED
                ctx.create(obj)
            else:
                changed = [n for n in editable if getattr(obj, n) != old[n]]
                row.status = UPDATED if changed else UNCHANGED
                if changed:
                    ctx.update(obj, changed)


class StudioResource(KindResource):
    kind = "studios"
    text_columns = ("命名调解员身份证号",)
    required_columns = ("工作室名称", "命名调解员身份证号", "所属调解组织")
    natural_key = ("name",)
    scope_field = "organization__area_id"
    scope_column = "所属调解组织"

    name = Field(attribute="name", column_name="工作室名称", widget=TextWidget())
    mediator = Field(
        attribute="mediator",
        column_name="命名调解员身份证号",
        widget=NaturalKeyWidget(
            Mediator,
            "id_number",
            label="命名调解员身份证号",
            hint="：花名册中没有该身份证号的调解员",
            normalize=_id_number_key,
        ),
    )
    organization = Field(
        attribute="organization",
        column_name="所属调解组织",
        widget=NaturalKeyWidget(Organization, "name", label="所属调解组织", hint="，请填写系统中已有的调解组织全称"),
    )
    named_date = Field(attribute="named_date", column_name="命名日期", widget=DateWidget("命名日期"))
    status = Field(attribute="status", column_name="状态", widget=ChoiceWidget(StudioStatus.values, "状态"))

    sheet_title = "工作室"
    synonyms = {
        "工作室名称": ("名称", "调解工作室名称"),
        "命名调解员身份证号": ("调解员身份证号", "命名调解员身份证号码", "身份证号", "身份证号码"),
        "命名日期": ("命名时间",),
        "状态": ("工作室状态",),
    }

    template_notes = {
        "工作室名称": "必填。如 老马工作室；同名即同一工作室，再次导入会更新它。",
        "命名调解员身份证号": "必填。工作室以其命名的调解员的身份证号；命名日期当天须在所属调解组织任职。",
        "所属调解组织": "必填。系统中已有的调解组织全称。",
        "命名日期": "日期，如 2021-05-01；培育中的工作室可不填。",
        "状态": "培育中 或 已命名。不填时：新工作室有命名日期记为已命名，否则为培育中；已有的工作室保持原状态。",
    }

    class Meta:
        model = Studio
        fields = ("name", "mediator", "organization", "named_date", "status")
        export_order = fields

    def export_queryset(self, queryset):
        return queryset.select_related("mediator", "organization")

    def prefetch(self, rows: list[Row], ctx: ImportContext) -> None:
        mediator, organization = self.fields["mediator"].widget, self.fields["organization"].widget
        mediators, organizations = Mediator.objects.all(), Organization.objects.all()
        if ctx.scoped:
            mediators, organizations = visible(mediators, ctx.user), visible(organizations, ctx.user)
            mediator.hint = "：本镇街花名册中没有该身份证号的调解员（镇街录入员只能以本镇街的调解员命名工作室）"
            organization.hint = SCOPED_HINT
        mediator.prefetch((row.cells.get("命名调解员身份证号") for row in rows), mediators)
        organization.prefetch((row.cells.get("所属调解组织") for row in rows), organizations)

    def clean_row(self, row: Row, present: list[str], ctx: ImportContext) -> None:
        super().clean_row(row, present, ctx)
        if row.values.get("status") == "":
            del row.values["status"]  # blank: keep the stored status, or derive it (model_clean)

    def derived_fields(self) -> tuple[str, ...]:
        return ("status",)

    def plan(self, rows: list[Row], ctx: ImportContext) -> None:
        # every post of the file's namesakes in their organizations, in one query, for the namesake rule
        pairs = {
            (row.values["mediator"].pk, row.values["organization"].pk)
            for row in rows
            if not row.failed and row.values.get("mediator") and row.values.get("organization")
        }
        self._posts: dict[tuple[int, int], list[Membership]] = defaultdict(list)
        if pairs:
            posts = Membership.objects.filter(
                mediator_id__in={m for m, _ in pairs}, organization_id__in={o for _, o in pairs}
            )
            for post in posts:
                self._posts[(post.mediator_id, post.organization_id)].append(post)
        super().plan(rows, ctx)

    def model_clean(self, obj: Studio, row: Row, ctx: ImportContext) -> None:
        if obj._state.adding and "status" not in row.values:
            obj.status = StudioStatus.RECOGNIZED if obj.named_date else StudioStatus.CULTIVATING
        relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
        try:
            obj.clean_fields(exclude=relations)
        except ValidationError as exc:
            self.report_validation(exc, row, ctx)
            return
        # Studio.clean()'s namesake rule, from the posts loaded once for the whole file
        day = obj.named_date or timezone.localdate()
        posts = self._posts.get((obj.mediator_id, obj.organization_id), [])
        if not any(post.is_active_on(day) for post in posts):
            ctx.error(row, "命名调解员身份证号", namesake_error(obj, day))
