"""Branding's tile on the 工作台 (registered in apps.py): one query."""

from __future__ import annotations

import datetime

from branding.models import Studio, StudioStatus
from registry.kernel.scope import visible


def count_cultivating(user, day: datetime.date) -> int:
    return visible(Studio.objects.filter(status=StudioStatus.CULTIVATING), user).count()
