"""Mediator subsidies (item 30): payouts with a review workflow, standards and yearly budgets."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from registry.kernel.validators import clean_text, halfwidth
from registry.models import TOWN_LEVELS, VILLAGE_LEVELS, Area, AreaLevel, Mediator, Organization, ScopedQuerySet
from subsidies.fields import MoneyField, PeriodField


class PayoutKind(models.TextChoices):
    POST = "岗位补贴", "岗位补贴"
    CASE = "以案定补", "以案定补"
    PUBLIC_POST = "公益性岗位补贴", "公益性岗位补贴"
    OTHER = "其他", "其他"


class CaseGrade(models.TextChoices):
    """以案定补 is paid by the difficulty of the case (Chongqing practice)."""

    SIMPLE = "简易纠纷", "简易纠纷"
    ORDINARY = "一般纠纷", "一般纠纷"
    COMPLEX = "重大疑难复杂纠纷", "重大疑难复杂纠纷"


class PayoutStatus(models.TextChoices):
    PENDING = "待审核", "待审核"
    APPROVED = "已审核", "已审核"
    PAID = "已发放", "已发放"
    RETURNED = "已退回", "已退回"


# status → statuses it may move to. 已退回 goes back to 待审核 once the claim is corrected;
# the bureau may still return an approved payout before finance has paid it.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PayoutStatus.PENDING: (PayoutStatus.APPROVED, PayoutStatus.RETURNED),
    PayoutStatus.APPROVED: (PayoutStatus.PAID, PayoutStatus.RETURNED),
    PayoutStatus.PAID: (),
    PayoutStatus.RETURNED: (PayoutStatus.PENDING,),
}
LOCKED_STATUSES = (PayoutStatus.APPROVED, PayoutStatus.PAID)
# What a claim says; frozen once the bureau has approved it.
CLAIM_FIELDS = ("mediator_id", "organization_id", "kind", "period", "case_number", "case_grade", "amount")
COUNTED_STATUSES = (PayoutStatus.PENDING, PayoutStatus.APPROVED, PayoutStatus.PAID)  # all but 已退回
COMMITTED_STATUSES = LOCKED_STATUSES  # what uses up a budget


def normalize_case_number(value: object) -> str:
    """Half-width, no spaces, upper case: '（2022）渝0104民调 12 号' and '(2022)渝0104民调12号' are one case."""
    text = halfwidth(clean_text(value)).replace("（", "(").replace("）", ")")
    return "".join(text.split()).upper()


class StandardQuerySet(models.QuerySet):
    def in_areas(self, area_ids):
        return self  # standards apply district-wide; every role may read them


class SubsidyStandard(models.Model):
    kind = models.CharField("补贴类型", max_length=10, choices=PayoutKind.choices)
    case_grade = models.CharField(
        "案件等级",
        max_length=10,
        choices=CaseGrade.choices,
        blank=True,
        help_text="仅以案定补按等级定标准；留空表示该类型的通用标准",
    )
    amount = MoneyField("标准金额（元/月或元/件）")
    effective_from = models.DateField("执行日期", help_text="自该日所在月份起执行；月中执行的，自下月起")
    remarks = models.CharField("依据/备注", max_length=200, blank=True)
    history = HistoricalRecords()
    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "补贴标准"
        ordering = ["kind", "case_grade", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "case_grade", "effective_from"],
                name="subsidies_standard_unique_kind_grade_date",
                violation_error_message="同一补贴类型和案件等级在同一执行日期已有标准。",
            ),
        ]

    def __str__(self) -> str:
        grade = f"·{self.case_grade}" if self.case_grade else ""
        return f"{self.kind}{grade} ¥{self.amount}（{self.effective_from:%Y-%m-%d}起）"

    @property
    def first_period(self) -> str:
        day = self.effective_from
        if day.day == 1:
            return f"{day:%Y-%m}"
        nxt = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        return f"{nxt:%Y-%m}"

    def clean(self) -> None:
        if self.case_grade and self.kind != PayoutKind.CASE:
            raise ValidationError({"case_grade": "只有以案定补按案件等级定标准；其他类型请留空。"})


class BudgetQuerySet(ScopedQuerySet):
    def in_areas(self, area_ids):
        return self.filter(area__in=area_ids)


class Budget(models.Model):
    """A year's subsidy budget of a town/street, or of the whole district (区县 row)."""

    year = models.PositiveIntegerField("年度")
    area = models.ForeignKey(
        Area,
        verbose_name="镇街或区县",
        on_delete=models.PROTECT,
        related_name="subsidy_budgets",
        limit_choices_to={"level__in": (*TOWN_LEVELS, AreaLevel.DISTRICT)},
        help_text="镇街预算只算该镇街（含村、社区）的补贴；区县预算是全区合计",
    )
    amount = MoneyField("预算金额")
    remarks = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()
    objects = BudgetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "补贴预算"
        ordering = ["-year", "area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "area"],
                name="subsidies_budget_unique_year_area",
                violation_error_message="该区划在该年度已有预算，请修改原有记录。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.area} ¥{self.amount}"

    def clean(self) -> None:
        if self.area_id and self.area.level in VILLAGE_LEVELS:
            raise ValidationError({"area": f"预算按镇街或全区编制，“{self.area}”是{self.area.level}。"})
        if self.year and not 2000 <= self.year <= 2100:
            raise ValidationError({"year": "年度应在2000–2100之间。"})


class PayoutQuerySet(ScopedQuerySet):
    area_lookup = "organization__area"

    def counted(self):
        """Every payout except 已退回 (SPEC §4)."""
        return self.filter(status__in=COUNTED_STATUSES)


class Payout(models.Model):
    mediator = models.ForeignKey(Mediator, verbose_name="调解员", on_delete=models.PROTECT, related_name="payouts")
    organization = models.ForeignKey(
        Organization,
        verbose_name="所属调解组织",
        on_delete=models.PROTECT,
        related_name="payouts",
        blank=True,
        help_text="补贴所依据的任职，决定补贴归属的镇街；留空则按该调解员在所属期间的任职自动确定",
    )
    area = models.ForeignKey(
        Area,
        verbose_name="所属镇街",
        on_delete=models.PROTECT,
        related_name="payouts",
        editable=False,
        blank=True,
        help_text="调解组织所在镇街（村、社区归入所属镇街；区级组织归区县）",
    )
    kind = models.CharField("补贴类型", max_length=10, choices=PayoutKind.choices)
    period = PeriodField("所属期间")
    case_number = models.CharField("案件编号", max_length=60, blank=True, help_text="以案定补必填；同一案件只补贴一次")
    case_grade = models.CharField("案件等级", max_length=10, choices=CaseGrade.choices, blank=True)
    amount = MoneyField("金额")
    paid_date = models.DateField("发放日期", null=True, blank=True)
    remarks = models.CharField("备注", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=4, choices=PayoutStatus.choices, default=PayoutStatus.PENDING, editable=False
    )
    return_reason = models.CharField("退回原因", max_length=200, blank=True, editable=False)
    override_note = models.CharField(
        "超标准/超预算审核说明",
        max_length=200,
        blank=True,
        help_text="金额高于补贴标准或超出剩余预算时，司法局审核须填写",
    )
    history = HistoricalRecords()
    objects = PayoutQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "补贴发放"
        ordering = ["-period", "mediator__name", "pk"]
        # the admin list (newest period first), the report and budgets filter on period and status
        indexes = [models.Index(fields=["period", "status"], name="subsidies_payout_period_idx")]
        permissions = [
            ("approve_payout", "审核或退回补贴（司法局）"),
            ("pay_payout", "标记补贴已发放并导出（财政）"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mediator", "kind", "period", "case_number"],
                name="subsidies_payout_unique_natural_key",
                violation_error_message="该调解员同一补贴类型、所属期间和案件编号的补贴已存在，请修改原记录。",
            ),
            models.UniqueConstraint(
                fields=["case_number"],
                condition=~Q(case_number=""),
                name="subsidies_payout_unique_case_number",
                violation_error_message="该案件编号已申报过补贴，同一案件只能补贴一次。",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="subsidies_payout_amount_positive",
                violation_error_message="金额必须大于0。",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PayoutKind.CASE) | ~Q(case_number=""),
                name="subsidies_payout_case_number_required",
                violation_error_message="以案定补必须填写案件编号。",
            ),
            models.CheckConstraint(
                condition=~Q(status=PayoutStatus.RETURNED) | ~Q(return_reason=""),
                name="subsidies_payout_return_has_reason",
                violation_error_message="退回必须填写原因。",
            ),
        ]

    def __str__(self) -> str:
        case = f" {self.case_number}" if self.case_number else ""
        return f"{self.mediator} {self.kind} {self.period}{case}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What the row says in the database, so clean() can refuse edits of a locked claim
        # without another query.
        instance._stored = dict(zip(field_names, values))
        return instance

    @property
    def stored_status(self) -> str | None:
        return getattr(self, "_stored", {}).get("status") if self.pk else None

    @property
    def year(self) -> int:
        return int(self.period[:4])

    def changed_claim_fields(self) -> list[str]:
        stored = getattr(self, "_stored", {})
        return [name for name in CLAIM_FIELDS if name in stored and stored[name] != getattr(self, name)]

    def clean(self) -> None:
        self.case_number = normalize_case_number(self.case_number)
        errors: dict[str, str] = {}
        if self.organization_id:
            self.area_id = self.organization.area.town_id
        elif self.mediator_id:
            errors["organization"] = "请选择补贴所依据的调解组织（该调解员任职的组织）。"
        stored = self.stored_status
        if stored and stored != self.status and self.status not in TRANSITIONS[stored]:
            errors["status"] = f"补贴状态不能从“{stored}”改为“{self.status}”。"
        if stored in LOCKED_STATUSES:
            changed = self.changed_claim_fields()
            if changed:
                labels = "、".join(str(self._meta.get_field(n.removesuffix("_id")).verbose_name) for n in changed)
                raise ValidationError(
                    f"该补贴已{stored}，{labels}已锁定，不能修改；如确需更正，请由司法局退回后重新申报。"
                )
        if self.kind == PayoutKind.CASE and not self.case_number:
            errors["case_number"] = "以案定补必须填写案件编号。"
        if self.case_grade and self.kind != PayoutKind.CASE:
            errors["case_grade"] = "只有以案定补填写案件等级。"
        # The importer checks these for the whole file at once (subsidies.resources).
        if not getattr(self, "_references_checked", False):
            self._check_references(errors)
        if self.status == PayoutStatus.RETURNED and not self.return_reason.strip():
            errors["return_reason"] = "退回必须填写原因。"
        if errors:
            raise ValidationError(errors)

    def _check_references(self, errors: dict[str, str]) -> None:
        if self.case_number and "case_number" not in errors:
            earlier = (
                Payout.objects.filter(case_number=self.case_number)
                .exclude(pk=self.pk)
                .select_related("mediator")
                .first()
            )
            if earlier:
                errors["case_number"] = case_taken_message(self.case_number, earlier)
        if self.mediator_id and self.organization_id:
            if not self.organization.memberships.filter(mediator_id=self.mediator_id).exists():
                errors["organization"] = f"该调解员在“{self.organization}”没有任职记录，补贴须依据其任职的调解组织。"

    def describe(self) -> str:
        """One payout in a message: who, what, when and where it stands."""
        case = f"，案件编号 {self.case_number}" if self.case_number else ""
        return (
            f"{self.mediator.name}（身份证号 {self.mediator.id_number}）{self.period} {self.kind}{case}，"
            f"金额 ¥{self.amount:,.2f}，状态 {self.status}（记录编号 {self.pk}）"
        )


def case_taken_message(case_number: str, earlier: Payout) -> str:
    return f"案件编号“{case_number}”已申报过补贴：{earlier.describe()}；同一案件只能补贴一次。"
