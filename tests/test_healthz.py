"""/healthz/: database reachable and migrations applied; no login, nothing revealed (issue 17, item 10)."""

from __future__ import annotations

from django.db import DatabaseError

import config.health


def test_healthy_without_login(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_pending_migrations_are_unhealthy(client, db, monkeypatch):
    monkeypatch.setattr(config.health, "pending_migrations", lambda: True)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "migrations": "pending"}


def test_real_migration_plan_sees_an_unapplied_migration(db):
    from django.db.migrations.recorder import MigrationRecorder

    assert config.health.pending_migrations() is False
    MigrationRecorder.Migration.objects.filter(app="registry", name="0011_demo_record").delete()
    assert config.health.pending_migrations() is True


def test_unreachable_database_is_unhealthy_and_says_nothing_more(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused to secret-host:5432 as admin")

    monkeypatch.setattr(config.health, "connection", Unreachable())
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable", "migrations": "unknown"}
    assert b"secret-host" not in response.content


def test_only_get_and_head(client, db):
    assert client.post("/healthz/").status_code == 405
