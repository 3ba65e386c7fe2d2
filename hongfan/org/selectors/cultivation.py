"""Reads on 双培养: one record, the list, the summary by direction and outcome.
Reads. Every function takes the acting ``Access``; out-of-scope objects are a 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from hongfan.core.access import Access, get_scoped
from hongfan.org.choices import CultivationDirection, CultivationOutcome
from hongfan.org.models import DualCultivation, Hospital


def cultivation_get(*, access: Access, pk: int) -> DualCultivation:
    """One 双培养 row for the hospital's readers (city, its admins); 403 inside one's own
    hospital, 404 elsewhere."""
    return get_scoped(
        DualCultivation.objects.select_related("person", "hospital"),
        pk,
        access,
        noun="记录",
        may=lambda row: access.reads_hospital(row.hospital_id),
        refusal="双培养由医院党委登记",
    )


def cultivation_list(*, access: Access, hospital: Hospital) -> list[DualCultivation]:
    if not (access.is_city or access.administers_hospital(hospital.pk)):
        raise PermissionDenied("没有权限查看双培养台账")
    return list(
        DualCultivation.objects.filter(hospital=hospital)
        .select_related("person", "person__department", "mentor")
        .order_by("direction", "-started_on", "pk")
    )


def cultivation_summary(rows: list[DualCultivation]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {
        d.value: {o.value: 0 for o in CultivationOutcome} for d in CultivationDirection
    }
    for r in rows:
        out[r.direction][r.outcome] += 1
    return out
