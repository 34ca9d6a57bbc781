"""What a running import writes, as it writes it: the tie between an import and its history rows.

While an import (or its undo) runs, `tracking(...)` holds a `ChangeLog` in a context variable.
Every history row written meanwhile carries the log's reason in simple-history's own
`history_change_reason` (bulk writes through the engine's helpers pass it as
`default_change_reason`; single saves and deletes get it from the `pre_create_historical_record`
signal), and the log notes which records were created or updated, for the import record and its undo.
The same log carries the progress callback, so the engine reports progress without new parameters.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections import defaultdict
from collections.abc import Callable, Iterator

from django.dispatch import receiver
from simple_history.signals import post_create_historical_record, pre_create_historical_record

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class ChangeLog:
    def __init__(self, reason: str, user=None, progress: Progress | None = None):
        self.reason = reason
        self.user = user
        self.progress = progress
        self.created: dict[str, list[int]] = defaultdict(list)
        self.updated: dict[str, list[int]] = defaultdict(list)
        self.written = 0
        self.to_write = 0

    def note(self, label: str, pks: list[int], created: bool) -> None:
        (self.created if created else self.updated)[label].extend(pks)
        self.written += len(pks)
        self.report("written", self.written, max(self.to_write, self.written))

    def report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    def as_changes(self) -> dict[str, dict[str, list[int]]]:
        """{label: {"created": [...], "updated": [...]}}; a record created and then updated is created."""
        out = {}
        for label in sorted(set(self.created) | set(self.updated)):
            created = sorted(set(self.created.get(label, [])))
            fresh = set(created)
            updated = sorted({pk for pk in self.updated.get(label, []) if pk not in fresh})
            out[label] = {"created": created, "updated": updated}
        return out


_current: contextvars.ContextVar[ChangeLog | None] = contextvars.ContextVar("import_changes", default=None)


@contextlib.contextmanager
def tracking(log: ChangeLog) -> Iterator[ChangeLog]:
    token = _current.set(log)
    try:
        yield log
    finally:
        _current.reset(token)


def current() -> ChangeLog | None:
    return _current.get()


def reason() -> str | None:
    log = _current.get()
    return log.reason if log else None


def report(stage: str, done: int, total: int) -> None:
    log = _current.get()
    if log is not None:
        log.report(stage, done, total)


def expect_writes(total: int) -> None:
    log = _current.get()
    if log is not None:
        log.to_write = total
        log.report("written", 0, total)


def note_bulk(objs, model, created: bool) -> None:
    log = _current.get()
    if log is not None:
        log.note(model._meta.label_lower, [obj.pk for obj in objs], created)


@receiver(pre_create_historical_record)
def _tag_history_row(sender, history_instance, **kwargs) -> None:
    log = _current.get()
    if log is None:
        return
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = log.reason
    if history_instance.history_user_id is None and log.user is not None:
        history_instance.history_user = log.user


@receiver(post_create_historical_record)
def _note_history_row(sender, instance, history_instance, **kwargs) -> None:
    log = _current.get()
    if log is not None and history_instance.history_type in "+~":
        log.note(type(instance)._meta.label_lower, [instance.pk], created=history_instance.history_type == "+")
