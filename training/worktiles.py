"""Training's tile on the 工作台 (registered in apps.py): one query."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef

from registry.kernel.scope import visible
from registry.models import Membership
from training.models import Attendance
from training.reports import year_window


def count_untrained(user, day: datetime.date) -> int:
    """Mediators with a post active today and no attendance this year — the training report's list."""
    start, end = year_window(day.year, day)
    attended = Attendance.objects.filter(mediator=OuterRef("mediator"), session__date__range=(start, end))
    posts = visible(Membership.objects.active_on(day), user).filter(~Exists(attended))
    return posts.values("mediator").distinct().count()
