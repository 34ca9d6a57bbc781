import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from subsidies.fields import normalize_amount, normalize_period


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2022-03", "2022-03"),
        ("2022/3", "2022-03"),
        ("2022.3", "2022-03"),
        ("2022年3月", "2022-03"),
        ("２０２２－０３", "2022-03"),
        ("202203", "2022-03"),
        (202203, "2022-03"),
        (202203.0, "2022-03"),
        (datetime.date(2022, 3, 5), "2022-03"),
        (datetime.datetime(2022, 3, 1), "2022-03"),
        ("2022-03-05", "2022-03"),
        ("2022年3月5日", "2022-03"),
        (" 2022-3 ", "2022-03"),
        (2022.12, "2022-12"),
        (2022.3, "2022-03"),
    ],
)
def test_periods_are_normalized(raw, expected):
    assert normalize_period(raw) == expected


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("2022-13", "月份 13 无效"),
        ("2022-00", "月份 0 无效"),
        ("2022", "格式不正确"),
        ("abc", "格式不正确"),
        (2022.1, "无法区分1月和10月"),
        ("", "不能为空"),
        (None, "不能为空"),
    ],
)
def test_bad_periods_say_what_is_wrong(raw, fragment):
    with pytest.raises(ValidationError) as exc:
        normalize_period(raw)
    assert fragment in exc.value.messages[0]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1200", "1200.00"),
        ("¥1,200.50", "1200.50"),
        ("１２００元", "1200.00"),
        (1200.5, "1200.50"),
        (100.1, "100.10"),
        (Decimal("3.1"), "3.10"),
        (7, "7.00"),
    ],
)
def test_amounts_are_exact(raw, expected):
    assert normalize_amount(raw) == Decimal(expected) and str(normalize_amount(raw)) == expected


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (0, "必须大于0"),
        ("-5", "必须大于0"),
        (12.345, "超过2位小数"),
        (0.1 + 0.2, "超过2位小数"),
        ("1.2.3", "不是数字"),
        ("", "不能为空"),
        (True, "不是数字"),
        ("NaN", "不是数字"),
    ],
)
def test_bad_amounts_say_what_is_wrong(raw, fragment):
    with pytest.raises(ValidationError) as exc:
        normalize_amount(raw)
    assert fragment in exc.value.messages[0]
