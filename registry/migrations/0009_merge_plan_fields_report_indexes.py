"""Joins c14's 0008 (organization plan fields) and c16's 0009 (report indexes), both on 0004."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_organization_plan_fields"),
        ("registry", "0009_report_indexes"),
    ]
    operations = []
