"""The yearly assessment's measures (SPEC §2.13), contributed by each app through the
SCORECARD_MEASURES hook: `f(params) -> list[Measure]`, called with district-wide params.

A measure is counted by GROUP BY town in SQL with the rule's own helpers — the expressions
and querysets its report uses — so the scorecard never re-derives a rule, and never reads a
report's rows (one per organization, area or person): a few counts per town reach Python,
whatever the roster's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

DISTRICT = ""  # the key of the district row in Measure.values


@dataclass
class Score:
    value: float | int | None  # a rate (fraction) or a count; None where there is nothing to measure
    target: float | int | None  # None where the plan sets none for this area and year
    met: bool | None  # None where there is no target (or nothing to measure)
    text: str = ""  # how the page shows it, e.g. "3/4"

    def as_dict(self) -> dict:
        return {"value": self.value, "target": self.target, "met": self.met, "text": self.text}


@dataclass
class Measure:
    name: str
    kind: str  # "rate" (value and target are fractions) or "count"
    values: dict[str, Score] = field(default_factory=dict)  # town name (or DISTRICT) -> its score
    lower_is_better: bool = False  # a count that must stay at or under its target (expired terms)


def _number(target: Decimal | float | int | None) -> float | int | None:
    if target is None:
        return None
    return float(target) if isinstance(target, (Decimal, float)) else target


def rate_score(meeting: int, total: int, target: Decimal | float | None) -> Score:
    """meeting ÷ total against a fractional target; nothing to measure (total 0) is no score."""
    if not total:
        return Score(None, _number(target), None, "无")
    rate = meeting / total
    target = _number(target)
    return Score(rate, target, None if target is None else rate >= target, f"{meeting}/{total}")


def count_score(count: int, target: int | None, *, at_most: bool = False) -> Score:
    """A count against a target: at least `target`, or (at_most) no more than it."""
    if target is None:
        return Score(count, None, None, str(count))
    met = count <= target if at_most else count >= target
    return Score(count, target, met, f"{count}")
