"""Branded studios and commendations (items 19 and 32 of the work plan; SPEC §1)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.models import Mediator, Membership, Organization, ScopedQuerySet


class StudioStatus(models.TextChoices):
    CULTIVATING = "培育中", "培育中"
    RECOGNIZED = "已命名", "已命名"


class CommendationLevel(models.TextChoices):
    NATIONAL = "国家级", "国家级"
    PROVINCIAL = "省部级", "省部级"
    CITY = "市级", "市级"
    DISTRICT = "区级", "区级"
    TOWN = "镇街级", "镇街级"


class RecipientKind(models.TextChoices):
    PERSON = "个人", "个人"
    COLLECTIVE = "集体", "集体"


def _invalid_choice(label: str, choices: type[models.TextChoices]) -> dict[str, str]:
    return {"invalid_choice": f"{label}“%(value)s”无效，可选：{'、'.join(choices.values)}。"}


def recognized_on(day) -> Q:
    """已命名 on `day`: recorded as named, on or before that day (an undated naming counts)."""
    return Q(status=StudioStatus.RECOGNIZED) & (Q(named_date__isnull=True) | Q(named_date__lte=day))


class StudioQuerySet(ScopedQuerySet):
    area_lookup = "organization__area"

    def with_recognized(self, day):
        """Annotate `recognized`: the studio was 已命名 on `day` (a later naming was still 培育中 then)."""
        return self.annotate(
            recognized=models.ExpressionWrapper(recognized_on(day), output_field=models.BooleanField())
        )


class Studio(models.Model):
    name = models.CharField("工作室名称", max_length=100, unique=True, help_text="如：老马工作室")
    mediator = models.ForeignKey(Mediator, verbose_name="命名调解员", on_delete=models.PROTECT, related_name="studios")
    organization = models.ForeignKey(
        Organization, verbose_name="所属调解组织", on_delete=models.PROTECT, related_name="studios"
    )
    named_date = models.DateField("命名日期", null=True, blank=True)
    status = models.CharField(
        "状态",
        max_length=3,
        choices=StudioStatus.choices,
        default=StudioStatus.CULTIVATING,
        error_messages=_invalid_choice("状态", StudioStatus),
    )
    method = models.TextField("工作法简介", blank=True, help_text="如：老马工作法的做法和特色")
    history = HistoricalRecords()
    objects = StudioQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "品牌调解工作室"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The namesake must hold a post in the organization on the naming date; a studio still
        # being cultivated (no date yet) must be named after someone who is a member today.
        if not (self.mediator_id and self.organization_id):
            return
        day = self.named_date or timezone.localdate()
        posts = Membership.objects.filter(mediator_id=self.mediator_id, organization_id=self.organization_id)
        if not posts.active_on(day).exists():
            raise ValidationError({"mediator": namesake_error(self, day)})


def namesake_error(studio: Studio, day) -> str:
    when = f"命名日期 {day:%Y-%m-%d}" if studio.named_date else f"今天（{day:%Y-%m-%d}）"
    return (
        f"“{studio.mediator.name}”在{when}不是“{studio.organization}”的在任成员。"
        "工作室须以该组织的在任调解员命名：请先在花名册登记其在该组织的任职，或核对命名日期和所属调解组织。"
    )


class CommendationQuerySet(models.QuerySet):
    def in_areas(self, area_ids):
        """A commendation belongs to its organization's area, or to every area its mediator holds or held a post in."""
        posts = Membership.objects.filter(mediator_id=OuterRef("mediator_id"), organization__area__in=area_ids)
        return self.filter(Q(organization__area__in=area_ids) | Q(Exists(posts)))


RECIPIENT_CONSTRAINT = "branding_commendation_exactly_one_recipient"
RECIPIENT_MESSAGE = "表彰对象必须且只能是一位调解员（个人）或一个调解组织（集体），不能同时填写，也不能都不填。"


class Commendation(models.Model):
    mediator = models.ForeignKey(
        Mediator,
        verbose_name="受表彰调解员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
        help_text="个人表彰填写；与“受表彰组织”二选一",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="受表彰组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
        help_text="集体表彰填写；与“受表彰调解员”二选一",
    )
    title = models.CharField("表彰名称", max_length=150)
    level = models.CharField(
        "表彰级别",
        max_length=3,
        choices=CommendationLevel.choices,
        error_messages=_invalid_choice("表彰级别", CommendationLevel),
    )
    issuer = models.CharField("授予单位", max_length=150, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    date = models.DateField("表彰日期")
    history = HistoricalRecords()
    objects = CommendationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "表彰奖励"
        ordering = ["-date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mediator__isnull=False, organization__isnull=True)
                | Q(mediator__isnull=True, organization__isnull=False),
                name=RECIPIENT_CONSTRAINT,
                violation_error_message=RECIPIENT_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["mediator", "title", "date"],
                condition=Q(mediator__isnull=False),
                name="branding_commendation_unique_person",
                violation_error_message="该调解员在同一日期已有同名表彰。",
            ),
            models.UniqueConstraint(
                fields=["organization", "title", "date"],
                condition=Q(organization__isnull=False),
                name="branding_commendation_unique_collective",
                violation_error_message="该调解组织在同一日期已有同名表彰。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.date:%Y-%m-%d}）" if self.date else self.title

    @property
    def recipient(self) -> Mediator | Organization | None:
        return self.mediator if self.mediator_id else self.organization

    @property
    def recipient_kind(self) -> str:
        return RecipientKind.PERSON if self.mediator_id else RecipientKind.COLLECTIVE

    def clean(self) -> None:
        # Said here as well as in the CheckConstraint, so the form shows it as a message, not a crash.
        if bool(self.mediator_id) == bool(self.organization_id):
            raise ValidationError(RECIPIENT_MESSAGE)
