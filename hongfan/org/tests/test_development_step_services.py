"""Recording the steps of 发展党员: the real date always, never a date in the future or before
the rule allows (refused, naming the rule, nothing changes); a step done after its
deadline is recorded as late with its reason; two 入党介绍人 only from the hospital's full
members; documents through the upload checks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from hongfan.core.access import access_for
from hongfan.core.dates import add_months, today
from hongfan.org.choices import (
    DevelopmentStage,
    DueUnit,
    PersonStatus,
    PoliticalStatus,
)
from hongfan.org.models import (
    Development,
    DevelopmentDocument,
    DevelopmentStep,
    DevelopmentStepRule,
    Person,
)
from hongfan.org.rules import DevDates
from hongfan.org.selectors.development import development_steps
from hongfan.org.services import development as services
from hongfan.org.tests.factories import (
    make_development,
    make_person,
    make_user,
    other_branch,
    primary,
    sec_branch,
    second,
)
from hongfan.org.tests.helpers import messages_of, row

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def applicant(db, sec):
    """An applicant of sec's branch who applied ``days`` ago (40 by default)."""

    def make(days: int = 40) -> Development:
        person = make_person(primary(), birth_date=date(1996, 2, 3))
        return services.development_start(
            access=sec, person=person, branch=sec_branch(), applied_on=today() - timedelta(days)
        )

    return make


def _plan(dev: Development, kind: str):
    for r in development_steps(access=None, development=dev).rows:  # type: ignore[arg-type]
        if r.plan.rule.kind == kind:
            return r.plan
    raise AssertionError(kind)


def _full_members(n: int = 2, hospital=None) -> list[Person]:
    return list(
        Person.objects.filter(
            hospital=hospital or primary(),
            political_status=PoliticalStatus.MEMBER,
            status=PersonStatus.ACTIVE,
        ).order_by("pk")[:n]
    )


def test_registering_an_application_records_it_as_the_first_step(applicant):
    dev = applicant(10)
    step = DevelopmentStep.objects.get(development=dev)
    assert (step.kind, step.done_on, step.late) == ("application", dev.applied_on, False)
    assert _plan(dev, "talk").latest == dev.applied_on + timedelta(days=30)


def test_a_talk_on_time_is_recorded_and_not_late(applicant, sec):
    dev = applicant(10)
    step = services.development_step_record(
        access=sec, development=dev, kind="talk", done_on=today() - timedelta(days=2)
    )
    dev.refresh_from_db()
    assert not step.late and dev.talked_on == today() - timedelta(days=2)


def test_a_late_talk_without_a_reason_is_refused_and_nothing_changes(applicant, sec):
    dev = applicant(40)
    before = row(dev)
    with pytest.raises(ValidationError) as exc:
        services.development_step_record(access=sec, development=dev, kind="talk", done_on=today())
    assert "逾期原因" in messages_of(exc.value)
    assert row(dev) == before
    assert not DevelopmentStep.objects.filter(development=dev, kind="talk").exists()


def test_a_late_talk_is_recorded_with_its_real_date_and_reason_never_backdated(applicant, sec):
    dev = applicant(40)
    step = services.development_step_record(
        access=sec,
        development=dev,
        kind="talk",
        done_on=today(),
        late_reason="申请人外出进修，返院后谈话",
    )
    dev.refresh_from_db()
    assert step.late and step.done_on == today() == dev.talked_on
    assert step.due_on == dev.applied_on + timedelta(days=30)
    assert step.late_reason == "申请人外出进修，返院后谈话"
    assert step.recorded_by_id is not None


def test_a_date_in_the_future_is_refused(applicant, sec):
    dev = applicant(10)
    with pytest.raises(ValidationError) as exc:
        services.development_step_record(
            access=sec, development=dev, kind="talk", done_on=today() + timedelta(days=1)
        )
    assert "不能晚于今天" in messages_of(exc.value)
    assert not DevelopmentStep.objects.filter(development=dev, kind="talk").exists()


def test_a_step_before_the_one_it_follows_is_refused(applicant, sec):
    dev = applicant(10)
    with pytest.raises(ValidationError) as exc:
        services.development_step_record(
            access=sec, development=dev, kind="talk", done_on=today() - timedelta(days=11)
        )
    assert "不能早于" in messages_of(exc.value)


def test_a_step_whose_previous_step_is_not_done_is_refused(applicant, sec):
    dev = applicant(10)
    with pytest.raises(ValidationError) as exc:
        services.development_step_record(
            access=sec, development=dev, kind="activist", done_on=today()
        )
    assert "须先完成“党组织派人谈话”" in messages_of(exc.value)


def test_a_candidate_less_than_a_year_after_becoming_activist_is_refused_naming_the_rule(db, sec):
    person = make_person(primary(), birth_date=date(1994, 1, 1))
    activist = today() - timedelta(days=200)
    dev = make_development(
        person,
        sec_branch(),
        DevDates(
            applied_on=activist - timedelta(days=40),
            talked_on=activist - timedelta(days=20),
            activist_on=activist,
        ),
    )
    services.development_step_record(
        access=sec, development=dev, kind="contact", done_on=activist + timedelta(days=5)
    )
    before = row(dev)
    with pytest.raises(ValidationError) as exc:
        services.development_step_record(
            access=sec, development=dev, kind="candidate", done_on=today()
        )
    text = messages_of(exc.value)
    assert "满12个月" in text and f"{add_months(activist, 12):%Y-%m-%d}" in text
    assert row(dev) == before


def test_becoming_activist_moves_the_development_to_the_next_column(applicant, sec):
    dev = applicant(10)
    services.development_step_record(
        access=sec, development=dev, kind="talk", done_on=today() - timedelta(days=5)
    )
    services.development_step_record(access=sec, development=dev, kind="activist", done_on=today())
    dev.refresh_from_db()
    assert dev.stage == DevelopmentStage.ACTIVIST and dev.activist_on == today()


def test_thought_reports_repeat_quarterly_and_a_late_one_needs_a_reason(db, sec):
    person = make_person(primary(), birth_date=date(1994, 1, 1))
    activist = today() - timedelta(days=200)
    dev = make_development(
        person,
        sec_branch(),
        DevDates(
            applied_on=activist - timedelta(days=40),
            talked_on=activist - timedelta(days=20),
            activist_on=activist,
        ),
    )
    first = activist + timedelta(days=80)
    services.development_step_record(
        access=sec, development=dev, kind="thought_report", done_on=first
    )
    assert _plan(dev, "thought_report").latest == add_months(first, 3)
    with pytest.raises(ValidationError) as exc:  # not again on or before the last one
        services.development_step_record(
            access=sec, development=dev, kind="thought_report", done_on=first
        )
    assert "须晚于上一次" in messages_of(exc.value)
    with pytest.raises(ValidationError):  # more than three months on: late
        services.development_step_record(
            access=sec, development=dev, kind="thought_report", done_on=today()
        )
    late = services.development_step_record(
        access=sec,
        development=dev,
        kind="thought_report",
        done_on=today(),
        late_reason="援疆期间未能按时提交",
    )
    assert (
        late.late
        and DevelopmentStep.objects.filter(development=dev, kind="thought_report").count() == 2
    )


def test_training_of_fewer_hours_than_the_rule_is_refused(candidate, sec):
    with pytest.raises(ValidationError) as exc:
        services.development_step_record(
            access=sec, development=candidate, kind="training", done_on=today(), hours=16
        )
    assert "24学时" in messages_of(exc.value)
    step = services.development_step_record(
        access=sec, development=candidate, kind="training", done_on=today(), hours=24
    )
    assert step.hours == 24


def _to_volunteer_form(dev: Development, sec) -> None:
    day = today() - timedelta(days=15)
    services.development_step_record(
        access=sec, development=dev, kind="training", done_on=day, hours=24
    )
    services.development_step_record(access=sec, development=dev, kind="notice", done_on=day)
    services.development_step_record(
        access=sec, development=dev, kind="pre_review", done_on=today()
    )


def test_the_volunteer_form_needs_two_introducers_first(candidate, sec):
    _to_volunteer_form(candidate, sec)
    with pytest.raises(ValidationError) as exc:
        services.development_step_record(
            access=sec, development=candidate, kind="volunteer_form", done_on=today()
        )
    assert "入党介绍人" in messages_of(exc.value)
    a, b = _full_members()
    services.development_introducers_set(access=sec, development=candidate, first=a, second=b)
    step = services.development_step_record(
        access=sec,
        development=candidate,
        kind="volunteer_form",
        done_on=today(),
        upload=ContentFile(PDF, name="志愿书.pdf"),  # type: ignore[arg-type]
    )
    assert step.documents.get().name == "志愿书.pdf"


def test_the_pre_review_counts_five_working_days_of_publication_on_the_calendar(candidate, sec):
    from hongfan.workdays.selectors import add_workdays

    posted = today() - timedelta(days=2)
    services.development_step_record(
        access=sec, development=candidate, kind="training", done_on=posted, hours=24
    )
    services.development_step_record(
        access=sec, development=candidate, kind="notice", done_on=posted
    )
    plan = _plan(candidate, "pre_review")
    assert plan.earliest == add_workdays(start=posted, n=5)
    with pytest.raises(ValidationError) as exc:
        services.development_step_record(
            access=sec, development=candidate, kind="pre_review", done_on=today()
        )
    assert "5个工作日" in messages_of(exc.value)


def test_the_branch_meeting_makes_the_candidate_a_probationary_member(candidate, sec):
    _to_volunteer_form(candidate, sec)
    a, b = _full_members()
    services.development_introducers_set(access=sec, development=candidate, first=a, second=b)
    services.development_step_record(
        access=sec, development=candidate, kind="volunteer_form", done_on=today()
    )
    services.development_step_record(
        access=sec, development=candidate, kind="branch_meeting", done_on=today()
    )
    candidate.refresh_from_db()
    candidate.person.refresh_from_db()
    assert candidate.stage == DevelopmentStage.PROBATIONARY
    assert candidate.person.political_status == PoliticalStatus.PROBATIONARY
    assert candidate.person.joined_on == today()


def test_a_city_may_change_a_deadline_from_a_date_on(applicant, sec):
    """Rules are data, versioned: a city's own version of the talk's deadline applies from
    its date; the defaults before."""
    dev = applicant(20)
    assert _plan(dev, "talk").latest == dev.applied_on + timedelta(days=30)
    DevelopmentStepRule.objects.create(
        authority=primary().authority,
        effective_from=today() - timedelta(days=1),
        kind="talk",
        label="党组织派人谈话",
        stage="applicant",
        order=2,
        after="application",
        latest_amount=15,
        latest_unit=DueUnit.DAYS,
    )
    assert _plan(dev, "talk").latest == dev.applied_on + timedelta(days=15)
    step = services.development_step_record(
        access=sec, development=dev, kind="talk", done_on=today(), late_reason="值班"
    )
    assert step.late


# --- 入党介绍人 ---------------------------------------------------------------------------


def test_two_full_members_of_the_hospital_become_the_introducers(candidate, sec):
    a, b = _full_members()
    services.development_introducers_set(access=sec, development=candidate, first=a, second=b)
    candidate.refresh_from_db()
    assert (candidate.introducer_1, candidate.introducer_2) == (a, b)
    assert candidate.introducers == f"{a.name}、{b.name}"


@pytest.mark.parametrize(
    "who",
    ["masses", "probationary", "other_hospital", "left", "applicant_self"],
)
def test_only_full_members_of_the_hospital_may_introduce(candidate, sec, who):
    a = _full_members(1)[0]
    other = {
        "masses": lambda: make_person(primary(), political_status=PoliticalStatus.MASSES),
        "probationary": lambda: make_person(
            branch=sec_branch(), political_status=PoliticalStatus.PROBATIONARY
        ),
        "other_hospital": lambda: _full_members(1, second())[0],
        "left": lambda: make_person(
            branch=sec_branch(), political_status=PoliticalStatus.MEMBER, status=PersonStatus.LEFT
        ),
        "applicant_self": lambda: candidate.person,
    }[who]()
    before = row(candidate)
    with pytest.raises(ValidationError) as exc:
        services.development_introducers_set(
            access=sec, development=candidate, first=a, second=other
        )
    assert f"{other.name}不是本院在职的正式党员" in messages_of(exc.value)
    assert row(candidate) == before


def test_the_same_person_cannot_introduce_twice(candidate, sec):
    a = _full_members(1)[0]
    with pytest.raises(ValidationError) as exc:
        services.development_introducers_set(access=sec, development=candidate, first=a, second=a)
    assert "不能是同一人" in messages_of(exc.value)


def test_a_secretary_of_another_branch_cannot_record_steps_or_introducers(db, candidate):
    branch = other_branch()
    other_sec = make_user("other-sec-dev", roles=[("branch_secretary", None, branch)])
    access = access_for(other_sec)
    before = row(candidate)
    with pytest.raises(PermissionDenied):
        services.development_step_record(
            access=access, development=candidate, kind="training", done_on=today(), hours=24
        )
    a, b = _full_members()
    with pytest.raises(PermissionDenied):
        services.development_introducers_set(
            access=access, development=candidate, first=a, second=b
        )
    assert row(candidate) == before
    assert not DevelopmentStep.objects.filter(development=candidate, kind="training").exists()


# --- documents ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,says",
    [
        ("申请书.pdf", b"<html><script>alert(1)</script></html>", "只能上传"),
        ("申请书.exe", PDF, "扩展名"),
        ("申请书.pdf", b"", "空文件"),
        ("表格.xlsx", b"PK\x03\x04", "扩展名为.xlsx"),
    ],
)
def test_a_bad_upload_is_refused_and_the_step_is_not_recorded(applicant, sec, name, content, says):
    dev = applicant(10)
    with pytest.raises(ValidationError) as exc:
        services.development_step_record(
            access=sec,
            development=dev,
            kind="talk",
            done_on=today(),
            upload=ContentFile(content, name=name),  # type: ignore[arg-type]
        )
    assert says in messages_of(exc.value)
    assert not DevelopmentStep.objects.filter(development=dev, kind="talk").exists()
    dev.refresh_from_db()
    assert dev.talked_on is None


def test_a_document_can_be_added_to_a_step_later(applicant, sec):
    dev = applicant(10)
    step = DevelopmentStep.objects.get(development=dev, kind="application")
    doc = services.development_document_add(
        access=sec,
        step=step,
        upload=ContentFile(PDF, name="入党申请书.pdf"),  # type: ignore[arg-type]
    )
    assert (doc.name, doc.content_type) == ("入党申请书.pdf", "application/pdf")
    assert DevelopmentDocument.objects.filter(step=step).count() == 1


def _probationary(sec) -> Development:
    person = make_person(primary(), birth_date=date(1993, 1, 1))
    joined = today() - timedelta(days=60)
    return make_development(
        person,
        sec_branch(),
        DevDates(
            applied_on=add_months(joined, -20),
            talked_on=add_months(joined, -20) + timedelta(days=10),
            activist_on=add_months(joined, -19),
            candidate_on=add_months(joined, -6),
            reviewed_on=add_months(joined, -5),
            training_hours=24,
            probation_on=joined,
        ),
    )


def test_an_extended_probation_moves_the_conversion_once(db, sec):
    dev = _probationary(sec)
    for kind in ("approval", "oath"):
        services.development_step_record(access=sec, development=dev, kind=kind, done_on=today())
    before = _plan(dev, "conversion_application").latest
    assert before == add_months(dev.probation_on, 12)
    services.development_extend(access=sec, development=dev, months=6, reason="支部大会决议")
    dev.refresh_from_db()
    assert _plan(dev, "conversion_application").latest == add_months(before, 6)
    with pytest.raises(ValidationError) as exc:
        services.development_extend(access=sec, development=dev, months=12, reason="再延")
    assert "只能延长一次" in messages_of(exc.value)
    dev.refresh_from_db()
    assert dev.extension_months == 6


@pytest.mark.parametrize("months", [0, 3, 13])
def test_an_extension_outside_the_rule_is_refused(db, sec, months):
    dev = _probationary(sec)
    with pytest.raises(ValidationError) as exc:
        services.development_extend(access=sec, development=dev, months=months, reason="决议")
    assert "6—12个月" in messages_of(exc.value)
    dev.refresh_from_db()
    assert dev.extension_months == 0


def test_an_activist_cannot_have_the_probation_extended(candidate, sec):
    with pytest.raises(ValidationError) as exc:
        services.development_extend(access=sec, development=candidate, months=6, reason="决议")
    assert "只有预备党员" in messages_of(exc.value)


def test_a_step_of_a_stage_passed_can_be_filled_in_with_its_real_date(db, sec):
    """Records made before steps existed lack the 公示: it may be filled in (补登), never
    due and not late, and the stage stays."""
    dev = _probationary(sec)
    plan = _plan(dev, "notice")
    assert plan.state == "skipped" and plan.open and plan.latest is None
    posted = dev.probation_on - timedelta(days=20)
    step = services.development_step_record(
        access=sec, development=dev, kind="notice", done_on=posted
    )
    dev.refresh_from_db()
    assert not step.late and dev.stage == DevelopmentStage.PROBATIONARY
    with pytest.raises(ValidationError) as exc:
        services.development_step_record(
            access=sec, development=dev, kind="notice", done_on=today()
        )
    assert "已登记，不能重复登记" in messages_of(exc.value)
