"""The 工作台 (admin index): a count of open work per role, each linking to the filtered list.

Each app registers its own tiles in `AppConfig.ready()`:
`hooks.register(hooks.WORK_TILE, WorkTile(...))`. A tile's `count(user, day)` runs one query
(scoped with `registry.kernel.scope.visible`), so the page costs the same whatever the data size.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any, Callable

from registry.kernel import hooks
from registry.kernel.roles import StaffRole, user_role

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkTile:
    key: str
    title: str
    roles: tuple[str, ...]  # StaffRole values that see this tile
    count: Callable[[Any, datetime.date], int]  # (user, today) -> how many
    url: str  # the filtered list (a path, query string included)
    permission: str = ""  # the user must also have this permission (the list must open for them)
    hint: str = ""


def tiles_for(user, today: datetime.date) -> list[dict]:
    """The tiles `user` sees, with their counts (one query each)."""
    role = StaffRole.BUREAU if user.is_superuser else user_role(user)
    shown = []
    for tile in hooks.get(hooks.WORK_TILE):
        if role not in tile.roles or (tile.permission and not user.has_perm(tile.permission)):
            continue
        try:
            count = tile.count(user, today)
        except Exception:  # one app's broken tile must not take the admin index down
            logger.exception("work tile %s failed", tile.key)
            continue
        shown.append({"tile": tile, "count": count})
    return shown
