"""How an app adds to the roster without the roster knowing it: hooks, registered in the
app's own `AppConfig.ready()` (the way Wagtail collects hooks).

`registry` knows none of the apps built on it; `training`, `subsidies` and `branding` each
register what they add, and the kernel reads the hooks when it needs them:

    IMPORT_KIND        ("trainings", "training.resources.TrainingSessionResource")
    REPORT             ReportSpec(...)                       (registry.kernel.reporting)
    DEMO_SEEDER        "training.demo.seed"                  (run by manage.py seed_demo)
    SYNTHETIC_GENERATOR "training.synthetic.steps"           (run by manage.py make_synthetic)
    ROLE_PERMISSIONS   ("<app>", {StaffRole.CLERK: {"<app>.<model>": EDIT, ...}})
    MEDIATOR_INLINE / ORGANIZATION_INLINE   an admin inline class for those change pages
    MEDIATOR_PANEL     a read-only admin field (a callable with @admin.display) for the mediator page
    MEDIATOR_FACTS     f(mediator, as_of) -> [(label, text)], shown on pages about one person
    SCORECARD_MEASURES f(params) -> [Measure] — the app's measures of the yearly assessment
                       (registry.kernel.reporting.scorecard), per town/street and for the district
    WORK_TILE          WorkTile(...) — a count of open work on the admin index (工作台), per role
                       (registry.kernel.worktiles)

Registration order is INSTALLED_APPS order, so a later app's demo seeder runs after the
roster's, and menus list the roster's reports first.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

IMPORT_KIND = "import_kind"
REPORT = "report"
DEMO_SEEDER = "demo_seeder"
SYNTHETIC_GENERATOR = "synthetic_generator"
ROLE_PERMISSIONS = "role_permissions"
MEDIATOR_INLINE = "mediator_inline"
ORGANIZATION_INLINE = "organization_inline"
MEDIATOR_PANEL = "mediator_panel"
MEDIATOR_FACTS = "mediator_facts"
SCORECARD_MEASURES = "scorecard_measures"
WORK_TILE = "work_tile"

_hooks: dict[str, list[Any]] = defaultdict(list)


def register(hook: str, item: Any) -> None:
    """Add `item` to `hook` once (a second ready() — tests reload apps — adds nothing)."""
    if item not in _hooks[hook]:
        _hooks[hook].append(item)


def get(hook: str) -> list[Any]:
    return list(_hooks[hook])
