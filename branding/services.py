"""Writes of studios and commendations, and the honours roll of one mediator."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from branding.models import Commendation, Studio
from registry.models import Mediator, Membership

try:  # training hours come from the training app (issue 5); the roll still works without it
    from training.models import Attendance
except ImportError:  # pragma: no cover - HOOK: only while the training app has no Attendance model
    Attendance = None


def studio_save(*, studio: Studio) -> Studio:
    studio.full_clean()
    with transaction.atomic():
        studio.save()
    return studio


def commendation_save(*, commendation: Commendation) -> Commendation:
    commendation.full_clean()
    with transaction.atomic():
        commendation.save()
    return commendation


def training_hours(*, mediator: Mediator, year: int | None = None) -> Decimal | None:
    """学时 of the centralized trainings the mediator attended (in `year`, or ever); None without the training app."""
    if Attendance is None:
        return None
    attended = Attendance.objects.filter(mediator=mediator)
    if year is not None:
        attended = attended.filter(session__date__year=year)
    return attended.aggregate(total=Sum("session__hours"))["total"] or Decimal(0)


def honours_roll(*, mediator: Mediator, as_of: datetime.date) -> dict:
    """What the printable honours roll shows: the person, their posts, studios, commendations, training."""
    posts = list(Membership.objects.filter(mediator=mediator).active_on(as_of).select_related("organization"))
    if not posts:  # someone who has left is still honoured: show their last post
        last = Membership.objects.filter(mediator=mediator).select_related("organization")
        posts = list(last.order_by("-end_date", "-start_date")[:1])
    return {
        "mediator": mediator,
        "as_of": as_of,
        "posts": posts,
        "studios": list(mediator.studios.select_related("organization").order_by("named_date", "name")),
        "commendations": list(mediator.commendations.order_by("-date", "title")),
        "training_hours": training_hours(mediator=mediator),
        "training_hours_this_year": training_hours(mediator=mediator, year=as_of.year),
        "training_available": Attendance is not None,
    }
