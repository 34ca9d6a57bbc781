"""Import kind `payouts` (SPEC §3) on the shared engine (registry.kernel.excel.engine).

A row names the mediator by 身份证号 (and 姓名, which must agree). The post the subsidy is
for is not a column: it is the mediator's post in the importer's scope that is active in
the period (full-time first), so a clerk's claims always land in their own town.
Re-sent rows (same 身份证号, 补贴类型, 所属期间, 案件编号): a new amount updates a 待审核
claim, is an error once it is 已审核 or 已发放, and re-submits an 已退回 one as 待审核.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import models
from import_export.fields import Field
from import_export.widgets import Widget

from registry.kernel.excel.engine import ImportContext, KindResource, Row, name_mismatch
from registry.kernel.excel.widgets import (
    ChoiceWidget,
    DateWidget,
    MoneyWidget,
    MonthWidget,
    NaturalKeyWidget,
    TextWidget,
    is_blank,
    normalize_text,
)
from registry.kernel.validators import normalize_id_number
from registry.models import Mediator, Membership
from subsidies.models import (
    CLAIM_FIELDS,
    LOCKED_STATUSES,
    Payout,
    PayoutKind,
    PayoutStatus,
    case_taken_message,
    normalize_case_number,
)
from subsidies.services import best_post

COLUMN_OF_FIELD = {
    "mediator_id": "身份证号",
    "organization_id": "身份证号",
    "kind": "补贴类型",
    "period": "所属期间",
    "case_number": "案件编号",
    "case_grade": "补贴类型",
    "amount": "金额",
}


class CaseNumberWidget(Widget):
    """Normalized here, not only in the model, because it is part of the natural key."""

    def clean(self, value, row=None, **kwargs) -> str:
        return "" if is_blank(value) else normalize_case_number(normalize_text(value))

    def render(self, value, obj=None, **kwargs) -> str:
        return value or ""


def _id_key(value: Any) -> str:
    return normalize_id_number(normalize_text(value) if isinstance(value, str) else value)


class PayoutResource(KindResource):
    kind = "payouts"
    text_columns = ("身份证号", "案件编号")
    required_columns = ("身份证号", "姓名", "补贴类型", "所属期间", "金额")
    natural_key = ("mediator", "kind", "period", "case_number")
    scope_field = "organization__area_id"
    scope_column = "身份证号"

    id_number = Field(
        attribute="mediator",
        column_name="身份证号",
        widget=NaturalKeyWidget(
            Mediator, "id_number", label="身份证号", hint="，系统中没有该调解员，请先导入调解员", normalize=_id_key
        ),
    )
    name = Field(attribute="mediator_name", column_name="姓名", widget=TextWidget())
    kind_ = Field(attribute="kind", column_name="补贴类型", widget=ChoiceWidget(PayoutKind.values, "补贴类型"))
    period = Field(attribute="period", column_name="所属期间", widget=MonthWidget())
    case_number = Field(attribute="case_number", column_name="案件编号", widget=CaseNumberWidget())
    amount = Field(attribute="amount", column_name="金额", widget=MoneyWidget())
    paid_date = Field(attribute="paid_date", column_name="发放日期", widget=DateWidget("发放日期"))
    remarks = Field(attribute="remarks", column_name="备注", widget=TextWidget())

    template_notes = {
        "身份证号": "必填。系统中已有调解员的18位身份证号；请把该列设为“文本”格式。",
        "姓名": "必填。须与该身份证号登记的姓名一致。",
        "补贴类型": "必填。" + "、".join(PayoutKind.values) + " 之一。",
        "所属期间": "必填。年-月，如 2022-03。",
        "案件编号": "以案定补必填；同一案件只能补贴一次。",
        "金额": "必填。单位元，大于0，最多两位小数。",
        "发放日期": "可不填；财政发放后由财政标记。",
        "备注": "",
    }

    class Meta:
        model = Payout
        fields = ("id_number", "name", "kind_", "period", "case_number", "amount", "paid_date", "remarks")
        export_order = fields

    # ---- export -----------------------------------------------------------------------------
    def dehydrate_name(self, obj: Payout) -> str:
        return obj.mediator.name

    def export_queryset(self, queryset):
        return queryset.select_related("mediator").order_by("period", "mediator__name", "pk")

    # ---- planning ---------------------------------------------------------------------------
    def column_of(self, attribute: str) -> str:
        return COLUMN_OF_FIELD.get(attribute) or COLUMN_OF_FIELD.get(f"{attribute}_id") or super().column_of(attribute)

    def derived_fields(self) -> tuple[str, ...]:
        return ("organization", "area", "status", "return_reason")

    def load_existing(self, keys: set[tuple]) -> dict[tuple, models.Model]:
        mediator_ids = sorted({key[0] for key in keys if key[0]})
        found: dict[tuple, models.Model] = {}
        for start in range(0, len(mediator_ids), 5000):
            chunk = Payout.objects.filter(mediator_id__in=mediator_ids[start : start + 5000]).select_related(
                "mediator", "organization__area"
            )
            for payout in chunk:
                found[(payout.mediator_id, payout.kind, payout.period, payout.case_number)] = payout
        return found

    def plan(self, rows: list[Row], ctx: ImportContext) -> None:
        good = [r for r in rows if not r.failed and r.values.get("mediator")]
        mediator_ids = {r.values["mediator"].pk for r in good}
        posts = Membership.objects.filter(mediator_id__in=mediator_ids).select_related("organization__area")
        if ctx.scoped:
            posts = posts.filter(organization__area_id__in=ctx.area_ids)
        self._posts: dict[int, list[Membership]] = defaultdict(list)
        for post in posts:
            self._posts[post.mediator_id].append(post)
        numbers = {r.values.get("case_number") for r in good} - {"", None}
        self._cases = {
            p.case_number: p for p in Payout.objects.filter(case_number__in=numbers).select_related("mediator")
        }
        self._case_rows: dict[str, int] = {}
        super().plan(rows, ctx)

    def model_clean(self, obj: Payout, row: Row, ctx: ImportContext) -> None:
        name = row.values.get("mediator_name", "")
        if name and (mismatch := name_mismatch(name, obj.mediator)):
            ctx.error(row, "姓名", mismatch)
            return
        if obj.stored_status in LOCKED_STATUSES:
            changed = obj.changed_claim_fields()
            if changed:
                stored = obj._stored
                what = "、".join(f"{COLUMN_OF_FIELD[n]}（原为 {stored[n]}，本行为 {getattr(obj, n)}）" for n in changed)
                ctx.error(
                    row,
                    COLUMN_OF_FIELD[changed[0]],
                    f"该补贴已{obj.stored_status}，不能再修改：{what}。如确需更正，请联系司法局退回后重新报送。",
                )
                return
        if obj.organization_id is None:
            organization = self._organization_for(obj)
            if organization is None:
                where = "您管辖范围内的" if ctx.scoped else ""
                ctx.error(
                    row,
                    "身份证号",
                    f"{obj.mediator.name}（{obj.mediator.id_number}）没有在{where}调解组织任职，无法确定补贴归属；请先导入其任职。",
                )
                return
            obj.organization = organization
        obj._references_checked = True  # below, for the whole file
        super().model_clean(obj, row, ctx)
        if row.failed or not obj.case_number:
            return
        earlier = self._cases.get(obj.case_number)
        if earlier is not None and earlier.pk != obj.pk:
            ctx.error(row, "案件编号", case_taken_message(obj.case_number, earlier))
        elif obj.case_number in self._case_rows:
            ctx.error(
                row,
                "案件编号",
                f"案件编号“{obj.case_number}”与第{self._case_rows[obj.case_number]}行相同；同一案件只能补贴一次。",
            )
        else:
            self._case_rows[obj.case_number] = row.number

    def _organization_for(self, payout: Payout):
        post = best_post(self._posts.get(payout.mediator_id, []), payout.period)
        return post.organization if post else None

    def validate_row(self, row: Row, obj: Payout, old: dict[str, Any] | None, ctx: ImportContext) -> None:
        if old is None or obj.stored_status != PayoutStatus.RETURNED:
            return
        if any(getattr(obj, n) != obj._stored[n] for n in CLAIM_FIELDS if n in obj._stored):
            # a corrected claim sent again goes back to review
            obj.status, obj.return_reason = PayoutStatus.PENDING, ""

    def in_scope(self, obj: Payout, ctx: ImportContext) -> bool:
        if not ctx.scoped:
            return True
        return obj.organization_id is not None and obj.organization.area_id in ctx.area_ids

    def describe(self, obj: Payout) -> str:
        return f"{obj.mediator.name} {obj.kind} {obj.period}{' ' + obj.case_number if obj.case_number else ''}"
