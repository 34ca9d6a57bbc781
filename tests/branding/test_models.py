import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from branding.models import RECIPIENT_MESSAGE, Commendation, Studio, StudioStatus
from registry.models import Employment
from tests.factories import make_mediator, make_post

D = datetime.date


def messages(exc: ValidationError) -> str:
    return " ".join(m for ms in exc.message_dict.values() for m in ms)


def test_commendation_with_both_recipients_is_refused(district):
    person = make_mediator()
    item = Commendation(mediator=person, organization=district.org_a, title="先进", level="区级", date=D(2021, 1, 1))
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert RECIPIENT_MESSAGE in messages(exc.value)


def test_commendation_with_no_recipient_is_refused(db):
    item = Commendation(title="先进", level="区级", date=D(2021, 1, 1))
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert "只能是一位调解员" in messages(exc.value)


def test_database_refuses_two_recipients_without_clean(district):
    person = make_mediator()
    with pytest.raises(IntegrityError), transaction.atomic():
        Commendation.objects.create(
            mediator=person, organization=district.org_a, title="先进", level="区级", date=D(2021, 1, 1)
        )


def test_unknown_level_is_refused_with_the_choices(district):
    item = Commendation(organization=district.org_a, title="先进", level="省级", date=D(2021, 1, 1))
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    text = " ".join(exc.value.message_dict["level"])
    assert "表彰级别“省级”无效" in text and "国家级、省部级、市级、区级、镇街级" in text


def test_same_commendation_twice_is_refused(district):
    Commendation.objects.create(organization=district.org_a, title="先进集体", level="区级", date=D(2021, 1, 1))
    again = Commendation(organization=district.org_a, title="先进集体", level="区级", date=D(2021, 1, 1))
    with pytest.raises(ValidationError) as exc:
        again.full_clean()
    assert "已有同名表彰" in messages(exc.value)
    # the same title for another organization, or another date, is a different commendation
    Commendation(organization=district.org_b, title="先进集体", level="区级", date=D(2021, 1, 1)).full_clean()
    Commendation(organization=district.org_a, title="先进集体", level="区级", date=D(2022, 1, 1)).full_clean()


def test_studio_namesake_must_be_a_member_of_the_organization(district):
    person = make_mediator("马大姐")
    make_post(person, district.org_b)
    studio = Studio(
        name="老马工作室",
        mediator=person,
        organization=district.org_a,
        named_date=D(2021, 5, 1),
        status=StudioStatus.RECOGNIZED,
    )
    with pytest.raises(ValidationError) as exc:
        studio.full_clean()
    text = " ".join(exc.value.message_dict["mediator"])
    assert "马大姐" in text and "新山村街道人民调解委员会" in text and "2021-05-01" in text


def test_studio_namesake_must_be_a_member_on_the_naming_date(district):
    person = make_mediator("马大姐")
    make_post(person, district.org_a, start=D(2019, 1, 1), end=D(2020, 12, 31))
    studio = Studio(name="老马工作室", mediator=person, organization=district.org_a, named_date=D(2021, 5, 1))
    with pytest.raises(ValidationError):
        studio.full_clean()
    studio.named_date = D(2020, 6, 1)
    studio.full_clean()  # a member then: fine


def test_undated_studio_needs_a_member_today(district):
    person = make_mediator("马大姐")
    make_post(person, district.org_a, employment=Employment.PART_TIME, start=D(2019, 1, 1), end=D(2020, 1, 1))
    studio = Studio(name="老马工作室", mediator=person, organization=district.org_a)
    with pytest.raises(ValidationError) as exc:
        studio.full_clean()
    assert "今天" in " ".join(exc.value.message_dict["mediator"])
    make_post(person, district.org_a, employment=Employment.PART_TIME, start=D(2021, 1, 1))
    studio.full_clean()


def test_unknown_status_is_refused(district):
    person = make_mediator()
    make_post(person, district.org_a)
    studio = Studio(name="老马工作室", mediator=person, organization=district.org_a, status="已挂牌")
    with pytest.raises(ValidationError) as exc:
        studio.full_clean()
    assert "培育中、已命名" in " ".join(exc.value.message_dict["status"])


def test_changes_are_recorded_in_history(brands):
    studio = brands.studios.wang
    studio.status = StudioStatus.RECOGNIZED
    studio.named_date = D(2024, 1, 1)
    studio.save()
    assert studio.history.count() == 2


def test_choice_labels_are_the_chinese_values():
    from branding.models import CommendationLevel, RecipientKind

    for choices in (StudioStatus, CommendationLevel, RecipientKind):
        assert [label for _, label in choices.choices] == choices.values
