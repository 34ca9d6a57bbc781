from __future__ import annotations

import datetime

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.utils import timezone

from registry.kernel import hooks
from registry.kernel.admin import ContainsFilter, ScopedAdmin, ScopedInline, TownFilter
from registry.kernel.scope import visible
from registry.kernel.validators import id_birth_place, mask_id_number
from registry.models import (
    KNOWN_DOMAINS,
    PERSON_CATEGORIES,
    STAFFING_REQUIRED,
    Area,
    Employment,
    Expert,
    HostUnit,
    Mediator,
    Membership,
    Organization,
    StaffProfile,
    TermStatus,
    active_on,
    staffing_required,
)
from registry.policy import STAFFING_QUOTAS, TERM_WARNING_DAYS, TERM_YEARS, short_of_quota, staffing_shortfall


def today() -> datetime.date:
    return timezone.localdate()


class CategoryFilter(ContainsFilter):
    title = "人员类别"
    parameter_name = "category"
    field = "categories"
    values = PERSON_CATEGORIES


class DomainFilter(ContainsFilter):
    title = "专业领域"
    parameter_name = "domain"
    field = "domains"
    values = KNOWN_DOMAINS


class CurrentEmploymentFilter(admin.SimpleListFilter):
    """专兼职 of the posts a mediator holds today."""

    title = "专兼职（当前）"
    parameter_name = "employment"

    def lookups(self, request, model_admin):
        return Employment.choices

    def queryset(self, request, queryset):
        if self.value() not in Employment.values:
            return queryset
        posts = Membership.objects.filter(active_on(today()), mediator=OuterRef("pk"), employment=self.value())
        return queryset.filter(Exists(posts))


class TermStatusFilter(admin.SimpleListFilter):
    """换届 status of people's mediation committees today (SPEC §2.12)."""

    title = "任期状态（今天）"
    parameter_name = "term"

    def lookups(self, request, model_admin):
        return TermStatus.choices

    def queryset(self, request, queryset):
        if self.value() not in TermStatus.values:
            return queryset
        return queryset.filter(term_status=self.value())


class StaffingFilter(admin.SimpleListFilter):
    """专职配备 today: short organizations that must be staffed, short advisory ones, full ones."""

    title = "专职配备（今天）"
    parameter_name = "staffing"
    SHORT_REQUIRED, SHORT_ADVISORY, FULL = "short", "advisory", "full"

    def lookups(self, request, model_admin):
        return [
            (self.SHORT_REQUIRED, "未配齐（须配备）"),
            (self.SHORT_ADVISORY, "未配齐（不作要求，供参考）"),
            (self.FULL, "已配齐"),
        ]

    def queryset(self, request, queryset):
        short = short_of_quota("full_time_count")
        if self.value() == self.SHORT_REQUIRED:
            return queryset.filter(short & STAFFING_REQUIRED)
        if self.value() == self.SHORT_ADVISORY:
            return queryset.filter(short & ~STAFFING_REQUIRED)
        if self.value() == self.FULL:
            return queryset.filter(kind__in=list(STAFFING_QUOTAS)).exclude(short)
        return queryset


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    import_kind = "areas"
    list_display = ["name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(HostUnit)
class HostUnitAdmin(ScopedAdmin):
    import_kind = "hostunits"
    list_display = ["name", "kind", "area", "officer_count", "room_count"]
    list_filter = ["kind", TownFilter]
    search_fields = ["name"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_rooms=Count("rooms")).order_by("name")

    @admin.display(description="调解室数", ordering="_rooms")
    def room_count(self, obj) -> int:
        return obj._rooms


class MembershipInline(ScopedInline):
    model = Membership
    autocomplete_fields = ["organization", "mediator"]
    fields = ["mediator", "organization", "role", "employment", "start_date", "end_date"]


class MembershipOnMediatorInline(MembershipInline):
    fields = ["organization", "role", "employment", "start_date", "end_date"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


class MembershipOnOrganizationInline(MembershipInline):
    fields = ["mediator", "role", "employment", "start_date", "end_date"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mediator")


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin):
    import_kind = "organizations"
    list_display = ["name", "kind", "area", "host_unit", "quota", "full_time_count", "shortfall", "term"]
    list_filter = [
        "kind",
        TownFilter,
        StaffingFilter,
        TermStatusFilter,
        "full_time_designated",
        "in_mediation_centre",
        "department",
        DomainFilter,
        "has_party_org",
    ]
    search_fields = ["name", "leader", "phone"]
    list_select_related = ["area", "host_unit"]
    autocomplete_fields = ["area", "host_unit"]
    inlines = [MembershipOnOrganizationInline]

    def get_inlines(self, request, obj):
        return [*self.inlines, *hooks.get(hooks.ORGANIZATION_INLINE)]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_full_time(today(), per_row=True)
            .with_term_status(today(), years=TERM_YEARS, warning_days=TERM_WARNING_DAYS)
            .order_by("name")
        )

    @admin.display(description="专职人数定额")
    def quota(self, obj) -> str:
        return STAFFING_QUOTAS.get(obj.kind, "—")

    @admin.display(description="在岗专职人数", ordering="full_time_count")
    def full_time_count(self, obj) -> int:
        return obj.full_time_count

    @admin.display(description="缺额")
    def shortfall(self, obj) -> str | int:
        shortfall = staffing_shortfall(obj.kind, obj.full_time_count)
        if shortfall is None:
            return "—"
        # a village/enterprise committee not designated by the bureau is not asked for one (有条件的)
        required = staffing_required(obj.kind, obj.full_time_designated)
        return shortfall if not shortfall or required else f"{shortfall}（参考）"

    @admin.display(description="任期", ordering="term_start")
    def term(self, obj) -> str:
        return TermStatus(obj.term_status).label if obj.term_status else "—"


@admin.register(Mediator)
class MediatorAdmin(ScopedAdmin):
    import_kind = "mediators"
    list_display = ["name", "gender", "id_number", "phone", "posts", "categories"]
    list_filter = [TownFilter, CurrentEmploymentFilter, CategoryFilter, DomainFilter, "gender"]
    search_fields = ["name", "id_number", "phone"]
    inlines = [MembershipOnMediatorInline]
    readonly_fields = ["birth_place"]
    fieldsets = [
        (None, {"fields": ["name", "id_number", "birth_place", "gender", "birth_date", "phone"]}),
        ("其他信息", {"fields": ["ethnicity", "political_status", "education", "categories", "domains", "remarks"]}),
    ]

    def get_inlines(self, request, obj):
        return [*self.inlines, *hooks.get(hooks.MEDIATOR_INLINE)]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *hooks.get(hooks.MEDIATOR_PANEL)]

    def get_fieldsets(self, request, obj=None):
        # each app's panel (training record, honours roll) is a section of its own, titled by the panel
        panels = [(panel.short_description, {"fields": [panel]}) for panel in hooks.get(hooks.MEDIATOR_PANEL)]
        return [*super().get_fieldsets(request, obj), *panels]

    def get_queryset(self, request):
        posts = visible(Membership.objects.select_related("organization"), request.user)
        return super().get_queryset(request).prefetch_related(Prefetch("memberships", queryset=posts))

    def get_list_display(self, request):
        # hr and finance read the roster but do not keep it: a list need not show them whole ID numbers
        shown = super().get_list_display(request)
        if self.has_change_permission(request):
            return shown
        return ["masked_id_number" if field == "id_number" else field for field in shown]

    @admin.display(description="身份证号", ordering="id_number")
    def masked_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description="任职（当前）")
    def posts(self, obj) -> str:
        day = today()
        current = [m for m in obj.memberships.all() if m.is_active_on(day)]
        return "；".join(f"{m.organization}·{m.role}（{m.employment}）" for m in current) or "—"

    @admin.display(description="身份证登记地（仅供参考）")
    def birth_place(self, obj) -> str:
        return id_birth_place(obj.id_number) if obj.id_number else "—"


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["mediator", "organization", "role", "employment", "start_date", "end_date"]
    list_filter = ["employment", "role", TownFilter]
    search_fields = ["mediator__name", "mediator__id_number", "organization__name"]
    list_select_related = ["mediator", "organization"]
    autocomplete_fields = ["mediator", "organization"]


@admin.register(Expert)
class ExpertAdmin(ScopedAdmin):
    import_kind = "experts"
    list_display = ["name", "domains", "title", "employer", "phone", "joined_date"]
    list_filter = [DomainFilter, TownFilter]
    search_fields = ["name", "id_number", "phone", "employer"]
    autocomplete_fields = ["organizations"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    autocomplete_fields = ["area"]
    verbose_name = verbose_name_plural = "负责镇街（镇街录入员必填）"


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "is_active", "role_names", "area"]
    list_select_related = ["staff_profile__area"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="角色")
    def role_names(self, obj) -> str:
        return "、".join(g.name for g in obj.groups.all())

    @admin.display(description="负责镇街")
    def area(self, obj) -> str:
        profile = getattr(obj, "staff_profile", None)
        return profile.area.name if profile and profile.area else "—"
