"""Who may see which rows (SPEC §5): one rule, used by every admin, import, export and report.

A clerk sees their town/street and its villages/communities; every other role sees
the whole district (what they may *change* is a matter of permissions, not scope).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from registry.kernel.roles import StaffRole, user_role
from registry.models import Area


def scope_areas(user) -> QuerySet[Area] | None:
    """The areas `user` is limited to, or None for the whole district.

    Returned as a lazy queryset, so filtering with it is a subquery, not a round trip.
    """
    if not user.is_authenticated:
        return Area.objects.none()
    if user.is_superuser or user_role(user) != StaffRole.CLERK:
        return None
    profile = getattr(user, "staff_profile", None)
    if profile is None or profile.area_id is None:
        return Area.objects.none()
    return town_areas(profile.area_id)


def town_areas(town_id: int) -> QuerySet[Area]:
    """A town/street with its villages/communities (a lazy queryset: filtering with it is a subquery)."""
    return Area.objects.filter(Q(pk=town_id) | Q(parent_id=town_id))


def visible(queryset: QuerySet, user) -> QuerySet:
    """`queryset` limited to what `user` may see; the model's queryset defines `in_areas`."""
    areas = scope_areas(user)
    return queryset if areas is None else queryset.in_areas(areas)


def is_scoped(user) -> bool:
    return scope_areas(user) is not None


def user_town(user) -> Area | None:
    """The clerk's town/street (None for the district-wide roles)."""
    if not is_scoped(user):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.area if profile else None
