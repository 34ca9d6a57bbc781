"""Index from the EXPLAIN of the reports' and admin list's hot queries (issue 16; docs/performance.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('subsidies', '0002_choice_labels'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='payout',
            index=models.Index(fields=['period', 'status'], name='subsidies_payout_period_idx'),
        ),
    ]
