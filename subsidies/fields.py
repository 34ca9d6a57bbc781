"""Money and 所属期间 (YYYY-MM) with one normalization path for the admin and the importer."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from registry.validators import halfwidth

CENT = Decimal("0.01")
# 2022-03, 2022/3, 2022.3, 2022年3月, 2022-03-05 (a day is allowed and dropped), 202203
_PERIOD = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]?\s*\d{1,2}\s*日?)?|(\d{2}))$")


def normalize_period(value: object) -> str:
    """'2022-03', '2022/3', '2022.3', '2022年3月', '202203', an Excel date → '2022-03'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError("所属期间不能为空，应为 YYYY-MM（如 2022-03）。", code="required")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"{value:%Y-%m}"
    text = halfwidth(str(value)).strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value)) if float(value).is_integer() else repr(value)
        if isinstance(value, float) and text.endswith(".1"):
            # 2022.10 typed into a number cell is stored as 2022.1: January or October?
            raise ValidationError(
                f"所属期间“{text}”被 Excel 当作数字保存，无法区分1月和10月；请把该列设为文本格式，按 YYYY-MM 填写（如 2022-10）。",
                code="ambiguous",
            )
    match = _PERIOD.match(text)
    if not match:
        raise ValidationError(
            f"所属期间“{value}”格式不正确：应为 YYYY-MM（如 2022-03）。", code="invalid"
        )
    year, month = int(match.group(1)), int(match.group(2) or match.group(3))
    if not 1 <= month <= 12:
        raise ValidationError(
            f"所属期间“{value}”中的月份 {month} 无效：月份应为 01–12。", code="invalid_month"
        )
    if not 2000 <= year <= 2100:
        raise ValidationError(f"所属期间“{value}”中的年份 {year} 不合理，请核对。", code="invalid_year")
    return f"{year:04d}-{month:02d}"


def normalize_amount(value: object, label: str = "金额", positive: bool = True) -> Decimal:
    """Exact yuan to the fen: > 0 and at most 2 decimals; '¥1,200.50' and full-width digits accepted.

    A float from Excel is read through its shortest repr (1200.5 → '1200.5'), so a typed
    amount comes through exactly; a float that is not a whole number of fen is refused.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(f"{label}不能为空。", code="required")
    if isinstance(value, bool):
        raise ValidationError(f"{label}“{value}”不是数字。", code="invalid")
    if isinstance(value, Decimal):
        amount = value
    else:
        text = halfwidth(str(value) if not isinstance(value, float) else repr(value))
        text = re.sub(r"[\s,，¥￥元]", "", text)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(f"{label}“{value}”不是数字：应填写金额，如 1200 或 1200.50。", code="invalid") from None
    if not amount.is_finite():
        raise ValidationError(f"{label}“{value}”不是数字。", code="invalid")
    if amount != amount.quantize(CENT):
        raise ValidationError(
            f"{label}“{value}”超过2位小数：金额精确到分，最多保留2位小数。", code="decimal_places"
        )
    if positive and amount <= 0:
        raise ValidationError(f"{label}“{value}”必须大于0。", code="not_positive")
    return amount.quantize(CENT)


class PeriodField(models.CharField):
    """所属期间, stored 'YYYY-MM' so it sorts and compares as text."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("help_text", "格式 YYYY-MM，如 2022-03")
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return normalize_period(value)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PeriodFormField, **kwargs})


class PeriodFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return normalize_period(value) if value not in self.empty_values else value


class MoneyFormField(forms.CharField):
    """A text input, so '¥1,200.50' reaches normalize_amount instead of the browser refusing it."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return normalize_amount(value, str(self.label or "金额"))

    def prepare_value(self, value):
        return f"{value:.2f}" if isinstance(value, Decimal) else value


class MoneyField(models.DecimalField):
    """CNY in Decimal with 2 places, > 0 (SPEC: money is exact to the fen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        # Not `positive`: lookups such as amount__gt=0 go through to_python too.
        if value in self.empty_values:
            return None
        return normalize_amount(value, str(self.verbose_name), positive=False)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value is not None:
            normalize_amount(value, str(self.verbose_name))

    def formfield(self, **kwargs):
        return models.Field.formfield(self, **{"form_class": MoneyFormField, **kwargs})
