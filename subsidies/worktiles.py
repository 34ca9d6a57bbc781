"""Subsidies' tiles on the 工作台 (registered in apps.py): one query each."""

from __future__ import annotations

import datetime

from registry.kernel.scope import visible
from subsidies.models import Payout, PayoutStatus


def count_pending(user, day: datetime.date) -> int:
    """Claims waiting for the bureau's approval (a clerk: their town's)."""
    return visible(Payout.objects.filter(status=PayoutStatus.PENDING), user).count()


def count_approved(user, day: datetime.date) -> int:
    """Approved claims finance has still to pay."""
    return visible(Payout.objects.filter(status=PayoutStatus.APPROVED), user).count()
