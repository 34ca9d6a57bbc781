"""Reading a policy table: `{year it falls due: {category: value}}` (SPEC §1: "a new policy
year is a one-line change"). Each app keeps its own table in its own `policy.py`
(registry/policy.py, training/policy.py, branding/policy.py); all read them through here."""

from __future__ import annotations

from typing import TypeVar

Entry = TypeVar("Entry")


def in_force(table: dict[int, Entry], year: int, default=None) -> Entry:
    """The entry of `table` in force at the end of `year`: the latest one due by then.

    Before the first entry falls due there is none: `default` ({} unless given).
    """
    due = [y for y in table if y <= year]
    if due:
        return table[max(due)]
    return {} if default is None else default
