"""Reads of what activities did: an activity's record, its served counts, photos and
households (masked), one household or photo in scope, and the follow-ups due (the home
page's to-do)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from hongfan.core.access import Access, get_scoped
from hongfan.core.pii import mask_mobile, masked
from hongfan.service.models import Activity, ActivityPhoto, Household, ServiceRecord
from hongfan.service.selectors.activity import activity_get, manages_activity

FOLLOW_UP_AHEAD = timedelta(days=3)


def record_of(activity: Activity) -> ServiceRecord | None:
    return ServiceRecord.objects.filter(activity=activity).prefetch_related("counts").first()


def photos_of(activity: Activity) -> list[ActivityPhoto]:
    return list(ActivityPhoto.objects.filter(activity=activity).order_by("uploaded_at", "pk"))


@dataclass
class HouseholdLine:
    """A household as the page shows it: the name's first character, the mobile masked,
    the address cut to its first part."""

    row: Household
    name: str
    mobile: str
    address: str


def mask_name(name: str) -> str:
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""


def mask_address(address: str) -> str:
    return (address[:6] + "……") if len(address) > 6 else address


def masked_name(h: Household) -> str:
    return masked(h.name, mask_name, where="service_household.name")


def households_of(activity: Activity) -> list[HouseholdLine]:
    return [
        HouseholdLine(
            h,
            masked_name(h),
            masked(h.mobile, mask_mobile, where="service_household.mobile") if h.mobile else "",
            masked(h.address, mask_address, where="service_household.address"),
        )
        for h in Household.objects.filter(activity=activity).order_by("recorded_at", "pk")
    ]


def household_get(*, access: Access, pk: int) -> Household:
    """A household for the organisers of its activity."""
    return get_scoped(
        Household.objects.select_related("activity"),
        pk,
        access,
        noun="走访记录",
        may=lambda h: manages_activity(access, h.activity),
        refusal="只能管理本支部活动的走访记录",
    )


def photo_get(*, access: Access, pk: int) -> ActivityPhoto:
    """A photo, for whoever may read its activity."""
    row = ActivityPhoto.objects.filter(pk=pk).first()
    if row is None:
        access.require_business()
        from django.http import Http404

        raise Http404("照片不存在")
    activity_get(access=access, pk=row.activity_id)
    return row


def _organised(access: Access) -> Q:
    return Q(activity__hospital_id__in=access.hospital_ids) | Q(
        activity__branch_id__in=access.branch_ids
    )


def follow_ups_due(*, access: Access, today: date) -> QuerySet[Household]:
    """Households whose follow-up is due within three days (or overdue) and not yet done,
    of the activities the user organises."""
    if not (access.hospital_ids or access.branch_ids):
        return Household.objects.none()
    return (
        Household.objects.filter(
            _organised(access),
            follow_up_needed=True,
            followed_up_at__isnull=True,
            follow_up_due__lte=today + FOLLOW_UP_AHEAD,
        )
        .select_related("activity")
        .order_by("follow_up_due", "pk")
    )


def follow_ups_open(*, access: Access) -> QuerySet[Household]:
    """Every open follow-up of the activities the user organises (the follow-up page)."""
    if not (access.hospital_ids or access.branch_ids):
        return Household.objects.none()
    return (
        Household.objects.filter(
            _organised(access), follow_up_needed=True, followed_up_at__isnull=True
        )
        .select_related("activity", "activity__branch")
        .order_by("follow_up_due", "pk")
    )
