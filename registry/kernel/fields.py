"""Model fields that normalize on full_clean, so the admin and the importer share one path."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from registry.kernel import pinyin
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


class PinyinField(models.CharField):
    """A name's pinyin sort key (`initials=False`) or initials, derived from `source`.

    Kept current by Django itself on save() and bulk_create() (both call `pre_save`);
    bulk_update() does not, so callers pass their field list through `with_derived_fields`
    (the import engine does). Never edited by hand.
    """

    def __init__(self, *args, source: str = "name", person: bool = False, initials: bool = False, **kwargs):
        self.source, self.person, self.initials = source, person, initials
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.person:
            kwargs["person"] = True
        if self.initials:
            kwargs["initials"] = True
        return name, path, args, kwargs

    def derive(self, instance) -> str:
        compute = pinyin.initials if self.initials else pinyin.sort_key
        return compute(getattr(instance, self.source) or "", person=self.person)[: self.max_length]

    def pre_save(self, model_instance, add):
        value = self.derive(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def with_derived_fields(objs, model, fields: list[str]) -> list[str]:
    """Before a bulk_update of `fields`: refresh the PinyinFields derived from them and
    return the field list with those added (bulk_update calls no pre_save)."""
    derived = [f for f in model._meta.concrete_fields if isinstance(f, PinyinField) and f.source in fields]
    for obj in objs:
        for f in derived:
            f.pre_save(obj, False)
    return [*fields, *(f.name for f in derived if f.name not in fields)]


def refresh_derived(model, batch_size: int = 2000) -> int:
    """Recompute every PinyinField of all `model` rows (the data migration, `refresh_pinyin`).

    Derived data, not a change anyone made: written without history. Returns the rows changed."""
    derived = [f for f in model._meta.concrete_fields if isinstance(f, PinyinField)]
    names = [f.attname for f in derived]
    changed = []
    rows = model._default_manager.only("pk", *{f.source for f in derived}, *names)
    for obj in rows.iterator(chunk_size=batch_size):
        before = [getattr(obj, name) for name in names]
        for f in derived:
            f.pre_save(obj, False)
        if [getattr(obj, name) for name in names] != before:
            changed.append(obj)
    model._default_manager.bulk_update(changed, names, batch_size=batch_size)
    return len(changed)
