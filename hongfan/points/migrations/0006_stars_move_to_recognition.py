"""季度之星 leave points for hongfan.recognition (issue 9): removed from points' state only;
their tables and rows stay, now recognition's (see recognition's 0001)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0005_rule_rollups_count_caps_only"),
        ("recognition", "0001_stars_from_points"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="QuarterStar"),
                migrations.DeleteModel(name="StarSelection"),
            ],
        ),
    ]
