"""季度之星 move from points into recognition (issue 9). Nothing in the database changes
here: the two models are created in recognition's state on their existing tables
(``points_starselection``, ``points_quarterstar``), and points' 0006 deletes them from its
own state only. 0002 then renames the tables. Their content types (and the permissions
hanging on them) move along, so no row is left pointing at a model that is gone."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("starselection", "quarterstar")


def _move_content_types(apps, schema_editor, src: str, dst: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label=dst, model=model).exists():
            ContentType.objects.using(db).filter(app_label=src, model=model).update(app_label=dst)
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "points", "recognition")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "recognition", "points")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0002_person_roster_order_index"),
        ("points", "0005_rule_rollups_count_caps_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="StarSelection",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                        ("quarter", models.PositiveSmallIntegerField(verbose_name="季度")),
                        ("status", models.CharField(choices=[("draft", "草拟"), ("notice", "公示中"), ("confirmed", "已确认")], default="draft", max_length=12, verbose_name="状态")),
                        ("quota_mode", models.CharField(choices=[("per_branch", "每个支部名额"), ("hospital_total", "全院总名额")], default="hospital_total", max_length=16, verbose_name="名额方式")),
                        ("quota", models.PositiveSmallIntegerField(default=9, verbose_name="名额")),
                        ("min_points", models.DecimalField(decimal_places=1, default=0, max_digits=8, verbose_name="最低季度积分")),
                        ("min_attendance_share", models.DecimalField(decimal_places=2, default=0, max_digits=4, verbose_name="组织生活出勤率下限（0—1）")),
                        ("exclude_complaints", models.BooleanField(default=True, verbose_name="本季度有经核实投诉扣分者不参评")),
                        ("notice_workdays", models.PositiveSmallIntegerField(default=5, verbose_name="公示期（工作日）")),
                        ("notice_start", models.DateField(blank=True, null=True, verbose_name="公示开始")),
                        ("notice_end", models.DateField(blank=True, null=True, verbose_name="公示截止")),
                        ("notice_fallback", models.CharField(blank=True, max_length=100, verbose_name="公示期计算说明")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                        ("confirmed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("hospital", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="star_selections", to="org.hospital")),
                    ],
                    options={
                        "verbose_name": "季度之星评选",
                        "ordering": ["-year", "-quarter"],
                        "db_table": "points_starselection",
                        "constraints": [
                            models.UniqueConstraint(fields=("hospital", "year", "quarter"), name="star_selection_once_per_quarter", violation_error_message="本院该季度已有评选"),
                            models.CheckConstraint(condition=models.Q(("quarter__gte", 1), ("quarter__lte", 4)), name="star_selection_quarter_range", violation_error_message="季度应为1—4"),
                            models.CheckConstraint(condition=models.Q(("min_attendance_share__gte", 0), ("min_attendance_share__lte", 1)), name="star_selection_share_range", violation_error_message="出勤率下限应在0到1之间"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="QuarterStar",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("points", models.DecimalField(decimal_places=1, max_digits=10, verbose_name="季度积分")),
                        ("rank", models.PositiveIntegerField(verbose_name="全院名次")),
                        ("branch", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="org.branch")),
                        ("person", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="stars", to="org.person")),
                        ("selection", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="stars", to="recognition.starselection")),
                    ],
                    options={
                        "verbose_name": "季度之星",
                        "ordering": ["selection_id", "rank", "person_id"],
                        "db_table": "points_quarterstar",
                        "constraints": [
                            models.UniqueConstraint(fields=("selection", "person"), name="quarter_star_once", violation_error_message="此人已在名单中"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
