"""The 三会一课 reminders sent before categories were data move to 组织生活 (and messages
without a category to 系统), so that the inbox and 消息设置 speak of one set of categories."""

from django.db import migrations

MOVES = {"三会一课": "组织生活", "": "系统"}


def forwards(apps, schema_editor):
    Notification = apps.get_model("notices", "Notification")
    for old, new in MOVES.items():
        Notification.objects.filter(category=old).update(category=new)


def backwards(apps, schema_editor):
    Notification = apps.get_model("notices", "Notification")
    Notification.objects.filter(category="组织生活", key__startswith="orglife.remind:").update(
        category="三会一课"
    )


class Migration(migrations.Migration):
    dependencies = [("notices", "0002_notification_preference")]
    operations = [migrations.RunPython(forwards, backwards)]
