"""Background imports (django-tasks; the database backend's worker runs them: `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from registry.kernel.excel.reading import UnusableFile
from registry.kernel.excel.recording import close_record, record_data, run_import
from registry.kernel.excel.records import ImportRecord, Outcome, Source


@task()
def import_task(record_id: int, dry_run: bool) -> str:
    """Preview (dry_run) or write the file kept on import record `record_id`; returns its outcome.

    Whatever happens is on the record (run_import closes it as 文件不可用 or 失败); a refused file is
    a normal outcome, not a failed task."""
    from registry.models import ColumnMapping

    record = ImportRecord.objects.select_related("user").get(pk=record_id)
    # an admin upload is read with the uploader's remembered mapping, as in the request
    mapping = ColumnMapping.saved(record.user, record.kind) if record.source == Source.ADMIN and record.user else None
    try:
        run_import(record, record_data(record), dry_run=dry_run, mapping=mapping)
    except UnusableFile as exc:
        if record.outcome != Outcome.UNUSABLE:  # the kept file itself is gone
            close_record(record, Outcome.UNUSABLE, str(exc))
    return record.outcome
