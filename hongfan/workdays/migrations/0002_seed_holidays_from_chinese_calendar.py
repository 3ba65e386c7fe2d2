"""Every fresh database starts with the years the chinesecalendar library covers (2004–2026
at version 1.11). Later library years: ``manage.py seedholidays``."""

from django.db import migrations


def seed(apps, schema_editor):
    from hongfan.workdays.services.holidays import seed_from_library

    seed_from_library(
        year_model=apps.get_model("workdays", "CalendarYear"),
        day_model=apps.get_model("workdays", "DayOverride"),
    )


def unseed(apps, schema_editor):
    apps.get_model("workdays", "DayOverride").objects.filter(source="seeded").delete()
    apps.get_model("workdays", "CalendarYear").objects.filter(source="library").delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_calendar_year_and_day_override")]

    operations = [migrations.RunPython(seed, unseed)]
