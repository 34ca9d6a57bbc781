"""Subsidies in the admin: claims in scope, the review workflow as bulk actions, the finance export.

Who does what (SPEC §5 and issue 6): a clerk enters and imports claims (待审核) and
re-submits returned ones; the bureau approves or returns them (审核/退回); finance marks
approved ones paid (发放) and exports them. The bureau, which "edits everything", may also
take finance's steps. The actions only call subsidies.services, which re-check the role.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Substr
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from registry.kernel.admin import ScopedAdmin, TownFilter
from registry.kernel.excel.writing import xlsx_response
from registry.kernel.scope import scope_areas
from registry.kernel.validators import mask_id_number
from subsidies.exports import payouts_xlsx
from subsidies.models import LOCKED_STATUSES, Budget, Payout, PayoutStatus, SubsidyStandard
from subsidies.services import (
    APPROVE_PERMISSION,
    PAY_PERMISSION,
    budget_lines,
    district_budget_area_ids,
    over_budget,
    over_standard_q,
    payout_approve,
    payout_mark_paid,
    payout_organization,
    payout_resubmit,
    payout_return,
    payout_save,
    with_standard,
)

CLAIM_FORM_FIELDS = ["mediator", "organization", "kind", "period", "case_number", "case_grade", "amount"]


class PayoutActionForm(ActionForm):
    note = forms.CharField(
        label="退回原因/审核说明",
        required=False,
        max_length=200,
        help_text="退回时必填；审核超标准或超预算的补贴时作为审核说明",
    )
    paid_date = forms.DateField(
        label="发放日期",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"placeholder": "YYYY-MM-DD", "size": 10}),
    )


class PayoutForm(forms.ModelForm):
    """Leaving 所属调解组织 empty picks the mediator's post in the user's scope for that period."""

    user = None  # set by PayoutAdmin.get_form

    class Meta:
        model = Payout
        fields = "__all__"

    def clean(self):
        data = super().clean()
        mediator, period = data.get("mediator"), data.get("period")
        if "organization" in self.fields and not data.get("organization") and mediator and period:
            areas = scope_areas(self.user) if self.user is not None else None
            organization = payout_organization(mediator=mediator, period=period, areas=areas)
            if organization is None:
                self.add_error("organization", "该调解员没有在您管辖范围内的调解组织任职，无法确定补贴归属。")
            else:
                data["organization"] = organization
        return data


class OverStandardFilter(admin.SimpleListFilter):
    title = "补贴标准"
    parameter_name = "standard"

    def lookups(self, request, model_admin):
        return [("over", "高于标准"), ("within", "未超标准或无标准")]

    def queryset(self, request, queryset):
        if self.value() == "over":
            return queryset.filter(over_standard_q())
        if self.value() == "within":
            return queryset.exclude(over_standard_q())
        return queryset


class YearFilter(admin.SimpleListFilter):
    title = "年度"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Payout.objects.annotate(y=Substr("period", 1, 4)).values_list("y", flat=True).distinct().order_by("-y")
        return [(y, f"{y}年") for y in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(period__startswith=f"{self.value()}-")
        return queryset


@admin.register(Payout)
class PayoutAdmin(ScopedAdmin):
    import_kind = "payouts"  # Import / Export / template buttons of the shared engine
    change_list_template = "admin/subsidies/payout/change_list.html"  # those buttons + the report link
    form = PayoutForm
    action_form = PayoutActionForm
    list_display = [
        "mediator_name",
        "id_number",
        "kind",
        "period",
        "case_number",
        "amount_yuan",
        "status",
        "area",
        "organization",
        "standard_flag",
        "budget_flag",
        "paid_date",
    ]
    list_filter = ["status", "kind", TownFilter, OverStandardFilter, YearFilter]
    search_fields = ["mediator__name", "mediator__id_number", "case_number"]
    list_select_related = ["mediator", "organization", "area"]
    autocomplete_fields = ["mediator", "organization"]
    actions = ["approve", "return_payouts", "mark_paid", "resubmit", "export_xlsx"]
    fields = [
        "mediator",
        "organization",
        "area",
        "kind",
        "period",
        "case_number",
        "case_grade",
        "amount",
        "standard_info",
        "paid_date",
        "remarks",
        "status",
        "return_reason",
        "override_note",
    ]

    def get_queryset(self, request):
        return with_standard(super().get_queryset(request))

    def get_list_display(self, request):
        # as in the roster: who does not keep mediators (hr, finance) sees ID numbers masked;
        # the finance export keeps them whole for the bank
        shown = super().get_list_display(request)
        if request.user.has_perm("registry.change_mediator"):
            return shown
        return ["masked_id_number" if field == "id_number" else field for field in shown]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        readonly = ["area", "standard_info", "status", "return_reason"]
        if obj is not None and obj.status in LOCKED_STATUSES:
            readonly += CLAIM_FORM_FIELDS
        if obj is not None and obj.status == PayoutStatus.PAID:
            readonly.append("paid_date")
        if not request.user.has_perm(APPROVE_PERMISSION):
            readonly.append("override_note")
        return readonly

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a claim is returned, never silently deleted in bulk
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status in LOCKED_STATUSES:
            return False
        return super().has_delete_permission(request, obj)

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm(APPROVE_PERMISSION)

    def has_pay_permission(self, request) -> bool:
        return request.user.has_perm(PAY_PERMISSION)

    def save_model(self, request, obj, form, change):
        payout_save(payout=obj, user=request.user)

    # ---- list columns --------------------------------------------------------------------
    def get_changelist_instance(self, request):
        """Budget flags for the page's pending claims: two queries for the page, not per row."""
        changelist = super().get_changelist_instance(request)
        pending = [p for p in changelist.result_list if p.status == PayoutStatus.PENDING]
        flags: dict[int, str] = {}
        if pending:
            lines = budget_lines({p.year for p in pending})
            districts = district_budget_area_ids() if lines else set()
            for payout in pending:  # each on its own: would approving this one alone overrun?
                flags.update(over_budget([payout], lines, districts))
        for payout in changelist.result_list:
            payout.budget_warning = flags.get(payout.pk, "")
        return changelist

    @admin.display(description="调解员", ordering="mediator__name")
    def mediator_name(self, obj: Payout) -> str:
        return obj.mediator.name

    @admin.display(description="身份证号", ordering="mediator__id_number")
    def id_number(self, obj: Payout) -> str:
        return obj.mediator.id_number

    @admin.display(description="身份证号", ordering="mediator__id_number")
    def masked_id_number(self, obj: Payout) -> str:
        return mask_id_number(obj.mediator.id_number)

    @admin.display(description="金额（元）", ordering="amount")
    def amount_yuan(self, obj: Payout) -> str:
        return f"¥{obj.amount:,.2f}"

    @admin.display(description="标准")
    def standard_flag(self, obj: Payout) -> str:
        standard = getattr(obj, "standard_amount", None)
        if standard is None or obj.amount <= standard:
            return "—" if standard is None else "✓"
        note = "（已说明）" if obj.override_note else "（需司法局说明）"
        return format_html('<strong style="color:#ba2121">高于标准 ¥{}{}</strong>', f"{standard:,.2f}", note)

    @admin.display(description="预算")
    def budget_flag(self, obj: Payout) -> str:
        warning = getattr(obj, "budget_warning", "")
        return format_html('<strong style="color:#ba2121">{}</strong>', warning) if warning else ""

    @admin.display(description="适用补贴标准")
    def standard_info(self, obj: Payout) -> str:
        standard = getattr(obj, "standard_amount", None)
        if obj is None or obj.pk is None:
            return "保存后显示"
        if standard is None:
            return "无适用标准"
        verdict = "，本笔高于标准，审核时须填写说明" if obj.amount > standard else ""
        return f"¥{standard:,.2f}{verdict}"

    # ---- workflow actions ----------------------------------------------------------------
    def _run(self, request, step, done: str) -> None:
        try:
            count = step()
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, text, messages.ERROR)
            return
        self.message_user(request, done.format(n=count), messages.SUCCESS)

    def _action_data(self, request) -> dict:
        form = PayoutActionForm(request.POST)
        form.fields["action"].choices = [(request.POST.get("action"), "")]
        return form.cleaned_data if form.is_valid() else {"note": request.POST.get("note", ""), "paid_date": None}

    @admin.action(description="审核通过所选补贴（司法局）", permissions=["approve"])
    def approve(self, request, queryset):
        note = self._action_data(request).get("note") or ""
        self._run(
            request, lambda: payout_approve(payouts=queryset, user=request.user, note=note), "已审核 {n} 条补贴。"
        )

    @admin.action(description="退回所选补贴（司法局，须填写退回原因）", permissions=["approve"])
    def return_payouts(self, request, queryset):
        note = self._action_data(request).get("note") or ""
        self._run(
            request, lambda: payout_return(payouts=queryset, user=request.user, reason=note), "已退回 {n} 条补贴。"
        )

    @admin.action(description="标记所选补贴已发放（财政）", permissions=["pay"])
    def mark_paid(self, request, queryset):
        data = self._action_data(request)
        if request.POST.get("paid_date") and not data.get("paid_date"):
            self.message_user(request, "发放日期格式不正确，应为 YYYY-MM-DD，未做任何更改。", messages.ERROR)
            return
        paid = data.get("paid_date") or timezone.localdate()
        self._run(
            request,
            lambda: payout_mark_paid(payouts=queryset, user=request.user, paid_date=paid),
            "已标记 {n} 条补贴为已发放。",
        )

    @admin.action(description="重新提交所选已退回补贴（修改后）", permissions=["change"])
    def resubmit(self, request, queryset):
        self._run(
            request, lambda: payout_resubmit(payouts=queryset, user=request.user), "已重新提交 {n} 条补贴，待审核。"
        )

    @admin.action(description="导出所选补贴为财务发放表（.xlsx）", permissions=["pay"])
    def export_xlsx(self, request, queryset):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(payouts_xlsx(queryset.order_by()), f"补贴发放表-{stamp}.xlsx")

    def get_urls(self):
        from subsidies.views import report_view

        extra = [path("report/", self.admin_site.admin_view(report_view), name="subsidies_payout_report")]
        return extra + super().get_urls()


@admin.register(SubsidyStandard)
class SubsidyStandardAdmin(ScopedAdmin):
    list_display = ["kind", "case_grade", "amount_yuan", "effective_from", "remarks"]
    list_filter = ["kind", "case_grade"]
    ordering = ["kind", "case_grade", "-effective_from"]

    @admin.display(description="金额（元）", ordering="amount")
    def amount_yuan(self, obj) -> str:
        return f"¥{obj.amount:,.2f}"


@admin.register(Budget)
class BudgetAdmin(ScopedAdmin):
    list_display = ["year", "area", "amount_yuan", "remarks"]
    list_filter = ["year"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]
    ordering = ["-year", "area__name"]

    amount_yuan = SubsidyStandardAdmin.amount_yuan
