"""Scope in the admin: every list, change page, search, autocomplete, choice and history.

`ScopedAdmin` and `ScopedInline` are the only admin base classes the project uses,
so a new model inherits the rule instead of re-implementing it.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from registry.kernel.excel.admin import KindImportExportMixin
from registry.kernel.pinyin import pinyin_pattern, pinyin_term
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


class PinyinSearchMixin:
    """Search and autocomplete also by pinyin: `wjg` and `wangjianguo` find 王建国.

    Set `pinyin_search = ("name_pinyin", "name_initials")` (a registry.kernel.fields.PinyinField
    sort key and initials). A term typed in Latin letters matches either, besides the
    ordinary `search_fields`; the scope of `queryset` is kept (only its rows are searched)."""

    pinyin_search: tuple[str, str] | None = None

    def get_search_results(self, request, queryset, search_term):
        term = pinyin_term(search_term) if self.pinyin_search else None
        if term is None:
            return super().get_search_results(request, queryset, search_term)
        key, initials = self.pinyin_search
        every = self.model._default_manager.all()
        by_text, may_have_duplicates = super().get_search_results(request, every, search_term)
        by_pinyin = every.filter(Q(**{f"{initials}__contains": term}) | Q(**{f"{key}__regex": pinyin_pattern(term)}))
        found = queryset.filter(Q(pk__in=by_text.values("pk")) | Q(pk__in=by_pinyin.values("pk")))
        return found, may_have_duplicates


class ScopedAdmin(KindImportExportMixin, ScopeMixin, PinyinSearchMixin, SimpleHistoryAdmin):
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

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # simple-history's own select_related() without names replaces its select_related("history_user")
        # (a nullable key): without this, one user query per listed change
        return (
            super().get_history_queryset(request, history_manager, pk_name, object_id).prefetch_related("history_user")
        )

    def history_view(self, request, object_id, extra_context=None):
        self._guard(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._guard(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedInline(ScopeMixin, admin.TabularInline):
    extra = 0


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
