"""The stored deadline of a home-nursing booking (``due_at``, filled for existing bookings
from the rule in force on the local day of booking), the monthly hours tally (filled
from the ledger), and the indexes the dashboards' desk-help and loan figures read."""

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Sum
from django.utils import timezone

DEFAULT_PROMISE_HOURS = 24


def fill_due_at(apps, schema_editor):
    NursingBooking = apps.get_model("service", "NursingBooking")
    NursingRule = apps.get_model("service", "NursingRule")
    Hospital = apps.get_model("org", "Hospital")
    versions: dict[int, list] = {}
    for r in NursingRule.objects.order_by("-effective_from"):
        versions.setdefault(r.authority_id, []).append((r.effective_from, r.promise_hours))
    authority_of = dict(Hospital.objects.values_list("pk", "authority_id"))

    def hours_on(authority_id, day):
        for since, hours in versions.get(authority_id, []):
            if since <= day:
                return hours
        return DEFAULT_PROMISE_HOURS

    batch = []
    for b in NursingBooking.objects.filter(due_at__isnull=True).only(
        "pk", "hospital_id", "requested_at"
    ).iterator(chunk_size=2000):
        day = timezone.localdate(b.requested_at)
        b.due_at = b.requested_at + timedelta(hours=hours_on(authority_of[b.hospital_id], day))
        batch.append(b)
        if len(batch) >= 2000:
            NursingBooking.objects.bulk_update(batch, ["due_at"])
            batch = []
    NursingBooking.objects.bulk_update(batch, ["due_at"])


def fill_tally(apps, schema_editor):
    HourEntry = apps.get_model("service", "HourEntry")
    HourTally = apps.get_model("service", "HourTally")
    rows = (
        HourEntry.objects.order_by()
        .values("hospital_id", "branch_id", "occurred_on__year", "occurred_on__month", "kind")
        .annotate(h=Sum("hours"))
    )
    HourTally.objects.bulk_create(
        [
            HourTally(
                hospital_id=r["hospital_id"],
                branch_id=r["branch_id"],
                year=r["occurred_on__year"],
                month=r["occurred_on__month"],
                kind=r["kind"],
                hours=r["h"],
            )
            for r in rows
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0007_orgrule_appraisal_excellent_divisor'),
        ('service', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HourTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('month', models.PositiveSmallIntegerField(verbose_name='月份')),
                ('kind', models.CharField(choices=[('service', '服务时长'), ('training', '培训时长')], max_length=10, verbose_name='类别')),
                ('hours', models.DecimalField(decimal_places=2, default=0, max_digits=10, verbose_name='时长')),
            ],
            options={
                'verbose_name': '月度志愿服务时长',
            },
        ),
        migrations.AddField(
            model_name='nursingbooking',
            name='due_at',
            field=models.DateTimeField(null=True, verbose_name='承诺上门时限'),
        ),
        migrations.RunPython(fill_due_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='nursingbooking',
            name='due_at',
            field=models.DateTimeField(verbose_name='承诺上门时限'),
        ),
        migrations.AddIndex(
            model_name='nursingbooking',
            index=models.Index(fields=['hospital', 'status', 'due_at'], name='service_nursing_due'),
        ),
        migrations.AddField(
            model_name='hourtally',
            name='branch',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.branch'),
        ),
        migrations.AddField(
            model_name='hourtally',
            name='hospital',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.hospital'),
        ),
        migrations.AddIndex(
            model_name='hourtally',
            index=models.Index(fields=['hospital', 'year', 'kind'], name='service_hourtally_hosp'),
        ),
        migrations.AddIndex(
            model_name='hourtally',
            index=models.Index(fields=['year', 'kind'], name='service_hourtally_year'),
        ),
        migrations.AddConstraint(
            model_name='hourtally',
            constraint=models.UniqueConstraint(condition=models.Q(('branch__isnull', False)), fields=('hospital', 'branch', 'year', 'month', 'kind'), name='service_hourtally_unique'),
        ),
        migrations.AddConstraint(
            model_name='hourtally',
            constraint=models.UniqueConstraint(condition=models.Q(('branch__isnull', True)), fields=('hospital', 'year', 'month', 'kind'), name='service_hourtally_unique_nobranch'),
        ),
        migrations.RunPython(fill_tally, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='deskhelp',
            index=models.Index(fields=['hospital', 'occurred_at', 'count'], name='service_help_hospital'),
        ),
        migrations.AddIndex(
            model_name='loan',
            index=models.Index(fields=['hospital', 'lent_at'], name='service_loan_hospital_lent'),
        ),
    ]
