"""The shared cell normalizers (registry.kernel.excel.widgets)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from registry.kernel.excel.widgets import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    IdNumberWidget,
    IntegerWidget,
    MoneyWidget,
    MonthWidget,
    MultiValueWidget,
    TextWidget,
    escape_formula,
)
from tests.factories import make_id

D = datetime.date(2021, 3, 5)


@pytest.mark.parametrize(
    "cell",
    [
        D,
        datetime.datetime(2021, 3, 5, 0, 0),
        44260,
        44260.0,
        "2021-03-05",
        "2021/3/5",
        "2021.3.5",
        "2021年3月5日",
        " 2021 年 3 月 5 日 ",
        "２０２１-０３-０５",
        "20210305",
        "2021-03-05 00:00:00",
    ],
)
def test_dates(cell):
    assert DateWidget().clean(cell) == D


@pytest.mark.parametrize(
    "cell",
    [
        "2021-02-30", "5/3/2021", "昨天", -1, "2021-3", 0, 73416, 2958465, 10**7, float("inf"), float("nan"),
        1e308, datetime.date(9999, 12, 31), datetime.datetime(1899, 12, 31), "1899-12-31", "2101-01-01",
        datetime.time(0, 0),
    ],
)  # fmt: skip
def test_bad_dates(cell):
    with pytest.raises(ValueError, match="2021-03-05"):
        DateWidget("任职日期").clean(cell)


def test_blank_cells():
    for widget in (DateWidget(), MonthWidget(), IntegerWidget(), MoneyWidget()):
        assert widget.clean(None) in (None, "") and widget.clean("  ") in (None, "")


@pytest.mark.parametrize(
    "cell, value", [("是", True), ("否", False), (" 是 ", True), (True, True), ("Y", True), (None, False)]
)
def test_yes_no(cell, value):
    assert BooleanWidget().clean(cell) is value


def test_yes_no_refuses_maybe():
    with pytest.raises(ValueError, match="是.*否"):
        BooleanWidget("是否建立党组织").clean("也许")


def test_choice_matches_bracket_width_and_spaces():
    widget = ChoiceWidget(["乡镇（街道）人民调解委员会"], "组织类型")
    assert widget.clean(" 乡镇(街道)人民调解委员会 ") == "乡镇（街道）人民调解委员会"
    with pytest.raises(ValueError, match="可选"):
        widget.clean("街道调委会")


def test_id_numbers():
    number = make_id(seq=1)
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert IdNumberWidget().clean(fullwidth) == number
    assert IdNumberWidget().clean(f" {number[:6]} {number[6:]} ") == number
    with pytest.raises(ValidationError, match="文本"):
        IdNumberWidget().clean(5.00104199001011e17)
    with pytest.raises(ValidationError, match="文本"):
        IdNumberWidget().clean("5.00104199001011E+17")
    assert IdNumberWidget(required=False).clean("") is None


@pytest.mark.parametrize(
    "cell, value",
    [("2021-03", "2021-03"), ("2021/3", "2021-03"), ("2021年3月", "2021-03"), (D, "2021-03"), ("202103", "2021-03")],
)
def test_months(cell, value):
    assert MonthWidget().clean(cell) == value


@pytest.mark.parametrize(
    "cell, value",
    [
        ("1,200.5", Decimal("1200.50")),
        ("¥800", Decimal("800.00")),
        (1200.1, Decimal("1200.10")),
        ("300元", Decimal("300.00")),
    ],
)
def test_money(cell, value):
    assert MoneyWidget().clean(cell) == value


def test_money_refuses_fractions_of_a_fen():
    with pytest.raises(ValidationError, match="2位小数"):
        MoneyWidget().clean("1.234")


@pytest.mark.parametrize("cell, value", [("２５", 25), (25.0, 25), ("25人", 25)])
def test_integers(cell, value):
    assert IntegerWidget().clean(cell) == value


@pytest.mark.parametrize("cell", ["2.5", "-3", "很多", float("inf"), float("nan"), 1e308, "1E+400", "#NUM!"])
def test_bad_integers(cell):
    with pytest.raises((ValueError, ValidationError), match="整数"):
        IntegerWidget("警力人数").clean(cell)


def test_text_and_multi_values():
    assert TextWidget().clean("  张\u3000三 ") == "张 三"
    assert TextWidget().clean(13800000000.0) == "13800000000"
    assert MultiValueWidget().clean("律师，志愿者;律师 ； 五老人员") == "律师、志愿者、五老人员"


@pytest.mark.parametrize("value", ["=1+1", "+86", "-5", "@SUM(A1)"])
def test_export_escapes_formulas_and_import_undoes_it(value):
    escaped = escape_formula(value)
    assert escaped == "'" + value
    assert TextWidget().clean(escaped) == value


@pytest.mark.parametrize("cell, expected", [(2, datetime.date(1900, 1, 1)), (73415, datetime.date(2100, 12, 31))])
def test_excel_serials_at_the_ends_of_the_range(cell, expected):
    assert DateWidget().clean(cell) == expected


@pytest.mark.parametrize("cell", [float("inf"), float("-inf"), float("nan"), 1e308, 1e27, "1E+400", "-0", -0.0, 5e-324])
def test_money_that_is_no_finite_amount_is_a_row_error(cell):
    with pytest.raises(ValidationError, match="金额"):
        MoneyWidget().clean(cell)


def test_control_characters_are_dropped_from_text():
    assert TextWidget().clean("张\x00三\x01\x7f") == "张三"
    assert TextWidget().clean("张\t三\n") == "张 三"
