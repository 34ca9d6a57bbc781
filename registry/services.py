"""Writes and cross-row rules of the registry (the admin and the importer call these)."""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from registry.kernel.roles import StaffRole
from registry.models import (
    TOWN_LEVELS,
    Area,
    Mediator,
    Membership,
    Organization,
    StaffProfile,
    full_time_conflict_message,
)


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
    *,
    username: str,
    role: str,
    area_name: str | None = None,
    password: str | None = None,
    name: str | None = None,
) -> tuple[User, bool, str | None]:
    """Create or update a login with one role (SPEC §4 add_staff).

    `name` (姓名) is what pages show for the person (User.first_name: the admin's header and
    Django's get_short_name() read it); None leaves a stored name as it is.
    Returns (user, created, generated_password); a new user without a password
    gets a random one, returned so the caller can hand it over once.
    """
    if name is not None and len(name.strip()) > User._meta.get_field("first_name").max_length:
        raise ValidationError(f"姓名“{name.strip()}”过长，最多 {User._meta.get_field('first_name').max_length} 个字。")
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
        if name is not None:
            user.first_name = name.strip()
        user.is_staff = True
        user.is_superuser = False
        user.save()
        user.groups.set([Group.objects.get(name=StaffRole(role).label)])
        profile, _ = StaffProfile.objects.get_or_create(user=user, defaults={"area": area})
        if profile.area_id != (area.pk if area else None):
            profile.area = area
            profile.save()
    return user, created, generated


# Rows deleted with a person (their posts, by CASCADE) carry history stamps a moment after the
# person's own; anything a minute older was deleted on its own, earlier, and stays deleted.
CASCADE_WINDOW = datetime.timedelta(minutes=1)


def deleted_mediators(*, user) -> list:
    """The latest history record of every deleted mediator the user may restore (newest first)."""
    from registry.kernel.scope import scope_areas

    records = (
        Mediator.history.filter(history_type="-")
        .exclude(id__in=Mediator.objects.values("pk"))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    latest: dict[int, object] = {}
    for record in records:
        latest.setdefault(record.id, record)
    areas = scope_areas(user)
    if areas is None:
        return list(latest.values())
    in_scope = set(
        Membership.history.filter(
            history_type="-", mediator_id__in=list(latest), organization__area__in=areas
        ).values_list("mediator_id", flat=True)
    )
    return [r for r in latest.values() if r.id in in_scope and _restorable_by(r, user)]


def _cascaded(record) -> list:
    """(model, latest deletion record) of each row deleted with the person, from simple-history."""
    rows = []
    for relation in Mediator._meta.related_objects:
        model = relation.related_model
        if relation.on_delete is not models.CASCADE or not hasattr(model, "history"):
            continue
        deleted = (
            model.history.filter(
                history_type="-",
                **{relation.field.attname: record.id},
                history_date__gte=record.history_date - CASCADE_WINDOW,
                history_date__lte=record.history_date + CASCADE_WINDOW,
            )
            .exclude(**{f"{model._meta.pk.attname}__in": model.objects.values("pk")})
            .order_by("-history_date", "-history_id")
        )
        seen = set()
        for row in deleted:
            key = getattr(row, model._meta.pk.attname)
            if key not in seen:
                seen.add(key)
                rows.append((model, row))
    return rows


def _restorable_by(record, user) -> bool:
    """A clerk restores only a person all of whose deleted posts lay in their town/street."""
    from registry.kernel.scope import scope_areas

    areas = scope_areas(user)
    if areas is None:
        return True
    allowed = set(areas.values_list("pk", flat=True))
    posts = [row for model, row in _cascaded(record) if model is Membership]
    org_areas = dict(Organization.objects.filter(pk__in=[p.organization_id for p in posts]).values_list("pk", "area"))
    return bool(posts) and all(org_areas.get(p.organization_id) in allowed for p in posts)


@transaction.atomic
def mediator_restore(*, mediator_id: int, user) -> Mediator:
    """Bring back a deleted mediator, with the rows deleted with them (posts, sign-ins), from history.

    Each row is validated again (the ID number may since belong to someone new, a post's
    organization may be gone); any problem restores nothing. The restore is in the history too.
    """
    if Mediator.objects.filter(pk=mediator_id).exists():
        raise ValidationError("该调解员没有被删除，无需恢复。")
    record = Mediator.history.filter(id=mediator_id).order_by("-history_date", "-history_id").first()
    if record is None or record.history_type != "-":
        raise ValidationError("没有找到该调解员的删除记录，无法恢复。")
    if not _restorable_by(record, user):
        raise ValidationError("该调解员的任职不全在您的管辖范围内，请联系司法局恢复。")
    person = record.instance
    person._history_user = user
    person.full_clean()
    person.save(force_insert=True)
    for model, row in sorted(_cascaded(record), key=lambda item: item[1].history_date):
        obj = row.instance
        obj._history_user = user
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise ValidationError(f"无法恢复“{obj}”：{'；'.join(exc.messages)}") from None
        obj.save(force_insert=True)
    return person
