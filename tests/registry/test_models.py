"""Model validation that the admin and the importer share (full_clean)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from registry.models import Area, AreaLevel, Employment, HostUnit, HostUnitKind, Mediator, Membership, Organization
from registry.models import OrganizationKind as Kind
from tests.factories import make_id, make_mediator, make_org, make_post

D = datetime.date


def errors_of(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    return exc.value.message_dict


def test_mediator_id_is_stored_canonical_and_birth_and_gender_derived(db):
    number = make_id("510203", "19620304", 17)
    person = make_mediator(id_number=number.lower().replace("", " ").strip())
    person.refresh_from_db()
    assert person.id_number == number
    assert person.birth_date == D(1962, 3, 4)
    assert person.gender == "男"


def test_birth_date_or_gender_contradicting_the_id_is_an_error(db):
    person = Mediator(name="李四", id_number=make_id(birth="19700101", seq=12), birth_date=D(1970, 1, 2), gender="男")
    errors = errors_of(person)
    assert "与身份证号中的出生日期 1970-01-01 不一致" in errors["birth_date"][0]
    assert "身份证号第17位表示女性" in errors["gender"][0]


def test_duplicate_id_is_refused(db):
    number = make_id()
    make_mediator(id_number=number)
    assert "身份证号" in errors_of(Mediator(name="重复", id_number=number.lower()))["id_number"][0]


def test_unknown_person_category_is_refused_and_known_ones_normalized(db):
    assert (
        "不在可选范围内"
        in errors_of(Mediator(name="王五", id_number=make_id(), categories="律师、厨师"))["categories"][0]
    )
    person = make_mediator(categories="律师，志愿者;律师")
    assert person.categories == "律师、志愿者"


def test_bad_phone_on_mediator(db):
    assert "联系电话" in errors_of(Mediator(name="赵六", id_number=make_id(), phone="12345"))["phone"][0]


def test_post_end_before_start(district):
    post = Membership(
        mediator=make_mediator(),
        organization=district.org_a,
        employment=Employment.PART_TIME,
        start_date=D(2021, 5, 1),
        end_date=D(2021, 4, 30),
    )
    assert errors_of(post)["end_date"] == ["离任日期不能早于任职日期。"]


@pytest.mark.parametrize(
    "start, end, clash",
    [
        (D(2021, 1, 1), None, True),  # open-ended overlaps open-ended
        (D(2019, 1, 1), D(2020, 1, 1), True),  # touches the first day
        (D(2019, 1, 1), D(2019, 12, 31), False),  # ends the day before
        (None, D(2019, 6, 1), False),
        (None, None, True),
    ],
)
def test_one_full_time_post_at_a_time(district, start, end, clash):
    person = make_mediator()
    make_post(person, district.org_a, start=D(2020, 1, 1))
    second = Membership(
        mediator=person, organization=district.org_b, employment=Employment.FULL_TIME, start_date=start, end_date=end
    )
    if clash:
        assert "已有专职职务（2020-01-01 至 至今）" in errors_of(second)["employment"][0]
    else:
        second.full_clean()


def test_full_time_after_leaving_and_part_time_alongside_are_fine(district):
    person = make_mediator()
    make_post(person, district.org_a, start=D(2018, 1, 1), end=D(2020, 6, 30))
    make_post(person, district.org_b, start=D(2020, 7, 1))
    make_post(person, district.org_a1, employment=Employment.PART_TIME, start=D(2020, 7, 1))
    assert person.memberships.count() == 3


def test_editing_a_post_does_not_clash_with_itself(district):
    post = make_post(make_mediator(), district.org_a)
    post.role = "主任"
    post.full_clean()


def test_organization_level_must_fit_its_kind(district):
    village_in_town = Organization(name="错放的村委会", kind=Kind.VILLAGE, area=district.a)
    assert "应设在村或社区" in errors_of(village_in_town)["area"][0]
    town_in_village = Organization(name="错放的街道调委会", kind=Kind.TOWN, area=district.a1)
    assert "应设在乡镇或街道" in errors_of(town_in_village)["area"][0]


def test_stationed_room_needs_a_host_unit_of_its_type(district):
    station = HostUnit.objects.create(name="新山村派出所", kind=HostUnitKind.POLICE, area=district.a, officer_count=25)
    court_room = Organization(name="驻院调解室", kind=Kind.COURT_ROOM, area=district.a, host_unit=station)
    assert "派驻单位应为法院" in errors_of(court_room)["host_unit"][0]
    committee = Organization(name="某调委会", kind=Kind.TOWN, area=district.a, host_unit=station)
    assert "才填写派驻单位" in errors_of(committee)["host_unit"][0]
    make_org("驻所调解室", Kind.POLICE_ROOM, district.a, host_unit=station)


def test_area_parent_levels(district):
    assert "必须填写上级区划" in errors_of(Area(name="孤村", level=AreaLevel.VILLAGE))["parent"][0]
    assert (
        "上级区划应为乡镇、街道"
        in errors_of(Area(name="挂错的村", level=AreaLevel.VILLAGE, parent=district.district))["parent"][0]
    )
    assert (
        "上级区划应为区县" in errors_of(Area(name="挂错的街道", level=AreaLevel.STREET, parent=district.a))["parent"][0]
    )


def test_every_field_has_a_chinese_verbose_name():
    from django.apps import apps

    for model in apps.get_app_config("registry").get_models():
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.fields:
            if field.name in ("id",) or field.auto_created:
                continue
            assert any("\u4e00" <= ch <= "\u9fff" for ch in str(field.verbose_name)), (model, field.name)
