"""Admin Import (upload → preview → confirm), Export of the filtered changelist, and templates.

Mixed into `ScopedAdmin`; a model admin switches it on with `import_kind = "<kind>"` (a key of
registry.kernel.excel.engine.import_kinds()). The admin and `import_xlsx` run the same engine and
resources, so a row is judged the same way in both, within the user's scope.

The uploaded file is kept server-side (never in the form) from the preview until it is
confirmed, with the preview beside it as JSON: every row with its status and errors (errors
first, paginated), the column mapping step, and the file handed back with its errors marked
(下载标注错误的文件) all read from there. A user's mapping choices are remembered
(`registry.models.ColumnMapping`) and applied to their later imports of the kind.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import time
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from registry.kernel.excel.engine import INVALID, STATUS_LABELS, ImportResult, resource_for
from registry.kernel.excel.headers import HeaderProblem, header_key
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
from registry.kernel.excel.writing import export_xlsx, mark_errors, template_xlsx, xlsx_response
from registry.kernel.privacy import record_access
from registry.models import AccessKind

PENDING_DIR = Path(tempfile.gettempdir()) / "registry-imports"
SESSION_KEY = "registry_pending_import"
PAGE_SIZE = 100


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
            path("import/marked/", wrap(self.marked_view), name="%s_%s_import_marked" % info),
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
            "kind_marked_url": reverse("admin:%s_%s_import_marked" % info),
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
        resource = resource_for(self.import_kind, request.user)  # masks numbers for hr and finance
        data = export_xlsx(resource, queryset)
        what = f"导出：{self.opts.verbose_name}"
        record_access(request, kind=AccessKind.EXPORT, what=what, id_numbers=resource.exported_id_numbers)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(data, f"{self.opts.verbose_name}-{stamp}.xlsx")

    def template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        data = template_xlsx(resource_for(self.import_kind, request.user), request.user)
        return xlsx_response(data, f"{self.opts.verbose_name}导入模板.xlsx")

    # ---- import: upload → preview (dry run) → confirm ----------------------------------------
    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = resource_for(self.import_kind)
        context = {
            **self.admin_site.each_context(request),
            **self._kind_urls(),
            "opts": self.opts,
            "title": f"导入{self.opts.verbose_name}",
            "kind": self.import_kind,
            "resource": resource,
            "max_mb": MAX_FILE_BYTES // 1048576,
            "status_labels": STATUS_LABELS,
        }
        if request.method == "POST" and request.POST.get("confirm"):
            return self._confirm(request, context)
        if request.method == "POST" and request.POST.get("remap"):
            return self._remap(request, context)
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
                token = self._keep(request, data, upload.name, record)
                self._preview(request, context, token)
        elif request.GET.get("preview"):
            token = request.GET["preview"]
            stored = self._stored(request, token)
            if stored is None:
                context["file_error"] = "预览已过期或无效，请重新选择文件导入。"
            else:
                self._show(request, context, token, stored)
        return TemplateResponse(request, "admin/registry/import.html", context)

    def marked_view(self, request):
        """The user's own workbook with every error marked: red cells with comments, 错误说明."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        token = request.GET.get("token", "")
        stored = self._stored(request, token)
        if stored is None or not stored.get("errors"):
            raise Http404("预览已过期或没有错误。")
        data = mark_errors(
            (PENDING_DIR / f"{token}.xlsx").read_bytes(),
            sheet=stored["sheet"],
            header_row=stored["header_row"],
            positions=stored["positions"],
            errors=stored["errors"],
        )
        stem = Path(stored["filename"]).stem or self.opts.verbose_name
        return xlsx_response(data, f"{stem}-标注错误.xlsx")

    # ---- the kept file and its preview ------------------------------------------------------
    def _keep(self, request, data: bytes, filename: str, record: ImportRecord) -> str:
        """Hold the uploaded file until the user confirms (server-side, never in the form)."""
        PENDING_DIR.mkdir(mode=0o700, exist_ok=True)
        stale = time.time() - 24 * 3600  # previews nobody confirmed
        for old in PENDING_DIR.glob("*.*"):
            if old.stat().st_mtime < stale:
                old.unlink(missing_ok=True)
        previous = (request.session.get(SESSION_KEY) or {}).get("token")
        if previous:
            self._discard(previous)
        token = secrets.token_hex(16)
        (PENDING_DIR / f"{token}.xlsx").write_bytes(data)
        request.session[SESSION_KEY] = {
            "token": token,
            "kind": self.import_kind,
            "filename": filename,
            "record": record.pk,  # the confirm completes the preview's 导入记录
        }
        return token

    def _pending(self, request, token: str) -> dict | None:
        pending = request.session.get(SESSION_KEY) or {}
        if not token or pending.get("token") != token or pending.get("kind") != self.import_kind:
            return None
        return pending if (PENDING_DIR / f"{token}.xlsx").is_file() else None

    def _stored(self, request, token: str) -> dict | None:
        if self._pending(request, token) is None:
            return None
        try:
            return json.loads((PENDING_DIR / f"{token}.json").read_text())
        except (OSError, ValueError):
            return None

    def _discard(self, token: str) -> None:
        for suffix in (".xlsx", ".json"):
            (PENDING_DIR / f"{token}{suffix}").unlink(missing_ok=True)

    def _saved_mapping(self, user) -> dict[str, str]:
        from registry.models import ColumnMapping

        return ColumnMapping.saved(user, self.import_kind)

    def _preview(self, request, context, token: str) -> None:
        """Dry-run the kept file with the user's mapping and store what the preview shows."""
        pending = self._pending(request, token)
        data = (PENDING_DIR / f"{token}.xlsx").read_bytes()
        saved = self._saved_mapping(request.user)
        try:
            result = run_import(self._record(request, pending, data), data, dry_run=True, mapping=saved)
        except HeaderProblem as exc:
            exact = {c for c, (_, how) in exc.found.items() if how == "exact"}
            current = {c: (text, how) for c, (text, how) in exc.found.items() if how != "exact"}
            ambiguous = [t for texts in exc.ambiguous.values() for t in texts]
            stored = {
                "filename": pending["filename"],
                "problem": str(exc),
                "mapping": self._mapping_rows(exact, current, exc.unknown + ambiguous, exc.missing),
            }
        except UnusableFile as exc:
            self._discard(token)
            request.session.pop(SESSION_KEY, None)
            context["file_error"] = str(exc)
            return
        else:
            stored = self._preview_data(pending["filename"], result, saved)
        (PENDING_DIR / f"{token}.json").write_text(json.dumps(stored, ensure_ascii=False))
        self._show(request, context, token, stored)

    def _preview_data(self, filename: str, result: ImportResult, saved: dict[str, str]) -> dict:
        by_row: dict[int, list[list[str]]] = {}
        for e in result.errors:
            by_row.setdefault(e.row, []).append([e.column, e.message])
        rows = [[r.number, r.status if r.number not in by_row else INVALID, r.label or _hint(r)] for r in result.rows]
        rows.sort(key=lambda r: (r[1] != INVALID, r[0]))  # errors first, then in sheet order
        current = {
            column: (header, "mapped" if saved.get(header_key(header)) == column else "synonym")
            for header, column in result.renamed.items()
        }
        exact = set(result.positions) - set(current)
        return {
            "filename": filename,
            "summary": result.summary(),
            "rows": [r + [by_row.get(r[0], [])] for r in rows],
            "errors": [[e.row, e.column, e.message] for e in result.errors],
            "sheet": result.sheet,
            "header_row": result.header_row,
            "positions": result.positions,
            "mapping": self._mapping_rows(exact, current, result.ignored_columns, []),
        }

    def _mapping_rows(self, exact: set[str], current: dict, unknown: list[str], missing: list[str]) -> list[dict]:
        """The mapping step: for each column the file does not name exactly (required first), a
        choice among the file's other headers, preset to how the file is read now."""
        resource = resource_for(self.import_kind)
        options = list(dict.fromkeys([text for text, _ in current.values()] + list(unknown)))
        if not options:
            return []
        columns = [c for c in resource.columns() if c not in exact]
        columns.sort(key=lambda c: c not in resource.required_columns)
        return [
            {
                "column": column,
                "required": column in resource.required_columns,
                "missing": column in missing,
                "current": current.get(column, ("", ""))[0],
                "how": current.get(column, ("", ""))[1],
                "options": options,
            }
            for column in columns
        ]

    def _record(self, request, pending: dict, data: bytes) -> ImportRecord:
        """The 导入记录 this preview and its confirm complete (one record per admin import)."""
        record = ImportRecord.objects.filter(pk=pending.get("record"), user=request.user).first()
        if record is None:
            record = record_start(
                kind=self.import_kind,
                data=data,
                file_name=pending.get("filename") or "",
                user=request.user,
                source=Source.ADMIN,
            )
            pending["record"] = record.pk
            request.session.modified = True
        return record

    def _show(self, request, context, token: str, stored: dict) -> None:
        context.update(token=token, filename=stored["filename"], mapping_rows=stored.get("mapping", []))
        record = ImportRecord.objects.filter(pk=(self._pending(request, token) or {}).get("record")).first()
        if record is not None:
            context.update(record=record, earlier=earlier_imports(record, request.user).first())
        if "problem" in stored:
            context["file_error"] = stored["problem"]
            context["mapping_open"] = True
            return
        page = Paginator(stored["rows"], PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            preview=stored,
            page_obj=page,
            has_errors=bool(stored["errors"]),
            bad_rows=len({e[0] for e in stored["errors"]}),
        )

    def _remap(self, request, context):
        """Remember the user's choices in the mapping step and preview the same file again."""
        from registry.models import ColumnMapping

        token = request.POST["remap"]
        stored = self._stored(request, token)
        if stored is None:
            context["file_error"] = "预览已过期或无效，请重新选择文件导入。"
            return TemplateResponse(request, "admin/registry/import.html", context)
        mappings = ColumnMapping.objects.filter(user=request.user, kind=self.import_kind)
        for index, row in enumerate(stored["mapping"]):
            chosen = request.POST.get(f"map-{index}", "")
            if chosen == row["current"] or (chosen and chosen not in row["options"]):
                continue
            mappings.filter(column=row["column"]).delete()
            if chosen:
                mappings.update_or_create(
                    user=request.user,
                    kind=self.import_kind,
                    header=header_key(chosen),
                    defaults={"column": row["column"]},
                )
            elif row["current"]:  # read as this column by its usual name, and the user says it is not
                mappings.update_or_create(
                    user=request.user, kind=self.import_kind, header=header_key(row["current"]), defaults={"column": ""}
                )
        self._preview(request, context, token)
        return TemplateResponse(request, "admin/registry/import.html", context)

    def _confirm(self, request, context):
        token = request.POST.get("confirm", "")
        pending = self._pending(request, token)
        if pending is None:
            context["file_error"] = "预览已过期或无效，请重新选择文件导入。"
            return TemplateResponse(request, "admin/registry/import.html", context)
        data = (PENDING_DIR / f"{token}.xlsx").read_bytes()
        saved = self._saved_mapping(request.user)
        try:
            result = run_import(self._record(request, pending, data), data, mapping=saved)
        except UnusableFile as exc:
            self._discard(token)
            request.session.pop(SESSION_KEY, None)
            context["file_error"] = str(exc)
            return TemplateResponse(request, "admin/registry/import.html", context)
        if result.errors:  # the data changed since the preview: show it again, nothing was written
            stored = self._preview_data(pending["filename"], result, saved)
            (PENDING_DIR / f"{token}.json").write_text(json.dumps(stored, ensure_ascii=False))
            self._show(request, context, token, stored)
            return TemplateResponse(request, "admin/registry/import.html", context)
        self._discard(token)
        request.session.pop(SESSION_KEY, None)
        record = self._record(request, pending, data)
        messages.success(request, f"已导入“{pending.get('filename')}”：{result.summary()}（导入记录 #{record.pk}）")
        return HttpResponseRedirect(context["changelist_url"])


def _hint(row) -> str:
    """What a bad row is about (its first text cell, a name usually), for a row the plan never labelled."""
    return next((v for v in row.values.values() if isinstance(v, str) and v), "")
