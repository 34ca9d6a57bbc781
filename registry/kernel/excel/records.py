"""导入记录 (ImportRecord): one row per import that reached the database or was refused.

The model only; running, recording and undoing imports is registry.kernel.excel.recording.
(Declared here, imported by registry/models.py, so it belongs to the `registry` app.)
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Outcome(models.TextChoices):
    QUEUED = "排队中", "排队中"
    RUNNING = "进行中", "进行中"
    WRITTEN = "已写入", "已写入"
    DRY_RUN = "试运行", "试运行"
    INVALID = "有错误", "有错误"
    UNUSABLE = "文件不可用", "文件不可用"
    UNDONE = "已撤销", "已撤销"
    FAILED = "失败", "失败"


UNFINISHED = (Outcome.QUEUED, Outcome.RUNNING)


class Source(models.TextChoices):
    ADMIN = "管理后台", "管理后台"
    COMMAND = "命令行", "命令行"


class ImportRecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportRecordQuerySet:
        """The bureau sees every record, a clerk their town's, anyone else their own imports."""
        from registry.kernel.roles import StaffRole, user_role
        from registry.kernel.scope import is_scoped, user_town

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user_role(user) == StaffRole.BUREAU:
            return self
        if is_scoped(user):
            town = user_town(user)
            return self.filter(town=town) if town is not None else self.none()
        return self.filter(user=user)

    def written_with(self, kind: str, sha256: str) -> ImportRecordQuerySet:
        """Earlier imports of the same file (same SHA-256) that wrote it into the same kind."""
        return self.filter(kind=kind, sha256=sha256, outcome=Outcome.WRITTEN)


def upload_to(record: ImportRecord, filename: str) -> str:
    return f"imports/{timezone.localdate():%Y/%m}/{record.sha256[:16]}.xlsx"


class ImportRecord(models.Model):
    kind = models.CharField("导入类型", max_length=30)
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_records",
    )
    # The town of an import is the importing clerk's town/street: their rows can only be in it.
    town = models.ForeignKey(
        "registry.Area", verbose_name="所属镇街", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField("导入时间", default=timezone.now, db_index=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    seconds = models.FloatField("用时（秒）", null=True, blank=True)
    file = models.FileField("文件", upload_to=upload_to, blank=True, max_length=200)
    file_name = models.CharField("文件名", max_length=255)
    file_size = models.PositiveBigIntegerField("文件大小（字节）")
    sha256 = models.CharField("文件指纹（SHA-256）", max_length=64, db_index=True)
    file_deleted_at = models.DateTimeField("文件删除时间", null=True, blank=True)
    background = models.BooleanField("后台任务", default=False)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    message = models.TextField("说明", blank=True, help_text="文件不可用或失败的原因")
    rows = models.PositiveIntegerField("数据行数", null=True, blank=True)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("无变化", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    ignored_columns = models.JSONField("忽略的列", default=list, blank=True)
    footer_rows = models.JSONField("忽略的表尾行", default=list, blank=True)
    column_mapping = models.JSONField("列对应", default=dict, blank=True)
    # what the import wrote, by model: {"registry.mediator": {"created": [pk…], "updated": [pk…]}}
    changes = models.JSONField("写入的记录", default=dict, blank=True)
    # a background preview's first rows for the confirm page: [[row, status, label], …]
    preview = models.JSONField("预览", default=list, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "导入记录"
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["kind", "sha256"], name="registry_importrecord_kind_sha")]
        constraints = [
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True) | Q(outcome=Outcome.UNDONE),
                name="registry_importrecord_undone_outcome",
                violation_error_message="撤销时间只能出现在已撤销的导入记录上。",
            ),
        ]

    def __str__(self) -> str:
        return f"导入记录 #{self.pk} · {self.file_name}"

    @property
    def change_reason(self) -> str:
        """What the history rows this import wrote say (simple-history's history_change_reason)."""
        return f"导入记录#{self.pk}"

    @property
    def undo_reason(self) -> str:
        return f"撤销导入记录#{self.pk}"

    @property
    def finished(self) -> bool:
        return self.outcome not in UNFINISHED

    def file_expires_on(self) -> datetime.date:
        return timezone.localdate(self.started_at) + datetime.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
