"""Imports on record: start a 导入记录, run the engine on it, report progress, undo it, purge old files.

`run_import` wraps `engine.import_file` (it does not change how a file is judged): the engine's
transaction and the record's final state commit together, so a record that says 已写入 always
matches the database, and a process killed mid-import leaves nothing written and a record that
`mark_stalled` later turns into 失败.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Max, Min, OuterRef, ProtectedError, RestrictedError, Subquery
from django.db.models.deletion import Collector
from django.utils import timezone
from simple_history.utils import bulk_update_with_history, get_m2m_reverse_field_name

from registry.kernel.excel import changes
from registry.kernel.excel.engine import ImportResult, import_file
from registry.kernel.excel.reading import UnusableFile, read_sheet
from registry.kernel.excel.records import ImportRecord, Outcome, Source
from registry.kernel.roles import StaffRole, user_role
from registry.kernel.scope import is_scoped, user_town

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 10_000
PREVIEW_ROWS = 500


# ---- starting and running ------------------------------------------------------------------------
def record_start(
    *, kind: str, data: bytes, file_name: str, user=None, source: str = Source.COMMAND, background: bool = False
) -> ImportRecord:
    """A new record holding the file (kept in media storage), before the engine runs."""
    user = user if user is not None and user.is_authenticated else None
    record = ImportRecord(
        kind=kind,
        source=source,
        user=user,
        town=user_town(user) if user is not None else None,
        file_name=file_name[:255],
        file_size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        background=background,
        outcome=Outcome.QUEUED if background else Outcome.RUNNING,
    )
    record.file.save(file_name, ContentFile(data), save=False)
    record.save()
    return record


def record_data(record: ImportRecord) -> bytes:
    if not record.file:
        raise UnusableFile("导入记录中的文件已按保存期限删除，无法再次导入。")
    with record.file.open("rb") as handle:
        return handle.read()


def run_import(
    record: ImportRecord, data: bytes, *, dry_run: bool = False, echo=None, mapping: dict[str, str] | None = None
) -> ImportResult:
    """Run the engine on `data` for `record` and store the outcome on it. Raises UnusableFile (exit 2).

    `echo(stage, done, total)` also receives the progress (the command's terminal bar)."""
    progress = ProgressWriter(record, echo=echo)
    ImportRecord.objects.filter(pk=record.pk).update(outcome=Outcome.RUNNING)
    record.outcome = Outcome.RUNNING
    progress.flush()
    log = changes.ChangeLog(record.change_reason, user=record.user, progress=progress)
    started = time.monotonic()
    try:
        with changes.tracking(log), transaction.atomic():
            result = import_file(record.kind, data, user=record.user, dry_run=dry_run, mapping=mapping)
            _store_result(record, result, log, dry_run=dry_run, seconds=time.monotonic() - started)
            record.save()
    except UnusableFile as exc:
        close_record(record, Outcome.UNUSABLE, str(exc), seconds=time.monotonic() - started)
        raise
    except BaseException as exc:  # a crash, or the worker told to stop mid-import: nothing was written
        if isinstance(exc, (SystemExit, KeyboardInterrupt)):
            reason = "导入进程被停止，导入中断；未写入任何数据，请重新导入。"
        else:
            logger.exception("import record %s failed", record.pk)
            reason = f"导入时发生内部错误（{type(exc).__name__}: {exc}）；未写入任何数据。"
        close_record(record, Outcome.FAILED, reason, seconds=time.monotonic() - started)
        raise
    finally:
        progress.finish()
    return result


def _store_result(record: ImportRecord, result: ImportResult, log, *, dry_run: bool, seconds: float) -> None:
    record.rows = len(result.rows)
    record.created, record.updated, record.unchanged = result.created, result.updated, result.unchanged
    record.errors = [e.as_dict() for e in result.errors[:MAX_STORED_ERRORS]]
    record.ignored_columns = list(result.ignored_columns)
    record.footer_rows = [{"row": row, "text": text} for row, text in result.ignored_rows]
    record.column_mapping = dict(result.renamed)  # file header -> the column it was read as
    if result.errors:
        record.outcome = Outcome.INVALID
    elif dry_run:
        record.outcome = Outcome.DRY_RUN
        if record.background:  # the confirm page of a background preview shows these
            record.preview = [[r.number, r.status, r.label] for r in result.rows[:PREVIEW_ROWS]]
    else:
        record.outcome = Outcome.WRITTEN
        record.changes = log.as_changes()
    record.message = ""
    record.finished_at = timezone.now()
    record.seconds = round(seconds, 3)


def close_record(record: ImportRecord, outcome: str, message: str, seconds: float | None = None) -> None:
    """Store a refusal or failure after the import's transaction was rolled back."""
    values = {"outcome": outcome, "message": message, "finished_at": timezone.now()}
    if seconds is not None:
        values["seconds"] = round(seconds, 3)
    try:
        ImportRecord.objects.filter(pk=record.pk).update(**values)
    except Exception:  # the database itself is gone; mark_stalled will close the record later
        logger.exception("could not close import record %s", record.pk)
    for name, value in values.items():
        setattr(record, name, value)


def earlier_imports(record: ImportRecord, user=None):
    """Records that already wrote the same file (same SHA-256) into the same kind, that `user` may see."""
    found = ImportRecord.objects.written_with(record.kind, record.sha256).exclude(pk=record.pk).select_related("user")
    return found.visible_to(user) if user is not None else found


def earlier_notice(record: ImportRecord, user=None) -> str:
    first = earlier_imports(record, user).first()
    if first is None:
        return ""
    who = (first.user.get_full_name() or first.user.username) if first.user else "命令行（未指定用户）"
    return (
        f"这个文件（SHA-256 相同）已于 {timezone.localtime(first.started_at):%Y-%m-%d %H:%M} 由 {who} "
        f"导入过（导入记录 #{first.pk}）。重复导入不会重复写入：已有的记录会显示为无变化。"
    )


# ---- background ---------------------------------------------------------------------------------------
def count_rows(data: bytes) -> int:
    """Lines of the sheet the engine would read (0 when it cannot be read: the engine says why)."""
    try:
        return max(0, len(read_sheet(data)[0]) - 1)
    except UnusableFile:
        return 0


def needs_background(row_count: int) -> bool:
    return row_count > settings.IMPORT_BACKGROUND_ROWS


def enqueue(record: ImportRecord, *, dry_run: bool) -> None:
    """Queue the import of `record`'s file for the worker (`manage.py db_worker`)."""
    from registry.kernel.excel.tasks import import_task

    ImportRecord.objects.filter(pk=record.pk).update(outcome=Outcome.QUEUED, background=True, message="")
    progress_cache().delete(progress_key(record.pk))  # the confirm after a preview starts afresh
    record.outcome, record.background = Outcome.QUEUED, True
    result = import_task.enqueue(record.pk, dry_run)
    # an in-process backend has already run it: keep its outcome, add only the task's id
    ImportRecord.objects.filter(pk=record.pk).update(task_id=str(result.id))
    record.refresh_from_db()


# ---- progress ------------------------------------------------------------------------------------------
STAGES = {
    "start": "准备",
    "read": "读取文件",
    "checked": "逐行检查",
    "planned": "核对整份文件",
    "written": "写入数据库",
    "done": "完成",
}


def progress_cache():
    return caches["imports"]


def progress_key(record_id: int) -> str:
    return f"import-progress-{record_id}"


class ProgressWriter:
    """Keeps a running import's counts where other processes can read them (the `imports` cache),
    at most twice a second: it is outside the import's transaction, which commits only at the end."""

    INTERVAL = 0.5

    def __init__(self, record: ImportRecord, echo=None):
        self.key = progress_key(record.pk)
        self.echo = echo
        self.state: dict[str, Any] = {
            "stage": "start",
            "rows": 0,
            "read": 0,
            "checked": 0,
            "written": 0,
            "to_write": 0,
            "started": time.time(),
        }
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        state = self.state
        if stage == "read":
            state["rows"] = state["read"] = total
        elif stage == "checked":
            state["checked"] = done
        elif stage == "planned":
            state["checked"] = total
        elif stage == "written":
            state["written"], state["to_write"] = done, total
        changed = stage != state["stage"]
        state["stage"] = stage
        if self.echo is not None:
            self.echo(stage, done, total)
        if changed or time.monotonic() - self.last >= self.INTERVAL:
            self.flush()

    def flush(self) -> None:
        self.last = time.monotonic()
        self.state["at"] = time.time()
        progress_cache().set(self.key, self.state, timeout=7 * 24 * 3600)

    def finish(self) -> None:
        self.state["stage"] = "done"
        self.flush()


# share of the work each stage reaches when it ends (measured on the benchmark's roster)
_WEIGHTS = {"start": 0.0, "read": 0.05, "checked": 0.45, "planned": 0.7, "written": 1.0}


def progress_of(record: ImportRecord) -> dict[str, Any]:
    """What the progress page shows: counts, percentage, elapsed, expected end, and the outcome."""
    state = progress_cache().get(progress_key(record.pk)) or {}
    now = time.time()
    rows = state.get("rows") or record.rows or 0
    stage = state.get("stage", "start")
    if record.finished:
        percent = 100.0
    else:
        before = {"read": 0.0, "checked": 0.05, "planned": 0.45, "written": 0.7}.get(stage, 0.0)
        end = _WEIGHTS.get(stage, 0.0)
        if stage == "checked" and rows:
            fraction = state.get("checked", 0) / rows
        elif stage == "written" and state.get("to_write"):
            fraction = state.get("written", 0) / state["to_write"]
        else:
            fraction = 0.0
        # 100 only once the record is closed (the commit after the last write takes a moment too)
        percent = min(99.0, round(100 * (before + (end - before) * min(fraction, 1.0)), 1))
    started = state.get("started")
    elapsed = (record.seconds if record.finished and record.seconds is not None else now - started) if started else 0
    expected_end = None
    if not record.finished and started and percent >= 5:
        expected_end = timezone.localtime(
            datetime.datetime.fromtimestamp(started + elapsed * 100 / percent, tz=datetime.timezone.utc)
        ).strftime("%H:%M:%S")
    return {
        "id": record.pk,
        "outcome": record.outcome,
        "finished": record.finished,
        "stage": STAGES.get(stage, stage) if not record.finished else record.outcome,
        "rows": rows,
        "read": state.get("read", 0),
        "checked": state.get("checked", 0) if not record.finished else (record.rows or 0),
        "written": state.get("written", 0),
        "to_write": state.get("to_write", 0),
        "percent": percent,
        "elapsed": round(elapsed or 0, 1),
        "expected_end": expected_end,
        "created": record.created,
        "updated": record.updated,
        "unchanged": record.unchanged,
        "errors": len(record.errors),
        "message": record.message,
    }


def mark_stalled(now: float | None = None) -> int:
    """Close records whose process died mid-import (no progress for IMPORT_STALL_SECONDS): their
    transaction never committed, so nothing was written. Returns how many were closed."""
    now = now or time.time()
    limit = settings.IMPORT_STALL_SECONDS
    closed = 0
    for record in ImportRecord.objects.filter(outcome=Outcome.RUNNING):
        state = progress_cache().get(progress_key(record.pk)) or {}
        last = state.get("at") or record.started_at.timestamp()
        if now - last > limit:
            minutes = max(1, round(limit / 60))
            reason = (
                f"导入进程意外停止（超过 {minutes} 分钟没有进展，可能被终止或服务器重启）；未写入任何数据，请重新导入。"
            )
            closed += ImportRecord.objects.filter(pk=record.pk, outcome=Outcome.RUNNING).update(
                outcome=Outcome.FAILED, message=reason, finished_at=timezone.now()
            )
    return closed


# ---- undo ------------------------------------------------------------------------------------------------
class UndoRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def is_bureau(user) -> bool:
    return user.is_superuser or user_role(user) == StaffRole.BUREAU


def undo_refusal(record: ImportRecord, user, now: datetime.datetime | None = None) -> str | None:
    """Why `user` may not undo `record` now (None: they may). Whether the records changed since is
    checked by `undo_import` itself."""
    if record.outcome != Outcome.WRITTEN:
        return f"只有“已写入”的导入才能撤销（本记录：{record.outcome}）。"
    if not any(part["created"] or part["updated"] for part in record.changes.values()):
        return "这次导入没有新增或更新任何记录，无需撤销。"
    if is_bureau(user):
        return None
    if not is_scoped(user):
        return "只有司法局管理员和本镇街录入员可以撤销导入。"
    if record.town_id is None or record.town != user_town(user):
        return "镇街录入员只能撤销本镇街的导入。"
    window = datetime.timedelta(hours=settings.IMPORT_UNDO_WINDOW_HOURS)
    if (now or timezone.now()) - (record.finished_at or record.started_at) > window:
        return f"镇街录入员只能在导入后 {settings.IMPORT_UNDO_WINDOW_HOURS} 小时内撤销；请联系司法局管理员。"
    return None


def _chunks(items: list[int], size: int = 2000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def undo_import(record: ImportRecord, *, user) -> None:
    """Revert everything `record` wrote, in one transaction: records it created are deleted, records it
    updated go back to their version before it. Refused (UndoRefused, nothing changed) when one of them
    changed since, or when deleting would take other records with it."""
    refusal = undo_refusal(record, user)
    if refusal:
        raise UndoRefused([refusal])
    log = changes.ChangeLog(record.undo_reason, user=user)
    with changes.tracking(log), transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        refusal = undo_refusal(record, user)  # someone else may have undone it meanwhile
        if refusal:
            raise UndoRefused([refusal])
        plans = [_undo_plan(apps.get_model(label), ids, record) for label, ids in record.changes.items()]
        problems = [p for plan in plans for p in plan["problems"]]
        collector = Collector(using=DEFAULT_DB_ALIAS, origin=record)
        created = {(plan["model"]._meta.concrete_model, pk) for plan in plans for pk in plan["created"]}
        if not problems:
            try:
                for plan in plans:
                    if plan["created"]:
                        collector.collect(list(plan["model"]._default_manager.filter(pk__in=plan["created"])))
            except (ProtectedError, RestrictedError) as exc:
                blockers = list(exc.protected_objects if hasattr(exc, "protected_objects") else exc.restricted_objects)
                shown = "、".join(f"{o._meta.verbose_name}“{o}”" for o in blockers[:10])
                problems.append(f"导入新增的记录已被其他记录引用，不能删除：{shown}。")
            else:
                for model, objs in collector.data.items():
                    others = [o for o in objs if (model._meta.concrete_model, o.pk) not in created]
                    shown = "、".join(f"“{o}”" for o in others[:10])
                    if others:
                        problems.append(
                            f"删除导入新增的记录会连带删除不是这次导入的{model._meta.verbose_name}：{shown}。"
                        )
        if problems:
            raise UndoRefused(problems)
        # deletions first: a post the import opened must go before the one it closed reopens
        collector.delete()
        for plan in plans:
            _restore(plan, user, record.undo_reason)
        record.outcome = Outcome.UNDONE
        record.undone_by = user
        record.undone_at = timezone.now()
        record.save(update_fields=["outcome", "undone_by", "undone_at"])


def _undo_plan(model, ids: dict[str, list[int]], record: ImportRecord) -> dict[str, Any]:
    """The import's own history rows of `model`, newer rows (changes since), and the versions before."""
    history = model.history.model
    pk_name = model._meta.pk.attname
    tag = record.change_reason
    pks = list(ids.get("created", [])) + list(ids.get("updated", []))
    mine: dict[int, int] = {}
    problems: list[str] = []
    for chunk in _chunks(pks):
        # hold the live rows until the undo commits, so no edit slips in between this check and the revert
        list(model._default_manager.select_for_update().filter(pk__in=chunk).order_by().values_list("pk", flat=True))
        rows = (
            history.objects.filter(**{f"{pk_name}__in": chunk, "history_change_reason": tag})
            .values(pk_name)
            .annotate(last=Max("history_id"))
        )
        mine.update({row[pk_name]: row["last"] for row in rows})
    for chunk in _chunks(pks):
        floor = min((mine[pk] for pk in chunk if pk in mine), default=0)
        later = (
            history.objects.filter(**{f"{pk_name}__in": chunk, "history_id__gt": floor})
            .select_related("history_user")
            .order_by("history_id")
        )
        for row in later:
            if row.history_id > mine.get(getattr(row, pk_name), 0) and len(problems) < 50:
                problems.append(_changed_since(model, row))
    previous: dict[int, Any] = {}
    updated = list(ids.get("updated", []))
    for chunk in _chunks(updated):
        before = (
            history.objects.filter(**{pk_name: OuterRef(pk_name), "history_id__lt": OuterRef("history_id")})
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        first_tagged = (
            history.objects.filter(**{f"{pk_name}__in": chunk, "history_change_reason": tag})
            .values(pk_name)
            .annotate(first=Min("history_id"))  # the version before its first change
            .values_list("first", flat=True)
        )
        prior_ids = history.objects.filter(history_id__in=first_tagged).annotate(prior=Subquery(before))
        prior_ids = [p for p in prior_ids.values_list("prior", flat=True) if p]
        for row in history.objects.filter(history_id__in=prior_ids):
            previous[getattr(row, pk_name)] = row
    missing = [pk for pk in updated if pk not in previous]
    if missing:
        problems.append(
            f"{model._meta.verbose_name}（编号 {'、'.join(map(str, missing[:10]))}）没有导入前的历史版本，无法还原。"
        )
    return {"model": model, "created": list(ids.get("created", [])), "previous": previous, "problems": problems}


def _changed_since(model, row) -> str:
    who = (row.history_user.get_full_name() or row.history_user.username) if row.history_user else "系统"
    what = {"~": "修改", "-": "删除", "+": "重建"}.get(row.history_type, "修改")
    when = timezone.localtime(row.history_date).strftime("%Y-%m-%d %H:%M")
    return f"{model._meta.verbose_name}“{row.instance}”已于 {when} 由 {who} {what}"


def _restore(plan: dict[str, Any], user, reason: str) -> None:
    model = plan["model"]
    rows = list(plan["previous"].values())
    if not rows:
        return
    m2m = list(getattr(model.history.model, "_history_m2m_fields", ()) or ())
    if m2m:  # few records (experts): save one by one so their m2m history is written too
        for row in rows:
            obj = row.instance
            obj._history_user = user
            obj.save()
            for field in m2m:
                related = get_m2m_reverse_field_name(field)
                getattr(obj, field.name).set([getattr(r, f"{related}_id") for r in getattr(row, field.name).all()])
        return
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    bulk_update_with_history(
        [row.instance for row in rows],
        model,
        fields,
        batch_size=2000,
        default_user=user,
        default_change_reason=reason,
    )


# ---- retention -------------------------------------------------------------------------------------------
def purge_expired_files(now: datetime.datetime | None = None, dry_run: bool = False) -> list[ImportRecord]:
    """Delete kept files older than IMPORT_FILE_RETENTION_DAYS; the records themselves stay."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    expired = list(ImportRecord.objects.filter(started_at__lt=cutoff).exclude(file=""))
    if not dry_run:
        for record in expired:
            record.file.delete(save=False)
            record.file_deleted_at = now or timezone.now()
            record.save(update_fields=["file", "file_deleted_at"])
    return expired
