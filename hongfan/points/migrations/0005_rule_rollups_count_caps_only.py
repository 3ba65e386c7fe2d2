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
    """Rebuild the rule rows' points from the ledger: one GROUP BY per period."""
    from django.db.models import F, Sum
    from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear

    PointTotal = apps.get_model("points", "PointTotal")
    PointEntry = apps.get_model("points", "PointEntry")
    trunc = {
        "day": F("occurred_on"),
        "month": TruncMonth("occurred_on"),
        "quarter": TruncQuarter("occurred_on"),
        "year": TruncYear("occurred_on"),
    }
    for period, start in trunc.items():
        sums = {
            (person_id, rule_id, _as_date(day)): points
            for person_id, rule_id, day, points in PointEntry.objects.annotate(start=start)
            .order_by()
            .values_list("person_id", "rule_id", "start")
            .annotate(s=Sum("points"))
        }
        changed = []
        for total in PointTotal.objects.filter(rule__isnull=False, period=period).only(
            "person_id", "rule_id", "period_start", "points"
        ):
            total.points = sums.get((total.person_id, total.rule_id, total.period_start), 0)
            changed.append(total)
        PointTotal.objects.bulk_update(changed, ["points"], batch_size=5000)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE points_pointtotal RESET (fillfactor)")


def _as_date(value):
    return value.date() if hasattr(value, "date") else value


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0004_fewer_ledger_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
