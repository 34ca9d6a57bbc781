import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from training.models import Attendance, TrainingSession
from training.services import attendance_record


def session(area, **fields):
    values = {"code": "T-1", "name": "培训", "area": area, "date": datetime.date(2023, 3, 5), "hours": Decimal("2")}
    return TrainingSession(**{**values, **fields})


def test_organizer_must_be_district_or_town(district):
    with pytest.raises(ValidationError) as info:
        session(district.a1).full_clean()
    assert all("所属镇街" in m for m in info.value.message_dict["area"])
    session(district.district).full_clean()
    session(district.a).full_clean()


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-1")])
def test_hours_must_be_positive(district, hours):
    with pytest.raises(ValidationError) as info:
        session(district.a, hours=hours).full_clean()
    assert "学时应大于0" in str(info.value)


def test_code_is_normalized_and_unique(district):
    first = session(district.a, code=" ＸＳ-01 ")
    first.full_clean()
    first.save()
    assert first.code == "XS-01"
    with pytest.raises(ValidationError) as info:
        session(district.a, code="XS-01").full_clean()
    assert "培训编号" in str(info.value)


def test_attendance_is_unique_per_session_and_mediator(year):
    with pytest.raises(ValidationError) as info:
        Attendance(session=year.a1, mediator=year.jia).full_clean()
    assert "已登记参加此次培训" in str(info.value)


def test_attendance_record_is_idempotent(year):
    attendance, created = attendance_record(session=year.a2, mediator=year.jia)
    assert created
    again, created = attendance_record(session=year.a2, mediator=year.jia)
    assert again == attendance and not created
    assert Attendance.objects.filter(session=year.a2, mediator=year.jia).count() == 1


def test_attendance_record_scope(year, users):
    attendance_record(session=year.d1, mediator=year.wu, user=users.clerk_a)  # own mediator, district session
    with pytest.raises(ValidationError, match="由区司法局登记"):
        attendance_record(session=year.d1, mediator=year.yi, user=users.clerk_a)
    with pytest.raises(ValidationError, match="不在您负责的镇街"):
        attendance_record(session=year.a2, mediator=year.ding, user=users.clerk_a)
    with pytest.raises(ValidationError, match="不属于您负责的镇街"):
        attendance_record(session=year.b1, mediator=year.wu, user=users.clerk_a)
    attendance_record(session=year.d1, mediator=year.yi, user=users.bureau)


def test_history_is_kept(year):
    year.a1.hours = Decimal("3")
    year.a1.save()
    assert year.a1.history.count() == 2
    assert Attendance.history.filter(mediator_id=year.jia.pk).count() == 2


@pytest.mark.parametrize("date", [datetime.date(2203, 3, 5), datetime.date(1970, 1, 1)])
def test_implausible_date_is_refused(district, date):
    with pytest.raises(ValidationError) as info:
        session(district.a, date=date).full_clean()
    assert "请核对年份" in info.value.message_dict["date"][0]
