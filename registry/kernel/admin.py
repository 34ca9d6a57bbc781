"""Scope in the admin: every list, change page, search, autocomplete, choice and history.

`ScopedAdmin` and `ScopedInline` are the only admin base classes the project uses,
so a new model inherits the rule instead of re-implementing it.
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
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


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL an unfiltered list of a large table takes its length from the planner's
    statistics (pg_class.reltuples, kept by ANALYZE/autovacuum) instead of a COUNT(*) that reads
    the whole table; a filtered list — a clerk's, a search, a filter — is counted exactly."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and not queryset.query.where:
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                        [queryset.model._meta.db_table],
                    )
                    row = cursor.fetchone()
                if row and row[0] > getattr(settings, "ADMIN_ESTIMATED_COUNT_ABOVE", 100_000):
                    return int(row[0])
        return super().count


class ScopedAdmin(KindImportExportMixin, ScopeMixin, SimpleHistoryAdmin):
    """Set `import_kind` on a subclass to get Import / Export / template buttons (registry.kernel.excel.admin)."""

    list_per_page = 50
    # a large roster: no second COUNT(*) of the whole table beside a filtered list, and an
    # estimated length for an unfiltered one (docs/performance.md)
    show_full_result_count = False
    paginator = EstimatedCountPaginator

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
