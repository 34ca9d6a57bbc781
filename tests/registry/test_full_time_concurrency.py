"""Two concurrent saves of a second full-time post: PostgreSQL lets exactly one win."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from registry.models import Employment, Membership
from registry.services import membership_save
from tests.factories import make_mediator


@pytest.mark.postgres
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


@pytest.mark.postgres
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_constraint_has_the_models_name():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from registry.models import FULL_TIME_CONSTRAINT

    with connection.cursor() as cursor:
        cursor.execute("SELECT contype FROM pg_constraint WHERE conname = %s", [FULL_TIME_CONSTRAINT])
        assert cursor.fetchall() == [("x",)]  # an exclusion constraint


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_admin_saves_one_post_one_form_error(district, users):
    """Both admin forms validate before either post is committed; the second save then
    waits on the exclusion constraint, loses, and its page comes back with the message."""
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL; SQLite serializes writers")
    from unittest import mock

    from django.test import Client

    from registry import services

    person = make_mediator("并发管理员")
    first_saved, second_validated = threading.Event(), threading.Event()
    responses: dict[str, object] = {}

    def save_in_step(*, membership):
        if threading.current_thread().name == "first":
            saved = services.membership_save(membership=membership)
            first_saved.set()
            second_validated.wait(10)
            threading.Event().wait(0.5)  # let the second insert block on the constraint
            return saved  # the first view's transaction commits after this
        second_validated.set()  # the second form validated without seeing the first post
        return services.membership_save(membership=membership)

    def submit(org, wait_for=None):
        try:
            if wait_for is not None:
                wait_for.wait(10)
            client = Client()
            client.force_login(users.bureau)
            responses[threading.current_thread().name] = client.post(
                "/admin/registry/membership/add/",
                {
                    "mediator": str(person.pk),
                    "organization": str(org.pk),
                    "role": "调解员",
                    "employment": Employment.FULL_TIME,
                    "start_date": "2022-01-01",
                    "end_date": "",
                },
            )
        finally:
            connections.close_all()

    with mock.patch("registry.admin.membership_save", side_effect=save_in_step) as service:
        threads = [
            threading.Thread(target=submit, args=(district.org_a,), name="first"),
            threading.Thread(target=submit, args=(district.org_b, first_saved), name="second"),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert responses["first"].status_code == 302
    second = responses["second"]
    assert second.status_code == 200  # the form again, not a server error
    body = second.content.decode()
    assert "errorlist" in body and "已有专职职务" in body and "新山村街道人民调解委员会" in body
    assert service.call_count == 2  # the second page's retry stopped at validation
    assert Membership.objects.filter(mediator=person, employment=Employment.FULL_TIME).count() == 1
