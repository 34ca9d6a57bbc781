"""The roster's tiles on the 工作台 (registered in apps.py): each one query, counting exactly
what the linked admin list shows."""

from __future__ import annotations

import datetime

from registry.kernel.scope import visible
from registry.models import STAFFING_REQUIRED, Organization, TermStatus
from registry.policy import TERM_WARNING_DAYS, TERM_YEARS, short_of_quota


def count_short_required(user, day: datetime.date) -> int:
    """Organizations that must be staffed (SPEC §2.1 `required`) and are short today."""
    organizations = visible(Organization.objects.all(), user).with_full_time(day)
    return organizations.filter(short_of_quota("full_time_count") & STAFFING_REQUIRED).count()


def count_expired_terms(user, day: datetime.date) -> int:
    organizations = visible(Organization.objects.all(), user)
    organizations = organizations.with_term_status(day, years=TERM_YEARS, warning_days=TERM_WARNING_DAYS)
    return organizations.filter(term_status=TermStatus.EXPIRED).count()
