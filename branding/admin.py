"""Studios and commendations in the admin, and the read-only lists shown on mediator/organization pages."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Case, F, When
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from branding.models import Commendation, Studio
from registry.kernel.admin import ScopedAdmin, ScopedInline, TownFilter


@admin.register(Studio)
class StudioAdmin(ScopedAdmin):
    import_kind = "studios"
    list_display = ["name", "mediator", "organization", "town", "named_date", "status"]
    list_filter = ["status", TownFilter]
    search_fields = ["name", "mediator__name", "mediator__id_number", "organization__name"]
    list_select_related = ["mediator", "organization__area__parent"]
    autocomplete_fields = ["mediator", "organization"]
    date_hierarchy = "named_date"

    @admin.display(description="所属镇街", ordering="organization__area__name")
    def town(self, obj) -> str:
        return obj.organization.area.town.name


class RecipientKindFilter(admin.SimpleListFilter):
    title = "表彰对象类型"
    parameter_name = "recipient"

    def lookups(self, request, model_admin):
        return [("个人", "个人"), ("集体", "集体")]

    def queryset(self, request, queryset):
        if self.value() == "个人":
            return queryset.filter(mediator__isnull=False)
        if self.value() == "集体":
            return queryset.filter(organization__isnull=False)
        return queryset


@admin.register(Commendation)
class CommendationAdmin(ScopedAdmin):
    import_kind = "commendations"
    list_display = ["title", "recipient_display", "recipient_kind", "level", "issuer", "document_number", "date"]
    list_filter = ["level", RecipientKindFilter, TownFilter]
    search_fields = [
        "title",
        "document_number",
        "issuer",
        "mediator__name",
        "mediator__id_number",
        "organization__name",
    ]
    list_select_related = ["mediator", "organization"]
    autocomplete_fields = ["mediator", "organization"]
    date_hierarchy = "date"
    fieldsets = [
        ("表彰对象（二选一）", {"fields": ["mediator", "organization"]}),
        (None, {"fields": ["title", "level", "issuer", "document_number", "date"]}),
    ]

    def get_queryset(self, request):
        # sortable by recipient name whichever of the two it is
        recipient = Case(When(mediator__isnull=False, then=F("mediator__name")), default=F("organization__name"))
        return super().get_queryset(request).annotate(_recipient=recipient)

    @admin.display(description="表彰对象", ordering="_recipient")
    def recipient_display(self, obj) -> str:
        return str(obj.recipient)

    @admin.display(description="对象类型")
    def recipient_kind(self, obj) -> str:
        return obj.recipient_kind


class ReadOnlyFormSet(BaseInlineFormSet):
    """Shows rows only and ignores whatever is posted for it, so a post of the page's form
    needs no management form for it (forms built by hand and scripts post only what they edit)."""

    def __init__(self, data=None, files=None, *args, **kwargs):
        super().__init__(None, None, *args, **kwargs)

    def is_valid(self) -> bool:
        return True

    def save(self, commit=True):
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        return []


class ReadOnlyInline(ScopedInline):
    """Listed on another model's page; edited on its own page by HR."""

    formset = ReadOnlyFormSet
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StudioOnMediatorInline(ReadOnlyInline):
    model = Studio
    fk_name = "mediator"
    fields = readonly_fields = ["name", "organization", "named_date", "status"]
    verbose_name_plural = "以其命名的工作室"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


class StudioOnOrganizationInline(ReadOnlyInline):
    model = Studio
    fk_name = "organization"
    fields = readonly_fields = ["name", "mediator", "named_date", "status"]
    verbose_name_plural = "品牌调解工作室"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mediator")


class CommendationInline(ReadOnlyInline):
    model = Commendation
    fields = readonly_fields = ["title", "level", "issuer", "document_number", "date"]
    verbose_name_plural = "表彰奖励"


class CommendationOnMediatorInline(CommendationInline):
    fk_name = "mediator"


class CommendationOnOrganizationInline(CommendationInline):
    fk_name = "organization"


@admin.display(description="荣誉榜")
def honours_roll_link(obj) -> str:
    """A link from the mediator's admin page to their printable honours roll."""
    if not obj or not obj.pk:
        return "保存后可查看"
    return format_html(
        '<a href="{}" target="_blank">打开荣誉榜（可打印）</a>', reverse("branding:honours_roll", args=[obj.pk])
    )
