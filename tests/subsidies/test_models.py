from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from subsidies.models import Payout, PayoutKind, PayoutStatus
from tests.subsidies.conftest import make_payout


def test_a_village_payout_rolls_up_into_its_town(district, pay):
    payout = make_payout(pay.li, district.org_a1)
    assert payout.area == district.a


@pytest.mark.parametrize(
    "amount, message",
    [
        ("0", "必须大于0"),
        ("-10", "必须大于0"),
        ("12.345", "超过2位小数"),
        ("abc", "不是数字"),
    ],
)
def test_bad_amounts_are_refused(district, pay, amount, message):
    payout = Payout(
        mediator=pay.zhang, organization=district.org_a, kind=PayoutKind.POST, period="2022-03", amount=amount
    )
    with pytest.raises(ValidationError) as exc:
        payout.full_clean()
    assert message in str(exc.value.message_dict["amount"])


@pytest.mark.parametrize("period", ["2022-13", "2022-00", "22-03", "三月"])
def test_bad_periods_are_refused(district, pay, period):
    payout = Payout(
        mediator=pay.zhang, organization=district.org_a, kind=PayoutKind.POST, period=period, amount=Decimal("1")
    )
    with pytest.raises(ValidationError) as exc:
        payout.full_clean()
    assert "所属期间" in str(exc.value.message_dict["period"])


def test_period_is_normalized(district, pay):
    assert make_payout(pay.zhang, district.org_a, period="2022年3月").period == "2022-03"


def test_case_subsidy_needs_a_case_number(district, pay):
    with pytest.raises(ValidationError) as exc:
        make_payout(pay.zhang, district.org_a, kind=PayoutKind.CASE)
    assert "以案定补必须填写案件编号" in str(exc.value)


def test_one_case_is_paid_once_across_mediators_and_the_message_names_the_earlier(district, pay):
    first = make_payout(pay.zhang, district.org_a, kind=PayoutKind.CASE, case_number="（2022）渝调 12号")
    assert first.case_number == "(2022)渝调12号"
    with pytest.raises(ValidationError) as exc:
        make_payout(pay.wang, district.org_b, kind=PayoutKind.CASE, period="2022-04", case_number="(2022)渝调12号")
    text = str(exc.value.message_dict["case_number"])
    assert "张三" in text and pay.zhang.id_number in text and f"记录编号 {first.pk}" in text
    assert Payout.objects.count() == 1


def test_the_organization_must_be_one_the_mediator_serves(district, pay):
    with pytest.raises(ValidationError) as exc:
        make_payout(pay.zhang, district.org_b)
    assert "没有任职记录" in str(exc.value.message_dict["organization"])


@pytest.mark.parametrize("status", [PayoutStatus.APPROVED, PayoutStatus.PAID])
@pytest.mark.parametrize("field, value", [("amount", Decimal("900.00")), ("period", "2022-04")])
def test_claim_fields_are_locked_once_approved(district, pay, status, field, value):
    payout = make_payout(pay.zhang, district.org_a)
    Payout.objects.filter(pk=payout.pk).update(status=status)
    payout = Payout.objects.get(pk=payout.pk)
    setattr(payout, field, value)
    with pytest.raises(ValidationError) as exc:
        payout.full_clean()
    assert "已锁定" in str(exc.value)


def test_mediator_is_locked_once_approved(district, pay):
    payout = make_payout(pay.zhang, district.org_a)
    Payout.objects.filter(pk=payout.pk).update(status=PayoutStatus.APPROVED)
    payout = Payout.objects.get(pk=payout.pk)
    payout.mediator = pay.li
    payout.organization = district.org_a1
    with pytest.raises(ValidationError, match="调解员"):
        payout.full_clean()


def test_remarks_stay_editable_once_approved(district, pay):
    payout = make_payout(pay.zhang, district.org_a)
    Payout.objects.filter(pk=payout.pk).update(status=PayoutStatus.APPROVED)
    payout = Payout.objects.get(pk=payout.pk)
    payout.remarks = "银行卡已变更"
    payout.full_clean()


def test_status_cannot_jump_from_pending_to_paid(district, pay):
    payout = Payout.objects.get(pk=make_payout(pay.zhang, district.org_a).pk)
    payout.status = PayoutStatus.PAID
    with pytest.raises(ValidationError, match="不能从“待审核”改为“已发放”"):
        payout.full_clean()
