"""The review workflow: who may move a payout where, all-or-nothing batches, history with users."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from subsidies.models import Payout, PayoutKind, PayoutStatus
from subsidies.services import payout_approve, payout_mark_paid, payout_resubmit, payout_return
from tests.subsidies.conftest import make_payout


@pytest.fixture
def claims(district, pay):
    return [make_payout(pay.zhang, district.org_a, period=f"2022-0{m}", amount="800") for m in (1, 2, 3)]


def qs(payouts):
    return Payout.objects.filter(pk__in=[p.pk for p in payouts])


def test_the_full_path_records_every_transition_with_its_user(claims, users):
    assert payout_approve(payouts=qs(claims), user=users.bureau) == 3
    assert payout_mark_paid(payouts=qs(claims), user=users.finance, paid_date=datetime.date(2022, 5, 10)) == 3
    payout = Payout.objects.get(pk=claims[0].pk)
    assert (payout.status, payout.paid_date) == (PayoutStatus.PAID, datetime.date(2022, 5, 10))
    steps = [(h.status, h.history_user) for h in payout.history.order_by("history_id")]
    assert steps == [
        (PayoutStatus.PENDING, None),
        (PayoutStatus.APPROVED, users.bureau),
        (PayoutStatus.PAID, users.finance),
    ]


@pytest.mark.parametrize("role", ["clerk_a", "finance", "hr"])
def test_only_the_bureau_approves_or_returns(claims, users, role):
    with pytest.raises(PermissionDenied):
        payout_approve(payouts=qs(claims), user=getattr(users, role))
    with pytest.raises(PermissionDenied):
        payout_return(payouts=qs(claims), user=getattr(users, role), reason="x")
    assert set(Payout.objects.values_list("status", flat=True)) == {PayoutStatus.PENDING}


@pytest.mark.parametrize("role", ["clerk_a", "hr"])
def test_clerks_and_hr_cannot_mark_paid(claims, users, role):
    payout_approve(payouts=qs(claims), user=users.bureau)
    with pytest.raises(PermissionDenied):
        payout_mark_paid(payouts=qs(claims), user=getattr(users, role))


def test_pending_cannot_be_paid_and_a_mixed_batch_changes_nothing(claims, users):
    payout_approve(payouts=qs(claims[:1]), user=users.bureau)
    with pytest.raises(ValidationError, match="不能改为“已发放”"):
        payout_mark_paid(payouts=qs(claims), user=users.finance)
    assert list(Payout.objects.order_by("pk").values_list("status", flat=True)) == [
        PayoutStatus.APPROVED,
        PayoutStatus.PENDING,
        PayoutStatus.PENDING,
    ]


def test_paid_is_final(claims, users):
    payout_approve(payouts=qs(claims), user=users.bureau)
    payout_mark_paid(payouts=qs(claims), user=users.finance)
    for step in (
        lambda: payout_approve(payouts=qs(claims), user=users.bureau),
        lambda: payout_return(payouts=qs(claims), user=users.bureau, reason="错"),
        lambda: payout_resubmit(payouts=qs(claims), user=users.bureau),
    ):
        with pytest.raises(ValidationError):
            step()


def test_a_return_needs_a_reason_and_a_corrected_claim_is_resubmitted(claims, users):
    with pytest.raises(ValidationError, match="退回原因"):
        payout_return(payouts=qs(claims), user=users.bureau, reason="  ")
    payout_return(payouts=qs(claims[:1]), user=users.bureau, reason="金额有误")
    payout = Payout.objects.get(pk=claims[0].pk)
    assert (payout.status, payout.return_reason) == (PayoutStatus.RETURNED, "金额有误")
    payout.amount = Decimal("700.00")
    payout.full_clean()  # a returned claim may be corrected
    payout.save()
    assert payout_resubmit(payouts=qs(claims[:1]), user=users.clerk_a) == 1
    assert Payout.objects.get(pk=claims[0].pk).status == PayoutStatus.PENDING


def test_over_standard_needs_an_override_note(district, pay, users):
    high = make_payout(pay.zhang, district.org_a, amount="1200")  # 岗位补贴 standard is 1000
    with pytest.raises(ValidationError, match="高于补贴标准 ¥1,000.00"):
        payout_approve(payouts=qs([high]), user=users.bureau)
    assert payout_approve(payouts=qs([high]), user=users.bureau, note="经局务会研究同意") == 1
    assert Payout.objects.get(pk=high.pk).override_note == "经局务会研究同意"


def test_grade_standard_wins_over_the_general_case_standard(district, pay, users):
    complex_case = make_payout(
        pay.zhang, district.org_a, kind=PayoutKind.CASE, case_number="K1", case_grade="重大疑难复杂纠纷", amount="450"
    )
    ordinary = make_payout(pay.zhang, district.org_a, kind=PayoutKind.CASE, case_number="K2", amount="450")
    payout_approve(payouts=qs([complex_case]), user=users.bureau)  # 450 ≤ 500
    with pytest.raises(ValidationError, match="高于补贴标准 ¥200.00"):
        payout_approve(payouts=qs([ordinary]), user=users.bureau)


def test_a_batch_that_would_overrun_the_town_budget_needs_a_note(district, pay, users):
    # town A budget 5000; three 1000s approved, then two 1000s fit, a third does not
    payouts = [make_payout(pay.zhang, district.org_a, period=f"2022-{m:02d}", amount="1000") for m in range(1, 7)]
    payout_approve(payouts=qs(payouts[:3]), user=users.bureau)
    with pytest.raises(ValidationError, match="超出2022年预算"):
        payout_approve(payouts=qs(payouts[3:]), user=users.bureau)
    assert payout_approve(payouts=qs(payouts[3:5]), user=users.bureau) == 2
    assert Payout.objects.filter(status=PayoutStatus.APPROVED).count() == 5


def test_the_district_budget_caps_the_whole_district(district, pay, users):
    from subsidies.models import Budget

    Budget.objects.filter(area=district.district).update(amount=Decimal("1500.00"))
    a = make_payout(pay.zhang, district.org_a, amount="1000")
    b = make_payout(pay.wang, district.org_b, amount="1000")
    payout_approve(payouts=qs([a]), user=users.bureau)
    with pytest.raises(ValidationError, match="剩余 ¥500.00"):
        payout_approve(payouts=qs([b]), user=users.bureau)


@pytest.mark.parametrize("role", ["finance", "hr"])
def test_finance_and_hr_cannot_save_claims_through_the_service(claims, users, role):
    from subsidies.services import payout_save

    payout = Payout.objects.get(pk=claims[0].pk)
    payout.amount = Decimal("1.00")
    with pytest.raises(PermissionDenied):
        payout_save(payout=payout, user=getattr(users, role))
    assert Payout.objects.get(pk=claims[0].pk).amount == Decimal("800.00")
