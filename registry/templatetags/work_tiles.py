"""`{% work_tiles as tiles %}`: the 工作台's counts of open work for the signed-in user."""

from __future__ import annotations

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag(takes_context=True)
def work_tiles(context) -> list[dict]:
    from registry.kernel.worktiles import tiles_for

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return tiles_for(request.user, timezone.localdate())
