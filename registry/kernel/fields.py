"""Model fields that normalize on full_clean, so the admin and the importer share one path."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from registry.kernel.validators import MULTI_VALUE_JOIN, normalize_id_number, normalize_phone, split_multi


class IdNumberField(models.CharField):
    """身份证号: stored canonical (18 characters, upper-case X), checksum-valid."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None if self.null else ""
        return normalize_id_number(value)


class PhoneField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return normalize_phone(value)


class MultiChoiceFormField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        return split_multi(value) if isinstance(value, str) else value


class MultiValueField(models.CharField):
    """Several values in one column, stored joined with 、 (e.g. 专业领域, 人员类别).

    With `allowed`, every value must be one of them (a closed list such as 人员类别);
    without, any value is kept (专业领域 is an open list: SPEC says it "includes").
    """

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        self.allowed = list(allowed) if allowed else None
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.allowed:
            kwargs["allowed"] = self.allowed
        return name, path, args, kwargs

    def to_python(self, value):
        items = split_multi(value)
        if self.allowed:
            unknown = [item for item in items if item not in self.allowed]
            if unknown:
                raise ValidationError(
                    f"{self.verbose_name}“{'、'.join(unknown)}”不在可选范围内；可选：{'、'.join(self.allowed)}。",
                    code="invalid_choice",
                )
        return MULTI_VALUE_JOIN.join(items)

    def formfield(self, **kwargs):
        if self.allowed:
            return MultiChoiceFormField(
                choices=[(v, v) for v in self.allowed],
                required=not self.blank,
                label=self.verbose_name,
                help_text=self.help_text,
            )
        kwargs.setdefault("help_text", "多个值用“、”分隔")
        return super().formfield(**kwargs)
