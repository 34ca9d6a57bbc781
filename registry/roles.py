"""The four roles of SPEC §5 as data: each is a Group whose permissions are listed here.

`sync_role_groups` runs after every `migrate`, so a model added later gets its
permissions in the right groups without a hand-written data migration.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import models

VIEW = ("view",)
EDIT = ("view", "add", "change", "delete")
OWN_APPS = ("registry", "training", "subsidies", "branding")


class StaffRole(models.TextChoices):
    BUREAU = "bureau", "司法局管理员"
    CLERK = "clerk", "镇街录入员"
    HR = "hr", "表彰管理"
    FINANCE = "finance", "财政"


def _perms(spec: dict[str, tuple[str, ...]]) -> set[str]:
    """{'registry.mediator': EDIT} -> {'registry.view_mediator', …}"""
    out = set()
    for label, actions in spec.items():
        app, model = label.split(".")
        out |= {f"{app}.{action}_{model}" for action in actions}
    return out


REGISTRY_MODELS = ("area", "organization", "mediator", "membership", "expert", "hostunit")

ROLE_PERMISSIONS: dict[str, set[str]] = {
    # bureau: every permission of the project's apps plus user administration (see role_permissions)
    StaffRole.BUREAU: _perms({"auth.user": EDIT, "auth.group": VIEW}),
    StaffRole.CLERK: _perms(
        {
            "registry.area": ("view", "add", "change"),
            **{f"registry.{m}": EDIT for m in REGISTRY_MODELS if m != "area"},
            "training.trainingsession": EDIT,
            "training.attendance": EDIT,
            "subsidies.payout": ("view", "add", "change"),  # claims in scope; never approve
            "subsidies.subsidystandard": VIEW,
            "subsidies.budget": VIEW,
            "branding.studio": VIEW,
            "branding.commendation": VIEW,
        }
    ),
    StaffRole.HR: _perms(
        {
            **{f"registry.{m}": VIEW for m in REGISTRY_MODELS},
            "training.trainingsession": VIEW,
            "training.attendance": VIEW,
            "subsidies.payout": VIEW,
            "branding.studio": EDIT,
            "branding.commendation": EDIT,
        }
    ),
    StaffRole.FINANCE: _perms(
        {
            **{f"registry.{m}": VIEW for m in REGISTRY_MODELS},
            "training.trainingsession": VIEW,
            "training.attendance": VIEW,
            # finance pays what the bureau approved: no change, so amounts are read-only to it
            "subsidies.payout": ("view", "pay"),
            "subsidies.subsidystandard": VIEW,
            "subsidies.budget": VIEW,
            "branding.studio": VIEW,  # everyone reads studios and commendations (issue 7)
            "branding.commendation": VIEW,
        }
    ),
}


def role_permissions(role: str):
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    wanted = ROLE_PERMISSIONS[role]
    query = Q(pk__in=[])
    for name in wanted:
        app, codename = name.split(".")
        query |= Q(content_type__app_label=app, codename=codename)
    if role == StaffRole.BUREAU:
        query |= Q(content_type__app_label__in=OWN_APPS)
    return Permission.objects.filter(query)


def sync_role_groups(**kwargs) -> None:
    """Create or update one Group per role with exactly its permissions."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    for role in StaffRole:
        group, _ = Group.objects.get_or_create(name=role.label)
        group.permissions.set(role_permissions(role))


def user_role(user) -> str | None:
    labels = {role.label: role.value for role in StaffRole}
    cached = getattr(user, "_role_cache", False)
    if cached is not False:
        return cached
    names = [g.name for g in user.groups.all()] if user.is_authenticated else []
    role = next((labels[name] for name in names if name in labels), None)
    user._role_cache = role
    return role
