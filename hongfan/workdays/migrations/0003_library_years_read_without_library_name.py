"""The seeded years are named by their source (国务院办公厅节假日安排), not by the library
that carries them: the label of the ``library`` source, and the note of the years seeded
before, which named ``chinesecalendar`` and its version."""

from django.db import migrations, models

NOTE = "国务院办公厅节假日安排通知"


def rename_notes(apps, schema_editor):
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarYear.objects.filter(source="library", note__contains="chinesecalendar").update(
        note=NOTE
    )


class Migration(migrations.Migration):
    dependencies = [("workdays", "0002_seed_holidays_from_chinese_calendar")]

    operations = [
        migrations.AlterField(
            model_name="calendaryear",
            name="source",
            field=models.CharField(
                choices=[("library", "系统内置"), ("admin", "管理员录入")],
                max_length=16,
                verbose_name="来源",
            ),
        ),
        migrations.RunPython(rename_notes, migrations.RunPython.noop),
    ]
