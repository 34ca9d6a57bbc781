"""At most one full-time post per mediator on any day, enforced by PostgreSQL itself.

Membership.clean() gives the friendly message; this constraint makes sure two
concurrent saves cannot both succeed. SQLite serializes writers and relies on clean().
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE registry_membership ADD CONSTRAINT registry_membership_one_full_time_post
    EXCLUDE USING gist (mediator_id WITH =, daterange(start_date, end_date, '[]') WITH &&)
    WHERE (employment = '专职');
"""
DROP = "ALTER TABLE registry_membership DROP CONSTRAINT IF EXISTS registry_membership_one_full_time_post;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
