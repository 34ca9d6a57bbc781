"""One date span, one overlap rule (SPEC §4: a post is active on d when 任职日期 ≤ d (or empty)
and d ≤ 离任日期 (or empty)).

Posts, a payout's month, a budget's year and training's year window are all a `Period`;
every "is it in / does it overlap" question — in Python or as a `Q` — is answered here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Period:
    """Both ends inclusive; None is open (since always / until further notice)."""

    start: datetime.date | None = None
    end: datetime.date | None = None

    @classmethod
    def day(cls, day: datetime.date) -> Period:
        return cls(day, day)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def month(cls, month: str) -> Period:
        """The calendar month of a "YYYY-MM" period (a payout's 所属期间)."""
        first = datetime.date(int(month[:4]), int(month[5:7]), 1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        return cls(first, following - datetime.timedelta(days=1))

    def overlaps(self, other: Period) -> bool:
        """The two spans share at least one day (touching ends share that day)."""
        starts_in_time = self.start is None or other.end is None or self.start <= other.end
        ends_in_time = self.end is None or other.start is None or other.start <= self.end
        return starts_in_time and ends_in_time

    def contains(self, day: datetime.date) -> bool:
        return self.overlaps(Period.day(day))

    def clipped(self, end: datetime.date) -> Period:
        """This span cut off after `end` (e.g. a year up to the as-of date)."""
        return Period(self.start, end if self.end is None else min(self.end, end))

    # ---- the same rule in SQL -----------------------------------------------------------

    def q_overlapping(self, prefix: str = "", start: str = "start_date", end: str = "end_date") -> Q:
        """Rows whose [start, end] span (NULL = open) overlaps this one."""
        q = Q()
        if self.end is not None:
            q &= Q(**{f"{prefix}{start}__isnull": True}) | Q(**{f"{prefix}{start}__lte": self.end})
        if self.start is not None:
            q &= Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gte": self.start})
        return q

    @staticmethod
    def q_active_on(day: datetime.date, prefix: str = "", start: str = "start_date", end: str = "end_date") -> Q:
        """Rows whose span contains `day`."""
        return Period.day(day).q_overlapping(prefix, start, end)

    def q_containing(self, field: str) -> Q:
        """Rows whose single date `field` lies in this span."""
        q = Q()
        if self.start is not None:
            q &= Q(**{f"{field}__gte": self.start})
        if self.end is not None:
            q &= Q(**{f"{field}__lte": self.end})
        return q

    def q_containing_month(self, field: str) -> Q:
        """Rows whose "YYYY-MM" `field` names a month that overlaps this span."""
        q = Q()
        if self.start is not None:
            q &= Q(**{f"{field}__gte": f"{self.start:%Y-%m}"})
        if self.end is not None:
            q &= Q(**{f"{field}__lte": f"{self.end:%Y-%m}"})
        return q
