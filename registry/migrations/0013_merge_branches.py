"""Joins the migrations that were written side by side (each numbered by the work that wrote it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_column_mapping"),
        ("registry", "0007_import_records"),
        ("registry", "0008_organization_plan_fields"),
        ("registry", "0009_merge_plan_fields_report_indexes"),
        ("registry", "0010_pinyin_names"),
        ("registry", "0011_demo_record"),
        ("registry", "0012_personal_data_access"),
    ]

    operations = []
