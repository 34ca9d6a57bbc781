"""Centralized trainings and who attended them (SPEC §1, §2.6; work plan item 17)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.kernel.validators import clean_text, halfwidth
from registry.models import TOWN_LEVELS, Area, AreaLevel, Mediator

ORGANIZER_LEVELS = (AreaLevel.DISTRICT, *TOWN_LEVELS)
FIRST_TRAINING_YEAR = 1990


def normalize_code(value: object) -> str:
    """培训编号 is the key sign-in sheets refer to: one spelling whatever the width or spacing."""
    return clean_text(halfwidth(str(value))) if value is not None else ""


class TrainingSessionQuerySet(models.QuerySet):
    def in_areas(self, area_ids):
        """A clerk sees their town's sessions and the district's, which their mediators attend;
        changing a district session stays the bureau's (see TrainingSessionAdmin)."""
        return self.filter(Q(area__in=area_ids) | Q(area__level=AreaLevel.DISTRICT))


class TrainingSession(models.Model):
    code = models.CharField("培训编号", max_length=50, unique=True)
    name = models.CharField("培训名称", max_length=150)
    area = models.ForeignKey(
        Area,
        verbose_name="主办区划",
        on_delete=models.PROTECT,
        related_name="training_sessions",
        limit_choices_to={"level__in": ORGANIZER_LEVELS},
        help_text="区县（区级培训）或乡镇/街道（镇街培训）",
        error_messages={"invalid": "集中培训由区县或乡镇（街道）主办；村（社区）的培训请填写其所属镇街。"},
    )
    date = models.DateField("培训日期")
    hours = models.DecimalField(
        "学时",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"), message="学时应大于0。")],
    )
    topic = models.CharField("培训内容", max_length=200, blank=True)
    venue = models.CharField("培训地点", max_length=150, blank=True)
    history = HistoricalRecords()
    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "集中培训"
        ordering = ["-date", "code"]
        indexes = [models.Index(fields=["date"], name="training_session_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0),
                name="training_trainingsession_hours_positive",
                violation_error_message="学时应大于0。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}（{self.date:%Y-%m-%d}）" if self.date else f"{self.code} {self.name}"

    def clean(self) -> None:
        self.code = normalize_code(self.code)
        self.name = clean_text(self.name)
        errors: dict[str, str] = {}
        # The importer skips relation fields in clean_fields(), so the level is checked here too.
        if self.area_id and self.area.level not in ORGANIZER_LEVELS:
            errors["area"] = f"集中培训由区县或乡镇（街道）主办，“{self.area}”是{self.area.level}；请填写其所属镇街。"
        # A planned session may lie ahead, but not years ahead: 2203 is a typo for 2023.
        latest = timezone.localdate().year + 1
        if isinstance(self.date, datetime.date) and not FIRST_TRAINING_YEAR <= self.date.year <= latest:
            errors["date"] = (
                f"培训日期 {self.date:%Y-%m-%d} 不合理：应在{FIRST_TRAINING_YEAR}年至{latest}年之间，请核对年份。"
            )
        if errors:
            raise ValidationError(errors)


class AttendanceQuerySet(models.QuerySet):
    def in_areas(self, area_ids):
        """A clerk manages the attendance of their own mediators, at any session they may see."""
        return self.filter(mediator__in=Mediator.objects.in_areas(area_ids))


class Attendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, verbose_name="培训", on_delete=models.CASCADE, related_name="attendances"
    )
    mediator = models.ForeignKey(Mediator, verbose_name="调解员", on_delete=models.CASCADE, related_name="attendances")
    history = HistoricalRecords()
    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "参训记录"
        ordering = ["-session__date", "mediator__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "mediator"],
                name="training_attendance_unique_mediator",
                violation_error_message="该调解员已登记参加此次培训。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mediator} · {self.session}"
