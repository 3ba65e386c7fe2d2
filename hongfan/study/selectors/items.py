"""Reads of study material (学习资料): an item, the items meant for a member with their
progress, the items a manager published, the topics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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


def member_progress(person: Person) -> list[ItemProgress]:
    """``item_progress(person, items_for_member(person))`` in one query (我的学习): each
    item's confirmed and pending minutes as subqueries and the member's completion joined
    (one at most per item and member). The completion carries what the page shows (its id,
    day and points entry), not its other columns."""
    logs = StudyLog.objects.filter(person=person, item=OuterRef("pk")).order_by().values("item")

    def minutes(status: str) -> Subquery:
        return Subquery(
            logs.filter(status=status).annotate(m=Sum("minutes")).values("m")[:1],
            output_field=IntegerField(),
        )

    rows = (
        items_for_member(person)
        # what the page shows of an item (not its body, summary, video or document)
        .only(
            "hospital_id",
            "branch_id",
            "topic_id",
            "kind",
            "title",
            "required",
            "due_on",
            "expected_minutes",
            "published_at",
            "topic__name",
            "branch__name",
        )
        .annotate(
            mine=FilteredRelation("completions", condition=Q(completions__person=person)),
            confirmed=minutes(LogStatus.CONFIRMED),
            pending=minutes(LogStatus.PENDING),
            done_id=F("mine__id"),
            done_on=F("mine__completed_on"),
            done_entry=F("mine__points_entry_id"),
        )
    )
    out = []
    for item in rows:
        done = None
        if item.done_id is not None:  # type: ignore[attr-defined]
            done = StudyCompletion(
                id=item.done_id,  # type: ignore[attr-defined]
                person_id=person.pk,
                item_id=item.pk,
                hospital_id=item.hospital_id,
                completed_on=item.done_on,  # type: ignore[attr-defined]
                points_entry_id=item.done_entry,  # type: ignore[attr-defined]
            )
        out.append(
            ItemProgress(
                item,
                confirmed_minutes=item.confirmed or 0,  # type: ignore[attr-defined]
                pending_minutes=item.pending or 0,  # type: ignore[attr-defined]
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
