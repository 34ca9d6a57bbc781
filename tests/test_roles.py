"""Each role's group has exactly the permissions SPEC §5 gives it."""

from django.contrib.auth.models import Group


def perms(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_clerk_edits_registry_but_not_users_or_awards(db):
    clerk = perms("镇街录入员")
    assert {"registry.add_mediator", "registry.change_membership", "registry.delete_organization"} <= clerk
    assert "registry.delete_area" not in clerk
    assert not {p for p in clerk if p.startswith("auth.")}
    assert not {p for p in clerk if p.startswith("branding.") and not p.startswith("branding.view_")}


def test_hr_and_finance_only_view_the_registry(db):
    for name in ("表彰管理", "财政"):
        registry = {p for p in perms(name) if p.startswith("registry.")}
        assert registry and all(p.startswith("registry.view_") for p in registry), name


def test_bureau_has_everything_of_the_project_and_user_admin(db):
    bureau = perms("司法局管理员")
    assert {"registry.delete_mediator", "registry.add_area", "auth.change_user", "auth.add_user"} <= bureau
