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
    window = year_window(day.year, day)
    attended = Attendance.objects.filter(window.q_containing("session__date"), mediator=OuterRef("mediator"))
    posts = visible(Membership.objects.active_on(day), user).filter(~Exists(attended))
    return posts.values("mediator").distinct().count()
