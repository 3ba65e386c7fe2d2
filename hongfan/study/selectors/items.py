"""Reads of study material (学习资料): an item, the items meant for a member with their
progress, the items a manager published, the topics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.http import Http404
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.dates import today
from hongfan.core.prepared import PreparedQuery
from hongfan.org.models import Branch, Hospital, Person
from hongfan.study.choices import LogStatus
from hongfan.study.models import StudyCompletion, StudyItem, StudyLog, StudyTopic
from hongfan.study.policy import reads_scoped
from hongfan.study.selectors.learners import learner_filter, learner_for, meant_for


def publish_branches(*, access: Access, hospital: Hospital) -> QuerySet[Branch]:
    """The branches this user may publish to (their own for a secretary, any for an admin)."""
    qs = Branch.objects.filter(hospital=hospital, active=True)
    if not access.administers_hospital(hospital.pk):
        qs = qs.filter(pk__in=access.branch_ids)
    return qs.order_by("pk")


def topic_list(hospital: Hospital) -> list[StudyTopic]:
    return list(StudyTopic.objects.filter(hospital=hospital).order_by("name"))


def topic_choices(hospital: Hospital) -> QuerySet[StudyTopic]:
    """The hospital's topics, for a form's choices."""
    return StudyTopic.objects.filter(hospital=hospital).order_by("name")


# --- items ------------------------------------------------------------------------------------


def item_get(*, access: Access, pk: int) -> StudyItem:
    access.require_business()
    item = (
        StudyItem.objects.select_related("hospital", "branch", "topic", "published_by")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("学习资料不存在")
    if not reads_scoped(access, hospital_id=item.hospital_id, branch_id=item.branch_id):
        raise access.denied(item.hospital_id, "学习资料")
    if item.withdrawn_at is not None and not (
        access.is_city or access.manages_branch(item.branch_id, item.hospital_id)
    ):
        raise Http404("该学习资料已撤回")
    return item


def items_for_member(person: Person) -> QuerySet[StudyItem]:
    return (
        StudyItem.objects.filter(meant_for(person), withdrawn_at__isnull=True)
        .filter(published_at__lte=timezone.now())
        .select_related("topic", "branch")
        .order_by("-required", F("due_on").asc(nulls_last=True), "-published_at", "-id")
    )


def item_list(
    *, access: Access, hospital: Hospital, include_withdrawn: bool = False
) -> QuerySet[StudyItem]:
    """Items a manager sees: the hospital's (admin, city), or a secretary's branches' and
    the hospital-wide ones."""
    access.require_business()
    qs = StudyItem.objects.filter(hospital=hospital)
    if access.is_city or access.administers_hospital(hospital.pk):
        pass
    elif hospital.pk in access.branch_hospital_ids:
        qs = qs.filter(Q(branch__isnull=True) | Q(branch_id__in=access.branch_ids))
    else:
        raise access.denied(hospital.pk, "医院的学习资料")
    if not include_withdrawn:
        qs = qs.filter(withdrawn_at__isnull=True)
    return (
        qs.select_related("topic", "branch", "published_by")
        .annotate(finished=Count("completions", distinct=True))
        .order_by("-published_at", "-id")
    )


@dataclass
class ItemProgress:
    item: StudyItem
    confirmed_minutes: int = 0
    pending_minutes: int = 0
    completion: StudyCompletion | None = None

    @property
    def finished(self) -> bool:
        return self.completion is not None

    @property
    def overdue(self) -> bool:
        return bool(
            self.item.required
            and not self.finished
            and self.item.due_on is not None
            and self.item.due_on < today()
        )

    @property
    def due_soon(self) -> bool:
        due = self.item.due_on
        return bool(
            not self.finished and due is not None and today() <= due <= today() + timedelta(7)
        )


def item_progress(person: Person, items: list[StudyItem]) -> list[ItemProgress]:
    """Each item with this member's confirmed and pending minutes and their completion:
    two queries whatever the number of items."""
    ids = [i.pk for i in items]
    sums: dict[int, tuple[int | None, int | None]] = {
        item_id: (confirmed, pending)
        for item_id, confirmed, pending in StudyLog.objects.filter(person=person, item_id__in=ids)
        .order_by()
        .values_list("item_id")
        .annotate(
            confirmed=Sum("minutes", filter=Q(status=LogStatus.CONFIRMED)),
            pending=Sum("minutes", filter=Q(status=LogStatus.PENDING)),
        )
    }
    done = {c.item_id: c for c in StudyCompletion.objects.filter(person=person, item_id__in=ids)}
    out = []
    for item in items:
        confirmed, pending = sums.get(item.pk, (0, 0))
        out.append(
            ItemProgress(
                item,
                confirmed_minutes=confirmed or 0,
                pending_minutes=pending or 0,
                completion=done.get(item.pk),
            )
        )
    return out


_PROGRESS_FIELDS = (
    "pk",
    "hospital_id",
    "branch_id",
    "topic_id",
    "kind",
    "title",
    "required",
    "due_on",
    "expected_minutes",
    "published_at",
)


def _member_progress_query(
    person_id: int, hospital_id: int, branch_id: int, now: Any
) -> QuerySet[Any]:
    """``member_progress``'s query (compiled once per process, see ``_MEMBER_PROGRESS``):
    ``items_for_member`` for a person of that hospital and branch (0: none), the columns
    the page shows, the member's minutes and completion."""
    logs = StudyLog.objects.filter(person_id=person_id, item=OuterRef("pk")).order_by()

    def minutes(status: str) -> Subquery:
        return Subquery(
            logs.filter(status=status).values("item").annotate(m=Sum("minutes")).values("m")[:1],
            output_field=IntegerField(),
        )

    return (
        StudyItem.objects.filter(
            Q(hospital_id=hospital_id) & (Q(branch__isnull=True) | Q(branch_id=branch_id)),
            withdrawn_at__isnull=True,
            published_at__lte=now,
        )
        .annotate(
            mine=FilteredRelation("completions", condition=Q(completions__person_id=person_id)),
            confirmed=minutes(LogStatus.CONFIRMED),
            pending=minutes(LogStatus.PENDING),
            done_id=F("mine__id"),
            done_on=F("mine__completed_on"),
            done_entry=F("mine__points_entry_id"),
        )
        .order_by("-required", F("due_on").asc(nulls_last=True), "-published_at", "-id")
        .values_list(
            *_PROGRESS_FIELDS,
            "topic__name",
            "branch__name",
            "confirmed",
            "pending",
            "done_id",
            "done_on",
            "done_entry",
        )
    )


_MEMBER_PROGRESS = PreparedQuery(_member_progress_query, convert=True)


def member_progress(person: Person) -> list[ItemProgress]:
    """``item_progress(person, items_for_member(person))`` in one query compiled once per
    process (我的学习): each item with what the page shows of it (not its body), its topic
    and branch names, the member's confirmed and pending minutes as subqueries and their
    completion joined (one at most per item and member). The completion carries what the
    page shows (its id, day and points entry), not its other columns."""
    rows = _MEMBER_PROGRESS.rows(
        person.pk, person.hospital_id, person.branch_id or 0, timezone.now()
    )
    width = len(_PROGRESS_FIELDS)
    out = []
    for row in rows:
        item = StudyItem(**dict(zip(_PROGRESS_FIELDS, row[:width], strict=True)))
        topic, branch, confirmed, pending, done_id, done_on, done_entry = row[width:]
        item.topic = StudyTopic(pk=item.topic_id, hospital_id=item.hospital_id, name=topic)
        if item.branch_id is not None:
            item.branch = Branch(pk=item.branch_id, hospital_id=item.hospital_id, name=branch)
        done = None
        if done_id is not None:
            done = StudyCompletion(
                id=done_id,
                person_id=person.pk,
                item_id=item.pk,
                hospital_id=item.hospital_id,
                completed_on=done_on,
                points_entry_id=done_entry,
            )
        out.append(
            ItemProgress(
                item,
                confirmed_minutes=confirmed or 0,
                pending_minutes=pending or 0,
                completion=done,
            )
        )
    return out


def my_items(*, access: Access) -> list[ItemProgress]:
    person = learner_for(access)
    return item_progress(person, list(items_for_member(person)))


def item_finished_count(item: StudyItem) -> int:
    """How many members finished an item."""
    return StudyCompletion.objects.filter(item=item).count()


# --- the home page's tasks and sections (core.todos, core.panels) -------------------------------


def required_undone(*, access: Access) -> list[StudyItem]:
    """The required items the acting member has not finished, the earliest due first (one
    query; none for a user who does not study)."""
    meant = learner_filter(access)
    if meant is None or access.person_id is None:
        return []
    return list(
        StudyItem.objects.filter(
            meant, required=True, withdrawn_at__isnull=True, published_at__lte=timezone.now()
        )
        .exclude(completions__person_id=access.person_id)
        .only("title", "due_on", "published_at")  # what the task shows (not the bodies)
        .order_by(F("due_on").asc(nulls_last=True), "-published_at", "-id")
    )


def items_latest(*, access: Access, limit: int = 3) -> list[ItemProgress]:
    """The newest items meant for the acting member, with whether they finished each (one
    query, without the items' bodies; none for a user who does not study)."""
    meant = learner_filter(access)
    if meant is None or access.person_id is None:
        return []
    mine = StudyCompletion.objects.filter(person_id=access.person_id, item_id=OuterRef("pk"))
    items = list(
        StudyItem.objects.filter(meant, withdrawn_at__isnull=True, published_at__lte=timezone.now())
        .select_related("topic")
        .only("title", "required", "due_on", "published_at", "topic__name")
        .annotate(done=Exists(mine))
        .order_by("-published_at", "-id")[:limit]
    )
    return [ItemProgress(i, completion=StudyCompletion(item=i) if i.done else None) for i in items]


def my_item_progress(*, access: Access, item: StudyItem) -> ItemProgress:
    """The acting member's progress on one item (after finishing it, for the page)."""
    return item_progress(learner_for(access), [item])[0]
