"""Money and 所属期间 (YYYY-MM) with one normalization path for the admin and the importer."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db import models

from registry.kernel.validators import normalize_amount, normalize_period


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
