"""The honours roll of one mediator (studios and commendations are written by the admin and the importer)."""

from __future__ import annotations

import datetime

from registry.kernel import hooks
from registry.models import Mediator, Membership


def honours_roll(*, mediator: Mediator, as_of: datetime.date) -> dict:
    """What the printable honours roll shows: the person, their posts, studios, commendations and facts."""
    posts = list(Membership.objects.filter(mediator=mediator).active_on(as_of).select_related("organization"))
    if not posts:  # someone who has left is still honoured: show their last post
        last = Membership.objects.filter(mediator=mediator).select_related("organization")
        posts = list(last.order_by("-end_date", "-start_date")[:1])
    return {
        "mediator": mediator,
        "as_of": as_of,
        "posts": posts,
        "studios": list(mediator.studios.select_related("organization").order_by("named_date", "name")),
        "commendations": list(mediator.commendations.order_by("-date", "title")),
        # what other apps know of the person (training hours, …), each registered as a MEDIATOR_FACTS hook
        "facts": [fact for facts in hooks.get(hooks.MEDIATOR_FACTS) for fact in facts(mediator, as_of)],
    }
