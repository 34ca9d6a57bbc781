"""Indexes from the EXPLAIN of the reports' and admin lists' hot queries at the city tier (issue 16;
docs/performance.md says which query each serves)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0004_chinese_choice_labels'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='area',
            index=models.Index(fields=['level', 'name'], name='registry_area_level_name_idx'),
        ),
        migrations.AddIndex(
            model_name='mediator',
            index=models.Index(fields=['name', 'id_number'], name='registry_mediator_name_id_idx'),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['organization', 'start_date'], name='registry_post_org_start_idx'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['kind', 'name'], name='registry_org_kind_name_idx'),
        ),
    ]
