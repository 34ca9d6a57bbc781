"""`{% staff_name user %}`: who did something, as people know them — the 姓名 (User.first_name),
with the login in brackets when two accounts share that name; the login when no name is set."""

from __future__ import annotations

from django import template
from django.contrib.auth import get_user_model
from django.db.models import Count

register = template.Library()


def shared_names() -> set[str]:
    """Names held by more than one account (one query)."""
    users = get_user_model().objects.exclude(first_name="").values("first_name")
    return set(users.annotate(n=Count("pk")).filter(n__gt=1).values_list("first_name", flat=True))


def display_name(user, shared: set[str]) -> str:
    name = (user.first_name or "").strip()
    if not name:
        return user.get_username()
    return f"{name}（{user.get_username()}）" if name in shared else name


@register.simple_tag(takes_context=True)
def staff_name(context, user) -> str:
    if user is None:
        return ""
    # once per rendered page, however many rows name a user (a history list, say)
    cache = context.render_context.setdefault("staff_names_shared", None)
    if cache is None:
        cache = context.render_context["staff_names_shared"] = shared_names()
    return display_name(user, cache)
