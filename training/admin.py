from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from registry.kernel.admin import ScopedAdmin, ScopedInline
from registry.kernel.scope import is_scoped, visible
from registry.models import Area, AreaLevel
from training.models import ORGANIZER_LEVELS, Attendance, TrainingSession


def is_district_session_for_clerk(request, session: TrainingSession | None) -> bool:
    """District sessions are the bureau's: a clerk may read them, not change them."""
    return session is not None and is_scoped(request.user) and session.area.level == AreaLevel.DISTRICT


class YearFilter(admin.SimpleListFilter):
    title = "年度"
    parameter_name = "year"
    field = "date"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates(self.field, "year", order="DESC")
        return [(d.year, f"{d.year}年") for d in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{f"{self.field}__year": int(self.value())})
        return queryset


class SessionYearFilter(YearFilter):
    field = "session__date"


class OrganizerLevelFilter(admin.SimpleListFilter):
    title = "主办层级"
    parameter_name = "organizer"

    def lookups(self, request, model_admin):
        return [("district", "区级"), ("town", "镇街")]

    def queryset(self, request, queryset):
        if self.value() == "district":
            return queryset.filter(area__level=AreaLevel.DISTRICT)
        if self.value() == "town":
            return queryset.exclude(area__level=AreaLevel.DISTRICT)
        return queryset


class OrganizerFilter(admin.SimpleListFilter):
    """主办区划: the district and the towns/streets the user may see (not every Area name)."""

    title = "主办区划"
    parameter_name = "organizer_area"
    field = "area"

    def lookups(self, request, model_admin):
        own = Q(pk__in=visible(Area.objects.all(), request.user))
        areas = Area.objects.filter(own | Q(level=AreaLevel.DISTRICT), level__in=ORGANIZER_LEVELS)
        return [(a.pk, a.name) for a in areas.order_by("level", "name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{f"{self.field}_id": int(self.value())})
        return queryset


class SessionOrganizerFilter(OrganizerFilter):
    field = "session__area"


class AttendanceInline(ScopedInline):
    """Sign-in sheet of one session; a clerk sees and adds only their own mediators."""

    model = Attendance
    autocomplete_fields = ["mediator"]
    fields = ["mediator"]
    verbose_name_plural = "参训人员"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mediator")

    def has_add_permission(self, request, obj=None):
        return not is_district_session_for_clerk(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not is_district_session_for_clerk(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_district_session_for_clerk(request, obj) and super().has_delete_permission(request, obj)


@admin.display(description="培训记录")
def training_history(mediator) -> str:
    """A mediator's trainings, totalled per year, for the mediator page (a read-only field,
    so the mediator form posts nothing extra)."""
    if mediator is None or mediator.pk is None:
        return "—"
    attended = Attendance.objects.filter(mediator=mediator).select_related("session__area").order_by("-session__date")
    years: dict[int, list[TrainingSession]] = {}
    for attendance in attended:
        years.setdefault(attendance.session.date.year, []).append(attendance.session)
    if not years:
        return "暂无参训记录"
    lines = []
    for year, sessions in years.items():
        hours = sum((s.hours or 0 for s in sessions), Decimal(0))
        detail = "；".join(
            f"{s.date:%m-%d} {s.name}（{s.area}，{s.hours if s.hours is not None else '—'}学时）" for s in sessions
        )
        lines.append((f"{year}年：{len(sessions)}次，{hours}学时", detail))
    return format_html_join(mark_safe("<br>"), "<strong>{}</strong> — {}", lines)


@admin.register(TrainingSession)
class TrainingSessionAdmin(ScopedAdmin):
    import_kind = "trainings"
    list_display = ["code", "name", "area", "date", "hours", "attendee_count"]
    list_filter = [YearFilter, OrganizerLevelFilter, OrganizerFilter]
    search_fields = ["code", "name", "topic"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]
    date_hierarchy = "date"
    inlines = [AttendanceInline]
    fields = ["code", "name", "area", "date", "hours", "topic", "venue"]

    def get_queryset(self, request):
        # Counted over every attendee: the number a clerk sees is the session's, not only their town's.
        return super().get_queryset(request).annotate(_attendees=Count("attendances")).order_by("-date", "code")

    @admin.display(description="参训人数", ordering="_attendees")
    def attendee_count(self, obj) -> int:
        return obj._attendees

    def has_change_permission(self, request, obj=None):
        return not is_district_session_for_clerk(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_district_session_for_clerk(request, obj) and super().has_delete_permission(request, obj)


@admin.register(Attendance)
class AttendanceAdmin(ScopedAdmin):
    import_kind = "attendance"
    list_display = ["mediator", "id_number", "session", "session_area", "session_date", "session_hours"]
    list_id_number = "mediator__id_number"  # masked for hr and finance (ScopedAdmin)
    list_filter = [SessionYearFilter, SessionOrganizerFilter]
    search_fields = ["mediator__name", "mediator__id_number", "session__code", "session__name"]
    list_select_related = ["mediator", "session__area"]
    autocomplete_fields = ["session", "mediator"]

    @admin.display(description="身份证号", ordering="mediator__id_number")
    def id_number(self, obj):
        return obj.mediator.id_number

    @admin.display(description="主办区划", ordering="session__area__name")
    def session_area(self, obj):
        return obj.session.area

    @admin.display(description="培训日期", ordering="session__date")
    def session_date(self, obj):
        return obj.session.date

    @admin.display(description="学时")
    def session_hours(self, obj):
        return obj.session.hours
