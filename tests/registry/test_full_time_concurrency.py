"""Two concurrent saves of a second full-time post: PostgreSQL lets exactly one win."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from registry.models import Employment, Membership
from registry.services import membership_save
from tests.factories import make_mediator


@pytest.mark.django_db(transaction=True)
def test_concurrent_full_time_posts_one_wins(district):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL; SQLite serializes writers")
    person = make_mediator("并发者")
    first_saved, second_started = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def post(org):
        return Membership(
            mediator=person, organization=org, employment=Employment.FULL_TIME, start_date=datetime.date(2022, 1, 1)
        )

    def first():
        try:
            with transaction.atomic():
                membership_save(membership=post(district.org_a))
                first_saved.set()
                second_started.wait(5)
                threading.Event().wait(0.5)  # let the second insert block on the constraint
            outcome["first"] = "saved"
        finally:
            connections.close_all()

    def second():
        try:
            first_saved.wait(5)
            second_started.set()
            with transaction.atomic():
                membership_save(membership=post(district.org_b))  # clean() cannot see the uncommitted post
            outcome["second"] = "saved"
        except ValidationError as exc:
            outcome["second"] = exc.message_dict["employment"][0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert outcome["first"] == "saved"
    assert "已有专职职务" in outcome["second"] and "新山村街道人民调解委员会" in outcome["second"]
    assert Membership.objects.filter(mediator=person, employment=Employment.FULL_TIME).count() == 1


@pytest.mark.django_db(transaction=True)
def test_database_refuses_overlap_even_without_clean(district):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from django.db import IntegrityError

    person = make_mediator("绕过者")
    Membership.objects.create(mediator=person, organization=district.org_a, employment=Employment.FULL_TIME)
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            mediator=person,
            organization=district.org_b,
            employment=Employment.FULL_TIME,
            start_date=datetime.date(2030, 1, 1),
        )
