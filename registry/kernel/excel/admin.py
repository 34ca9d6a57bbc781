"""Admin Import (upload → preview → confirm), Export of the filtered changelist, and templates.

Mixed into `ScopedAdmin`; a model admin switches it on with `import_kind = "<kind>"` (a key of
registry.kernel.excel.engine.import_kinds()). The admin and `import_xlsx` run the same engine and
resources, so a row is judged the same way in both, within the user's scope.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from registry.kernel.excel.engine import STATUS_LABELS, resource_for
from registry.kernel.excel.reading import MAX_FILE_BYTES, UnusableFile
from registry.kernel.excel.recording import (
    count_rows,
    earlier_imports,
    enqueue,
    needs_background,
    record_start,
    run_import,
)
from registry.kernel.excel.records import ImportRecord, Source
from registry.kernel.excel.writing import export_xlsx, template_xlsx, xlsx_response

PENDING_DIR = Path(tempfile.gettempdir()) / "registry-imports"
SESSION_KEY = "registry_pending_import"


class KindImportExportMixin:
    import_kind: str | None = None
    kind_change_list_template = "admin/registry/kind_change_list.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.import_kind and not self.change_list_template:
            self.change_list_template = self.kind_change_list_template

    def get_urls(self):
        urls = super().get_urls()
        if not self.import_kind:
            return urls
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="%s_%s_import" % info),
            path("export/", wrap(self.export_view), name="%s_%s_export" % info),
            path("template/", wrap(self.template_view), name="%s_%s_template" % info),
        ] + urls

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) or self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        if self.import_kind:
            extra_context.update(self._kind_urls(), can_import=self.has_import_permission(request))
        return super().changelist_view(request, extra_context)

    def _kind_urls(self) -> dict[str, str]:
        info = self.opts.app_label, self.opts.model_name
        return {
            "kind_import_url": reverse("admin:%s_%s_import" % info),
            "kind_export_url": reverse("admin:%s_%s_export" % info),
            "kind_template_url": reverse("admin:%s_%s_template" % info),
            "changelist_url": reverse("admin:%s_%s_changelist" % info),
        }

    # ---- export / template ---------------------------------------------------------------
    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)  # the user's filters and search, scoped
        queryset = changelist.get_queryset(request)
        data = export_xlsx(resource_for(self.import_kind, request.user), queryset)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(data, f"{self.opts.verbose_name}-{stamp}.xlsx")

    def template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return xlsx_response(template_xlsx(resource_for(self.import_kind)), f"{self.opts.verbose_name}导入模板.xlsx")

    # ---- import: upload → preview (dry run) → confirm ----------------------------------------
    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            **self._kind_urls(),
            "opts": self.opts,
            "title": f"导入{self.opts.verbose_name}",
            "kind": self.import_kind,
            "resource": resource_for(self.import_kind),
            "max_mb": MAX_FILE_BYTES // 1048576,
            "status_labels": STATUS_LABELS,
        }
        if request.method == "POST" and request.POST.get("confirm"):
            return self._confirm(request, context)
        if request.method == "POST":
            upload = request.FILES.get("file") or request.FILES.get("import_file")  # django-import-export's name
            if upload is None:
                context["file_error"] = "请选择要导入的 .xlsx 文件。"
            elif upload.size > MAX_FILE_BYTES:
                context["file_error"] = f"文件过大，上限 {MAX_FILE_BYTES // 1048576} MB；请分成几个文件导入。"
            else:
                data = upload.read()
                record = record_start(
                    kind=self.import_kind, data=data, file_name=upload.name, user=request.user, source=Source.ADMIN
                )
                if needs_background(count_rows(data)):  # big files: preview and confirm run as tasks
                    enqueue(record, dry_run=True)
                    return HttpResponseRedirect(reverse("admin:registry_importrecord_progress", args=[record.pk]))
                context["record"] = record
                context["earlier"] = earlier_imports(record, request.user).first()
                try:
                    result = run_import(record, data, dry_run=True)
                except UnusableFile as exc:
                    context["file_error"] = str(exc)
                else:
                    context["result"] = result
                    context["filename"] = upload.name
                    if not result.errors:
                        context["token"] = self._keep(request, data, upload.name, record)
        return TemplateResponse(request, "admin/registry/import.html", context)

    def _keep(self, request, data: bytes, filename: str, record: ImportRecord) -> str:
        """Hold the previewed file until the user confirms (server-side, never in the form)."""
        PENDING_DIR.mkdir(mode=0o700, exist_ok=True)
        stale = time.time() - 24 * 3600  # previews nobody confirmed
        for old in PENDING_DIR.glob("*.xlsx"):
            if old.stat().st_mtime < stale:
                old.unlink(missing_ok=True)
        token = secrets.token_hex(16)
        (PENDING_DIR / f"{token}.xlsx").write_bytes(data)
        request.session[SESSION_KEY] = {
            "token": token,
            "kind": self.import_kind,
            "filename": filename,
            "record": record.pk,  # the confirm completes the preview's 导入记录
        }
        return token

    def _confirm(self, request, context):
        pending = request.session.get(SESSION_KEY) or {}
        token = request.POST.get("confirm", "")
        file = PENDING_DIR / f"{pending.get('token')}.xlsx"
        if pending.get("token") != token or pending.get("kind") != self.import_kind or not file.is_file():
            context["file_error"] = "预览已过期或无效，请重新选择文件导入。"
            return TemplateResponse(request, "admin/registry/import.html", context)
        data = file.read_bytes()
        record = ImportRecord.objects.filter(pk=pending.get("record"), user=request.user).first()
        if record is None:
            record = record_start(
                kind=self.import_kind,
                data=data,
                file_name=pending.get("filename") or "",
                user=request.user,
                source=Source.ADMIN,
            )
        context["record"] = record
        try:
            result = run_import(record, data)
        except UnusableFile as exc:
            context["file_error"] = str(exc)
            return TemplateResponse(request, "admin/registry/import.html", context)
        finally:
            file.unlink(missing_ok=True)
            request.session.pop(SESSION_KEY, None)
        if result.errors:  # the data changed since the preview
            context.update(result=result, filename=pending.get("filename"))
            return TemplateResponse(request, "admin/registry/import.html", context)
        messages.success(request, f"已导入“{pending.get('filename')}”：{result.summary()}（导入记录 #{record.pk}）")
        return HttpResponseRedirect(context["changelist_url"])
