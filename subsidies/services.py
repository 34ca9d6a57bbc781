"""Writes and cross-row rules of subsidies: standards, budgets and the review workflow.

Role rules live here, not only in the admin, so no path (admin action, shell, import)
lets a clerk approve or finance change an amount.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from registry.kernel.period import Period
from registry.models import AreaLevel, Employment, Mediator, Membership, Organization
from subsidies.models import (
    COMMITTED_STATUSES,
    TRANSITIONS,
    Budget,
    Payout,
    PayoutStatus,
    SubsidyStandard,
)

ZERO = Decimal("0.00")
APPROVE_PERMISSION = "subsidies.approve_payout"
PAY_PERMISSION = "subsidies.pay_payout"


# ---- standards -------------------------------------------------------------------------


def standard_amount_expression(standards: Iterable[SubsidyStandard] | None = None) -> Case:
    """SQL for 'the standard in force for this payout' — one CASE over the (small) standards table.

    A grade-specific standard wins over the kind's general one; a standard applies from its
    first period until the next standard of the same kind and grade.
    """
    standards = list(SubsidyStandard.objects.all() if standards is None else standards)
    by_key: dict[tuple[str, str], list[SubsidyStandard]] = defaultdict(list)
    for standard in standards:
        by_key[(standard.kind, standard.case_grade)].append(standard)
    specific, general = [], []
    for (kind, grade), items in by_key.items():
        items.sort(key=lambda s: s.first_period)
        for current, following in zip(items, [*items[1:], None]):
            start = Period.month(current.first_period).start
            until = None if following is None else Period.month(following.first_period).start - datetime.timedelta(1)
            when = Q(kind=kind) & Period(start, until).q_containing_month("period")
            if grade:
                specific.append(When(when & Q(case_grade=grade), then=Value(current.amount)))
            else:
                general.append(When(when, then=Value(current.amount)))
    output = DecimalField(max_digits=12, decimal_places=2)
    if not specific and not general:
        return Value(None, output_field=output)
    return Case(*specific, *general, default=None, output_field=output)


def with_standard(queryset: QuerySet[Payout]) -> QuerySet[Payout]:
    """Payouts annotated with `standard_amount` (None where no standard applies)."""
    return queryset.annotate(standard_amount=standard_amount_expression())


def over_standard_q() -> Q:
    """Use on a `with_standard` queryset."""
    return Q(standard_amount__isnull=False, amount__gt=F("standard_amount"))


# ---- budgets ---------------------------------------------------------------------------


@dataclass
class BudgetLine:
    area_id: int
    year: int
    budget: Decimal
    committed: Decimal  # 已审核 + 已发放

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed


def budget_lines(years: Iterable[int]) -> dict[tuple[int, int], BudgetLine]:
    """(area_id, year) → budget and what approved/paid payouts have used of it; two queries.

    A town/street budget counts its own payouts; the district (区县) budget counts every payout.
    """
    years = sorted(set(years))
    if not years:
        return {}
    budgets = list(Budget.objects.filter(year__in=years).select_related("area"))
    if not budgets:
        return {}
    months = Period(Period.year(years[0]).start, Period.year(years[-1]).end)
    used = (
        Payout.objects.filter(months.q_containing_month("period"), status__in=COMMITTED_STATUSES)
        .annotate(year=Substr("period", 1, 4))
        .values("area_id", "year")
        .annotate(total=Sum("amount"))
    )
    per_area: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    per_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in used:
        per_area[(row["area_id"], int(row["year"]))] += row["total"]
        per_year[int(row["year"])] += row["total"]
    lines = {}
    for budget in budgets:
        committed = (
            per_year[budget.year]
            if budget.area.level == AreaLevel.DISTRICT
            else per_area[(budget.area_id, budget.year)]
        )
        lines[(budget.area_id, budget.year)] = BudgetLine(budget.area_id, budget.year, budget.amount, committed)
    return lines


def district_budget_area_ids() -> set[int]:
    return set(Budget.objects.filter(area__level=AreaLevel.DISTRICT).values_list("area_id", flat=True).distinct())


def over_budget(
    payouts: Iterable[Payout], lines: dict[tuple[int, int], BudgetLine], district_ids: set[int]
) -> dict[int, str]:
    """pk → why approving these payouts, in order, would overrun a budget (town's or district's).

    Cumulative: the second of two claims that together exceed what is left is flagged.
    """
    spent: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    flagged: dict[int, str] = {}
    for payout in payouts:
        keys = [(payout.area_id, payout.year)] + [(d, payout.year) for d in district_ids if d != payout.area_id]
        for key in keys:
            line = lines.get(key)
            if line is None:
                continue
            spent[key] += payout.amount
            if spent[key] > line.remaining and payout.pk not in flagged:
                flagged[payout.pk] = f"超出{line.year}年预算（剩余 ¥{line.remaining:,.2f}）"
    return flagged


# ---- attribution -----------------------------------------------------------------------


def payout_organization(*, mediator: Mediator, period: str, areas=None) -> Organization | None:
    """The post a subsidy is for: a post active in the period (full-time first), else the latest post.

    `areas` limits it to a clerk's scope, so a clerk's claim lands in their own town.
    """
    posts = Membership.objects.filter(mediator=mediator).select_related("organization__area")
    if areas is not None:
        posts = posts.in_areas(areas)
    post = best_post(posts, period)
    return post.organization if post else None


def best_post(posts: Iterable[Membership], period: str) -> Membership | None:
    """Of one mediator's posts, the one a payout of `period` ("YYYY-MM") is for."""
    month = Period.month(period)
    return min(posts, key=lambda post: post_rank(post, month), default=None)


def post_rank(post: Membership, month: Period) -> tuple:
    in_period = post.period.overlaps(month)
    latest_first = -(post.start_date or datetime.date.min).toordinal()
    return (not in_period, post.employment != Employment.FULL_TIME, latest_first, post.pk)


# ---- writes and the workflow -----------------------------------------------------------


def payout_save(*, payout: Payout, user=None) -> Payout:
    """Validate and save one claim; a concurrent duplicate case number becomes a clear error.

    With a user, their role must let them enter claims: finance and HR never change amounts.
    """
    if user is not None:
        _require(user, "subsidies.change_payout" if payout.pk else "subsidies.add_payout", "录入或修改")
        payout._history_user = user
    payout.full_clean()
    try:
        with transaction.atomic():
            payout.save()
    except IntegrityError:
        payout.full_clean()  # names the earlier payout now that it is committed
        raise
    return payout


def _require(user, permission: str, action: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(f"您没有{action}补贴的权限。")


def _check_transition(rows: list[Payout], target: str) -> None:
    wrong = [p for p in rows if target not in TRANSITIONS[p.status]]
    if wrong:
        listed = "；".join(f"{p.describe()}" for p in wrong[:10])
        more = f"等{len(wrong)}条" if len(wrong) > 10 else ""
        raise ValidationError(f"以下补贴当前状态不能改为“{target}”，未做任何更改：{listed}{more}。")


def _locked_rows(payouts: QuerySet[Payout]) -> list[Payout]:
    return list(payouts.select_for_update().select_related("mediator").order_by("pk"))


def payouts_needing_override(rows: list[Payout]) -> dict[int, str]:
    """pk → why the bureau must write an override note before approving (over standard or budget)."""
    standards = dict(
        with_standard(Payout.objects.filter(pk__in=[p.pk for p in rows])).values_list("pk", "standard_amount")
    )
    reasons: dict[int, list[str]] = defaultdict(list)
    for payout in rows:
        standard = standards.get(payout.pk)
        if standard is not None and payout.amount > standard:
            reasons[payout.pk].append(f"高于补贴标准 ¥{standard:,.2f}")
    lines = budget_lines({p.year for p in rows})
    for pk, why in over_budget(rows, lines, district_budget_area_ids()).items():
        reasons[pk].append(why)
    return {pk: "、".join(items) for pk, items in reasons.items()}


@transaction.atomic
def payout_approve(*, payouts: QuerySet[Payout], user, note: str = "") -> int:
    """待审核 → 已审核 (bureau). All or nothing: any row that cannot be approved stops the batch.

    A payout over its standard or the remaining budget needs an override note: its own,
    or `note`, which is then recorded on it.
    """
    _require(user, APPROVE_PERMISSION, "审核")
    rows = _locked_rows(payouts)
    _check_transition(rows, PayoutStatus.APPROVED)
    note = note.strip()
    missing = []
    needs = payouts_needing_override(rows)
    for payout in rows:
        if payout.pk in needs and not payout.override_note:
            if note:
                payout.override_note = note[:200]
            else:
                missing.append(f"{payout.describe()}（{needs[payout.pk]}）")
        payout.status = PayoutStatus.APPROVED
    if missing:
        raise ValidationError(
            "以下补贴高于标准或超出预算，须填写审核说明后才能审核，未做任何更改："
            + "；".join(missing[:10])
            + (f"等{len(missing)}条" if len(missing) > 10 else "")
            + "。"
        )
    return bulk_update_with_history(rows, Payout, ["status", "override_note"], default_user=user)


@transaction.atomic
def payout_return(*, payouts: QuerySet[Payout], user, reason: str) -> int:
    """待审核/已审核 → 已退回 with a reason (bureau)."""
    _require(user, APPROVE_PERMISSION, "退回")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("退回补贴必须填写退回原因，未做任何更改。")
    rows = _locked_rows(payouts)
    _check_transition(rows, PayoutStatus.RETURNED)
    for payout in rows:
        payout.status, payout.return_reason = PayoutStatus.RETURNED, reason[:200]
    return bulk_update_with_history(rows, Payout, ["status", "return_reason"], default_user=user)


@transaction.atomic
def payout_mark_paid(*, payouts: QuerySet[Payout], user, paid_date: datetime.date | None = None) -> int:
    """已审核 → 已发放 (finance); the paid date is the one given, else the one claimed, else today."""
    _require(user, PAY_PERMISSION, "标记发放")
    rows = _locked_rows(payouts)
    _check_transition(rows, PayoutStatus.PAID)
    today = timezone.localdate()
    for payout in rows:
        payout.status = PayoutStatus.PAID
        payout.paid_date = paid_date or payout.paid_date or today
    return bulk_update_with_history(rows, Payout, ["status", "paid_date"], default_user=user)


@transaction.atomic
def payout_resubmit(*, payouts: QuerySet[Payout], user) -> int:
    """已退回 → 待审核 after the claim has been corrected (whoever may edit claims)."""
    _require(user, "subsidies.change_payout", "重新提交")
    rows = _locked_rows(payouts)
    _check_transition(rows, PayoutStatus.PENDING)
    for payout in rows:
        payout.status, payout.return_reason = PayoutStatus.PENDING, ""
    return bulk_update_with_history(rows, Payout, ["status", "return_reason"], default_user=user)
