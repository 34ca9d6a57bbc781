"""Big files in the background: the admin's preview and confirm as tasks, `--background`, the progress
endpoint, the db worker's own code path, and a worker stopped or killed mid-import."""

import datetime
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.core.cache.backends.filebased import FileBasedCache
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook

from registry.kernel.excel import changes, engine
from registry.kernel.excel.recording import ProgressWriter, mark_stalled, progress_key
from registry.kernel.excel.records import ImportRecord, Outcome
from registry.models import Mediator, Membership
from tests.factories import make_id

HEADER = ["姓名", "身份证号", "所属调解组织", "专兼职", "任职日期"]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def roster_bytes(org_name: str, n: int) -> bytes:
    """n mediators with distinct ID numbers (birth dates × sequence numbers), one part-time post each."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(HEADER)
    for i in range(n):
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=i // 900)
        sheet.append([f"演示{i}", make_id(birth=birth, seq=i % 900), org_name, "兼职", "2021-03-05"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data, name="大花名册.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("admin:registry_mediator_import"), {"file": file})


def progress_endpoint(user, record_id: int) -> dict:
    """The admin's progress endpoint, called directly (also from inside a running import)."""
    request = RequestFactory().get(reverse("admin:registry_importrecord_progress_json", args=[record_id]))
    request.user = user
    response = admin.site._registry[ImportRecord].progress_json(request, record_id)
    assert response.status_code == 200
    return json.loads(response.content)


def test_a_20000_row_admin_import_runs_as_a_task_with_progress(client_as, users, district, monkeypatch):
    data = roster_bytes(district.org_a1.name, 20_000)
    client = client_as(users.clerk_a)
    seen: list[dict] = []
    flush = ProgressWriter.flush

    def flush_and_poll(self):
        flush(self)
        record_id = int(self.key.rsplit("-", 1)[1])
        seen.append(progress_endpoint(users.clerk_a, record_id))

    monkeypatch.setattr(ProgressWriter, "flush", flush_and_poll)
    monkeypatch.setattr(ProgressWriter, "INTERVAL", 0)  # every report reaches the endpoint, however fast the run
    preview = upload(client, data)
    record = ImportRecord.objects.get()
    assert preview.status_code == 302 and preview.url == reverse(
        "admin:registry_importrecord_progress", args=[record.pk]
    )
    assert record.background and record.task_id and record.outcome == Outcome.DRY_RUN
    assert not Mediator.objects.exists()
    page = client.get(preview.url).content.decode()
    assert "新增 20000 行" in page and 'id="confirm-import"' in page and 'id="import-preview"' in page
    checked = [p["checked"] for p in seen if p["stage"] == "逐行检查"]
    assert len(checked) >= 3 and checked == sorted(checked) and checked[-1] > checked[0]

    seen.clear()
    done = client.post(reverse("admin:registry_importrecord_confirm", args=[record.pk]))
    assert done.status_code == 302
    record.refresh_from_db()
    assert (record.outcome, record.created, record.rows) == (Outcome.WRITTEN, 20_000, 20_000)
    assert Mediator.objects.count() == 20_000 and Membership.objects.count() == 20_000
    written = [p["written"] for p in seen if p["stage"] == "写入数据库"]
    assert len(written) >= 2 and written == sorted(written) and written[-1] == 40_000
    percents = [p["percent"] for p in seen if not p["finished"]]
    assert percents == sorted(percents) and all(0 <= p < 100 for p in percents)
    assert any(p["expected_end"] for p in seen)
    final = progress_endpoint(users.clerk_a, record.pk)
    assert final["finished"] and final["outcome"] == "已写入" and final["created"] == 20_000 and final["percent"] == 100
    assert "新增 20000 行" in client.get(done.url).content.decode()
    # the same file again: the background preview names the earlier import
    again = upload(client, data)
    assert "already-imported" in client.get(again.url).content.decode()


def test_small_files_stay_in_the_request(client_as, users, district, settings):
    settings.IMPORT_BACKGROUND_ROWS = 5
    client = client_as(users.clerk_a)
    assert upload(client, roster_bytes(district.org_a1.name, 5)).status_code == 200
    assert upload(client, roster_bytes(district.org_a1.name, 6)).status_code == 302


def test_only_the_uploader_confirms_a_background_preview(client_as, users, district, settings):
    settings.IMPORT_BACKGROUND_ROWS = 5
    upload(client_as(users.clerk_a), roster_bytes(district.org_a1.name, 8))
    record = ImportRecord.objects.get()
    client_as(users.bureau).post(reverse("admin:registry_importrecord_confirm", args=[record.pk]))
    assert ImportRecord.objects.get().outcome == Outcome.DRY_RUN and not Mediator.objects.exists()
    response = client_as(users.clerk_b).post(reverse("admin:registry_importrecord_confirm", args=[record.pk]))
    assert response.status_code == 404


def test_a_background_preview_reads_with_the_uploaders_remembered_mapping(client_as, users, district, settings):
    from registry.models import ColumnMapping

    settings.IMPORT_BACKGROUND_ROWS = 5
    ColumnMapping.objects.create(user=users.clerk_a, kind="mediators", header="证件号", column="身份证号")
    data = roster_bytes(district.org_a1.name, 8)  # rewritten below with the header as the clerk's file has it
    book = Workbook()
    sheet = book.active
    rows = list(openpyxl_rows(data))
    sheet.append(["证件号" if cell == "身份证号" else cell for cell in rows[0]])
    for row in rows[1:]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    assert upload(client_as(users.clerk_a), out.getvalue()).status_code == 302  # a task
    record = ImportRecord.objects.get()
    assert record.outcome == Outcome.DRY_RUN and record.column_mapping == {"证件号": "身份证号"}


def openpyxl_rows(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)


def test_a_background_preview_with_errors_offers_no_confirm(client_as, users, district, settings):
    settings.IMPORT_BACKGROUND_ROWS = 5
    client = client_as(users.clerk_a)
    response = upload(client, roster_bytes(district.org_b1.name, 8))  # another town's organization
    record = ImportRecord.objects.get()
    assert record.outcome == Outcome.INVALID and len(record.errors) == 8
    page = client.get(response.url).content.decode()
    assert "不在您的管辖范围内" in page and 'id="confirm-import"' not in page


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_runs_a_queued_import(tmp_path, users, district, settings):
    settings.TASKS = DB_TASKS
    path = tmp_path / "f.xlsx"
    path.write_bytes(roster_bytes(district.org_a1.name, 30))
    out = io.StringIO()
    call_command(
        "import_xlsx", "mediators", str(path), "--as", "clerk_a", "--background", "--format", "json", stdout=out
    )
    payload = json.loads(out.getvalue())
    record = ImportRecord.objects.get(pk=payload["import_record"])
    assert payload["outcome"] == "排队中" and record.outcome == Outcome.QUEUED and not Mediator.objects.exists()
    assert DBTaskResult.objects.get(id=record.task_id).status == "READY"
    run_worker()
    record.refresh_from_db()
    assert (record.outcome, record.created) == (Outcome.WRITTEN, 30)
    assert Mediator.objects.count() == 30
    assert DBTaskResult.objects.get(id=record.task_id).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_worker_stopped_mid_write_leaves_nothing_and_says_failed(tmp_path, users, district, settings, monkeypatch):
    """db_worker's second Ctrl+C/SIGTERM raises SystemExit inside the running task (Worker.shutdown)."""
    settings.TASKS = DB_TASKS
    path = tmp_path / "f.xlsx"
    path.write_bytes(roster_bytes(district.org_a1.name, 30))
    call_command("import_xlsx", "mediators", str(path), "--as", "clerk_a", "--background", stdout=io.StringIO())
    monkeypatch.setattr(engine, "WRITE_SLICE", 5)
    note = changes.ChangeLog.note

    def stop_after_two_slices(self, label, pks, created):
        note(self, label, pks, created)
        if self.written >= 10:
            raise SystemExit(1)

    monkeypatch.setattr(changes.ChangeLog, "note", stop_after_two_slices)
    run_worker()
    record = ImportRecord.objects.get()
    assert (
        record.outcome == Outcome.FAILED and "导入进程被停止" in record.message and "未写入任何数据" in record.message
    )
    assert not Mediator.objects.exists() and not Membership.objects.exists()
    assert not Mediator.history.exists()
    assert DBTaskResult.objects.get(id=record.task_id).status == "FAILED"


def test_a_running_import_without_progress_is_marked_failed(tmp_path, users, district, settings):
    path = tmp_path / "f.xlsx"
    path.write_bytes(roster_bytes(district.org_a1.name, 3))
    call_command("import_xlsx", "mediators", str(path), stdout=io.StringIO())
    record = ImportRecord.objects.get()
    ImportRecord.objects.filter(pk=record.pk).update(outcome=Outcome.RUNNING)
    assert mark_stalled(now=time.time() + settings.IMPORT_STALL_SECONDS - 5) == 0
    assert mark_stalled(now=time.time() + settings.IMPORT_STALL_SECONDS + 5) == 1
    record.refresh_from_db()
    assert record.outcome == Outcome.FAILED and "意外停止" in record.message


def run_worker() -> None:
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_and_the_record_says_failed(tmp_path, users, district, settings):
    """A real `manage.py db_worker` process, SIGKILLed while it writes (PostgreSQL: the test database is
    shared with the worker process; SQLite tests run in memory)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database another process can open")
    settings.TASKS = DB_TASKS
    progress_dir = tmp_path / "progress"
    path = tmp_path / "big.xlsx"
    path.write_bytes(roster_bytes(district.org_a1.name, 20_000))
    call_command("import_xlsx", "mediators", str(path), "--as", "clerk_a", "--background", stdout=io.StringIO())
    record = ImportRecord.objects.get()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "IMPORT_PROGRESS_DIR": str(progress_dir),
    }
    root = Path(__file__).resolve().parents[2]
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    progress = FileBasedCache(str(progress_dir), {})
    try:
        deadline = time.time() + 240
        while time.time() < deadline:
            state = progress.get(progress_key(record.pk)) or {}
            if state.get("stage") == "written" and state.get("written", 0) > 0:
                break
            assert worker.poll() is None, "the worker ended before it started writing"
            time.sleep(0.05)
        else:
            pytest.fail("the worker never started writing")
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
    time.sleep(1)  # the server ends the dead connection's transaction
    assert not Mediator.objects.exists() and not Membership.objects.exists() and not Mediator.history.exists()
    assert mark_stalled(now=time.time() + settings.IMPORT_STALL_SECONDS + 5) == 1
    record.refresh_from_db()
    assert record.outcome == Outcome.FAILED and "未写入任何数据" in record.message
