import random

from registry.demo import seed as seed_registry
from subsidies.demo import seed
from subsidies.models import Budget, Payout, PayoutStatus


def test_demo_has_claims_in_every_state_and_a_rerun_writes_nothing(db):
    seed_registry(random.Random(2020))
    seed(random.Random(1))
    assert set(Payout.objects.values_list("status", flat=True)) == set(PayoutStatus.values)
    assert Budget.objects.filter(area__name="大渡口区").exists()
    counts = (Payout.objects.count(), Payout.history.count())
    seed(random.Random(1))
    assert (Payout.objects.count(), Payout.history.count()) == counts
