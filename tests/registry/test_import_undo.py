"""撤销导入: one transaction back to the state before the import, refused when anything changed since."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registry.kernel.excel.recording import UndoRefused, undo_import
from registry.kernel.excel.records import ImportRecord, Outcome
from registry.models import Area, Expert, HostUnit, Mediator, Membership, Organization
from tests.factories import make_id, make_mediator, make_post
from tests.registry.xlsx import xlsx

HEADER = ["姓名", "身份证号", "所属调解组织", "专兼职", "任职日期", "联系电话", "学历"]
TABLES = (Area, Organization, HostUnit, Mediator, Membership, Expert)


def snapshot() -> dict:
    """Every row of the roster's tables (history aside)."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TABLES}


def command_import(tmp_path, rows, user="bureau") -> ImportRecord:
    path = tmp_path / "f.xlsx"
    path.write_bytes(xlsx([HEADER, *rows]))
    out = io.StringIO()
    call_command(
        "import_xlsx", "mediators", str(path), "--as", user, "--format", "json", stdout=out, stderr=io.StringIO()
    )
    return ImportRecord.objects.get(pk=json.loads(out.getvalue())["import_record"])


@pytest.fixture
def known(district):
    """Five mediators already on the roster, each with a post in 新山社区."""
    people = []
    for i in range(5):
        person = make_mediator(f"老{i}", make_id(seq=100 + i), phone="13800000000", education="高中")
        make_post(person, district.org_a1, start=datetime.date(2020, 1, 1))
        people.append(person)
    return people


def ten_new_five_changed(district, known):
    new = [[f"新{i}", make_id(seq=i + 1), district.org_a1.name, "兼职", "2021-03-05", "", ""] for i in range(10)]
    changed = [[p.name, p.id_number, district.org_a1.name, "专职", "2020-01-01", "13900000001", "本科"] for p in known]
    return new + changed


def test_undo_leaves_the_database_as_before_and_says_so_in_history(tmp_path, users, district, known):
    before = snapshot()
    history_before = Mediator.history.count() + Membership.history.count()
    record = command_import(tmp_path, ten_new_five_changed(district, known))
    assert (record.outcome, record.created, record.updated) == (Outcome.WRITTEN, 10, 5)
    assert snapshot() != before
    undo_import(record, user=users.bureau)
    assert snapshot() == before
    record.refresh_from_db()
    assert (record.outcome, record.undone_by) == (Outcome.UNDONE, users.bureau) and record.undone_at
    undo_rows = Mediator.history.filter(history_change_reason=record.undo_reason)
    assert sorted(undo_rows.values_list("history_type", flat=True)) == ["-"] * 10 + ["~"] * 5
    assert {h.history_user for h in undo_rows} == {users.bureau}
    assert Membership.history.filter(history_change_reason=record.undo_reason, history_type="-").count() == 10
    assert Mediator.history.count() + Membership.history.count() > history_before
    # the same file can then be imported again
    again = command_import(tmp_path, ten_new_five_changed(district, known))
    assert (again.created, again.updated) == (10, 5)


def test_undo_refuses_and_names_a_record_changed_since(tmp_path, client_as, users, district, known):
    record = command_import(tmp_path, ten_new_five_changed(district, known))
    after = snapshot()
    edited = Mediator.objects.get(pk=known[2].pk)
    edited.remarks = "后来补充"
    edited._history_user = users.clerk_a
    edited.save()
    after["Mediator"] = list(Mediator.objects.order_by("pk").values())
    with pytest.raises(UndoRefused) as refused:
        undo_import(record, user=users.bureau)
    message = "；".join(refused.value.problems)
    assert str(edited) in message and "clerk_a" in message and "修改" in message
    assert snapshot() == after  # nothing changed
    record.refresh_from_db()
    assert record.outcome == Outcome.WRITTEN
    # in the admin: the same refusal on the record's page
    client = client_as(users.bureau)
    response = client.post(reverse("admin:registry_importrecord_undo", args=[record.pk]), follow=True)
    assert str(edited) in response.content.decode() and "未撤销" in response.content.decode()


def test_undo_refuses_when_deleting_would_take_a_later_post_with_it(tmp_path, users, district, known):
    record = command_import(tmp_path, ten_new_five_changed(district, known))
    newcomer = Mediator.objects.get(name="新0")
    make_post(newcomer, district.org_a, employment="兼职", start=datetime.date(2022, 1, 1))
    with pytest.raises(UndoRefused) as refused:
        undo_import(record, user=users.bureau)
    assert "连带删除" in "".join(refused.value.problems)
    assert Mediator.objects.filter(pk=newcomer.pk).exists()


def test_undo_through_the_admin(tmp_path, client_as, users, district, known):
    before = snapshot()
    record = command_import(tmp_path, ten_new_five_changed(district, known), user="clerk_a")
    client = client_as(users.clerk_a)
    page = client.get(reverse("admin:registry_importrecord_change", args=[record.pk])).content.decode()
    assert 'id="undo-import"' in page
    response = client.post(reverse("admin:registry_importrecord_undo", args=[record.pk]), follow=True)
    assert "已撤销导入记录" in response.content.decode()
    assert snapshot() == before
    page = client.get(reverse("admin:registry_importrecord_change", args=[record.pk])).content.decode()
    assert 'id="undone"' in page and 'id="undo-import"' not in page
    # undone once: a second undo is refused
    with pytest.raises(UndoRefused):
        undo_import(ImportRecord.objects.get(pk=record.pk), user=users.bureau)


def test_a_clerk_cannot_undo_another_towns_import_or_an_old_one(tmp_path, client_as, users, district, known, settings):
    record = command_import(tmp_path, ten_new_five_changed(district, known), user="clerk_a")
    with pytest.raises(UndoRefused, match="本镇街"):
        undo_import(record, user=users.clerk_b)
    with pytest.raises(UndoRefused, match="司法局管理员和本镇街录入员"):
        undo_import(record, user=users.hr)
    late = timezone.now() - datetime.timedelta(hours=settings.IMPORT_UNDO_WINDOW_HOURS, minutes=1)
    ImportRecord.objects.filter(pk=record.pk).update(finished_at=late)
    record.refresh_from_db()
    with pytest.raises(UndoRefused, match="24 小时内"):
        undo_import(record, user=users.clerk_a)
    page = (
        client_as(users.clerk_a).get(reverse("admin:registry_importrecord_change", args=[record.pk])).content.decode()
    )
    assert 'id="undo-refusal"' in page and 'id="undo-import"' not in page
    assert (
        client_as(users.clerk_a).post(reverse("admin:registry_importrecord_undo", args=[record.pk])).status_code == 302
    )
    assert ImportRecord.objects.get(pk=record.pk).outcome == Outcome.WRITTEN
    # the bureau may undo it whenever nothing changed since
    undo_import(record, user=users.bureau)
    assert ImportRecord.objects.get(pk=record.pk).outcome == Outcome.UNDONE


def test_a_clerk_may_undo_their_own_towns_import_within_the_window(tmp_path, users, district, known):
    record = command_import(tmp_path, ten_new_five_changed(district, known), user="clerk_a")
    undo_import(record, user=users.clerk_a)
    assert ImportRecord.objects.get(pk=record.pk).undone_by == users.clerk_a


def test_undo_of_experts_restores_their_organizations(tmp_path, users, district):
    expert = Expert.objects.create(name="钱教授", employer="重庆大学", domains="医患纠纷")
    expert.organizations.set([district.org_a])
    before = snapshot()
    served_before = set(expert.organizations.values_list("pk", flat=True))
    path = tmp_path / "e.xlsx"
    path.write_bytes(
        xlsx(
            [
                ["姓名", "专业领域", "职称", "工作单位", "服务调解组织"],
                ["钱教授", "医患纠纷", "教授", "重庆大学", f"{district.org_a.name}、{district.org_b.name}"],
                ["孙律师", "婚姻家庭", "", "某律所", district.org_b.name],
            ]
        )
    )
    out = io.StringIO()
    call_command("import_xlsx", "experts", str(path), "--as", "bureau", "--format", "json", stdout=out)
    record = ImportRecord.objects.get(pk=json.loads(out.getvalue())["import_record"])
    assert (record.created, record.updated) == (1, 1)
    undo_import(record, user=users.bureau)
    assert snapshot() == before
    assert set(Expert.objects.get(pk=expert.pk).organizations.values_list("pk", flat=True)) == served_before
