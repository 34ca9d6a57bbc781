"""The honours roll of one mediator (studios and commendations are written by the admin and the importer)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Sum

from registry.models import Mediator, Membership
from training.models import Attendance


def training_hours(*, mediator: Mediator, year: int | None = None) -> Decimal:
    """学时 of the centralized trainings the mediator attended (in `year`, or ever); a session without 学时 counts 0."""
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
    }
