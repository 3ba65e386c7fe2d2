"""The developments recorded before steps existed keep their stage dates: each date becomes
the step it stands for (application, talk, activist, candidate, political review, branch
meeting, conversion), recorded as migrated; nothing is invented for the steps that had no
date."""

from django.db import migrations

STEPS = [
    ("applied_on", "application", "递交入党申请书"),
    ("talked_on", "talk", "党组织派人谈话"),
    ("activist_on", "activist", "确定为入党积极分子"),
    ("candidate_on", "candidate", "确定为发展对象"),
    ("reviewed_on", "review", "政治审查"),
    ("probation_on", "branch_meeting", "支部大会讨论接收预备党员"),
    ("full_on", "conversion", "支部大会讨论转正"),
]
NOTE = "按原发展记录的日期登记"


def forwards(apps, schema_editor):
    Development = apps.get_model("org", "Development")
    DevelopmentStep = apps.get_model("org", "DevelopmentStep")
    rows = []
    have = set(DevelopmentStep.objects.values_list("development_id", "kind"))
    for dev in Development.objects.order_by("pk").iterator():
        for field, kind, label in STEPS:
            day = getattr(dev, field)
            if day is not None and (dev.pk, kind) not in have:
                rows.append(
                    DevelopmentStep(
                        development_id=dev.pk, kind=kind, label=label, done_on=day, note=NOTE
                    )
                )
        if len(rows) >= 2000:
            DevelopmentStep.objects.bulk_create(rows)
            rows = []
    DevelopmentStep.objects.bulk_create(rows)


def backwards(apps, schema_editor):
    apps.get_model("org", "DevelopmentStep").objects.filter(note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("org", "0005_development_steps_documents_introducers")]

    operations = [migrations.RunPython(forwards, backwards)]
