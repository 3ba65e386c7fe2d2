"""The tables of 季度之星 take recognition's names (rows, keys and constraints unchanged)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0006_stars_move_to_recognition"),
        ("recognition", "0001_stars_from_points"),
    ]

    operations = [
        migrations.AlterModelTable(name="starselection", table=None),
        migrations.AlterModelTable(name="quarterstar", table=None),
    ]
