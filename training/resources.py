"""Import/export of trainings and sign-in sheets (SPEC §3 kinds `trainings`, `attendance`),
on the shared engine in registry.kernel.excel.engine."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from import_export.fields import Field
from import_export.widgets import Widget

from registry.kernel.excel.engine import CREATED, UNCHANGED, ImportContext, KindResource, Row, name_mismatch
from registry.kernel.excel.widgets import (
    DateWidget,
    IdNumberWidget,
    NaturalKeyWidget,
    TextWidget,
    is_blank,
    normalize_text,
)
from registry.kernel.scope import visible
from registry.kernel.validators import parse_number
from registry.models import Area, Mediator
from training.models import Attendance, TrainingSession, normalize_code


class HoursWidget(Widget):
    """学时: a positive number with at most one decimal (2, 2.5, ２, “3学时”)."""

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        if is_blank(value):
            return None
        text = value if isinstance(value, float) else re.sub(r"\s|学时$|课时$|小时$", "", normalize_text(value))
        try:
            hours = parse_number(text, "学时", "请填写如 2 或 2.5 的学时数")
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
        if hours <= 0:
            raise ValueError(f"学时“{text}”应大于0。")
        if hours >= 1000:
            raise ValueError(f"学时“{text}”过大，一次培训的学时应小于1000。")
        if hours != hours.quantize(Decimal("0.1")):
            raise ValueError(f"学时“{text}”最多保留1位小数，如 2.5。")
        return hours.quantize(Decimal("0.1"))

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else f"{value.normalize():f}"


class CodeWidget(TextWidget):
    """培训编号 spelled exactly as the model stores it, so the file and the table agree on keys."""

    def clean(self, value, row=None, **kwargs) -> str:
        return _code_key(value)


def _code_key(value) -> str:
    return normalize_code(normalize_text(value))


class TrainingSessionResource(KindResource):
    kind = "trainings"
    text_columns = ("培训编号",)
    required_columns = ("培训编号", "培训名称", "主办区划", "培训日期")
    natural_key = ("code",)
    scope_field = "area_id"
    scope_column = "主办区划"
    out_of_scope_message = "不在您的管辖范围内：镇街录入员只能导入本镇街主办的培训，区级培训由区司法局导入。"

    code = Field(attribute="code", column_name="培训编号", widget=CodeWidget())
    name = Field(attribute="name", column_name="培训名称", widget=TextWidget())
    area = Field(
        attribute="area",
        column_name="主办区划",
        widget=NaturalKeyWidget(Area, "name", label="主办区划", hint="，请填写系统中已有的区县或乡镇/街道名称"),
    )
    date = Field(attribute="date", column_name="培训日期", widget=DateWidget("培训日期"))
    hours = Field(attribute="hours", column_name="学时", widget=HoursWidget())

    sheet_title = "培训"
    synonyms = {
        "培训编号": ("编号", "培训代码"),
        "培训名称": ("培训主题", "培训内容", "名称"),
        "主办区划": ("主办单位", "举办单位", "主办镇街"),
        "培训日期": ("培训时间", "举办日期", "日期"),
        "学时": ("课时", "培训学时", "时长"),
    }

    template_notes = {
        "培训编号": "必填。每次培训唯一的编号，如 XS-2023-01；签到表（attendance）用它指明培训。",
        "培训名称": "必填。",
        "主办区划": "必填。区级培训填区县名称（如 大渡口区），镇街培训填乡镇/街道名称。",
        "培训日期": "必填。日期，如 2023-03-05。",
        "学时": "数字，如 2 或 2.5。",
    }

    class Meta:
        model = TrainingSession
        fields = ("code", "name", "area", "date", "hours")
        export_order = fields

    def export_queryset(self, queryset):
        return queryset.select_related("area")


SESSION_HINT = "，请先导入培训（trainings），或核对编号"
SESSION_HINT_SCOPED = "，或不是本镇街或区级的培训；请核对编号"
MEDIATOR_HINT = "：花名册中没有该身份证号的调解员，请先导入调解员（mediators）或核对号码"
MEDIATOR_HINT_SCOPED = (
    "于您负责镇街的花名册：镇街录入员只能登记本镇街调解员的参训记录，其他镇街调解员参加区级培训由区司法局登记"
)


def _id_number_key(value) -> str:
    return IdNumberWidget().clean(value)


class AttendanceResource(KindResource):
    """One row of a sign-in sheet = one mediator at one session (SPEC §3 attendance).

    Sessions and mediators are looked up within the importer's scope, so a clerk's sheet can
    name their own mediators at their town's or the district's sessions, and nothing else
    (not even whether another town's person exists).
    """

    kind = "attendance"
    text_columns = ("培训编号", "身份证号")
    required_columns = ("培训编号", "身份证号", "姓名")
    natural_key = ("session", "mediator")
    scope_field = None  # enforced by the scoped lookups in prefetch()

    session = Field(
        attribute="session",
        column_name="培训编号",
        widget=NaturalKeyWidget(TrainingSession, "code", label="培训编号", hint=SESSION_HINT, normalize=_code_key),
    )
    id_number = Field(
        attribute="mediator",
        column_name="身份证号",
        widget=NaturalKeyWidget(Mediator, "id_number", label="身份证号", hint=MEDIATOR_HINT, normalize=_id_number_key),
    )
    name = Field(attribute="mediator__name", column_name="姓名", widget=TextWidget())

    sheet_title = "签到"
    synonyms = {"培训编号": ("编号", "培训代码")}

    template_notes = {
        "培训编号": "必填。已导入的培训的编号（见培训导入 trainings）。",
        "身份证号": "必填。已登记调解员的18位身份证号；请把该列设为“文本”格式。",
        "姓名": "必填。须与该身份证号登记的姓名一致。",
    }

    class Meta:
        model = Attendance
        fields = ("session", "id_number", "name")
        export_order = fields

    def export_queryset(self, queryset):
        return queryset.select_related("session", "mediator").order_by(
            "-session__date", "session__code", "mediator__name"
        )

    def prefetch(self, rows: list[Row], ctx: ImportContext) -> None:
        session = self.fields["session"].widget
        mediator = self.fields["id_number"].widget
        sessions, mediators = TrainingSession.objects.all(), Mediator.objects.all()
        session.hint, mediator.hint = SESSION_HINT, MEDIATOR_HINT
        if ctx.scoped:
            sessions, mediators = visible(sessions, ctx.user), visible(mediators, ctx.user)
            session.hint, mediator.hint = SESSION_HINT_SCOPED, MEDIATOR_HINT_SCOPED
        session.prefetch((row.cells.get("培训编号") for row in rows), sessions)
        mediator.prefetch((row.cells.get("身份证号") for row in rows), mediators)

    def plan(self, rows: list[Row], ctx: ImportContext) -> None:
        """The same person at the same session is one attendance: a repeated row (in the file
        or already stored) is unchanged, never an error and never a second record."""
        valid = [row for row in rows if not row.failed]
        session_ids = {row.values["session"].pk for row in valid}
        stored = (
            set(Attendance.objects.filter(session_id__in=session_ids).values_list("session_id", "mediator_id"))
            if session_ids
            else set()
        )
        for row in valid:
            session, person = row.values["session"], row.values["mediator"]
            signed = row.values.get("mediator__name", "")
            if mismatch := name_mismatch(signed, person, "请核对签到表。"):
                ctx.error(row, "姓名", mismatch)
                continue
            row.label = f"{person} · {session.code}"
            key = (session.pk, person.pk)
            if key in stored:
                row.status = UNCHANGED
                continue
            stored.add(key)
            row.status = CREATED
            ctx.create(Attendance(session=session, mediator=person))
