"""manage.py backup / restore: back up, delete, restore, compare (issue 17, item 9)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from registry.kernel.backup import postgres_commands
from registry.models import Mediator, Membership
from tests.factories import make_mediator, make_post


def snapshot() -> tuple:
    return (
        sorted(Mediator.objects.values_list("id", "name", "id_number", "phone")),
        sorted(Membership.objects.values_list("id", "mediator_id", "organization_id", "employment")),
        Mediator.history.count(),
    )


@pytest.mark.django_db(transaction=True)
def test_backup_delete_restore_compare(district, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("manage.py restore is for SQLite; PostgreSQL uses pg_restore")
    for n in range(3):
        make_post(make_mediator(f"备份{n}"), district.org_a)
    before = snapshot()
    out = io.StringIO()
    call_command("backup", "--dir", str(tmp_path / "b"), stdout=out)
    [backup] = (tmp_path / "b").glob("registry-*.sqlite3")
    assert str(backup) in out.getvalue()

    Mediator.objects.filter(name="备份1").delete()
    Mediator.objects.filter(name="备份2").update(phone="13900000000")
    assert snapshot() != before

    call_command("restore", str(backup), "--noinput", "--dir", str(tmp_path / "before"), stdout=io.StringIO())
    assert snapshot() == before
    # what was there just before the restore is kept too
    assert len(list((tmp_path / "before").glob("registry-*.sqlite3"))) == 1


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_what_is_no_backup_and_changes_nothing(district, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    make_mediator("留着")
    before = snapshot()
    text = tmp_path / "notes.sqlite3"
    text.write_text("不是数据库")
    with pytest.raises(CommandError, match="不是 SQLite 数据库文件"):
        call_command("restore", str(text), "--noinput", "--dir", str(tmp_path))
    empty = tmp_path / "other.sqlite3"
    import sqlite3

    sqlite3.connect(empty).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(CommandError, match="不是本系统的数据库备份"):
        call_command("restore", str(empty), "--noinput", "--dir", str(tmp_path))
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "missing.sqlite3"), "--noinput")
    assert snapshot() == before


def test_postgres_backup_prints_exact_pg_dump_and_pg_restore_commands():
    dump, restore = postgres_commands({"NAME": "registry", "HOST": "db.local", "PORT": 5432, "USER": "bureau"}, "bk")
    assert dump.startswith("pg_dump -h db.local -p 5432 -U bureau --format=custom --no-owner --file=bk/registry-")
    assert dump.endswith(".dump registry")
    file = dump.split("--file=")[1].split()[0]
    assert (
        restore == f"pg_restore -h db.local -p 5432 -U bureau --clean --if-exists --no-owner --dbname=registry {file}"
    )
