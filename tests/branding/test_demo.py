import random

from branding import demo
from branding.models import Commendation, Studio, StudioStatus
from registry import demo as registry_demo


def test_demo_is_idempotent_and_one_short_of_the_target(db):
    registry_demo.seed(random.Random(2020))
    demo.seed(random.Random(1))
    assert Studio.objects.count() == 6
    assert Studio.objects.filter(status=StudioStatus.RECOGNIZED).count() == 4
    assert Commendation.objects.filter(mediator__isnull=False).exists()
    assert Commendation.objects.filter(organization__isnull=False).exists()
    history = Studio.history.count() + Commendation.history.count()
    demo.seed(random.Random(2))
    assert Studio.history.count() + Commendation.history.count() == history
