"""Scope in the admin: every list, change page, search, autocomplete, choice and history.

`ScopedAdmin` and `ScopedInline` are the only admin base classes the project uses,
so a new model inherits the rule instead of re-implementing it.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from registry.kernel.excel.admin import KindImportExportMixin
from registry.kernel.scope import scope_areas, town_areas, visible
from registry.models import TOWN_LEVELS, Area


class ScopeMixin:
    def get_queryset(self, request):
        return visible(super().get_queryset(request), request.user)

    def _scoped_choices(self, db_field, request, kwargs):
        related = db_field.remote_field.model
        if "queryset" not in kwargs and hasattr(related.objects.all(), "in_areas"):
            kwargs["queryset"] = visible(related._default_manager.all(), request.user)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._scoped_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scoped_choices(db_field, request, kwargs))


class ScopedAdmin(KindImportExportMixin, ScopeMixin, SimpleHistoryAdmin):
    """Set `import_kind` on a subclass to get Import / Export / template buttons (registry.kernel.excel.admin)."""

    list_per_page = 50

    def _guard(self, request, object_id) -> None:
        """simple-history's history views read the history table directly and check only
        model permissions, so a hidden record's history would leak: refuse it here."""
        areas = scope_areas(request.user)
        if areas is None:
            return
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404("记录不存在，或不在您的管辖范围内。")

    def history_view(self, request, object_id, extra_context=None):
        self._guard(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._guard(request, object_id)
        if request.method == "POST" and self.revert_disabled(request):
            # simple-history only hides the revert button; its form would still save a POST,
            # even from a read-only role. Reverting is off here (restore: the 恢复 path).
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class KnownAutocompleteSelect(AutocompleteSelect):
    """An autocomplete whose selected option comes from the row already loaded, when it is.

    Django's widget looks its initial value up with one query per inline row (50 posts, 50
    queries); the inline's queryset already joined the related row (select_related), so
    `SetBasedInlineFormSet` hands it over in `known` and the option is built from it.
    """

    known: dict[str, object] = {}

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not selected or any(v not in self.known for v in selected):
            return super().optgroups(name, value, attr)
        options = (
            [] if self.is_required or self.allow_multiple_selected else [self.create_option(name, "", "", False, 0)]
        )
        for key in selected:
            label = self.choices.field.label_from_instance(self.known[key])
            options.append(self.create_option(name, key, label, set(selected), len(options)))
        return [(None, options, 0)]


class SetBasedInlineFormSet(BaseInlineFormSet):
    """Rows of an inline without a query per row: each row's parent is the page's object, and
    its autocomplete fields show the related rows the inline's queryset selected."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.instance.pk is not None and getattr(form.instance, self.fk.attname) == self.instance.pk:
            self.fk.set_cached_value(form.instance, self.instance)  # __str__ of a row names its parent
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside RelatedFieldWidgetWrapper
            model_field = form.instance._meta.get_field(name) if isinstance(widget, KnownAutocompleteSelect) else None
            if model_field is not None and model_field.is_cached(form.instance):
                related = model_field.value_from_object(form.instance)
                widget.known = {str(related): getattr(form.instance, name)}
        return form


class ScopedInline(ScopeMixin, admin.TabularInline):
    extra = 0
    formset = SetBasedInlineFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = KnownAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TownFilter(admin.SimpleListFilter):
    """镇街: a town/street with its villages/communities; only towns the user may see."""

    title = "所属镇街"
    parameter_name = "town"

    def lookups(self, request, model_admin):
        areas = scope_areas(request.user)
        towns = Area.objects.filter(level__in=TOWN_LEVELS)
        if areas is not None:
            towns = Area.objects.filter(pk__in=areas).order_by("level", "name")
        return [(a.pk, a.name) for a in towns]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            town = int(self.value())
        except ValueError:
            return queryset.none()
        return queryset.in_areas(town_areas(town))


class ContainsFilter(admin.SimpleListFilter):
    """A filter over a 、-joined MultiValueField (人员类别, 专业领域)."""

    field: str
    values: list[str]

    def lookups(self, request, model_admin):
        return [(v, v) for v in self.values]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.field}__contains": self.value()})
        return queryset
