"""Scope in the admin: every list, change page, search, autocomplete, choice and history.

`ScopedAdmin` and `ScopedInline` are the only admin base classes the project uses,
so a new model inherits the rule instead of re-implementing it.
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from registry.kernel.excel.admin import KindImportExportMixin
from registry.kernel.fields import IdNumberField, PhoneField
from registry.kernel.pinyin import pinyin_pattern, pinyin_term
from registry.kernel.privacy import record_access, sees_full_numbers
from registry.kernel.scope import scope_areas, town_areas, visible
from registry.kernel.validators import mask_id_number, mask_phone
from registry.models import TOWN_LEVELS, AccessKind, Area

FIELD_MASKS = {IdNumberField: mask_id_number, PhoneField: mask_phone}


def masked_field_display(field):
    """A read-only admin field showing `field` (an ID or phone number) masked."""
    mask = FIELD_MASKS[type(field)]

    @admin.display(description=field.verbose_name)
    def show(obj) -> str:
        value = getattr(obj, field.name, "")
        return mask(value) if value else "—"

    show.__name__ = f"masked_{field.name}"
    return show


class MaskingHistoryHelper(HistoricalRecordContextHelper):
    """History list: a change of an ID or phone number is shown masked (hr and finance)."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        mask = FIELD_MASKS.get(type(self.model._meta.get_field(change.field)))
        return mask(str(value)) if mask and value else value


class PersonalDataMixin:
    """Whole ID and phone numbers only for roles that keep the roster; each view of whole ID
    numbers — a change page, a list page, a historical version — is recorded (registry.kernel.privacy).

    `list_id_number`: the attribute path ("id_number", "mediator__id_number") of the ID number
    a list column named "id_number" shows; hr and finance get a masked column in its place.
    """

    list_id_number: str | None = None

    def _masked_fields(self) -> dict[str, object]:
        return {f.name: masked_field_display(f) for f in self.model._meta.concrete_fields if type(f) in FIELD_MASKS}

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if sees_full_numbers(request.user):
            return shown
        columns = {"id_number": self._masked_id_column(), "phone": "masked_phone"}
        return [columns.get(f, f) for f in shown]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if sees_full_numbers(request.user):
            return fieldsets
        masked = self._masked_fields()
        return [
            (name, {**opts, "fields": list(dict.fromkeys(masked.get(f, f) for f in opts["fields"]))})
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if sees_full_numbers(request.user):
            return readonly
        return readonly + list(self._masked_fields().values())

    def _person_id(self, obj) -> str:
        for step in (self.list_id_number or "id_number").split("__"):
            obj = getattr(obj, step, None)
        return obj or ""

    def _masked_id_column(self):
        @admin.display(description="身份证号", ordering=self.list_id_number or "id_number")
        def masked_id_number(obj) -> str:
            return mask_id_number(self._person_id(obj))

        return masked_id_number

    @admin.display(description="联系电话", ordering="phone")
    def masked_phone(self, obj) -> str:
        return mask_phone(obj.phone) if obj.phone else ""

    def get_historical_record_context_helper(self, request, historical_record):
        if sees_full_numbers(request.user):
            return super().get_historical_record_context_helper(request, historical_record)
        return MaskingHistoryHelper(self.model, historical_record)

    def _record_page(self, request, response, what: str) -> None:
        """A change page or historical version of a person whose whole ID number the form shows."""
        original = (getattr(response, "context_data", None) or {}).get("original")
        has_id = any(isinstance(f, IdNumberField) for f in self.model._meta.concrete_fields)
        if response.status_code == 200 and original is not None and has_id and sees_full_numbers(request.user):
            record_access(request, kind=AccessKind.VIEW, what=what, id_numbers=[original.id_number])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_page(request, response, f"{self.opts.verbose_name}：{unquote(object_id)}")
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self._record_page(request, response, f"{self.opts.verbose_name}历史版本：{unquote(object_id)}")
        return response

    def history_view(self, request, object_id, extra_context=None):
        # the change list of a person's history shows the ID number among its changes
        # (simple-history renders it without context_data: the person is looked up once more)
        response = super().history_view(request, object_id, extra_context)
        has_id = any(isinstance(f, IdNumberField) for f in self.model._meta.concrete_fields)
        if response.status_code == 200 and has_id and sees_full_numbers(request.user):
            person = self.get_queryset(request).filter(pk=unquote(object_id)).values_list("id_number", flat=True)
            what = f"{self.opts.verbose_name}历史记录：{unquote(object_id)}"
            record_access(request, kind=AccessKind.VIEW, what=what, id_numbers=list(person))
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if self.list_id_number and changelist is not None and sees_full_numbers(request.user):
            shown = "id_number" in self.get_list_display(request)
            numbers = [self._person_id(obj) for obj in changelist.result_list] if shown else []
            record_access(request, kind=AccessKind.VIEW, what=f"{self.opts.verbose_name}列表", id_numbers=numbers)
        return response


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


class ScopedAdmin(PersonalDataMixin, KindImportExportMixin, ScopeMixin, PinyinSearchMixin, SimpleHistoryAdmin):
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
