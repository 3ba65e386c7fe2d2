"""The demo's 发展党员 steps (a ``core.demo.DemoStep``, run by ``builddemo`` after the city's
people and accounts): each development's stage dates become its steps, with the quarterly
思想汇报, the half-yearly 培养考察, the 公示, 预审 and 志愿书 of those already received and the
two 入党介绍人 they needed; in the secretary's branch one step done late with its reason and
one talk coming due. Idempotent: developments that have steps are left alone."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from hongfan.core.dates import add_months, today
from hongfan.core.roles import Role
from hongfan.org.choices import (
    DevelopmentStage,
    DevelopmentStatus,
    DevelopmentStepKind,
    PersonStatus,
    PoliticalStatus,
)
from hongfan.org.models import Development, DevelopmentStep, Person
from hongfan.org.rules import STEP_FIELDS

K = DevelopmentStepKind
LATE_REASON = "原定培养联系人外出进修，返院后重新指定"


def _step(dev: Development, kind: str, day: date, **extra: Any) -> DevelopmentStep:
    return DevelopmentStep(
        development_id=dev.pk, kind=kind, label=K(kind).label, done_on=day, **extra
    )


def _steps_for(  # noqa: C901
    dev: Development, rng: random.Random, day: date, contacts: list[str]
) -> list[DevelopmentStep]:
    rows = [
        _step(dev, kind, getattr(dev, field))
        for kind, field in STEP_FIELDS.items()
        if getattr(dev, field) is not None
    ]
    if dev.activist_on:
        contact = dev.activist_on + timedelta(days=rng.randint(3, 20))
        if contact <= day:
            who = rng.choice(contacts) if contacts else ""
            rows.append(_step(dev, K.CONTACT, contact, note=f"培养联系人：{who}" if who else ""))
        end = min(day, dev.full_on or day)
        report = dev.activist_on + timedelta(days=rng.randint(60, 85))
        while report <= end:
            rows.append(_step(dev, K.THOUGHT_REPORT, report))
            report += timedelta(days=rng.randint(80, 88))
        inspect = dev.activist_on + timedelta(days=rng.randint(150, 175))
        while inspect <= min(end, dev.candidate_on or end):
            rows.append(_step(dev, K.INSPECTION, inspect))
            inspect += timedelta(days=rng.randint(160, 178))
    if dev.candidate_on and dev.training_hours >= 24:
        training = dev.candidate_on + timedelta(days=rng.randint(12, 25))
        limit = (dev.probation_on - timedelta(days=40)) if dev.probation_on else day
        training = min(training, limit)
        if dev.candidate_on <= training <= day:
            rows.append(_step(dev, K.TRAINING, training, hours=dev.training_hours))
    if dev.probation_on:
        for kind, before in ((K.NOTICE, 30), (K.PRE_REVIEW, 20), (K.VOLUNTEER_FORM, 10)):
            rows.append(_step(dev, kind, dev.probation_on - timedelta(days=before)))
        approval = dev.probation_on + timedelta(days=rng.randint(20, 70))
        if approval <= day:
            rows.append(_step(dev, K.APPROVAL, approval))
            oath = approval + timedelta(days=rng.randint(3, 12))
            if oath <= day:
                rows.append(_step(dev, K.OATH, oath))
    return rows


def build_development_steps(authority: Any) -> None:
    day = today()
    rng = random.Random(20261203)
    devs = list(
        Development.objects.filter(hospital__authority=authority, steps__isnull=True).order_by("pk")
    )
    full: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, name, branch_id in Person.objects.filter(
        hospital__authority=authority,
        political_status=PoliticalStatus.MEMBER,
        status=PersonStatus.ACTIVE,
        branch__isnull=False,
    ).values_list("pk", "name", "branch_id"):
        full[branch_id].append((pk, name))
    rows: list[DevelopmentStep] = []
    chosen: list[Development] = []
    for dev in devs:
        members = full.get(dev.branch_id, [])
        rows += _steps_for(dev, rng, day, [n for _, n in members[:12]])
        if (dev.probation_on or dev.reviewed_on) and len(members) >= 2:
            (a, a_name), (b, b_name) = rng.sample(members[:20], 2)
            dev.introducer_1_id, dev.introducer_2_id = a, b
            dev.introducers = f"{a_name}、{b_name}"
            chosen.append(dev)
    DevelopmentStep.objects.bulk_create(rows, batch_size=2000)
    Development.objects.bulk_update(
        chosen, ["introducer_1", "introducer_2", "introducers"], batch_size=1000
    )
    _showcase(authority, day)


def _showcase(authority: Any, day: date) -> None:
    """In the demo secretary's branch: one step done late (with its reason) and one talk
    coming due within a fortnight."""
    from hongfan.accounts.models import RoleAssignment  # beside org in its layer

    ra = RoleAssignment.objects.filter(
        user__username="sec", role=Role.BRANCH_SECRETARY, branch__hospital__authority=authority
    ).first()
    if ra is None or ra.branch_id is None:
        return
    active = Development.objects.filter(branch_id=ra.branch_id, status=DevelopmentStatus.ACTIVE)
    if not DevelopmentStep.objects.filter(development__in=active, late=True).exists():
        activist = (
            active.filter(
                stage=DevelopmentStage.ACTIVIST, activist_on__lte=day - timedelta(days=45)
            )
            .order_by("pk")
            .first()
        )
        if activist is not None and activist.activist_on is not None:
            due = add_months(activist.activist_on, 1)
            contact = activist.steps.filter(kind=K.CONTACT).order_by("pk").first()
            contact = contact or _step(activist, K.CONTACT, due)
            contact.done_on, contact.due_on = due + timedelta(days=12), due
            contact.late, contact.late_reason = True, LATE_REASON
            contact.save()
    applicant = (
        active.filter(stage=DevelopmentStage.APPLICANT, talked_on__isnull=True)
        .order_by("pk")
        .first()
    )
    if applicant is None:
        applicant = active.filter(stage=DevelopmentStage.APPLICANT).order_by("pk").first()
        if applicant is not None:
            applicant.steps.filter(kind=K.TALK).delete()
            applicant.talked_on = None
    if applicant is None:
        applicant = _new_applicant(ra.branch, day)
        if applicant is None:
            return
    applied = day - timedelta(days=20)  # the talk falls due in ten days
    applicant.applied_on = applied
    applicant.steps.filter(kind=K.APPLICATION).update(done_on=applied)
    applicant.save(update_fields=["applied_on", "talked_on", "updated_at"])


def _new_applicant(branch: Any, day: date) -> Development | None:
    """Someone of the branch's departments who hands in an application (the small demo
    city may have no applicant in the secretary's branch)."""
    person = (
        Person.objects.filter(
            hospital_id=branch.hospital_id,
            department__branches=branch,
            political_status=PoliticalStatus.MASSES,
            status=PersonStatus.ACTIVE,
            development__isnull=True,
            birth_date__lte=add_months(day, -12 * 23),
        )
        .order_by("-pk")
        .first()
    )
    if person is None:
        return None
    dev = Development.objects.create(
        person=person,
        hospital_id=person.hospital_id,
        branch=branch,
        stage=DevelopmentStage.APPLICANT,
        applied_on=day - timedelta(days=20),
    )
    DevelopmentStep.objects.create(
        development=dev, kind=K.APPLICATION, label=K.APPLICATION.label, done_on=dev.applied_on
    )
    person.political_status = PoliticalStatus.APPLICANT
    person.save(update_fields=["political_status", "updated_at"])
    return dev
