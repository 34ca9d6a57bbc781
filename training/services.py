"""Writes and cross-row rules of training (the importer, the demo and tests call these)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum

from registry.kernel.period import Period
from registry.kernel.scope import is_scoped, visible
from registry.models import AreaLevel, Mediator
from training.models import Attendance, TrainingSession


def attendance_check_scope(*, session: TrainingSession, mediator: Mediator, user=None) -> None:
    """Raise a ValidationError when `user` may not record this attendance (SPEC §5).

    A clerk records their own mediators, at their own town's sessions or the district's;
    any other mediator at a district session is for the bureau to record.
    """
    if user is None or not is_scoped(user):
        return
    if not visible(Mediator.objects.filter(pk=mediator.pk), user).exists():
        if session.area.level == AreaLevel.DISTRICT:
            raise ValidationError(
                f"{mediator.name}（{mediator.id_number}）不在您负责的镇街；其他镇街调解员参加区级培训的记录由区司法局登记。"
            )
        raise ValidationError(f"{mediator.name}（{mediator.id_number}）不在您负责的镇街，不能登记其参训记录。")
    if not visible(TrainingSession.objects.filter(pk=session.pk), user).exists():
        raise ValidationError(f"培训“{session.code}”由{session.area}主办，不属于您负责的镇街或区级培训。")


def attendance_record(*, session: TrainingSession, mediator: Mediator, user=None) -> tuple[Attendance, bool]:
    """Record that `mediator` attended `session`; a second record of the same pair is the same
    attendance (returns it with created=False), never a duplicate."""
    attendance_check_scope(session=session, mediator=mediator, user=user)
    existing = Attendance.objects.filter(session=session, mediator=mediator).first()
    if existing is not None:
        return existing, False
    attendance = Attendance(session=session, mediator=mediator)
    attendance.full_clean()
    attendance.save()
    return attendance, True


def training_hours(*, mediator: Mediator, year: int | None = None) -> Decimal:
    """学时 of the centralized trainings the mediator attended (in `year`, or ever); a session without 学时 counts 0."""
    attended = Attendance.objects.filter(mediator=mediator)
    if year is not None:
        attended = attended.filter(Period.year(year).q_containing("session__date"))
    return attended.aggregate(total=Sum("session__hours"))["total"] or Decimal(0)


def mediator_training_facts(mediator: Mediator, as_of: datetime.date) -> list[tuple[str, str]]:
    """The honours roll's line on training (registered as a MEDIATOR_FACTS hook)."""
    total, this_year = training_hours(mediator=mediator), training_hours(mediator=mediator, year=as_of.year)
    return [("培训学时", f"累计 {_hours(total)} 学时；{as_of.year} 年 {_hours(this_year)} 学时")]


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"
