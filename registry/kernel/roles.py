"""The four roles of SPEC §5 as data: each is a Group whose permissions the apps register.

`sync_role_groups` runs after every `migrate`, so a model added later gets its
permissions in the right groups without a hand-written data migration.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import models

from registry.kernel import hooks

VIEW = ("view",)
EDIT = ("view", "add", "change", "delete")


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


# The bureau's own: user administration. Each app grants its models' permissions in its
# AppConfig.ready(): hooks.register(hooks.ROLE_PERMISSIONS, ("training", {StaffRole.CLERK: {...}})).
# The bureau gets every permission of every app that registers (see role_permissions).
BUREAU_EXTRA = {"auth.user": EDIT, "auth.group": VIEW}


def granted(role: str) -> set[str]:
    """'app.codename' permissions the registered apps grant `role`."""
    spec = dict(BUREAU_EXTRA) if role == StaffRole.BUREAU else {}
    for _, grants in hooks.get(hooks.ROLE_PERMISSIONS):
        spec.update(grants.get(role, {}))
    return _perms(spec)


def granting_apps() -> list[str]:
    return [app for app, _ in hooks.get(hooks.ROLE_PERMISSIONS)]


def role_permissions(role: str):
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    wanted = granted(role)
    query = Q(pk__in=[])
    for name in wanted:
        app, codename = name.split(".")
        query |= Q(content_type__app_label=app, codename=codename)
    if role == StaffRole.BUREAU:
        query |= Q(content_type__app_label__in=granting_apps())
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
