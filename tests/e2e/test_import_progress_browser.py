"""A big file in the background, in a real browser: the progress page updates itself while the worker
runs, shows the preview, and after 确认导入 the result; the record page offers 撤销导入."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from registry.kernel.excel.records import ImportRecord, Outcome
from registry.models import Mediator
from tests.registry.test_import_background import DB_TASKS, roster_bytes, run_worker

pytestmark = pytest.mark.e2e


def test_background_import_progress_page_follows_the_worker(
    district, users, sign_in, page, screenshot, tmp_path, settings
):
    settings.TASKS = DB_TASKS
    settings.IMPORT_BACKGROUND_ROWS = 5
    path = tmp_path / "大花名册.xlsx"
    path.write_bytes(roster_bytes(district.org_a1.name, 40))
    sign_in(users.clerk_a)
    page.goto("/admin/registry/mediator/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#progress-stage")).to_have_text("准备")
    expect(page.get_by_text("等待后台进程接手")).to_be_visible()
    record = ImportRecord.objects.get()
    assert record.outcome == Outcome.QUEUED
    run_worker()  # the page polls meanwhile and reloads itself once the preview is done
    expect(page.locator("#progress-summary")).to_contain_text("新增 40 行")
    expect(page.locator("#import-preview tbody tr")).to_have_count(40)
    screenshot("import-background-preview")
    page.locator("#confirm-import").click()
    expect(page.locator("#progress-stage")).to_have_text("准备")
    run_worker()
    expect(page.locator("#progress-summary")).to_contain_text("新增 40 行")
    expect(page.get_by_role("heading", name="结果：已写入")).to_be_visible()
    assert Mediator.objects.count() == 40
    page.reload()  # survives a reload
    expect(page.get_by_role("heading", name="结果：已写入")).to_be_visible()
    page.get_by_role("link", name=f"导入记录 #{record.pk}").first.click()
    expect(page.locator("#record-written tbody tr")).to_have_count(80)
    expect(page.locator("#undo-import")).to_be_visible()
    screenshot("import-record-page")
