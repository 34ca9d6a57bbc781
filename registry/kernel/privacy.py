"""Personal information (个人信息保护法): who sees whole resident ID and phone numbers, and the
record of every page and download that showed whole ID numbers.

Roles that keep the roster (the bureau, clerks: they may change mediators) see whole numbers;
hr and finance see them masked everywhere — lists, change pages, history, reports, exports —
except finance's bank sheet (subsidies), which the bank needs whole. Every view or download
of whole ID numbers is one `PersonalDataAccess` row (one insert per request, not per person);
the bureau searches them in the admin.
"""

from __future__ import annotations

from collections.abc import Iterable

from registry.kernel.roles import StaffRole, user_role
from registry.kernel.validators import mask_id_number, mask_phone
from registry.models import AccessKind, PersonalDataAccess

ROSTER_KEEPERS = {StaffRole.BUREAU, StaffRole.CLERK}
MASKS = {"id_number": mask_id_number, "phone": mask_phone}  # report row keys holding personal numbers


def sees_full_numbers(user) -> bool:
    """None is the command line without --as: the operator at the server sees the whole district.
    By role, not permission: the role is cached on the user with the scope, so it costs no query."""
    return user is None or user.is_superuser or user_role(user) in ROSTER_KEEPERS


def mask_rows(rows: list[dict]) -> None:
    """Mask, in place, the ID and phone numbers of report rows."""
    for row in rows:
        for key, mask in MASKS.items():
            if row.get(key):
                row[key] = mask(str(row[key]))


def record_access(request, *, kind: AccessKind, what: str, id_numbers: Iterable[str | None]) -> None:
    """One row for this request, naming every whole ID number it showed; nothing when it showed none."""
    numbers = sorted({number for number in id_numbers if number and "*" not in number})
    if not numbers:
        return
    PersonalDataAccess.objects.create(
        user=request.user,
        username=request.user.get_username(),
        kind=kind,
        what=what[:200],
        path=request.get_full_path()[:500],
        person_count=len(numbers),
        id_numbers=" ".join(numbers),
    )


def id_numbers_in(rows: Iterable[dict]) -> list[str]:
    return [row["id_number"] for row in rows if row.get("id_number")]
