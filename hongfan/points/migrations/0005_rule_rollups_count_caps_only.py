"""A rule's rollup rows keep only the cap counter (``earned``); their ``points`` become 0.

With ``points`` unchanged, an award's update of a rule's rows changes no indexed column,
so PostgreSQL can make it a HOT update (no new index entries) when the page has room: the
rollup table's fillfactor is set to 80 for that. SQLite has no fillfactor.
"""

from django.db import migrations

FILLFACTOR = 80


def forwards(apps, schema_editor):
    PointTotal = apps.get_model("points", "PointTotal")
    PointTotal.objects.filter(rule__isnull=False).exclude(points=0).update(points=0)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE points_pointtotal SET (fillfactor = {FILLFACTOR})")


def backwards(apps, schema_editor):
    """Rebuild the rule rows' points from the ledger."""
    PointTotal = apps.get_model("points", "PointTotal")
    PointEntry = apps.get_model("points", "PointEntry")
    from django.db.models import Sum

    from hongfan.points.periods import period_start

    for total in PointTotal.objects.filter(rule__isnull=False).iterator():
        end = _period_end(total.period, total.period_start)
        sums = PointEntry.objects.filter(
            person_id=total.person_id,
            rule_id=total.rule_id,
            occurred_on__gte=total.period_start,
            occurred_on__lt=end,
        ).aggregate(s=Sum("points"))
        assert period_start(total.period, total.period_start) == total.period_start
        PointTotal.objects.filter(pk=total.pk).update(points=sums["s"] or 0)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE points_pointtotal RESET (fillfactor)")


def _period_end(period, start):
    from datetime import timedelta

    if period == "day":
        return start + timedelta(days=1)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    month = start.month - 1 + months
    return start.replace(year=start.year + month // 12, month=month % 12 + 1, day=1)


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0004_fewer_ledger_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
