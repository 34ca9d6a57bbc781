"""Index from the EXPLAIN of the reports' and admin list's hot queries (issue 16; docs/performance.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('training', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='trainingsession',
            index=models.Index(fields=['date'], name='training_session_date_idx'),
        ),
    ]
