from django.contrib.auth.models import User
from django.core.management import call_command

from registry.demo import TOWNS
from registry.models import Area, Mediator, Membership, Organization, OrganizationKind


def history_rows() -> int:
    from django.apps import apps

    return sum(m.objects.count() for m in apps.get_models() if m.__name__.startswith("Historical"))


def test_seed_demo_loads_dadukou_and_is_idempotent(db, capsys):
    call_command("seed_demo")
    assert {name for name, _ in TOWNS} <= set(Area.objects.values_list("name", flat=True))
    assert set(Organization.objects.values_list("kind", flat=True)) >= set(OrganizationKind.values) - {"其他调解组织"}
    assert 250 <= Mediator.objects.count() <= 400
    for username in ("demo_bureau", "demo_clerk", "demo_hr", "demo_finance"):
        assert User.objects.get(username=username).check_password("demo12345")
    assert "demo_clerk" in capsys.readouterr().out
    counts = (Mediator.objects.count(), Membership.objects.count(), history_rows())
    call_command("seed_demo")
    assert (Mediator.objects.count(), Membership.objects.count(), history_rows()) == counts
