"""Writes and cross-row rules of the registry (the admin and the importer call these)."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.kernel.roles import StaffRole
from registry.models import TOWN_LEVELS, Area, Membership, StaffProfile, full_time_conflict_message


def membership_save(*, membership: Membership) -> Membership:
    """Validate and save a post; a concurrent second full-time post becomes a clear error."""
    membership.full_clean()
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        if not Membership.breaks_one_full_time_post(exc):
            raise
        membership.validate_one_full_time_post()  # names the post that won the race
        raise ValidationError({"employment": full_time_conflict_message()}) from None
    return membership


def staff_user_save(
    *, username: str, role: str, area_name: str | None = None, password: str | None = None
) -> tuple[User, bool, str | None]:
    """Create or update a login with one role (SPEC §4 add_staff).

    Returns (user, created, generated_password); a new user without a password
    gets a random one, returned so the caller can hand it over once.
    """
    if role not in StaffRole.values:
        raise ValidationError(f"角色“{role}”无效，可选：{'、'.join(StaffRole.values)}。")
    area = None
    if role == StaffRole.CLERK:
        if not area_name:
            raise ValidationError("镇街录入员必须用 --area 指定所负责的乡镇或街道。")
        area = Area.objects.filter(name=area_name.strip()).first()
        if area is None:
            raise ValidationError(f"区划“{area_name}”不存在，请先导入区划。")
        if area.level not in TOWN_LEVELS:
            raise ValidationError(f"镇街录入员只能负责乡镇或街道，“{area}”是{area.level}。")
    elif area_name:
        raise ValidationError(f"只有镇街录入员需要指定区划；{StaffRole(role).label}可查看全区。")
    generated = None
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=username)
        if password and not user.check_password(password):
            user.set_password(password)
        elif created:
            generated = secrets.token_urlsafe(9)
            user.set_password(generated)
        user.is_staff = True
        user.is_superuser = False
        user.save()
        user.groups.set([Group.objects.get(name=StaffRole(role).label)])
        profile, _ = StaffProfile.objects.get_or_create(user=user, defaults={"area": area})
        if profile.area_id != (area.pk if area else None):
            profile.area = area
            profile.save()
    return user, created, generated
