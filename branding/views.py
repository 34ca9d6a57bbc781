"""Pages of the branding app: the printable honours roll of one mediator."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from branding.services import honours_roll
from registry.kernel.scope import visible
from registry.models import Mediator


def honours_roll_view(request, mediator_id: int):
    if not request.user.has_perm("registry.view_mediator"):
        raise PermissionDenied
    # scope: a clerk gets 404 for a mediator outside their town, exactly as on the admin page
    mediator = get_object_or_404(visible(Mediator.objects.all(), request.user), pk=mediator_id)
    context = {
        **admin.site.each_context(request),
        **honours_roll(mediator=mediator, as_of=timezone.localdate()),
        "title": f"{mediator.name} 荣誉榜",
    }
    return render(request, "branding/honours_roll.html", context)
