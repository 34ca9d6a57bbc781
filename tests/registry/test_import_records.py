"""导入记录: every import that reaches the database or is refused leaves one, from the admin and the command line."""

import datetime
import hashlib
import io
import json

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registry.kernel.excel.records import ImportRecord, Outcome, Source
from registry.models import Mediator, Membership
from tests.factories import make_id, make_mediator, make_post
from tests.registry.xlsx import xlsx

HEADER = ["姓名", "身份证号", "所属调解组织", "专兼职", "任职日期"]


def upload(client, data, name="花名册.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("admin:registry_mediator_import"), {"file": file})


def admin_import(client, data, name="花名册.xlsx"):
    preview = upload(client, data, name)
    assert preview.context["token"], preview.content.decode()[:2000]
    return client.post(reverse("admin:registry_mediator_import"), {"confirm": preview.context["token"]})


def command(path, *args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_xlsx", "mediators", str(path), "--format", "json", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue()), err.getvalue()


def roster(org, *people):
    return xlsx([HEADER, *[[name, id_number, org.name, "兼职", "2021-03-05"] for name, id_number in people]])


def test_an_admin_import_leaves_one_record(client_as, users, district):
    make_mediator("老李", make_id(seq=9))
    data = xlsx(
        [
            [*HEADER, "序号"],
            ["张三", make_id(seq=1), district.org_a1.name, "专职", "2021-03-05", 1],
            ["李四", make_id(seq=2), district.org_a1.name, "兼职", "2021-03-05", 2],
            ["老李", make_id(seq=9), district.org_a.name, "兼职", "2021-03-05", 3],
        ]
    )
    done = admin_import(client_as(users.clerk_a), data, "新山花名册.xlsx")
    assert done.status_code == 302
    record = ImportRecord.objects.get()
    assert (record.kind, record.source, record.user, record.town) == (
        "mediators",
        Source.ADMIN,
        users.clerk_a,
        district.a,
    )
    assert record.outcome == Outcome.WRITTEN
    assert (record.rows, record.created, record.updated, record.unchanged) == (3, 3, 0, 0)
    assert record.sha256 == hashlib.sha256(data).hexdigest() and record.file_size == len(data)
    assert record.file_name == "新山花名册.xlsx" and record.file.read() == data
    assert record.ignored_columns == ["序号"] and record.errors == []
    assert record.seconds is not None and record.finished_at >= record.started_at
    # what it wrote, and the history rows tied to it
    people = set(Mediator.objects.filter(name__in=["张三", "李四"]).values_list("pk", flat=True))
    assert set(record.changes["registry.mediator"]["created"]) == people
    assert len(record.changes["registry.membership"]["created"]) == 3
    assert Mediator.history.filter(history_change_reason=record.change_reason).count() == 2
    assert Membership.history.filter(history_change_reason=record.change_reason).count() == 3


def test_a_command_line_import_leaves_one_record_and_names_it_in_json(tmp_path, users, district):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(roster(district.org_b, ("王五", make_id(seq=3)), ("赵六", make_id(seq=4))))
    code, out, _ = command(path, "--as", "bureau")
    assert code == 0
    record = ImportRecord.objects.get()
    assert out == {"created": 2, "updated": 0, "unchanged": 0, "errors": [], "import_record": record.pk}
    assert (record.source, record.user, record.town, record.outcome) == (
        Source.COMMAND,
        users.bureau,
        None,
        Outcome.WRITTEN,
    )
    assert (record.created, record.rows) == (2, 2)
    assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    code, out, _ = command(path, "--dry-run")
    assert code == 0 and out["unchanged"] == 2
    assert ImportRecord.objects.get(pk=out["import_record"]).outcome == Outcome.DRY_RUN


def test_refused_files_leave_a_record_with_their_errors(tmp_path, client_as, users, district):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(roster(district.org_a1, ("张三", "123"), ("李四", make_id(seq=2))))
    code, out, _ = command(path, "--as", "clerk_a")
    assert code == 1 and not Mediator.objects.exists()
    record = ImportRecord.objects.get(pk=out["import_record"])
    assert record.outcome == Outcome.INVALID and record.user == users.clerk_a
    assert record.errors == out["errors"] and record.errors[0]["row"] == 2 and record.errors[0]["column"] == "身份证号"
    assert record.changes == {}
    # a file that is no spreadsheet at all, through the admin
    upload(client_as(users.clerk_a), b"not a spreadsheet", name="x.xls")
    unusable = ImportRecord.objects.latest("pk")
    assert unusable.outcome == Outcome.UNUSABLE and "不是 Excel" in unusable.message
    assert unusable.source == Source.ADMIN and unusable.file_size == len(b"not a spreadsheet")


def test_a_clerk_sees_only_their_towns_records(tmp_path, client_as, users, district):
    for seq, (who, org) in enumerate(
        (("clerk_a", district.org_a1), ("clerk_b", district.org_b1), ("bureau", district.org_b))
    ):
        path = tmp_path / f"{who}.xlsx"
        path.write_bytes(roster(org, (who, make_id(seq=seq + 1))))
        assert command(path, "--as", who)[0] == 0
    mine, theirs, bureaus = (ImportRecord.objects.get(user=getattr(users, w)) for w in ("clerk_a", "clerk_b", "bureau"))
    client = client_as(users.clerk_a)
    listing = client.get(reverse("admin:registry_importrecord_changelist"))
    assert list(listing.context["cl"].result_list) == [mine]
    for url in ("change", "file", "progress", "progress_json"):
        assert client.get(reverse(f"admin:registry_importrecord_{url}", args=[mine.pk])).status_code == 200
        for other in (theirs, bureaus):
            assert client.get(reverse(f"admin:registry_importrecord_{url}", args=[other.pk])).status_code in (302, 404)
    assert client.post(reverse("admin:registry_importrecord_undo", args=[theirs.pk])).status_code == 404
    bureau = client_as(users.bureau).get(reverse("admin:registry_importrecord_changelist"))
    assert set(bureau.context["cl"].result_list) == {mine, theirs, bureaus}
    # hr and finance see only what they imported themselves (nothing here)
    assert not client_as(users.hr).get(reverse("admin:registry_importrecord_changelist")).context["cl"].result_list


def test_the_record_page_lists_what_it_wrote_linked_to_history(tmp_path, client_as, users, district):
    person = make_mediator("老李", make_id(seq=9), phone="13800000000")
    make_post(person, district.org_a1)
    path = tmp_path / "f.xlsx"
    path.write_bytes(
        xlsx(
            [[*HEADER, "联系电话"], ["老李", make_id(seq=9), district.org_a1.name, "专职", "2020-01-01", "13900000000"]]
        )
    )
    assert command(path, "--as", "clerk_a")[0] == 0
    record = ImportRecord.objects.get()
    assert record.changes == {"registry.mediator": {"created": [], "updated": [person.pk]}}
    page = client_as(users.clerk_a).get(reverse("admin:registry_importrecord_change", args=[record.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert str(person) in html and reverse("admin:registry_mediator_history", args=[person.pk]) in html
    assert "撤销导入" in html


def test_the_record_page_query_count_does_not_grow_with_rows(
    tmp_path, client_as, users, district, django_assert_max_num_queries
):
    path = tmp_path / "f.xlsx"
    path.write_bytes(roster(district.org_a1, *[(f"人{i}", make_id(seq=i)) for i in range(1, 150)]))
    assert command(path, "--as", "clerk_a")[0] == 0
    record = ImportRecord.objects.get()
    client = client_as(users.clerk_a)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("admin:registry_importrecord_change", args=[record.pk]))
    assert page.context["written"]["total"] == 298 and len(page.context["written"]["rows"]) == 100


def test_reupload_notice_for_a_file_already_written_not_for_a_changed_one(tmp_path, client_as, users, district):
    client = client_as(users.clerk_a)
    data = roster(district.org_a1, ("张三", make_id(seq=1)))
    first = upload(client, data)
    assert "already-imported" not in first.content.decode()  # a preview alone wrote nothing
    admin_import(client, data)
    written = ImportRecord.objects.get(outcome=Outcome.WRITTEN)
    again = upload(client, data).content.decode()
    assert 'id="already-imported"' in again and f"导入记录 #{written.pk}" in again and "无变化 1 行" in again
    assert reverse("admin:registry_importrecord_change", args=[written.pk]) in again
    changed = roster(district.org_a1, ("张三", make_id(seq=1)), ("李四", make_id(seq=2)))
    assert "already-imported" not in upload(client, changed).content.decode()
    # the command warns on stderr and still imports (re-import is idempotent)
    path = tmp_path / "same.xlsx"
    path.write_bytes(data)
    code, out, err = command(path, "--as", "clerk_a")
    assert code == 0 and out["unchanged"] == 1
    assert "已于" in err and f"导入记录 #{written.pk}" in err
    path.write_bytes(changed)
    assert command(path, "--as", "clerk_a")[2] == ""


def test_another_towns_earlier_import_is_not_named_to_a_clerk(client_as, users, district):
    data = roster(district.org_a1, ("张三", make_id(seq=1)))
    admin_import(client_as(users.clerk_a), data)
    assert "already-imported" in upload(client_as(users.bureau), data).content.decode()
    assert "already-imported" not in upload(client_as(users.clerk_b), data).content.decode()


def test_expired_files_are_deleted_and_the_record_kept(tmp_path, users, district, settings):
    path = tmp_path / "f.xlsx"
    path.write_bytes(roster(district.org_a1, ("张三", make_id(seq=1))))
    command(path)
    command(path)
    old, new = ImportRecord.objects.order_by("pk")
    ImportRecord.objects.filter(pk=old.pk).update(started_at=timezone.now() - datetime.timedelta(days=3 * 365 + 1))
    stored = old.file.path
    out = io.StringIO()
    call_command("purge_import_files", stdout=out)
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.file and old.file_deleted_at is not None and old.sha256
    assert new.file and new.file_deleted_at is None
    assert not __import__("os").path.exists(stored)
    assert "1" in out.getvalue()
