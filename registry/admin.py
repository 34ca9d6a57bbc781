from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from registry.kernel import hooks
from registry.kernel.admin import ContainsFilter, ScopedAdmin, ScopedInline, SetBasedInlineFormSet, TownFilter
from registry.kernel.excel.records_admin import ImportRecordAdmin
from registry.kernel.scope import visible
from registry.kernel.validators import id_birth_place
from registry.models import (
    KNOWN_DOMAINS,
    PERSON_CATEGORIES,
    STAFFING_REQUIRED,
    Area,
    Employment,
    Expert,
    HostUnit,
    ImportRecord,
    Mediator,
    Membership,
    Organization,
    PersonalDataAccess,
    StaffProfile,
    TermStatus,
    active_on,
    full_time_conflict_message,
    staffing_required,
)
from registry.policy import STAFFING_QUOTAS, TERM_WARNING_DAYS, TERM_YEARS, short_of_quota, staffing_shortfall
from registry.services import deleted_mediators, mediator_restore, membership_save


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


class SavesPostsThroughService:
    """Posts (Memberships) are written by registry.services.membership_save, on the Membership
    page and in the post inlines alike.

    The form has validated the post, but a concurrent save may commit an overlapping 专职 post
    before this one is written; PostgreSQL then refuses it and membership_save raises the clerk's
    message. The page is then processed once more: its own validation now sees the winner and
    shows the message on the form, with the user's input kept.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except LostRace:
            pass  # the failed attempt was rolled back with the view's transaction
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except LostRace as race:  # the winner vanished again in between: say so, never a 500
            messages.error(request, "；".join(race.error.messages) + " 未保存，请核对后重新提交。")
            return HttpResponseRedirect(request.get_full_path())

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        posts = formset.save(commit=False)
        for post in formset.deleted_objects:
            post.delete()
        for post in posts:
            _save_post(request, post)
        formset.save_m2m()


class LostRace(Exception):
    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


def _save_post(request, post: Membership) -> None:
    post._history_user = request.user
    try:
        membership_save(membership=post)
    except ValidationError as exc:
        raise LostRace(exc) from exc


class MembershipFormSet(SetBasedInlineFormSet):
    def clean(self) -> None:
        """Posts entered together must keep the one-专职-post rule among themselves too
        (each form checked only the stored posts)."""
        super().clean()
        seen: list[Membership] = []
        for form in self.forms:
            if not form.is_valid() or self._should_delete_form(form) or not form.cleaned_data:
                continue
            post = form.instance
            other = post.full_time_conflict(p for p in seen if p.mediator_id == post.mediator_id)
            if other is not None:
                form.add_error("employment", full_time_conflict_message(other))
            seen.append(post)


class MembershipInline(ScopedInline):
    model = Membership
    formset = MembershipFormSet
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
class OrganizationAdmin(SavesPostsThroughService, ScopedAdmin):
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
    pinyin_search = ("name_pinyin", "name_initials")
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
            .order_by("name_pinyin", "name")
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
class MediatorAdmin(SavesPostsThroughService, ScopedAdmin):
    import_kind = "mediators"
    list_id_number = "id_number"  # whole for the bureau and clerks (each list view recorded), masked for others
    list_display = ["name", "gender", "id_number", "phone", "posts", "categories"]
    list_filter = [TownFilter, CurrentEmploymentFilter, CategoryFilter, DomainFilter, "gender"]
    search_fields = ["name", "id_number", "phone"]
    pinyin_search = ("name_pinyin", "name_initials")
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

    @admin.display(description="任职（当前）")
    def posts(self, obj) -> str:
        day = today()
        current = [m for m in obj.memberships.all() if m.is_active_on(day)]
        return "；".join(f"{m.organization}·{m.role}（{m.employment}）" for m in current) or "—"

    @admin.display(description="身份证登记地（仅供参考）")
    def birth_place(self, obj) -> str:
        return id_birth_place(obj.id_number) if obj.id_number else "—"

    # ---- 恢复: a deleted mediator comes back from simple-history (its revert form is disabled) ----
    object_history_template = "admin/registry/mediator/object_history.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("deleted/", view(self.deleted_view), name="registry_mediator_deleted"),
            path("<int:object_id>/restore/", view(self.restore_view), name="registry_mediator_restore"),
            *super().get_urls(),
        ]

    def may_restore(self, request) -> bool:
        return self.has_add_permission(request) and request.user.has_perm("registry.add_membership")

    def history_view(self, request, object_id, extra_context=None):
        deleted = (
            self.may_restore(request)
            and str(object_id).isdigit()
            and any(r.id == int(object_id) for r in deleted_mediators(user=request.user))
        )
        return super().history_view(request, object_id, {**(extra_context or {}), "restorable": deleted})

    def _guard(self, request, object_id) -> None:
        # a deleted mediator's history is readable by whoever may restore them (their scope included)
        if self.may_restore(request) and any(str(r.id) == str(object_id) for r in deleted_mediators(user=request.user)):
            return
        super()._guard(request, object_id)

    def changelist_view(self, request, extra_context=None):
        if self.may_restore(request):
            extra_context = {**(extra_context or {}), "deleted_url": reverse("admin:registry_mediator_deleted")}
        return super().changelist_view(request, extra_context)

    def deleted_view(self, request):
        if not self.may_restore(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "已删除的调解员",
            "records": deleted_mediators(user=request.user),
        }
        return TemplateResponse(request, "admin/registry/mediator/deleted.html", context)

    def restore_view(self, request, object_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.may_restore(request):
            raise PermissionDenied
        try:
            person = mediator_restore(mediator_id=object_id, user=request.user)
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
            return redirect("admin:registry_mediator_deleted")
        self.message_user(request, f"已恢复调解员“{person.name}”及其随之删除的任职记录。", messages.SUCCESS)
        return redirect("admin:registry_mediator_change", person.pk)


@admin.register(Membership)
class MembershipAdmin(SavesPostsThroughService, ScopedAdmin):
    list_display = ["mediator", "organization", "role", "employment", "start_date", "end_date"]
    list_filter = ["employment", "role", TownFilter]
    search_fields = ["mediator__name", "mediator__id_number", "organization__name"]
    list_select_related = ["mediator", "organization"]
    autocomplete_fields = ["mediator", "organization"]

    def save_model(self, request, obj, form, change):
        _save_post(request, obj)


@admin.register(Expert)
class ExpertAdmin(ScopedAdmin):
    import_kind = "experts"
    list_display = ["name", "domains", "title", "employer", "phone", "joined_date"]
    list_filter = [DomainFilter, TownFilter]
    search_fields = ["name", "id_number", "phone", "employer"]
    pinyin_search = ("name_pinyin", "name_initials")
    autocomplete_fields = ["organizations"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """The bureau's read of who viewed or downloaded whole ID numbers (only it has the view permission)."""

    list_display = ["at", "username", "kind", "what", "person_count"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    search_fields = ["id_numbers", "username"]
    search_help_text = "输入身份证号（可只输部分）查某人的信息被谁查看或导出；输入用户名查某账号查看或导出了谁。"
    date_hierarchy = "at"
    list_select_related = ["user"]
    readonly_fields = ["at", "user", "username", "kind", "what", "path", "person_count", "id_numbers"]
    show_full_result_count = False  # a year of records: no second COUNT(*) on every search


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    autocomplete_fields = ["area"]
    verbose_name = verbose_name_plural = "负责镇街（镇街录入员必填）"


admin.site.register(ImportRecord, ImportRecordAdmin)

admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """One 姓名 (stored in first_name, which Django's header reads) instead of 名字 and 姓氏."""

    inlines = [StaffProfileInline]
    list_display = ["username", "full_name", "is_active", "role_names", "area"]
    list_select_related = ["staff_profile__area"]
    search_fields = ["username", "first_name", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["first_name", "email"]}),
        *UserAdmin.fieldsets[2:],
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "first_name", "usable_password", "password1", "password2"]})
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "first_name":
            kwargs.update(label="姓名", help_text="页面上显示的是姓名，如 王芳；重名时另显示账号。")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="姓名", ordering="first_name")
    def full_name(self, obj) -> str:
        return obj.first_name or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="角色")
    def role_names(self, obj) -> str:
        return "、".join(g.name for g in obj.groups.all())

    @admin.display(description="负责镇街")
    def area(self, obj) -> str:
        profile = getattr(obj, "staff_profile", None)
        return profile.area.name if profile and profile.area else "—"
