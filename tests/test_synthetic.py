"""make_synthetic: valid, resumable, says it is synthetic (issue 16)."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from stdnum.cn import ric

from registry import synthetic
from registry.management.commands.make_synthetic import all_steps
from registry.models import Area, Employment, Mediator, Membership, Organization, OrganizationKind
from training.models import Attendance, TrainingSession

TINY = synthetic.Tier(districts=1, towns=3, villages=12, organizations=40, mediators=150, full_time=40, experts=5)
APPS = ("registry", "training", "subsidies", "branding")


def counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for app in APPS
        for m in apps.get_app_config(app).get_models()
        if not m._meta.label.split(".")[1].startswith("Historical")
    }


def wipe() -> None:
    """Every row of the apps' tables (foreign keys are checked at commit; the test never commits)."""
    for app in APPS:
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            model.objects.all()._raw_delete(model.objects.db)


def test_id_numbers_are_unique_and_checksum_valid():
    numbers = [synthetic.id_number(i) for i in range(0, 3_200_000, 997)]
    assert len(set(numbers)) == len(numbers)
    assert all(ric.is_valid(n) for n in numbers)


@pytest.mark.django_db
def test_a_load_interrupted_and_resumed_equals_one_run_through():
    plan = synthetic.SyntheticPlan(TINY)
    steps = all_steps(plan)
    mediators = next(s for s in steps if s.label == "调解员及任职")
    real_write, calls = mediators.write, []

    def failing(start, stop):
        calls.append(start)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl+C in the middle of the people
        real_write(start, stop)

    mediators.write = failing
    with pytest.raises(KeyboardInterrupt):
        synthetic.run_steps(steps, batch=20)
    assert 0 < Mediator.objects.count() < TINY.mediators  # two batches in, the third rolled back
    resumed = synthetic.run_steps(all_steps(plan), batch=20)
    assert resumed["调解员及任职"] == (TINY.mediators + 19) // 20 - 2  # the written batches are skipped
    after_resume = counts()
    again = synthetic.run_steps(all_steps(plan), batch=20)
    # a batch in which nobody attended or was paid is looked at again, and again writes nothing
    assert {label for label, n in again.items() if n} <= {"参训记录", "补贴发放"}
    assert counts() == after_resume

    wipe()
    synthetic.run_steps(all_steps(plan), batch=20)
    assert counts() == after_resume


@pytest.mark.django_db
def test_the_roster_has_every_kind_departures_and_full_time_posts():
    synthetic.run_steps(all_steps(synthetic.SyntheticPlan(TINY)))
    assert Area.objects.count() == 1 + 3 + 12
    assert set(Organization.objects.values_list("kind", flat=True)) >= {
        OrganizationKind.TOWN,
        OrganizationKind.VILLAGE,
        OrganizationKind.POLICE_ROOM,
    }
    assert Mediator.objects.count() == TINY.mediators
    assert Membership.objects.filter(employment=Employment.FULL_TIME, end_date__isnull=True).count() > 20
    assert Membership.objects.filter(end_date__isnull=False).exists()  # departures
    assert TrainingSession.objects.exists() and Attendance.objects.exists()
    assert all(ric.is_valid(n) for n in Mediator.objects.values_list("id_number", flat=True))
    assert not Mediator.objects.exclude(remarks=synthetic.SYNTHETIC_NOTE).exists()


@pytest.mark.django_db
def test_the_command_says_it_is_synthetic_and_resumes():
    out, err = StringIO(), StringIO()
    call_command("make_synthetic", tier="district", scale=0.05, no_progress=True, stdout=out, stderr=err)
    assert "切勿" in err.getvalue() and "生产" in err.getvalue()
    assert "仅供性能测试和演示" in out.getvalue()
    before = counts()
    call_command("make_synthetic", tier="district", scale=0.05, no_progress=True, stdout=StringIO(), stderr=err)
    assert counts() == before
