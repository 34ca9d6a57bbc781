"""Admin of 导入记录: the list (bureau: all; clerk: their town's; others: their own), the record's page
with what it wrote (linked to each record's history) and 撤销导入, the kept file, and the progress page
of a background import (with the confirm step of a background preview)."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from registry.kernel.excel.engine import STATUS_LABELS, import_kinds
from registry.kernel.excel.recording import (
    UndoRefused,
    earlier_imports,
    enqueue,
    mark_stalled,
    progress_of,
    undo_import,
    undo_refusal,
)
from registry.kernel.excel.records import ImportRecord, Outcome
from registry.kernel.scope import visible

WRITTEN_PER_PAGE = 100
PROBLEMS = (Outcome.INVALID, Outcome.UNUSABLE, Outcome.FAILED)  # what "an import with errors" means


def with_problems_on(queryset, day):
    """Imports started on `day` that were refused (row errors, unusable file) or failed."""
    return queryset.filter(outcome__in=PROBLEMS, started_at__date=day)


def count_problem_imports(user, day) -> int:
    """The 工作台 tile: today's imports with errors the user may see (registered in registry/apps.py)."""
    return with_problems_on(ImportRecord.objects.visible_to(user), day).count()


class ProblemsFilter(admin.SimpleListFilter):
    title = "有问题的导入"
    parameter_name = "problems"

    def lookups(self, request, model_admin):
        return [("today", "今天有错误或失败的")]

    def queryset(self, request, queryset):
        if self.value() == "today":
            return with_problems_on(queryset, timezone.localdate())
        return queryset


class ImportRecordAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "started_at",
        "kind",
        "file_name",
        "user",
        "town",
        "source",
        "outcome",
        "rows",
        "created",
        "updated",
        "unchanged",
        "seconds",
    ]
    list_display_links = ["id", "file_name"]
    list_filter = [ProblemsFilter, "outcome", "kind", "source", ("town", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["file_name", "sha256", "user__username", "user__first_name"]
    list_select_related = ["user", "town"]
    list_per_page = 50
    change_form_template = "admin/registry/importrecord/change_form.html"
    fields = [
        "kind",
        "source",
        "user",
        "town",
        "started_at",
        "finished_at",
        "seconds",
        "outcome",
        "message",
        "file_link",
        "file_size",
        "sha256",
        "rows",
        "created",
        "updated",
        "unchanged",
        "ignored_columns",
        "footer_rows",
        "column_mapping",
        "background",
        "undone_by",
        "undone_at",
    ]
    readonly_fields = fields

    # a record is evidence: nobody adds, edits or deletes one by hand
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/file/", wrap(self.file_view), name="registry_importrecord_file"),
            path("<int:pk>/undo/", wrap(require_POST(self.undo_view)), name="registry_importrecord_undo"),
            path("<int:pk>/progress/", wrap(self.progress_view), name="registry_importrecord_progress"),
            path("<int:pk>/progress.json", wrap(self.progress_json), name="registry_importrecord_progress_json"),
            path("<int:pk>/confirm/", wrap(require_POST(self.confirm_view)), name="registry_importrecord_confirm"),
        ] + super().get_urls()

    def _record(self, request, pk: int) -> ImportRecord:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    @admin.display(description="文件")
    def file_link(self, obj: ImportRecord) -> str:
        if not obj.file:
            return (
                f"{obj.file_name}（已于 {obj.file_deleted_at:%Y-%m-%d} 按保存期限删除）" if obj.file_deleted_at else "—"
            )
        url = reverse("admin:registry_importrecord_file", args=[obj.pk])
        return format_html('<a href="{}">{}</a>（保存至 {}）', url, obj.file_name, obj.file_expires_on())

    def changelist_view(self, request, extra_context=None):
        mark_stalled()
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        mark_stalled()
        record = self._record(request, int(object_id)) if str(object_id).isdigit() else None
        if record is None:
            raise Http404
        extra_context = {
            **(extra_context or {}),
            "record": record,
            "written": self._written_page(request, record),
            "undo_refusal": undo_refusal(record, request.user) if record.outcome == Outcome.WRITTEN else None,
            "earlier": earlier_imports(record, request.user).first(),
            "progress_url": reverse("admin:registry_importrecord_progress", args=[record.pk]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _written_page(self, request, record: ImportRecord):
        """One page of what the import wrote: (model name, action, object or None, history url)."""
        entries = [
            (label, pk, action)
            for label, ids in record.changes.items()
            for action in ("created", "updated")
            for pk in ids.get(action, [])
        ]
        page = Paginator(entries, WRITTEN_PER_PAGE).get_page(request.GET.get("page"))
        wanted: dict[str, list[int]] = {}
        for label, pk, _ in page.object_list:
            wanted.setdefault(label, []).append(pk)
        found: dict[tuple[str, int], object] = {}
        hidden: set[tuple[str, int]] = set()
        for label, pks in wanted.items():
            model = apps.get_model(label)
            queryset = model._default_manager.filter(pk__in=pks)
            shown = visible(queryset, request.user) if hasattr(queryset, "in_areas") else queryset
            found.update({(label, obj.pk): obj for obj in shown})
            if shown is not queryset:  # out of the clerk's scope now: not named
                hidden |= {(label, pk) for pk in queryset.values_list("pk", flat=True)} - set(found)
        rows = []
        for label, pk, action in page.object_list:
            if (label, pk) in hidden:
                continue
            model = apps.get_model(label)
            obj = found.get((label, pk))
            try:
                history = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[pk])
            except NoReverseMatch:
                history = None
            rows.append(
                {
                    "model": model._meta.verbose_name,
                    "action": STATUS_LABELS["created" if action == "created" else "updated"],
                    "object": obj if obj is not None else f"（已删除，编号 {pk}）",
                    "history_url": history if obj is not None else None,
                }
            )
        return {"page": page, "rows": rows, "total": len(entries)}

    # ---- the kept file ------------------------------------------------------------------------------
    def file_view(self, request, pk: int):
        record = self._record(request, pk)
        if not record.file:
            raise Http404("文件已按保存期限删除。")
        return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.file_name)

    # ---- undo ----------------------------------------------------------------------------------------------
    def undo_view(self, request, pk: int):
        record = self._record(request, pk)
        back = reverse("admin:registry_importrecord_change", args=[record.pk])
        try:
            undo_import(record, user=request.user)
        except UndoRefused as exc:
            messages.error(request, "未撤销，数据库没有任何改动：" + "；".join(exc.problems) + "。")
        else:
            messages.success(request, f"已撤销导入记录 #{record.pk}：新增的记录已删除，更新的记录已恢复到导入前。")
        return HttpResponseRedirect(back)

    # ---- background imports: progress and the confirm step -------------------------------------------
    def progress_view(self, request, pk: int):
        mark_stalled()
        record = self._record(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"导入进度：{record.file_name}",
            "record": record,
            "progress": progress_of(record),
            "progress_json_url": reverse("admin:registry_importrecord_progress_json", args=[record.pk]),
            "record_url": reverse("admin:registry_importrecord_change", args=[record.pk]),
            "earlier": earlier_imports(record, request.user).first(),
            "can_confirm": self._can_confirm(request, record),
            "status_labels": STATUS_LABELS,
            "kind_url": self._kind_changelist(record.kind),
        }
        return TemplateResponse(request, "admin/registry/importrecord/progress.html", context)

    def progress_json(self, request, pk: int):
        mark_stalled()
        return JsonResponse(progress_of(self._record(request, pk)), json_dumps_params={"ensure_ascii": False})

    def _can_confirm(self, request, record: ImportRecord) -> bool:
        return (
            record.background
            and record.outcome == Outcome.DRY_RUN
            and record.user_id == request.user.pk
            and bool(record.file)
            and not record.errors
        )

    def confirm_view(self, request, pk: int):
        record = self._record(request, pk)
        if not self._can_confirm(request, record):
            messages.error(request, "这份预览不能确认导入（已确认、有错误，或不是您上传的）。")
        else:
            enqueue(record, dry_run=False)
        return HttpResponseRedirect(reverse("admin:registry_importrecord_progress", args=[record.pk]))

    def _kind_changelist(self, kind: str) -> str | None:
        """The changelist of the model a kind imports into (for the 'back to the list' link)."""
        path_ = import_kinds().get(kind)
        if not path_:
            return None
        opts = import_string(path_)._meta.model._meta
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            return None
